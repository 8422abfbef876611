from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from springboard.privacy.alumni import send_alumni_notices


class Command(BaseCommand):
    help = (
        "Daily alumni run for cron: e-mail every former candidate whose read-only access ends "
        "within 30 days, in their language, once per end of access. Safe to run twice or in "
        "parallel."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        sent = send_alumni_notices(timezone.localdate())
        self.stdout.write(f"Alumni notices sent: {sent}")
