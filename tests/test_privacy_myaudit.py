"""Who looked at my data: `events_about` finds the events about one person in one agency, and
the candidate's page lists them with the staff member's name and role, nothing of others."""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from springboard.privacy import selectors
from springboard.privacy.declarations import PersonalData, RetentionKind
from springboard.privacy.models import AuditEvent
from springboard.privacy.selectors import PEOPLE_SEARCH_LIMIT
from springboard.privacy.services import audit_record
from springboard.programmes.models import Programme, ProgrammeStatus, StatusChange
from springboard.tenancy.models import Membership
from springboard.tenancy.roles import Role
from tests.factories import World, make_member, make_programme
from tests.test_privacy_alumni import a_cv


def _status_changes_of(membership: Membership) -> object:
    return StatusChange.objects.filter(programme__candidate=membership)


@pytest.fixture
def declared(monkeypatch: pytest.MonkeyPatch) -> None:
    """A small registry of our own: a model with a public id, by path; one without (its pk names
    it in the log), by a function."""
    entries = [
        PersonalData(
            model=Programme,
            subject="candidate",
            export_as="programme",
            retention=RetentionKind.PLAN,
        ),
        PersonalData(
            model=StatusChange,
            subject=_status_changes_of,  # type: ignore[arg-type]
            export_as="programme",
            retention=RetentionKind.PLAN,
        ),
    ]
    monkeypatch.setattr(selectors, "declarations", lambda: entries)


def _read(side_actor: Membership, target: object, action: str = "profile.read") -> AuditEvent:
    return audit_record(
        agency=side_actor.agency,
        actor=side_actor.user,
        action=action,
        target=target,  # type: ignore[arg-type]
    )


@pytest.mark.django_db
def test_events_about_finds_the_person_and_their_records_only(world: World, declared: None) -> None:
    a, b = world.a, world.b
    mine = make_programme(a)
    item = StatusChange.objects.create(
        programme=mine, from_status=ProgrammeStatus.INVITED, to_status=ProgrammeStatus.INTAKE
    )
    theirs = make_programme(a, candidate=a.candidate2)
    AuditEvent.objects.all().delete()
    on_membership = _read(a.coach, a.candidate)
    on_programme = _read(a.coach, mine)
    on_item = _read(a.admin, item, "programme.transition")
    _read(a.coach, a.candidate2)  # another person of the same agency
    _read(a.coach, theirs)
    # The same person enrolled in agency B: B's events are B's.
    b_membership = make_member(b.agency, a.candidate.role, user=a.candidate.user)  # type: ignore[arg-type]
    _read(b.coach, b_membership)
    b_programme = make_programme(b, candidate=b_membership)
    _read(b.coach, b_programme)

    found = set(selectors.events_about(a.candidate))
    assert found == {on_membership, on_programme, on_item}
    assert set(selectors.events_about(b_membership)) >= {
        e for e in AuditEvent.objects.filter(agency=b.agency, target_id=str(b_programme.public_id))
    }
    assert not set(selectors.events_about(b_membership)) & found


@pytest.mark.django_db
def test_events_about_is_one_query(world: World, declared: None) -> None:
    make_programme(world.a)
    with CaptureQueriesContext(connection) as queries:
        list(selectors.events_about(world.a.candidate))
    assert len(queries) == 1


def _log_url(world: World, **query: str) -> str:
    path = reverse("myaudit:log", kwargs={"agency_slug": world.a.agency.slug})
    return f"{path}?{urlencode(query)}" if query else path


@pytest.mark.django_db
def test_the_page_lists_who_did_what_about_me_only(
    world: World, client: Client, declared: None
) -> None:
    a, b = world.a, world.b
    Membership.objects.filter(pk=a.coach.pk).update(full_name="Coach Agnete")
    # The coach is also in agency B under another name: only A's name shows here.
    Membership.objects.filter(pk=b.coach.pk).update(full_name="Secret B Name")
    mine = make_programme(a)
    AuditEvent.objects.all().delete()
    _read(a.coach, mine, "cv.read")
    _read(a.coach, a.candidate2, "network.read")  # about someone else
    _read(b.coach, b.candidate, "network.read")
    client.force_login(a.candidate.user)

    page = client.get(_log_url(world))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Coach Agnete" in html
    assert "(Coach)" in html
    assert "CV viewed" in html
    assert "Shared network viewed" not in html
    assert "Secret B Name" not in html
    assert a.coach.user.email not in html


