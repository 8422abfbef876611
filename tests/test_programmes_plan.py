"""Intake → personal plan, the candidate's home, ticking tasks off, and plan edit conflicts."""

from __future__ import annotations

from typing import Any

import pytest
from django.db.models import QuerySet
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
    plan_item_add,
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
    page = client.get(reverse("home:agency", kwargs={"agency_slug": world.a.agency.slug}))
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


def test_two_ticks_at_once_both_count(world: World) -> None:
    """Two people tick two tasks of one plan at the same moment, and both ticks count.

    Every plan write locks the programme's row before it changes a task and recomputes the
    progress under that lock: on PostgreSQL the second tick waits for the first to commit and
    then recounts every task, so neither overwrites the other's progress (SQLite writes one at a
    time anyway). Here both requests load their objects first; then the ticks run in turn.
    """
    programme = _planned(world)
    tasks = PlanItem.objects.select_related("programme").filter(
        programme=programme, kind=PlanItemKind.TASK
    )
    total = tasks.count()
    first, second = list(tasks[:2])
    version = Programme.objects.get(pk=programme.pk).plan_version
    plan_item_set_done(item=first, actor=world.a.candidate, done=True)
    plan_item_set_done(item=second, actor=world.a.coach, done=True)
    programme.refresh_from_db()
    assert programme.progress_percent == round(100 * 2 / total)
    assert programme.plan_version == version + 2
    # The first request, still holding its stale objects, reopens its task: one tick remains.
    plan_item_set_done(item=first, actor=world.a.candidate, done=False)
    programme.refresh_from_db()
    assert programme.progress_percent == round(100 / total)
    assert programme.plan_version == version + 3


