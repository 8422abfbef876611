from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from springboard.outcomes.services import outcome_reminders_run


class Command(BaseCommand):
    help = (
        "Daily outcomes run for cron: move placed programmes whose new work started to "
        "aftercare, e-mail due aftercare check-ins (and one reminder), and send coaches a weekly "
        "reminder of missing outcomes and overdue aftercare. Safe to run twice or in parallel."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        summary = outcome_reminders_run(today=timezone.localdate())
        self.stdout.write(
            f"Moved to aftercare: {summary.moved_to_aftercare}; check-in e-mails queued: "
            f"{summary.checkins_queued}; coach reminders queued: {summary.digests_queued}"
        )