@pytest.mark.django_db
def test_the_page_filters_by_period(world: World, client: Client, declared: None) -> None:
    a = world.a
    AuditEvent.objects.all().delete()
    old = _read(a.coach, a.candidate, "cv.read")
    AuditEvent.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=90)
    )
    _read(a.coach, a.candidate, "network.read")
    client.force_login(a.candidate.user)
    since = (timezone.localdate() - datetime.timedelta(days=7)).isoformat()

    html = client.get(_log_url(world, since=since)).content.decode()
    assert "Shared network viewed" in html
    assert "CV viewed" not in html
    empty = client.get(_log_url(world, until="2020-01-01")).content.decode()
    assert "Nothing happened with your data in this period." in empty
    wrong = client.get(_log_url(world, since="2026-05-01", until="2026-04-01"))
    assert "The end date must not be before the start date." in wrong.content.decode()


@pytest.mark.django_db
def test_the_page_is_paginated(world: World, client: Client) -> None:
    a = world.a
    AuditEvent.objects.all().delete()
    for _ in range(30):
        _read(a.coach, a.candidate, "cv.read")
    client.force_login(a.candidate.user)
    first = client.get(_log_url(world))
    assert len(first.context["rows"]) == 25
    second = client.get(_log_url(world, page="2"))
    assert len(second.context["rows"]) == 5


def _audit_url(world: World, **query: str) -> str:
    path = reverse("privacy:audit", kwargs={"agency_slug": world.a.agency.slug})
    return f"{path}?{urlencode(query)}"


@pytest.mark.django_db
def test_the_admin_searches_by_person_and_kind_of_record(
    world: World, client: Client, declared: None
) -> None:
    a = world.a
    Membership.objects.filter(pk=a.candidate.pk).update(full_name="Ingrid Fjeld")
    mine = make_programme(a)
    AuditEvent.objects.all().delete()
    about_her = _read(a.coach, mine, "cv.read")
    about_her_too = _read(a.coach, a.candidate, "network.read")
    _read(a.coach, a.candidate2, "network.read")
    client.force_login(a.admin.user)

    by_name = client.get(_audit_url(world, person="fjeld"))
    assert set(by_name.context["page"].object_list) == {about_her, about_her_too}
    by_mail = client.get(_audit_url(world, person=a.candidate.user.email))
    assert set(by_mail.context["page"].object_list) == {about_her, about_her_too}
    by_kind = client.get(_audit_url(world, person="fjeld", target="programmes.programme"))
    assert list(by_kind.context["page"].object_list) == [about_her]
    nobody = client.get(_audit_url(world, person="no such person"))
    assert list(nobody.context["page"].object_list) == []


@pytest.mark.django_db
def test_a_person_search_matching_too_many_asks_for_more(world: World, client: Client) -> None:
    a = world.a
    for _ in range(PEOPLE_SEARCH_LIMIT):
        make_member(a.agency, Role.CANDIDATE)
    _read(a.coach, a.candidate)
    client.force_login(a.admin.user)
    response = client.get(_audit_url(world, person="example.test"))
    assert "More than 20 people match" in response.content.decode()
    assert list(response.context["page"].object_list) == []


@pytest.mark.django_db
def test_events_about_uses_every_apps_declarations(world: World, client: Client) -> None:
    """With the real registry: a coach reading the candidate's CV page is in their log, in one
    query however many kinds of record are declared."""
    a = world.a
    make_programme(a)
    cv = a_cv(a.candidate)
    other = a_cv(a.candidate2)
    AuditEvent.objects.all().delete()
    client.force_login(a.coach.user)
    detail = reverse("cvs:detail", kwargs={"agency_slug": a.agency.slug, "cv_id": cv.public_id})
    assert client.get(detail).status_code == 200
    read = AuditEvent.objects.get(action="cv.read")
    _read(a.coach, other, "cv.read")

    with CaptureQueriesContext(connection) as queries:
        found = list(selectors.events_about(a.candidate))
    assert found == [read]
    assert len(queries) == 1
