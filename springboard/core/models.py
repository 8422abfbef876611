"""Models of the core app: the leases of running task workers."""

from __future__ import annotations

from django.db import models


class WorkerLease(models.Model):
    """A task worker's sign of life, renewed every few seconds while it runs (core/leases.py).

    A task marked running whose worker's lease has expired was left behind by a worker that died
    (SIGKILL, out of memory, power loss): the reaper puts it back in the queue."""

    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField()
    renewed_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.hostname}:{self.pid})"
