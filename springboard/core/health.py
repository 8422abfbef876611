"""Readiness: can this process serve requests right now?

Each check is a cheap read, so a load balancer may call `/readyz` every few seconds on every
process: one query for the applied migrations (the migration graph on disk is read once per
process), one aggregate over the ready tasks (served by django_tasks_db's partial index on
READY rows). On PostgreSQL the checks run under a short statement timeout, so a database that
hangs makes the probe fail fast instead of holding a worker.
"""

from __future__ import annotations

import datetime
import functools
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Min, Q
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

logger = logging.getLogger(__name__)

# A probe that takes longer than this is as good as a failure to a load balancer.
STATEMENT_TIMEOUT_MS = 2000
DEFAULT_MAX_TASK_AGE_MINUTES = 15


@dataclass
class Readiness:
    checks: dict[str, str] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def ready(self) -> bool:
        return all(value == "ok" for value in self.checks.values())

    def as_json(self) -> dict[str, Any]:
        return {"status": "ok" if self.ready else "error", "checks": self.checks, **self.details}


@functools.cache
def _migration_graph() -> dict[tuple[str, str], tuple[tuple[str, str], ...]]:
    """Every migration this code expects, with the migrations a squashed one replaces.

    Read without a connection, so squashed migrations stand in for the ones they replace;
    the code on disk does not change under a running process, so it is read once.
    """
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return {key: tuple(node.replaces or ()) for key, node in loader.graph.nodes.items()}


def pending_migrations() -> list[tuple[str, str]]:
    applied = set(MigrationRecorder(connection).applied_migrations())
    return sorted(
        key
        for key, replaces in _migration_graph().items()
        if key not in applied and not (replaces and applied.issuperset(replaces))
    )


def oldest_ready_task_age(now: datetime.datetime) -> datetime.timedelta | None:
    """How long the task that has waited longest for a worker has been waiting.

    A task without `run_after` waits from its enqueueing; a deferred one from its `run_after`.
    """
    never = get_date_max()
    ready = DBTaskResult.objects.ready()
    oldest = ready.aggregate(
        enqueued=Min("enqueued_at", filter=Q(run_after=never)),
        deferred=Min("run_after", filter=~Q(run_after=never)),
    )
    starts = [value for value in (oldest["enqueued"], oldest["deferred"]) if value is not None]
    return now - min(starts) if starts else None


def max_task_age() -> datetime.timedelta:
    minutes = getattr(settings, "READYZ_MAX_TASK_AGE_MINUTES", DEFAULT_MAX_TASK_AGE_MINUTES)
    return datetime.timedelta(minutes=minutes)


@contextmanager
def _probe_transaction() -> Iterator[None]:
    """PostgreSQL: a transaction whose statements time out quickly. SQLite: none, because its
    IMMEDIATE transactions take the write lock, and a probe must not queue behind writers."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL statement_timeout = {STATEMENT_TIMEOUT_MS}")
        yield


def readiness() -> Readiness:
    result = Readiness()
    try:
        with _probe_transaction():
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
            result.checks["database"] = "ok"
            pending = pending_migrations()
            result.checks["migrations"] = "pending" if pending else "ok"
            result.details["pending_migrations"] = len(pending)
            age = oldest_ready_task_age(timezone.now())
    except DatabaseError:
        # The reason goes to the operator's log, not to whoever can reach the probe.
        logger.warning("readiness check failed", exc_info=True)
        result.checks.setdefault("database", "unreachable")
        result.checks.setdefault("migrations", "unknown")
        result.checks["tasks"] = "unknown"
        return result
    waited = max(age.total_seconds(), 0.0) if age is not None else 0.0
    result.details["oldest_ready_task_seconds"] = round(waited)
    result.checks["tasks"] = "stalled" if age is not None and age > max_task_age() else "ok"
    return result
