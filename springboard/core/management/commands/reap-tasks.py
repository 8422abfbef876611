"""`springboard reap-tasks`: queue again the tasks whose worker died (core/leases.py)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from springboard.core.leases import reap_lost_tasks


class Command(BaseCommand):
    help = (
        "Put back in the queue the tasks left running by a worker that stopped without "
        "finishing them (its lease expired); fail those that lost their worker too often. "
        "Workers do this themselves; run it from cron as well, for when no worker is running."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        reaped = reap_lost_tasks()
        self.stdout.write(
            f"{len(reaped.requeued)} task(s) queued again, {len(reaped.failed)} marked failed."
        )
