"""R5's fixes (docs/reliability.md): a database that goes away gives a clean, translated 503,
never a traceback; a task worker waits for it and re-queues what it was running."""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError
from django.tasks import TaskResultStatus
from django.test import Client, override_settings
from django_tasks_db.models import DBTaskResult

from springboard.core.leases import requeue_own_tasks

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def _database_gone(*args: Any, **kwargs: Any) -> None:
    raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")


@pytest.fixture
def failing_client() -> Client:
    # raise_request_exception: the test client re-raises by default; production answers.
    return Client(raise_request_exception=False)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "nl"])
def test_a_page_while_the_database_is_down_is_a_translated_503(
    failing_client: Client, language: str
) -> None:
    from springboard.tenancy import middleware

    with mock.patch.object(middleware.TenantMiddleware, "__call__", _database_gone):
        response = failing_client.get("/", headers={"accept-language": language})

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    body = response.content.decode()
    assert "Traceback" not in body
    assert ("Briefly unavailable" if language == "en" else "Even niet beschikbaar") in body


@pytest.mark.django_db
def test_an_api_call_while_the_database_is_down_is_a_json_503(failing_client: Client) -> None:
    from springboard.tenancy import middleware

    with mock.patch.object(
        middleware.TenantMiddleware,
        "__call__",
        mock.Mock(side_effect=InterfaceError("connection already closed")),
    ):
        response = failing_client.get("/api/v1/a/alpha/employers")

    assert response.status_code == 503
    assert response.json() == {"detail": "Service Unavailable", "retry_after": 5}


@pytest.mark.django_db
def test_any_other_failure_is_still_a_500(failing_client: Client) -> None:
    from springboard.tenancy import middleware

    with mock.patch.object(
        middleware.TenantMiddleware, "__call__", mock.Mock(side_effect=RuntimeError("bug"))
    ):
        response = failing_client.get("/")

    assert response.status_code == 500


@pytest.mark.django_db
@override_settings(TASKS=DB_TASKS)
def test_a_worker_that_lost_the_database_requeues_only_its_own_interrupted_task() -> None:
    from springboard.core.tasks import worker_ping

    mine = DBTaskResult.objects.get(pk=worker_ping.enqueue("a").id)
    mine.claim("me")
    other = DBTaskResult.objects.get(pk=worker_ping.enqueue("b").id)
    other.claim("someone-else")

    assert requeue_own_tasks("me") == 1

    mine.refresh_from_db()
    other.refresh_from_db()
    assert mine.status == TaskResultStatus.READY
    assert other.status == TaskResultStatus.RUNNING


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DB_TASKS)
def test_the_worker_survives_a_database_failure_and_then_runs_the_queue() -> None:
    """The first poll fails as if the server restarted; the worker waits, reconnects and runs
    the queued task instead of exiting."""
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResultQuerySet

    from springboard.core.management.commands import db_worker
    from springboard.core.tasks import worker_ping

    result = worker_ping.enqueue("after the restart")
    real_get_locked = DBTaskResultQuerySet.get_locked
    calls = {"n": 0}

    def flaky(self: DBTaskResultQuerySet) -> Any:
        calls["n"] += 1
        if calls["n"] == 1:
            raise OperationalError("terminating connection due to administrator command")
        return real_get_locked(self)

    with (
        mock.patch.object(DBTaskResultQuerySet, "get_locked", flaky),
        mock.patch.object(db_worker, "RECONNECT_SECONDS", 0.01),
    ):
        call_command(
            "db_worker", "--batch", "--no-startup-delay", "--no-reload", "--worker-id", "w"
        )

    assert calls["n"] >= 2
    assert DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.SUCCESSFUL
