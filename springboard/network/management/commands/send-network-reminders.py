from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from springboard.network.services import follow_up_reminders_enqueue


class Command(BaseCommand):
    help = (
        "Queue today's network follow-up reminder e-mails. Meant for cron next to "
        "send-reminders; running it twice, or on two machines at once, sends each reminder once."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        claimed = follow_up_reminders_enqueue(today=timezone.localdate())
        self.stdout.write(f"Network reminders queued: {claimed}")
