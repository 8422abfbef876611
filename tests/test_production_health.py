"""Liveness (/healthz) and readiness (/readyz): what a load balancer and a deployment rely on."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import OperationalError, connection
from django.db.migrations.recorder import MigrationRecorder
from django.test import Client, override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from springboard.core import health

pytestmark = pytest.mark.django_db


def _ready_task(
    *, waiting_for: datetime.timedelta, deferred: bool = False, **fields: object
) -> None:
    """A task row as the database backend writes it, enqueued `waiting_for` ago (or, when
    `deferred`, enqueued long before and due since `waiting_for` ago)."""
    now = timezone.now()
    row = DBTaskResult.objects.create(
        args_kwargs={"args": ["x"], "kwargs": {}},
        task_path="springboard.core.tasks.worker_ping",
        backend_name="default",
        run_after=now - waiting_for if deferred else get_date_max(),
        **fields,
    )
    enqueued = now - waiting_for - datetime.timedelta(hours=5 if deferred else 0)
    DBTaskResult.objects.filter(pk=row.pk).update(enqueued_at=enqueued)


def test_readyz_is_ok_on_a_migrated_database_with_an_empty_queue(client: Client) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "migrations": "ok", "tasks": "ok"},
        "pending_migrations": 0,
        "oldest_ready_task_seconds": 0,
    }
    assert response.headers["Cache-Control"].startswith("max-age=0")


def test_readyz_fails_while_a_migration_is_not_applied(client: Client) -> None:
    recorder = MigrationRecorder(connection)
    recorder.migration_qs.filter(app="accounts", name="0001_initial").delete()
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["checks"]["migrations"] == "pending"
    assert body["checks"]["database"] == "ok"
    assert body["pending_migrations"] == 1


def test_a_squashed_migration_counts_as_applied_when_what_it_replaces_is(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    recorder = MigrationRecorder(connection)
    replaced = tuple(recorder.applied_migrations())[:2]
    squashed = {("accounts", "0001_squashed"): replaced}
    monkeypatch.setattr(health, "_migration_graph", lambda: squashed)
    assert health.pending_migrations() == []
    recorder.migration_qs.filter(app=replaced[0][0], name=replaced[0][1]).delete()
    assert health.pending_migrations() == [("accounts", "0001_squashed")]


def test_database_outage_fails_readiness_but_not_liveness(client: Client) -> None:
    with mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=OperationalError):
        ready = client.get("/readyz")
        alive = client.get("/healthz")
    assert ready.status_code == 503
    assert ready.json()["checks"] == {
        "database": "unreachable",
        "migrations": "unknown",
        "tasks": "unknown",
    }
    assert alive.status_code == 200
    assert alive.json() == {"status": "ok"}


def test_healthz_makes_no_query(
    client: Client, django_assert_num_queries: pytest.FixtureDef[object]
) -> None:
    with django_assert_num_queries(0):  # type: ignore[operator]
        assert client.get("/healthz").status_code == 200


def test_readyz_stays_cheap(
    client: Client, django_assert_max_num_queries: pytest.FixtureDef[object]
) -> None:
    client.get("/readyz")  # reads the migration graph on disk once per process
    # SELECT 1, the migrations table's existence and rows, the task aggregate; on PostgreSQL
    # also the transaction (a savepoint in a test) and its statement timeout.
    with django_assert_max_num_queries(7 if connection.vendor == "postgresql" else 4):  # type: ignore[operator]
        assert client.get("/readyz").status_code == 200


def test_a_task_waiting_too_long_fails_readiness(client: Client) -> None:
    _ready_task(waiting_for=datetime.timedelta(minutes=20))
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["checks"]["tasks"] == "stalled"
    assert 20 * 60 - 5 <= body["oldest_ready_task_seconds"] <= 20 * 60 + 60
    with override_settings(READYZ_MAX_TASK_AGE_MINUTES=30):
        assert client.get("/readyz").status_code == 200


def test_a_deferred_task_waits_from_its_due_time_not_its_enqueueing(client: Client) -> None:
    _ready_task(waiting_for=datetime.timedelta(minutes=2), deferred=True)
    response = client.get("/readyz")
    assert response.status_code == 200
    assert 100 <= response.json()["oldest_ready_task_seconds"] <= 200


def test_tasks_not_waiting_for_a_worker_do_not_count(client: Client) -> None:
    long_ago = datetime.timedelta(hours=3)
    _ready_task(waiting_for=long_ago, status="SUCCESSFUL")
    _ready_task(waiting_for=long_ago, status="RUNNING")
    _ready_task(waiting_for=-long_ago, deferred=True)  # due in three hours
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["oldest_ready_task_seconds"] == 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's statement_timeout")
@pytest.mark.django_db(
    transaction=True
)  # the probe's transaction is the outermost, as in a request
def test_the_probe_runs_under_a_short_statement_timeout() -> None:
    with health._probe_transaction(), connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone() == (f"{health.STATEMENT_TIMEOUT_MS // 1000}s",)
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone() != (f"{health.STATEMENT_TIMEOUT_MS // 1000}s",)


def test_ping_worker_reports_the_task_that_ran(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("ping-worker", "--timeout", "2")
    assert "ran on worker" in capsys.readouterr().out
