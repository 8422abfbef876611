"""Intake → personal plan, the candidate's home, ticking tasks off, and plan edit conflicts."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from springboard.lib.errors import DomainError
from springboard.privacy.models import AuditEvent
from springboard.programmes.models import (
    ActivityEntry,
    Intake,
    PlanItem,
    PlanItemKind,
    Programme,
    ProgrammeStatus,
)
from springboard.programmes.services import (
    PlanConflict,
    intake_complete,
    plan_item_edit,
    plan_item_set_done,
)
from tests.factories import World, make_programme
from tests.test_programmes_templates import answers

INTAKE_POST = {
    "language": "da",
    "job_sought": "Lagerchef",
    "dismissal_processing": "no",
    "skills": "Logistik og planlægning",
    "training_need": "none",
    "region": "Aarhus",
    "travel_radius_km": "50",
    "hours": "full_time",
    "pay_expectation": "42.000 kr.",
    "self_employment": "no",
}


def _url(name: str, programme: Programme, **extra: object) -> str:
    kwargs = {"agency_slug": programme.agency.slug, "public_id": programme.public_id, **extra}
    return reverse(name, kwargs=kwargs)


def _planned(world: World) -> Programme:
    programme = make_programme(world.a)
    return intake_complete(
        programme=programme, actor=world.a.coach, answers=answers(), language="en"
    )


def test_coach_runs_the_intake_and_a_dated_plan_appears(world: World, client: Client) -> None:
    programme = make_programme(world.a)
    client.force_login(world.a.coach.user)
    form = client.get(_url("programmes:intake", programme))
    assert 'for="id_job_sought"' in form.text
    response = client.post(_url("programmes:intake", programme), INTAKE_POST)
    assert response.status_code == 302
    programme.refresh_from_db()
    assert programme.status == ProgrammeStatus.ACTIVE
    intake = Intake.objects.get(programme=programme)
    assert intake.job_sought == "Lagerchef"
    assert intake.travel_radius_km == 50
    assert intake.conducted_by == world.a.coach
    detail = client.get(_url("programmes:detail", programme))
    assert "Skriv alle de job ned, du har haft" in detail.text
    assert 'datetime="' in detail.text
    assert AuditEvent.objects.filter(action="programme.intake_complete").count() == 1


def test_intake_form_errors_write_nothing(world: World, client: Client) -> None:
    programme = make_programme(world.a)
    client.force_login(world.a.coach.user)
    response = client.post(_url("programmes:intake", programme), {"language": "da"})
    assert response.status_code == 200
    assert 'id="id_job_sought-error"' in response.text
    assert not Intake.objects.exists()
    assert not PlanItem.objects.exists()


def test_intake_twice_is_refused(world: World) -> None:
    programme = _planned(world)
    with pytest.raises(DomainError):
        intake_complete(programme=programme, actor=world.a.coach, answers=answers(), language="en")
    assert Intake.objects.count() == 1


def test_candidate_home_shows_whats_next_coach_and_plan(world: World, client: Client) -> None:
    programme = _planned(world)
    client.force_login(world.a.candidate.user)
    page = client.get(reverse("tenancy:home", kwargs={"agency_slug": world.a.agency.slug}))
    assert page.status_code == 200
    assert "What's next" in page.text.replace("&#x27;", "'")
    first = (
        PlanItem.objects.filter(programme=programme, kind=PlanItemKind.TASK)
        .order_by("due_date", "position")
        .first()
    )
    assert first is not None
    assert first.title in page.text
    assert world.a.coach.user.email in page.text
    assert "Mark as done" in page.text
    assert "<progress" in page.text


def test_candidate_ticks_a_task_off_with_htmx(world: World, client: Client) -> None:
    programme = _planned(world)
    task = PlanItem.objects.filter(programme=programme, kind=PlanItemKind.TASK).first()
    assert task is not None
    client.force_login(world.a.candidate.user)
    url = _url("programmes:task_done", programme, item_id=task.public_id)
    response = client.post(url, {"done": "1"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.text.strip().startswith("<li")
    assert "<html" not in response.text
    task.refresh_from_db()
    assert task.is_done
    assert task.done_by == world.a.candidate.user
    programme.refresh_from_db()
    assert programme.progress_percent > 0
    assert ActivityEntry.objects.filter(programme=programme, kind="task_done").count() == 1
    # Saying "done" again changes nothing; reopening works.
    client.post(url, {"done": "1"}, headers={"HX-Request": "true"})
    assert ActivityEntry.objects.filter(programme=programme, kind="task_done").count() == 1
    client.post(url, {"done": "0"})
    task.refresh_from_db()
    assert not task.is_done


def test_finishing_a_phase_moves_the_current_phase_and_reaches_milestones(world: World) -> None:
    programme = _planned(world)
    first_phase = programme.current_phase
    assert first_phase is not None
    for task in PlanItem.objects.filter(programme=programme, phase=first_phase, kind="task"):
        plan_item_set_done(item=task, actor=world.a.candidate, done=True)
    programme.refresh_from_db()
    assert programme.current_phase != first_phase
    milestones = PlanItem.objects.filter(phase=first_phase, kind=PlanItemKind.MILESTONE)
    assert all(m.done_at is not None for m in milestones)


def test_plan_edit_with_a_stale_version_is_a_conflict(world: World) -> None:
    programme = _planned(world)
    item = PlanItem.objects.filter(programme=programme, kind=PlanItemKind.TASK).first()
    assert item is not None
    plan_item_edit(
        item=item,
        actor=world.a.coach,
        expected_version=1,
        title="Coach's text",
        description="",
        due_date=item.due_date,
    )
    with pytest.raises(PlanConflict) as clash:
        plan_item_edit(
            item=item,
            actor=world.a.admin,
            expected_version=1,
            title="Admin's text",
            description="",
            due_date=item.due_date,
        )
    assert clash.value.current.title == "Coach's text"
    item.refresh_from_db()
    assert (item.title, item.version) == ("Coach's text", 2)


def test_plan_edit_conflict_in_the_browser_keeps_both_texts(world: World, client: Client) -> None:
    programme = _planned(world)
    item = PlanItem.objects.filter(programme=programme, kind=PlanItemKind.TASK).first()
    assert item is not None
    url = _url("programmes:item_edit", programme, item_id=item.public_id)
    client.force_login(world.a.coach.user)
    first = client.post(url, {"version": "1", "title": "First save"})
    assert first.status_code == 302
    stale = client.post(url, {"version": "1", "title": "Second save"})
    assert stale.status_code == 409
    assert "First save" in stale.text
    assert "Second save" in stale.text
    item.refresh_from_db()
    assert item.title == "First save"
    again = client.post(url, {"version": "2", "title": "Second save"})
    assert again.status_code == 302
    item.refresh_from_db()
    assert (item.title, item.version) == ("Second save", 3)


def test_candidate_cannot_edit_or_tick_another_candidates_task(
    world: World, client: Client
) -> None:
    other = make_programme(world.a, candidate=world.a.candidate2, coaches=[world.a.coach2])
    intake_complete(programme=other, actor=world.a.coach2, answers=answers(), language="en")
    task = PlanItem.objects.filter(programme=other, kind=PlanItemKind.TASK).first()
    assert task is not None
    client.force_login(world.a.candidate.user)
    response = client.post(
        _url("programmes:task_done", other, item_id=task.public_id), {"done": "1"}
    )
    assert response.status_code == 404
    task.refresh_from_db()
    assert not task.is_done


def test_task_done_method_and_anonymous(world: World, client: Client) -> None:
    programme = _planned(world)
    task = PlanItem.objects.filter(programme=programme, kind=PlanItemKind.TASK).first()
    assert task is not None
    url = _url("programmes:task_done", programme, item_id=task.public_id)
    assert client.post(url, {"done": "1"}).status_code == 302  # anonymous → login
    client.force_login(world.a.candidate.user)
    assert client.get(url).status_code == 405
    task.refresh_from_db()
    assert not task.is_done
