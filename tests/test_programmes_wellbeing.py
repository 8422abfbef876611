"""Wellbeing check-ins: explicit consent, coach-only visibility, withdrawal, and a canary scan
proving the answers never reach an employer contact or an admin (pages, API, e-mail)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core import mail
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from springboard.lib.errors import DomainError
from springboard.privacy.models import AuditEvent, Consent, ConsentPurpose
from springboard.programmes.models import (
    ActivityEntry,
    PlanItem,
    Programme,
    WellbeingCheckIn,
)
from springboard.programmes.services import (
    intake_complete,
    reminders_enqueue,
    wellbeing_checkin_submit,
    wellbeing_consent_give,
    wellbeing_consent_withdraw,
)
from tests.factories import World, make_programme
from tests.matrix_programmes import API_NAMES
from tests.matrix_programmes import MATRIX as PROGRAMME_ROWS
from tests.permission_matrix import MATRIX
from tests.test_permission_matrix import _kwargs
from tests.test_programmes_templates import answers

CANARY = "CANARY-7f3c9e2a-wellbeing-token"


def _url(name: str, programme: Programme) -> str:
    return reverse(
        name, kwargs={"agency_slug": programme.agency.slug, "public_id": programme.public_id}
    )


def _checked_in(world: World, *, comment: str = CANARY, low: bool = True) -> Programme:
    programme = make_programme(world.a)
    intake_complete(programme=programme, actor=world.a.coach, answers=answers(), language="en")
    wellbeing_consent_give(programme=programme, actor=world.a.candidate)
    score = 1 if low else 4
    wellbeing_checkin_submit(
        programme=programme,
        actor=world.a.candidate,
        mood=score,
        energy=score,
        confidence=4,
        comment=comment,
    )
    return programme


def test_check_in_is_refused_without_consent(world: World, client: Client) -> None:
    programme = make_programme(world.a)
    with pytest.raises(DomainError, match="consent"):
        wellbeing_checkin_submit(
            programme=programme, actor=world.a.candidate, mood=3, energy=3, confidence=3, comment=""
        )
    client.force_login(world.a.candidate.user)
    page = client.get(_url("programmes:checkin", programme))
    assert "Give consent" in page.text
    response = client.post(
        _url("programmes:checkin", programme), {"mood": "3", "energy": "3", "confidence": "3"}
    )
    assert response.status_code == 200
    assert not WellbeingCheckIn.objects.exists()


def test_consent_is_explicit_and_recorded(world: World, client: Client) -> None:
    programme = make_programme(world.a)
    client.force_login(world.a.candidate.user)
    unticked = client.post(_url("programmes:consent", programme), {})
    assert unticked.status_code == 200
    assert not Consent.objects.exists()
    ticked = client.post(_url("programmes:consent", programme), {"agree": "on"})
    assert ticked.status_code == 302
    consent = Consent.objects.get(purpose=ConsentPurpose.WELLBEING, scope=programme.public_id)
    assert consent.membership == world.a.candidate
    assert consent.granted
    assert [e.kind for e in consent.events.all()] == ["granted"]
    assert AuditEvent.objects.filter(action="consent.grant").count() == 1
    response = client.post(
        _url("programmes:checkin", programme),
        {"mood": "2", "energy": "4", "confidence": "3", "comment": "Tired"},
    )
    assert response.status_code == 302
    checkin = WellbeingCheckIn.objects.get(programme=programme)
    assert checkin.is_low
    again = client.post(
        _url("programmes:checkin", programme), {"mood": "4", "energy": "4", "confidence": "4"}
    )
    assert "You have checked in this week" in again.text
    assert WellbeingCheckIn.objects.count() == 1


def test_withdrawal_erases_answers_and_stops_check_ins(world: World, client: Client) -> None:
    programme = _checked_in(world)
    client.force_login(world.a.candidate.user)
    response = client.post(_url("programmes:consent", programme), {"action": "withdraw"})
    assert response.status_code == 302
    assert not WellbeingCheckIn.objects.exists()
    consent = Consent.objects.get(purpose=ConsentPurpose.WELLBEING)
    assert not consent.granted
    assert [e.kind for e in consent.events.all()] == ["withdrawn", "granted"]
    with pytest.raises(DomainError):
        wellbeing_checkin_submit(
            programme=programme, actor=world.a.candidate, mood=3, energy=3, confidence=3, comment=""
        )
    assert wellbeing_consent_withdraw(programme=programme, actor=world.a.candidate) == 0


def test_only_the_candidate_gives_consent_or_checks_in(world: World) -> None:
    programme = make_programme(world.a)
    with pytest.raises(DomainError):
        wellbeing_consent_give(programme=programme, actor=world.a.coach)
    assert not Consent.objects.exists()


def test_assigned_coach_sees_answers_and_the_read_is_audited(world: World, client: Client) -> None:
    programme = _checked_in(world)
    client.force_login(world.a.coach.user)
    page = client.get(_url("programmes:detail", programme))
    assert CANARY in page.text
    assert "Low wellbeing" in client.get(reverse("home:agency", args=[world.a.agency.slug])).text
    event = AuditEvent.objects.get(action="wellbeing.read")
    assert event.actor == world.a.coach.user
    assert event.target_id == str(programme.public_id)
    # The other coach of the agency is not assigned: no page, no audit event.
    client.force_login(world.a.coach2.user)
    assert client.get(_url("programmes:detail", programme)).status_code == 404
    assert AuditEvent.objects.filter(action="wellbeing.read").count() == 1


def test_candidate_sees_own_answers(world: World, client: Client) -> None:
    programme = _checked_in(world)
    client.force_login(world.a.candidate.user)
    assert CANARY in client.get(_url("programmes:checkin", programme)).text
    assert not AuditEvent.objects.filter(action="wellbeing.read").exists()


def _pages_of_other_apps(role: str) -> list[tuple[str, str]]:
    """GET rows outside the programmes app that `role` may open, with a relation that gives 200."""
    rows = []
    for (name, method), table in MATRIX.items():
        if method != "GET" or (name, method) in PROGRAMME_ROWS or ":" not in name:
            continue
        for relation, status in table.get(role, {}).items():
            if status == 200 and not relation.startswith("other"):
                rows.append((name, relation))
                break
    return rows


class _Rollback(Exception):
    pass


def _get_in_savepoint(client: Client, world: World, name: str, relation: str) -> str:
    """Build the URL's objects, fetch it, and roll the objects back for the next URL."""
    text = ""
    try:
        with transaction.atomic():
            url = reverse(name, kwargs=_kwargs(name, relation, world) or None)
            response = client.get(url)
            text = response.content.decode(errors="replace")
            raise _Rollback
    except _Rollback:
        pass
    return text


