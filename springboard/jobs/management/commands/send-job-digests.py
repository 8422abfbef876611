from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from springboard.jobs.services import digests_enqueue


class Command(BaseCommand):
    help = (
        "Queue the e-mail digests of saved job searches: one per search per day (daily) or ISO "
        "week (weekly), listing only vacancies added since the last one; nothing when there are "
        "none. Safe to run as often as you like (cron: hourly or daily)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        claimed = digests_enqueue(now=timezone.now())
        self.stdout.write(f"Job digests queued: {claimed}")
