"""Worker leases and the reaper of lost tasks (reliability drill R1, docs/reliability.md).

django_tasks_db marks a task RUNNING when a worker claims it and SUCCESSFUL or FAILED when the
worker finishes; a worker killed in between (SIGKILL, out of memory, a lost machine) leaves the
task RUNNING for ever, and whatever it was doing (an enrolment import, an export) "in progress".

Every worker started with `springboard db_worker` therefore holds a lease: a row renewed every
few seconds by a thread of its own. A running task whose last worker holds no live lease is put
back in the queue (READY) by the reaper, which every worker runs at start and then once per lease
period, and `springboard reap-tasks` runs from cron. After TASK_MAX_ATTEMPTS claims the task is
marked failed instead, so a task that kills its worker (a poison file) cannot take down the pool.

A task can thus run again after a partial first run, so the task bodies are idempotent: each
writes in one transaction keyed by its object's status (a killed run's transaction is rolled
back by the database), or skips what a previous run finished.
"""

from __future__ import annotations

import datetime
import logging
import os
import socket
import threading
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection, transaction
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from springboard.core.models import WorkerLease

logger = logging.getLogger(__name__)

LOST_EXCEPTION = "springboard.core.leases.WorkerLost"


class WorkerLost(Exception):
    """Recorded as the failure of a task whose workers died TASK_MAX_ATTEMPTS times."""


def lease_seconds() -> float:
    return float(getattr(settings, "TASK_WORKER_LEASE_SECONDS", 60))


def max_attempts() -> int:
    return int(getattr(settings, "TASK_MAX_ATTEMPTS", 3))


def lease_renew(worker_id: str, *, started_at: datetime.datetime | None = None) -> None:
    now = timezone.now()
    updated = WorkerLease.objects.filter(worker_id=worker_id).update(renewed_at=now)
    if not updated:
        WorkerLease.objects.update_or_create(
            worker_id=worker_id,
            defaults={
                "hostname": socket.gethostname()[:255],
                "pid": os.getpid(),
                "started_at": started_at or now,
                "renewed_at": now,
            },
        )


def lease_release(worker_id: str) -> None:
    WorkerLease.objects.filter(worker_id=worker_id).delete()


@dataclass(frozen=True)
class Reaped:
    requeued: list[str]
    failed: list[str]


def reap_lost_tasks(*, now: datetime.datetime | None = None) -> Reaped:
    """Put back in the queue the running tasks whose worker's lease expired; fail those that
    have used up their attempts. Safe to run from several workers at once: rows are locked and
    re-checked, and one another worker is reaping is skipped."""
    now = now or timezone.now()
    expired_before = now - datetime.timedelta(seconds=lease_seconds())
    live = set(
        WorkerLease.objects.filter(renewed_at__gte=expired_before).values_list(
            "worker_id", flat=True
        )
    )
    requeued: list[str] = []
    failed: list[str] = []
    with transaction.atomic():
        running = DBTaskResult.objects.running().filter(started_at__lt=expired_before)
        if connection.features.has_select_for_update_skip_locked:
            running = running.select_for_update(skip_locked=True)
        for result in running:
            last_worker = result.worker_ids[-1] if result.worker_ids else None
            if last_worker in live:
                continue
            if len(result.worker_ids) >= max_attempts():
                result.status = TaskResultStatus.FAILED
                result.finished_at = now
                result.exception_class_path = LOST_EXCEPTION
                result.traceback = (
                    f"The worker running this task stopped without finishing it "
                    f"{len(result.worker_ids)} times (workers {', '.join(result.worker_ids)}); "
                    f"not retried again."
                )
                result.save(
                    update_fields=["status", "finished_at", "exception_class_path", "traceback"]
                )
                failed.append(str(result.id))
            else:
                result.status = TaskResultStatus.READY
                result.save(update_fields=["status"])
                requeued.append(str(result.id))
    for task_id in requeued:
        logger.warning("Task %s lost its worker: queued again", task_id)
    for task_id in failed:
        logger.error("Task %s lost its worker %d times: marked failed", task_id, max_attempts())
    return Reaped(requeued=requeued, failed=failed)


def requeue_own_tasks(worker_id: str) -> int:
    """Queue again the tasks this worker holds as running while it runs none: a database
    failure interrupted them and they could not be marked finished (the worker survived)."""
    requeued = 0
    with transaction.atomic():
        for result in DBTaskResult.objects.running().select_for_update():
            if result.worker_ids and result.worker_ids[-1] == worker_id:
                result.status = TaskResultStatus.READY
                result.save(update_fields=["status"])
                requeued += 1
    return requeued


class LeaseKeeper(threading.Thread):
    """Renews a worker's lease every quarter lease period and reaps once per period, on its own
    database connection, while the worker's main thread runs tasks. Database errors (a restart)
    are logged and retried on the next beat: the lease has four beats to get through."""

    def __init__(self, worker_id: str, started_at: datetime.datetime) -> None:
        super().__init__(name=f"lease-{worker_id}", daemon=True)
        self.worker_id = worker_id
        self.started_at = started_at
        self.stopping = threading.Event()

    def beat(self, *, reap: bool) -> None:
        close_old_connections()
        try:
            lease_renew(self.worker_id, started_at=self.started_at)
            if reap:
                reap_lost_tasks()
        except DatabaseError as exc:
            logger.warning("Worker %s could not renew its lease: %s", self.worker_id, exc)
        finally:
            close_old_connections()

    def run(self) -> None:
        interval = max(lease_seconds() / 4, 0.2)
        beats = 0
        try:
            while not self.stopping.wait(interval):
                beats += 1
                self.beat(reap=beats % 4 == 0)
        finally:
            connection.close()

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=5)
