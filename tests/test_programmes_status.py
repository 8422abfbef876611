"""The programme status machine: every legal move works, every illegal one is refused cleanly."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from springboard.lib.errors import DomainError
from springboard.privacy.models import AuditEvent
from springboard.programmes.models import (
    ActivityEntry,
    Intake,
    Programme,
    ProgrammeStatus,
    StatusChange,
)
from springboard.programmes.services import TRANSITIONS, intake_complete, programme_transition
from tests.factories import World, make_programme
from tests.test_programmes_templates import answers

S = ProgrammeStatus
LEGAL = [(src, dst) for src, targets in TRANSITIONS.items() for dst in sorted(targets)]
ILLEGAL = [(src, dst) for src in S.values for dst in S.values if dst not in TRANSITIONS[src]]


def _programme_in(world: World, status: str) -> Programme:
    programme = make_programme(world.a)
    needs_intake = status not in (S.INVITED, S.INTAKE)
    if needs_intake:
        intake_complete(programme=programme, actor=world.a.coach, answers=answers(), language="en")
    # Put the row straight into the wanted state: the test is about the move out of it.
    Programme.objects.filter(pk=programme.pk).update(status=status)
    programme.refresh_from_db()
    return programme


@pytest.mark.parametrize(("src", "dst"), LEGAL)
def test_legal_transition(world: World, src: str, dst: str) -> None:
    programme = _programme_in(world, src)
    if dst == S.INTAKE:
        Intake.objects.filter(programme=programme).delete()
    if dst == S.ACTIVE and not Intake.objects.filter(programme=programme).exists():
        intake_complete(programme=programme, actor=world.a.coach, answers=answers(), language="en")
        Programme.objects.filter(pk=programme.pk).update(status=src)
    before_end = programme.planned_end_date
    moved = programme_transition(
        programme=programme,
        actor=world.a.coach,
        to_status=dst,
        reason="Agreed with the candidate",
        new_end_date=before_end + datetime.timedelta(days=60),
    )
    moved.refresh_from_db()
    assert moved.status == dst
    change = StatusChange.objects.filter(programme=moved).latest("pk")
    assert (change.from_status, change.to_status) == (src, dst)
    assert AuditEvent.objects.filter(action="programme.transition", target_id=str(moved.public_id))
    assert ActivityEntry.objects.filter(programme=moved, kind="status_changed").exists()
    if dst == S.EXTENDED:
        assert moved.planned_end_date == before_end + datetime.timedelta(days=60)
    else:
        assert moved.planned_end_date == before_end


@pytest.mark.parametrize(("src", "dst"), ILLEGAL)
def test_illegal_transition_is_refused_and_writes_nothing(world: World, src: str, dst: str) -> None:
    programme = _programme_in(world, src)
    changes = StatusChange.objects.count()
    with pytest.raises(DomainError, match="cannot go from"):
        programme_transition(
            programme=programme, actor=world.a.coach, to_status=dst, reason="Because"
        )
    programme.refresh_from_db()
    assert programme.status == src
    assert StatusChange.objects.count() == changes
    assert not AuditEvent.objects.filter(action="programme.transition").exists()


def test_extension_needs_a_reason_and_a_later_end_date(world: World) -> None:
    programme = _programme_in(world, S.ACTIVE)
    with pytest.raises(DomainError, match="reason"):
        programme_transition(programme=programme, actor=world.a.coach, to_status=S.EXTENDED)
    with pytest.raises(DomainError, match="after the planned end date"):
        programme_transition(
            programme=programme,
            actor=world.a.coach,
            to_status=S.EXTENDED,
            reason="Long illness",
            new_end_date=programme.planned_end_date,
        )
    programme.refresh_from_db()
    assert programme.status == S.ACTIVE


def test_dropping_out_needs_a_reason(world: World) -> None:
    programme = _programme_in(world, S.ACTIVE)
    with pytest.raises(DomainError, match="reason"):
        programme_transition(programme=programme, actor=world.a.coach, to_status=S.DROPPED_OUT)


def test_active_needs_the_intake_first(world: World) -> None:
    programme = _programme_in(world, S.INTAKE)
    with pytest.raises(DomainError, match="intake first"):
        programme_transition(programme=programme, actor=world.a.coach, to_status=S.ACTIVE)


def test_status_form_shows_the_domain_error(world: World, client: Client) -> None:
    programme = _programme_in(world, S.ACTIVE)
    client.force_login(world.a.coach.user)
    url = reverse(
        "programmes:transition",
        kwargs={"agency_slug": world.a.agency.slug, "public_id": programme.public_id},
    )
    response = client.post(url, {"to_status": S.DROPPED_OUT})
    assert response.status_code == 200
    assert "Give a reason." in response.text
    response = client.post(url, {"to_status": S.CLOSED})
    assert response.status_code == 200  # not offered from "active": the form refuses it
    response = client.post(url, {"to_status": S.PLACED})
    assert response.status_code == 302
    programme.refresh_from_db()
    assert programme.status == S.PLACED
