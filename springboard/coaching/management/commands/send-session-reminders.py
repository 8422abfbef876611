from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from springboard.coaching.services import session_reminders_enqueue


class Command(BaseCommand):
    help = (
        "Queue reminder e-mails for coaching sessions starting within a day. Meant for cron "
        "(every few minutes); running it twice, or on two machines at once, reminds once per "
        "start time."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        claimed = session_reminders_enqueue(now=timezone.now())
        self.stdout.write(f"Session reminders queued: {claimed}")
