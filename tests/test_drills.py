"""Reliability drills (docs/reliability.md) as tests: the property each drill measures, proved
on a small scale. The full drills with real processes are bench/r<N>_*.py (`make bench B=R1`).
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.tasks import TaskResultStatus
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from springboard.core.leases import LOST_EXCEPTION, lease_renew, reap_lost_tasks
from springboard.core.models import WorkerLease

needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL (the PostgreSQL pass runs it)"
)

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


# --- R1: a worker killed mid-task --------------------------------------------------------------


def _claimed_by_dead_worker(task: DBTaskResult, *, ago: float = 600) -> None:
    """What SIGKILL leaves behind: the task claimed (RUNNING) by a worker holding no lease."""
    task.claim("killed-worker")
    DBTaskResult.objects.filter(pk=task.pk).update(
        started_at=timezone.now() - datetime.timedelta(seconds=ago)
    )


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DB_TASKS)
def test_r1_task_of_a_killed_worker_runs_again_and_its_effects_happen_once() -> None:
    from bench.r1_worker_kill import _prepare
    from springboard.accounts.models import Invitation
    from springboard.employers.models import Enrolment, EnrolmentImport, ImportStatus

    engagement, import_id = _prepare(12)
    task = DBTaskResult.objects.get(task_path__endswith="run_enrolment_import")
    _claimed_by_dead_worker(task)
    # The killed run's transaction was rolled back by the database: nothing of it is there.
    assert EnrolmentImport.objects.get(public_id=import_id).status == ImportStatus.IMPORTING

    call_command(
        "db_worker", "--batch", "--no-startup-delay", "--no-reload", "--worker-id", "alive"
    )

    task.refresh_from_db()
    assert task.status == TaskResultStatus.SUCCESSFUL
    assert task.worker_ids == ["killed-worker", "alive"]
    assert EnrolmentImport.objects.get(public_id=import_id).status == ImportStatus.DONE
    assert Enrolment.objects.filter(engagement=engagement).count() == 12
    assert (
        Invitation.objects.filter(agency=engagement.agency, emailed_at__isnull=False).count() == 12
    )
    # The import task again (a second reaper, a late duplicate) changes nothing.
    from springboard.employers.tasks import run_enrolment_import

    run_enrolment_import.call(import_id)
    assert Enrolment.objects.filter(engagement=engagement).count() == 12
    # A worker that stopped gracefully handed its lease back.
    assert not WorkerLease.objects.filter(worker_id="alive").exists()


@pytest.mark.django_db
@override_settings(TASKS=DB_TASKS)
def test_r1_a_running_task_whose_worker_is_alive_is_left_alone() -> None:
    from springboard.core.tasks import worker_ping

    result = worker_ping.enqueue("x")
    task = DBTaskResult.objects.get(pk=result.id)
    _claimed_by_dead_worker(task)
    DBTaskResult.objects.filter(pk=task.pk).update(worker_ids=["busy-worker"])
    lease_renew("busy-worker")

    assert reap_lost_tasks().requeued == []
    task.refresh_from_db()
    assert task.status == TaskResultStatus.RUNNING


@pytest.mark.django_db
@override_settings(TASKS=DB_TASKS)
def test_r1_a_task_just_claimed_is_not_reaped_before_its_lease_period() -> None:
    from springboard.core.tasks import worker_ping

    task = DBTaskResult.objects.get(pk=worker_ping.enqueue("x").id)
    _claimed_by_dead_worker(task, ago=1)
    assert reap_lost_tasks().requeued == []


@pytest.mark.django_db
@override_settings(TASKS=DB_TASKS, TASK_MAX_ATTEMPTS=2)
def test_r1_a_task_that_keeps_killing_its_worker_is_failed_not_retried_for_ever() -> None:
    from springboard.core.tasks import worker_ping

    task = DBTaskResult.objects.get(pk=worker_ping.enqueue("x").id)
    _claimed_by_dead_worker(task)
    assert reap_lost_tasks().requeued == [str(task.pk)]
    task.refresh_from_db()
    assert task.status == TaskResultStatus.READY
    _claimed_by_dead_worker(task)

    reaped = reap_lost_tasks()

    assert reaped.failed == [str(task.pk)]
    task.refresh_from_db()
    assert task.status == TaskResultStatus.FAILED
    assert task.exception_class_path == LOST_EXCEPTION
    assert "2 times" in task.traceback
    assert task.task_result.errors[0].exception_class.__name__ == "WorkerLost"


@pytest.mark.django_db
def test_r1_reap_tasks_command_reports_what_it_did(capsys: Any) -> None:
    call_command("reap-tasks")
    assert "0 task(s) queued again, 0 marked failed." in capsys.readouterr().out


# --- R4: a failure in the middle of a multi-step write -----------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "scenarios", ["enrolment_scenarios", "programme_scenarios", "erasure_scenarios"]
)
def test_r4_a_failure_at_any_step_leaves_nothing_half_written(scenarios: str) -> None:
    from bench import r4_partial_writes

    results = getattr(r4_partial_writes, scenarios)()

    assert results
    for result in results:
        assert result["raised"], result
        assert result["changed"] == [], result
        assert result["marked_failed"], result
        assert result["resumed"], result


@pytest.mark.django_db
def test_r4_the_snapshot_sees_a_half_written_change() -> None:
    """The comparison the R4 scenarios rely on notices one changed value."""
    from bench.r4_partial_writes import changed_tables, snapshot
    from springboard.tenancy.models import Agency

    agency = Agency.objects.create(slug="snap", name="Before")
    before = snapshot()
    Agency.objects.filter(pk=agency.pk).update(name="After")
    assert changed_tables(before, snapshot()) == ["tenancy.agency"]


# --- R2: the same form sent twice at once -----------------------------------------------------


def _at_once(count: int, act: Any) -> list[object]:
    """Run ``act()`` in ``count`` threads released together, each on its own connection; what
    each returned or raised."""
    import threading

    from django.db import connections

    barrier = threading.Barrier(count)
    outcomes: list[object] = []

    def one() -> None:
        barrier.wait()
        try:
            outcomes.append(act())
        except Exception as error:
            outcomes.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=one) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_r2_the_same_enrolment_sent_at_once_enrols_once_without_a_crash() -> None:
    from springboard.employers.models import Enrolment
    from springboard.employers.services import candidate_enrol
    from tests.factories import make_world

    world = make_world()
    from springboard.employers.models import Engagement

    engagement = Engagement.objects.create(
        agency=world.a.agency,
        employer=world.a.employer,
        name="Double click",
        start_date=datetime.date(2026, 3, 1),
    )
    values = {"full_name": "Ada Twice", "email": "ada.twice@example.test", "language": "en"}

    outcomes = _at_once(
        4,
        lambda: candidate_enrol(
            engagement=engagement, cohort=None, actor=world.a.admin, values=dict(values)
        ),
    )

    assert [o for o in outcomes if isinstance(o, Exception)] == []
    assert Enrolment.objects.filter(engagement=engagement).count() == 1


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_r2_the_same_programme_start_sent_at_once_starts_one_programme() -> None:
    from springboard.employers.models import Enrolment
    from springboard.lib.errors import DomainError
    from springboard.programmes.models import Programme
    from springboard.programmes.services import programme_create
    from tests.factories import make_programme, make_world

    world = make_world()
    first = make_programme(world.a)  # loads the templates, makes the engagement
    enrolment = Enrolment.objects.create(
        agency=world.a.agency, engagement=first.enrolment.engagement, candidate=world.a.candidate2
    )

    outcomes = _at_once(
        4,
        lambda: programme_create(
            enrolment=enrolment,
            actor=world.a.admin,
            template_version=first.template_version,
            coaches=[world.a.coach],
            start_date=timezone.localdate(),
        ),
    )

    assert Programme.objects.filter(enrolment=enrolment).count() == 1
    errors = [o for o in outcomes if isinstance(o, Exception)]
    assert len(errors) == 3
    domain_errors = [e for e in errors if isinstance(e, DomainError)]
    assert domain_errors == errors
    assert {str(e.message) for e in domain_errors} == {"This enrolment already has a programme."}


# --- R3: concurrent edits ------------------------------------------------------------------------


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_r3_two_simultaneous_saves_over_one_version_end_in_one_save_and_one_conflict() -> None:
    from bench.r3_concurrent_edits import scenarios

    results = scenarios(2)

    assert {r["object"] for r in results} == {"profile preferences", "career entry", "plan task"}
    for result in results:
        assert result["clean"], result


def test_r3_the_judge_calls_two_winners_a_lost_update() -> None:
    from bench.r3_concurrent_edits import _judge

    both_saved = _judge({"candidate": "saved", "coach": "saved"}, "by coach", (1, 3))
    assert not both_saved["clean"]
    one_each = _judge({"candidate": "saved", "coach": "ProfileConflict"}, "by candidate", (1, 2))
    assert one_each["clean"]
