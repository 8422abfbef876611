"""`springboard ping-worker`: is a task worker running and taking work from this database?"""

from __future__ import annotations

import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.tasks import TaskResultStatus
from django.utils.crypto import get_random_string

from springboard.core.tasks import worker_ping

POLL_SECONDS = 0.2


class Command(BaseCommand):
    help = (
        "Queue a task that does nothing and wait until a worker has run it: exits 0 with the "
        "worker's id, or 1 when no worker ran it in time. For deployments and monitoring."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--timeout", type=float, default=30.0, help="seconds to wait (default 30)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        token = get_random_string(16)
        started = time.monotonic()
        result = worker_ping.enqueue(token)
        deadline = started + options["timeout"]
        while not result.is_finished and time.monotonic() < deadline:
            time.sleep(POLL_SECONDS)
            result.refresh()
        waited = time.monotonic() - started
        if result.status != TaskResultStatus.SUCCESSFUL or result.return_value != token:
            raise CommandError(
                f"No worker ran task {result.id} within {options['timeout']:g} s "
                f"(status {result.status}). Is `springboard db_worker` running?"
            )
        workers = ", ".join(result.worker_ids) or "in-process"
        self.stdout.write(f"Task {result.id} ran on worker {workers} after {waited:.1f} s.")