def test_plan_writes_lock_the_programme_before_the_item(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The programme's row lock comes first in every plan write (one order: no deadlocks), so
    the progress is recomputed by one write at a time."""
    programme = _planned(world)
    task = PlanItem.objects.filter(programme=programme, kind=PlanItemKind.TASK).first()
    assert task is not None
    locked: list[type] = []
    select_for_update = QuerySet.select_for_update

    def spy(self: QuerySet[Any], *args: Any, **kwargs: Any) -> QuerySet[Any]:
        locked.append(self.model)
        return select_for_update(self, *args, **kwargs)

    monkeypatch.setattr(QuerySet, "select_for_update", spy)
    plan_item_set_done(item=task, actor=world.a.candidate, done=True)
    assert locked == [Programme, PlanItem]
    locked.clear()
    plan_item_edit(
        item=task,
        actor=world.a.coach,
        expected_version=task.version,
        title="Call three recruiters",
        description="",
        due_date=task.due_date,
    )
    assert locked == [Programme, PlanItem]
    locked.clear()
    assert task.parent_id is not None
    milestone = PlanItem.objects.get(pk=task.parent_id)
    plan_item_add(
        programme=programme,
        actor=world.a.coach,
        kind=PlanItemKind.TASK,
        title="Update the CV",
        milestone=milestone,
        due_date=task.due_date,
    )
    assert locked == [Programme]


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


# --- adding to the plan ---------------------------------------------------------------------


def test_coach_adds_a_task_a_milestone_and_a_goal(world: World, client: Client) -> None:
    programme = _planned(world)
    milestone = PlanItem.objects.filter(programme=programme, kind=PlanItemKind.MILESTONE).first()
    assert milestone is not None
    siblings = PlanItem.objects.filter(parent=milestone).count()
    before = Programme.objects.get(pk=programme.pk).plan_version
    client.force_login(world.a.coach.user)
    detail = client.get(_url("programmes:detail", programme))
    url = _url("programmes:item_add", programme)
    assert f'href="{url}"' in detail.text
    form = client.get(url)
    assert 'for="id_title"' in form.text
    response = client.post(
        url,
        {
            "kind": "task",
            "title": "  Call the recruiter  ",
            "description": "Ask about the warehouse job.",
            "milestone": str(milestone.public_id),
            "due_date": "2030-01-15",
        },
    )
    assert response.status_code == 302
    task = PlanItem.objects.get(programme=programme, title="Call the recruiter")
    assert (task.kind, task.parent, task.phase) == ("task", milestone, milestone.phase)
    assert task.description == "Ask about the warehouse job."
    assert str(task.due_date) == "2030-01-15"
    assert task.position == siblings
    assert (task.version, task.updated_by, task.done_at) == (1, world.a.coach.user, None)
    programme.refresh_from_db()
    assert programme.plan_version > before
    entry = ActivityEntry.objects.filter(programme=programme).first()
    assert entry is not None
    assert (entry.kind, entry.data["title"], entry.actor) == (
        "plan_item_edited",
        "Call the recruiter",
        world.a.coach.user,
    )
    assert AuditEvent.objects.filter(action="programme.plan_item_add").count() == 1
    assert "Call the recruiter" in client.get(_url("programmes:detail", programme)).text

    # A milestone in a phase, without tasks yet: not reached when another task is ticked.
    phase = milestone.phase
    assert phase is not None
    assert (
        client.post(
            url, {"kind": "milestone", "title": "Driving licence", "phase": str(phase.public_id)}
        ).status_code
        == 302
    )
    added = PlanItem.objects.get(programme=programme, title="Driving licence")
    assert (added.kind, added.phase, added.parent) == ("milestone", phase, None)
    plan_item_set_done(item=task, actor=world.a.coach, done=True)
    added.refresh_from_db()
    assert added.done_at is None
    # A goal has no phase, even when one is posted.
    client.post(url, {"kind": "goal", "title": "Work close to home", "phase": str(phase.public_id)})
    goal = PlanItem.objects.get(programme=programme, title="Work close to home")
    assert (goal.kind, goal.phase, goal.parent) == ("goal", None, None)


def test_adding_a_task_without_milestone_or_date_shows_errors_and_writes_nothing(
    world: World, client: Client
) -> None:
    programme = _planned(world)
    count = PlanItem.objects.filter(programme=programme).count()
    client.force_login(world.a.coach.user)
    url = _url("programmes:item_add", programme)
    response = client.post(url, {"kind": "task", "title": "No place"})
    assert response.status_code == 200
    assert 'id="id_milestone-error"' in response.text
    assert 'id="id_due_date-error"' in response.text
    assert 'value="No place"' in response.text
    response = client.post(url, {"kind": "milestone", "title": ""})
    assert 'id="id_title-error"' in response.text
    assert 'id="id_phase-error"' in response.text
    assert PlanItem.objects.filter(programme=programme).count() == count
    assert not AuditEvent.objects.filter(action="programme.plan_item_add").exists()


def test_plan_item_add_refuses_another_programmes_milestone(world: World) -> None:
    programme = _planned(world)
    other = make_programme(world.a, candidate=world.a.candidate2, coaches=[world.a.coach2])
    intake_complete(programme=other, actor=world.a.coach2, answers=answers(), language="en")
    foreign = PlanItem.objects.filter(programme=other, kind=PlanItemKind.MILESTONE).first()
    with pytest.raises(DomainError) as refused:
        plan_item_add(
            programme=programme,
            actor=world.a.coach,
            kind="task",
            title="Sneaky",
            milestone=foreign,
            due_date=programme.start_date,
        )
    assert refused.value.field == "milestone"
    assert not PlanItem.objects.filter(title="Sneaky").exists()


@pytest.mark.parametrize(
    ("who", "expected"),
    [("candidate", 403), ("coach2", 404), ("other_agency_coach", 404)],
)
def test_who_cannot_add_to_the_plan(world: World, client: Client, who: str, expected: int) -> None:
    programme = _planned(world)
    count = PlanItem.objects.count()
    milestone = PlanItem.objects.filter(programme=programme, kind=PlanItemKind.MILESTONE).first()
    assert milestone is not None
    viewer = {
        "candidate": world.a.candidate,
        "coach2": world.a.coach2,  # a coach of the agency, not assigned to this candidate
        "other_agency_coach": world.b.coach,
    }[who]
    client.force_login(viewer.user)
    agency = world.b.agency if who == "other_agency_coach" else world.a.agency
    url = reverse(
        "programmes:item_add",
        kwargs={"agency_slug": agency.slug, "public_id": programme.public_id},
    )
    data = {
        "kind": "task",
        "title": "Not allowed",
        "milestone": str(milestone.public_id),
        "due_date": "2030-01-15",
    }
    assert client.post(url, data).status_code == expected
    assert client.get(url).status_code == expected
    assert PlanItem.objects.count() == count
