from __future__ import annotations

from unittest import mock

from django.test import Client


def test_healthz_reports_ok(db: None, client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "pending_migrations": 0}


def test_healthz_fails_when_migrations_are_pending(db: None, client: Client) -> None:
    with mock.patch(
        "django.db.migrations.executor.MigrationExecutor.migration_plan",
        return_value=[("x", False)],
    ):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["pending_migrations"] == 1


def test_healthz_fails_when_the_database_is_unreachable(db: None, client: Client) -> None:
    from django.db import OperationalError

    with mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=OperationalError):
        response = client.get("/healthz")
    assert response.status_code == 503
