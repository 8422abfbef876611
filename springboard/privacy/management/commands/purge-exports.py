from typing import Any

from django.core.management.base import BaseCommand

from springboard.privacy.exports.services import exports_purge


class Command(BaseCommand):
    help = (
        "Daily: remove the ZIP files of personal-data exports whose download link has expired "
        "(7 days after they were made). Safe to run twice or in parallel."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        removed = exports_purge()
        self.stdout.write(f"Expired exports removed: {removed}")
