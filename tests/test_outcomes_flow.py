"""Recording and confirming an outcome, its effect on the programme's status, and the aftercare
check-in links: single-use, expiring and useless on another programme or agency."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from springboard.lib.errors import DomainError
from springboard.outcomes.models import CheckIn, Outcome, OutcomeKind
from springboard.outcomes.services import (
    OutcomeDetails,
    checkins_enqueue,
    outcome_confirm,
    outcome_propose,
    outcome_record,
)
from springboard.outcomes.tokens import checkin_token
from springboard.privacy.models import AuditEvent
from springboard.programmes.models import Programme, ProgrammeStatus
from tests.factories import World
from tests.test_outcomes_fixtures import active_programme


def _job(start: datetime.date) -> OutcomeDetails:
    return OutcomeDetails(
        kind=OutcomeKind.NEW_JOB,
        start_date=start,
        employer_name="Nordlys ApS",
        contract="permanent",
        pay_compared="higher",
        found_via="network",
        note="CANARY-NOTE-7731",
    )


def _placed(world: World, *, days_ago: int = 40) -> Programme:
    programme = active_programme(
        world.a, start_date=timezone.localdate() - datetime.timedelta(days=200)
    )
    start = timezone.localdate() - datetime.timedelta(days=days_ago)
    outcome = outcome_record(programme=programme, actor=world.a.coach, details=_job(start))
    outcome_confirm(outcome=outcome, candidate=world.a.candidate)
    programme.refresh_from_db()
    return programme


def test_a_confirmed_new_job_moves_the_programme_to_aftercare(world: World) -> None:
    programme = _placed(world)
    assert programme.status == ProgrammeStatus.AFTERCARE
    months = sorted(CheckIn.objects.filter(programme=programme).values_list("months", flat=True))
    assert months == [1, 3, 6, 12]
    assert AuditEvent.objects.filter(action="outcome.confirm").exists()


def test_a_future_start_stays_placed_and_unconfirmed_changes_nothing(world: World) -> None:
    programme = active_programme(world.a)
    start = timezone.localdate() + datetime.timedelta(days=20)
    outcome = outcome_record(programme=programme, actor=world.a.coach, details=_job(start))
    programme.refresh_from_db()
    assert programme.status == ProgrammeStatus.ACTIVE  # not before the candidate confirms
    assert not CheckIn.objects.filter(programme=programme).exists()
    outcome_confirm(outcome=outcome, candidate=world.a.candidate)
    programme.refresh_from_db()
    assert programme.status == ProgrammeStatus.PLACED


def test_only_the_candidate_confirms(world: World) -> None:
    programme = active_programme(world.a)
    outcome = outcome_record(
        programme=programme, actor=world.a.coach, details=_job(timezone.localdate())
    )
    with pytest.raises(DomainError):
        outcome_confirm(outcome=outcome, candidate=world.a.candidate2)
    with pytest.raises(DomainError):
        outcome_confirm(outcome=outcome, candidate=world.a.coach)


def test_a_new_job_needs_its_details(world: World) -> None:
    programme = active_programme(world.a)
    details = _job(timezone.localdate())
    details.employer_name = " "
    with pytest.raises(DomainError) as refused:
        outcome_record(programme=programme, actor=world.a.coach, details=details)
    assert refused.value.field == "employer_name"
    details = _job(programme.start_date - datetime.timedelta(days=1))
    with pytest.raises(DomainError):
        outcome_record(programme=programme, actor=world.a.coach, details=details)


def test_a_proposal_never_replaces_a_confirmed_outcome(world: World) -> None:
    programme = _placed(world)
    other = OutcomeDetails(kind=OutcomeKind.EDUCATION, start_date=timezone.localdate())
    kept = outcome_propose(programme=programme, actor=world.a.coach, details=other)
    assert kept.kind == OutcomeKind.NEW_JOB
    fresh = active_programme(world.a, candidate=world.a.candidate2)
    proposed = outcome_propose(programme=fresh, actor=world.a.coach, details=_job(fresh.start_date))
    assert proposed.source == "offer"
    assert proposed.confirmed_at is None


def test_a_confirmed_drop_out_ends_the_programme(world: World) -> None:
    programme = active_programme(world.a)
    details = OutcomeDetails(kind=OutcomeKind.DROPPED_OUT, start_date=timezone.localdate())
    outcome = outcome_record(programme=programme, actor=world.a.coach, details=details)
    outcome_confirm(outcome=outcome, candidate=world.a.candidate)
    programme.refresh_from_db()
    assert programme.status == ProgrammeStatus.DROPPED_OUT


# --- the check-in link ---------------------------------------------------------------------


def _link(checkin: CheckIn, slug: str | None = None) -> str:
    programme = checkin.programme
    token = checkin_token(
        checkin_id=checkin.public_id,
        programme_id=programme.public_id,
        agency_slug=slug or programme.agency.slug,
    )
    return reverse(
        "outcomes:checkin_answer", kwargs={"agency_slug": programme.agency.slug, "token": token}
    )


ANSWER = {"in_work": "yes", "same_employer": "yes", "satisfaction": "4"}


def test_the_due_check_in_is_emailed_once_and_answered_once(world: World, client: Client) -> None:
    programme = _placed(world, days_ago=40)
    mail.outbox.clear()
    assert checkins_enqueue(today=timezone.localdate()) == 1  # only the 1-month check-in is due
    assert checkins_enqueue(today=timezone.localdate()) == 0  # claimed: never twice
    checkin = CheckIn.objects.get(programme=programme, months=1)
    assert checkin.sent_at is not None
    url = _link(checkin)
    assert client.get(url).status_code == 200
    response = client.post(url, ANSWER)
    assert response.status_code == 200
    checkin.refresh_from_db()
    assert (checkin.in_work, checkin.same_employer, checkin.satisfaction) == (True, True, 4)
    assert client.get(url).status_code == 410  # single-use
    assert client.post(url, {**ANSWER, "in_work": "no"}).status_code == 410
    checkin.refresh_from_db()
    assert checkin.in_work is True


def test_the_email_carries_a_working_link_in_the_candidates_language(
    world: World, client: Client, django_capture_on_commit_callbacks: object
) -> None:
    programme = _placed(world, days_ago=40)
    Programme.objects.filter(pk=programme.pk).update(language="da")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        checkins_enqueue(today=timezone.localdate())
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [world.a.candidate.user.email]
    found = re.search(r"https?://[^/\s]+(/\S+)", str(message.body))
    assert found is not None
    path = found.group(1)
    page = client.get(path)
    assert page.status_code == 200
    assert 'lang="da"' in page.text


def test_an_expired_link_is_refused(world: World, client: Client) -> None:
    programme = _placed(world)
    checkin = CheckIn.objects.get(programme=programme, months=1)
    CheckIn.objects.filter(pk=checkin.pk).update(
        expires_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    assert client.get(_link(checkin)).status_code == 410
    assert client.post(_link(checkin), ANSWER).status_code == 410
    checkin.refresh_from_db()
    assert checkin.answered_at is None


def test_a_link_is_useless_on_another_programme_or_agency(world: World, client: Client) -> None:
    first = _placed(world)
    second = active_programme(world.a, candidate=world.a.candidate2)
    outcome = outcome_record(
        programme=second, actor=world.a.coach, details=_job(timezone.localdate())
    )
    outcome_confirm(outcome=outcome, candidate=world.a.candidate2)
    mine = CheckIn.objects.get(programme=first, months=1)
    theirs = CheckIn.objects.get(programme=second, months=1)
    token = _link(mine).rstrip("/").rsplit("/", 1)[-1]
    # The MAC of one check-in with the id of another: refused.
    forged = theirs.public_id.hex + token[32:]
    slug = world.a.agency.slug
    url = reverse("outcomes:checkin_answer", kwargs={"agency_slug": slug, "token": forged})
    assert client.get(url).status_code == 404
    assert client.post(url, ANSWER).status_code == 404
    # Signed for another agency's slug, or opened under another agency: refused.
    assert client.get(_link(mine, slug=world.b.agency.slug)).status_code == 404
    other_agency = reverse(
        "outcomes:checkin_answer", kwargs={"agency_slug": world.b.agency.slug, "token": token}
    )
    assert client.get(other_agency).status_code == 404
    assert (
        client.get(
            reverse("outcomes:checkin_answer", kwargs={"agency_slug": slug, "token": "x"})
        ).status_code
        == 404
    )
    theirs.refresh_from_db()
    assert theirs.answered_at is None


def test_coach_records_and_candidate_confirms_through_the_pages(
    world: World, client: Client
) -> None:
    programme = active_programme(world.a)
    slug = world.a.agency.slug
    client.force_login(world.a.coach.user)
    edit = reverse(
        "outcomes:outcome_edit", kwargs={"agency_slug": slug, "public_id": programme.public_id}
    )
    assert client.get(edit).status_code == 200
    bad = client.post(edit, {"kind": "new_job", "start_date": "2026-13-40"})
    assert bad.status_code == 200
    assert not Outcome.objects.exists()
    start = timezone.localdate().isoformat()
    response = client.post(
        edit,
        {
            "kind": "new_job",
            "start_date": start,
            "employer_name": "Nordlys",
            "contract": "permanent",
        },
    )
    assert response.status_code == 302
    client.force_login(world.a.candidate.user)
    confirm = reverse(
        "outcomes:outcome_confirm", kwargs={"agency_slug": slug, "public_id": programme.public_id}
    )
    assert "Nordlys" in client.get(confirm).text
    assert client.post(confirm).status_code == 302
    programme.refresh_from_db()
    assert programme.status == ProgrammeStatus.AFTERCARE