@pytest.mark.parametrize("role", ["admin", "employer_contact"])
def test_canary_never_reaches_admins_or_employer_contacts(
    world: World, client: Client, role: str
) -> None:
    programme = _checked_in(world)
    viewer = world.a.admin if role == "admin" else world.a.contact
    client.force_login(viewer.user)
    task = PlanItem.objects.filter(programme=programme, kind="task").first()
    assert task is not None
    slug = world.a.agency.slug
    texts: dict[str, str] = {}
    own_urls: list[str] = [
        reverse("home:agency", args=[slug]),
        reverse("programmes:caseload", args=[slug]),
        reverse("programmes:caseload", args=[slug]) + "?risk=on",
        reverse("programmes:templates", args=[slug]),
        *(
            _url(name, programme)
            for name in (
                "programmes:detail",
                "programmes:intake",
                "programmes:transition",
                "programmes:coaches",
                "programmes:checkin",
            )
        ),
        reverse(
            "programmes:item_edit",
            kwargs={
                "agency_slug": slug,
                "public_id": programme.public_id,
                "item_id": task.public_id,
            },
        ),
    ]
    for short in ("programme_detail", "programme_plan", "programme_activity"):
        own_urls.append(
            reverse(
                API_NAMES[short], kwargs={"agency_slug": slug, "programme_id": programme.public_id}
            )
        )
    own_urls.append(reverse(API_NAMES["programme_list"], kwargs={"agency_slug": slug}))
    for url in own_urls:
        texts[url] = client.get(url).content.decode()
    for name, relation in _pages_of_other_apps(role):
        texts[name] = _get_in_savepoint(client, world, name, relation)
    assert len(texts) > 10
    leaked = [where for where, text in texts.items() if CANARY in text]
    assert not leaked, f"wellbeing answer visible to {role} at {leaked}"
    assert "Low wellbeing" not in "".join(texts.values())


def test_canary_never_in_activity_audit_or_e_mail(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    programme = _checked_in(world)
    Programme.objects.filter(pk=programme.pk).update(
        start_date=timezone.localdate() - datetime.timedelta(days=7)
    )
    PlanItem.objects.filter(programme=programme, kind="task").update(due_date=timezone.localdate())
    WellbeingCheckIn.objects.update(week=timezone.localdate() - datetime.timedelta(days=14))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reminders_enqueue(today=timezone.localdate())
    assert mail.outbox, "reminders were sent"
    for message in mail.outbox:
        assert CANARY not in f"{message.subject} {message.body}"
        assert message.to == [world.a.candidate.user.email]
    rows: list[Any] = [*ActivityEntry.objects.values_list("data", flat=True)]
    rows += [*AuditEvent.objects.values_list("data", flat=True)]
    assert CANARY not in repr(rows)
