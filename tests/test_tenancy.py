"""Tenancy: isolation between agencies, capabilities, membership changes and their sessions."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from springboard.privacy.models import AuditEvent
from springboard.privacy.services import audit_record
from springboard.tenancy.models import Membership
from springboard.tenancy.roles import Role
from tests.factories import World, make_member


def _member_url(name: str, slug: str, membership: Membership) -> str:
    return reverse(name, kwargs={"agency_slug": slug, "public_id": membership.public_id})


def test_admin_cannot_touch_another_agencys_member(world: World, client: Client) -> None:
    client.force_login(world.a.admin.user)
    url = _member_url("tenancy:member_deactivate", world.a.agency.slug, world.b.coach)
    assert client.post(url).status_code == 404
    world.b.coach.refresh_from_db()
    assert world.b.coach.is_active
    assert not AuditEvent.objects.filter(agency=world.b.agency).exists()


def test_non_member_gets_the_same_404_as_a_missing_agency(world: World, client: Client) -> None:
    client.force_login(world.a.admin.user)
    other = client.get(reverse("home:agency", kwargs={"agency_slug": world.b.agency.slug}))
    missing = client.get(reverse("home:agency", kwargs={"agency_slug": "no-such-agency"}))
    assert other.status_code == missing.status_code == 404
    assert world.b.agency.name not in other.text
    assert other.templates[0].name == missing.templates[0].name == "errors/404.html"


def test_missing_capability_is_403(world: World, client: Client) -> None:
    client.force_login(world.a.coach.user)
    response = client.get(reverse("tenancy:members", kwargs={"agency_slug": world.a.agency.slug}))
    assert response.status_code == 403


def test_anonymous_is_sent_to_login(world: World, client: Client) -> None:
    url = reverse("tenancy:members", kwargs={"agency_slug": world.a.agency.slug})
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_deactivation_ends_open_sessions_at_once(world: World) -> None:
    coach_client, admin_client = Client(), Client()
    coach_client.force_login(world.a.coach.user)
    admin_client.force_login(world.a.admin.user)
    home = reverse("home:agency", kwargs={"agency_slug": world.a.agency.slug})
    assert coach_client.get(home).status_code == 200

    response = admin_client.post(
        _member_url("tenancy:member_deactivate", world.a.agency.slug, world.a.coach)
    )
    assert response.status_code == 302

    after = coach_client.get(home)
    assert after.status_code == 302
    assert after["Location"].startswith(reverse("account_login"))
    world.a.coach.refresh_from_db()
    assert not world.a.coach.is_active
    assert (
        AuditEvent.objects.filter(action="membership.deactivate", agency=world.a.agency).count()
        == 1
    )


def test_role_change_applies_on_next_request(world: World, client: Client) -> None:
    client.force_login(world.a.admin.user)
    response = client.post(
        _member_url("tenancy:member_edit", world.a.agency.slug, world.a.coach2),
        {"role": Role.ADMIN},
    )
    assert response.status_code == 302
    world.a.coach2.refresh_from_db()
    assert world.a.coach2.role == Role.ADMIN
    event = AuditEvent.objects.get(action="membership.change_role")
    assert event.data == {"from": "coach", "to": "admin"}
    assert event.request_id


def test_posted_agency_and_staff_fields_are_ignored(world: World, client: Client) -> None:
    client.force_login(world.a.admin.user)
    response = client.post(
        _member_url("tenancy:member_edit", world.a.agency.slug, world.a.coach2),
        {
            "role": Role.EMPLOYER_CONTACT,
            "employer": str(world.b.employer.public_id),
            "agency": str(world.b.agency.pk),
            "is_staff": "on",
            "is_superuser": "on",
        },
    )
    assert response.status_code == 200  # the other agency's employer is not a valid choice
    world.a.coach2.refresh_from_db()
    assert world.a.coach2.role == Role.COACH
    assert world.a.coach2.agency_id == world.a.agency.pk
    assert world.a.coach2.employer_id is None
    assert not hasattr(world.a.coach2.user, "is_staff")


def test_last_admin_cannot_be_deactivated_or_demoted(world: World, client: Client) -> None:
    second = make_member(world.a.agency, Role.ADMIN)
    client.force_login(second.user)
    client.post(_member_url("tenancy:member_deactivate", world.a.agency.slug, world.a.admin))
    world.a.admin.refresh_from_db()
    assert not world.a.admin.is_active
    # `second` is now the only admin; a fresh admin cannot demote them away.
    client.force_login(second.user)
    response = client.post(
        _member_url("tenancy:member_edit", world.a.agency.slug, second), {"role": Role.COACH}
    )
    assert response.status_code == 200
    second.refresh_from_db()
    assert second.role == Role.ADMIN


def test_members_list_searches_sorts_and_paginates(world: World, client: Client) -> None:
    client.force_login(world.a.admin.user)
    url = reverse("tenancy:members", kwargs={"agency_slug": world.a.agency.slug})
    response = client.get(url, {"q": world.a.coach.user.email, "sort": "-email"})
    assert response.status_code == 200
    assert world.a.coach.user.email in response.text
    assert world.a.coach2.user.email not in response.text
    assert world.b.coach.user.email not in client.get(url).text
    # A crafted sort key is rejected by the form, never passed to order_by().
    assert client.get(url, {"sort": "user__password"}).status_code == 200
    partial = client.get(url, headers={"HX-Request": "true"})
    assert partial.status_code == 200
    assert "<html" not in partial.text


@pytest.mark.parametrize("url_name", ["tenancy:members", "privacy:audit"])
def test_lists_use_a_constant_number_of_queries(
    world: World, client: Client, url_name: str
) -> None:
    client.force_login(world.a.admin.user)
    url = reverse(url_name, kwargs={"agency_slug": world.a.agency.slug})
    audit_record(agency=world.a.agency, actor=world.a.admin.user, action="test.event")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    few = count()
    for _ in range(20):
        member = make_member(world.a.agency, Role.CANDIDATE)
        audit_record(agency=world.a.agency, actor=member.user, action="test.event", target=member)
    assert count() == few
