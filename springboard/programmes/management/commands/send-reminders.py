from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from springboard.programmes.services import reminders_enqueue


class Command(BaseCommand):
    help = (
        "Queue today's reminder e-mails (tasks due today, weekly wellbeing check-ins). Meant for "
        "cron; running it twice, or on two machines at once, sends each reminder once."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        claimed = reminders_enqueue(today=timezone.localdate())
        self.stdout.write(f"Reminders queued: {claimed}")
