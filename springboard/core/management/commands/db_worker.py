"""`springboard db_worker`: django_tasks_db's worker, holding a lease while it runs.

Same options as django_tasks_db's command (this one replaces it: springboard.core comes before
django_tasks_db in INSTALLED_APPS). The worker renews a lease every few seconds and reaps the
tasks of workers that died (core/leases.py): a SIGKILLed worker's task runs again instead of
staying "running" for ever.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from typing import Any

from django.db import DatabaseError, close_old_connections
from django.utils import timezone
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker as base

from springboard.core.leases import (
    LeaseKeeper,
    lease_release,
    lease_renew,
    reap_lost_tasks,
    requeue_own_tasks,
)

logger = logging.getLogger(__name__)
RECONNECT_SECONDS = 1.0


class LeasedWorker(base.Worker):
    def run(self) -> None:
        started_at = timezone.now()
        # The lease is taken before the first claim, so no task of this worker is ever reaped.
        lease_renew(self.worker_id, started_at=started_at)
        reap_lost_tasks()
        keeper = LeaseKeeper(self.worker_id, started_at)
        keeper.start()
        try:
            while True:
                try:
                    super().run()
                    return
                except DatabaseError as error:
                    # The database went away (a restart): wait for it instead of exiting, then
                    # queue again what this worker was running when it failed (R5).
                    logger.warning("Worker %s lost the database: %s", self.worker_id, error)
                    if not self._wait_for_database():
                        return
        finally:
            # A graceful stop (SIGTERM, --batch, --max-tasks) hands the lease back at once.
            keeper.stop()
            with contextlib.suppress(DatabaseError):  # else the lease expires by itself
                lease_release(self.worker_id)

    def _wait_for_database(self) -> bool:
        """Sleep until the database answers again (False: asked to stop meanwhile), then
        re-queue this worker's interrupted task."""
        self.running_task = False
        while self.running:
            time.sleep(RECONNECT_SECONDS)
            close_old_connections()
            try:
                requeued = requeue_own_tasks(self.worker_id)
            except DatabaseError:
                continue
            logger.warning(
                "Worker %s reconnected; %d interrupted task(s) queued again",
                self.worker_id,
                requeued,
            )
            return True
        return False


class Command(base.Command):
    help = base.Command.help + ", holding a lease so that a task of a dead worker runs again"

    def handle(self, *args: Any, **options: Any) -> None:
        self.configure_logging(options["verbosity"])
        queue_names = options["queue_name"].split(",")
        excluded = options["exclude_queues"].split(",") if options["exclude_queues"] else []
        if excluded and "*" not in queue_names:
            raise base.CommandError("--exclude-queues can only be used with --queue-name=*")
        reload = options["reload"] and not options["batch"]
        worker = LeasedWorker(
            queue_names=queue_names,
            interval=options["interval"],
            batch=options["batch"],
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"],
            excluded_queue_names=excluded,
        )
        if reload:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
