"""Personal API tokens: made on a page and shown once, stored hashed, and accepted by the API as
`Authorization: Bearer` only within their own agency, their scope, their lifetime and their rate."""

from __future__ import annotations

import datetime
import hashlib
import re
from typing import Any

import pytest
from django.apps import apps
from django.db import connection, models
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from springboard.accounts.api_tokens import auth as token_auth
from springboard.accounts.api_tokens.services import (
    MAX_ACTIVE_TOKENS,
    IssuedToken,
    api_token_create,
    api_token_revoke,
)
from springboard.accounts.models import ApiToken, ApiTokenScope
from springboard.lib.errors import DomainError
from springboard.network.models import Contact
from springboard.privacy.models import AuditEvent
from springboard.tenancy.models import Membership
from springboard.tenancy.roles import Role
from tests.factories import World, make_member

CONTACT = {"full_name": "Token Person", "circle": "colleagues"}


def _issue(member: Membership, scope: str = ApiTokenScope.READ, days: int = 30) -> IssuedToken:
    return api_token_create(
        membership=member,
        actor=member.user,
        name="Script",
        scope=scope,
        expires_on=timezone.localdate() + datetime.timedelta(days=days),
    )


def _contacts_url(member: Membership) -> str:
    return reverse("api:network_contacts", kwargs={"agency_slug": member.agency.slug})


def _bearer(plaintext: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {plaintext}"}


def _get(client: Client, url: str, plaintext: str) -> Any:
    return client.get(url, headers=_bearer(plaintext))


def _post_contact(client: Client, member: Membership, plaintext: str | None = None) -> Any:
    return client.post(
        _contacts_url(member),
        CONTACT,
        content_type="application/json",
        headers=_bearer(plaintext) if plaintext else {},
    )


# Creating, showing once, hashing


def test_a_candidate_creates_a_token_and_sees_it_once(world: World, client: Client) -> None:
    candidate = world.a.candidate
    client.force_login(candidate.user)
    url = reverse("tokens:create", kwargs={"agency_slug": "alpha"})
    assert client.get(url).status_code == 200

    expires_on = timezone.localdate() + datetime.timedelta(days=10)
    response = client.post(
        url, {"name": "Sheet sync", "scope": "read", "expires_on": expires_on.isoformat()}
    )

    assert response.status_code == 201
    plaintext = re.search(r'value="(sbp_[0-9a-f]{12}_[A-Za-z0-9_-]{43})"', response.text)
    assert plaintext is not None
    token = ApiToken.objects.get(membership=candidate)
    assert (token.name, token.scope, token.role) == ("Sheet sync", "read", Role.CANDIDATE)
    assert timezone.localtime(token.expires_at).date() == expires_on + datetime.timedelta(days=1)
    listing = client.get(reverse("tokens:list", kwargs={"agency_slug": "alpha"}))
    assert "Sheet sync" in listing.text
    assert f"sbp_{token.prefix}_" in listing.text
    assert plaintext[1] not in listing.text
    assert _get(Client(), _contacts_url(candidate), plaintext[1]).status_code == 200


def test_the_database_holds_a_hash_never_the_secret(world: World) -> None:
    issued = _issue(world.a.candidate)
    secret = issued.plaintext.split("_", 2)[2]
    token = issued.token
    token.refresh_from_db()
    assert token.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    # Every text and JSON column of every table (audit data included) is free of the secret.
    for model in apps.get_models():
        columns = [
            field.attname
            for field in model._meta.concrete_fields
            if isinstance(field, (models.CharField, models.TextField, models.JSONField))
        ]
        for row in model._default_manager.values_list(*columns):
            assert all(secret not in str(value) for value in row), model._meta.label


def test_a_token_with_the_right_prefix_but_a_wrong_secret_is_refused(world: World) -> None:
    issued = _issue(world.a.candidate)
    prefix = issued.token.prefix
    forged = f"sbp_{prefix}_{'A' * 43}"
    response = _get(Client(), _contacts_url(world.a.candidate), forged)
    assert response.status_code == 401
    assert response.json()["code"] == "invalid"
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("header", ["Bearer nonsense", "Bearer ", "Bearer sbp_zz_zz"])
def test_malformed_tokens_are_refused_with_a_clear_message(world: World, header: str) -> None:
    response = Client().get(_contacts_url(world.a.candidate), headers={"Authorization": header})
    assert response.status_code == 401
    assert response.json()["detail"] == "This API token is not valid."


def test_expiry_is_required_and_at_most_a_year(world: World, client: Client) -> None:
    client.force_login(world.a.candidate.user)
    url = reverse("tokens:create", kwargs={"agency_slug": "alpha"})
    default = client.get(url).context["form"]["expires_on"].value()
    assert default == timezone.localdate() + datetime.timedelta(days=90)
    for day, message in [
        (timezone.localdate() + datetime.timedelta(days=366), "at most one year"),
        (timezone.localdate(), "after today"),
        (None, "This field is required"),
    ]:
        data = {"name": "x", "scope": "read"}
        if day is not None:
            data["expires_on"] = day.isoformat()
        response = client.post(url, data)
        assert response.status_code == 200
        assert message in response.text
    assert not ApiToken.objects.exists()
    with pytest.raises(DomainError):
        _issue(world.a.candidate, days=400)


def test_the_number_of_active_tokens_is_capped(world: World) -> None:
    for _ in range(MAX_ACTIVE_TOKENS):
        _issue(world.a.candidate)
    with pytest.raises(DomainError):
        _issue(world.a.candidate)
    assert ApiToken.objects.count() == MAX_ACTIVE_TOKENS


def test_nobody_creates_a_token_for_someone_else(world: World) -> None:
    with pytest.raises(DomainError):
        api_token_create(
            membership=world.a.candidate,
            actor=world.a.admin.user,
            name="x",
            scope="write",
            expires_on=timezone.localdate() + datetime.timedelta(days=5),
        )
    assert not ApiToken.objects.exists()


# MFA for staff


@override_settings(DEMO_MODE=True)  # the one setting where staff reach pages without MFA
def test_staff_without_mfa_are_told_how_to_enable_it(world: World, client: Client) -> None:
    coach = make_member(world.a.agency, Role.COACH, mfa=False)
    client.force_login(coach.user)
    url = reverse("tokens:create", kwargs={"agency_slug": "alpha"})

    page = client.get(url)
    assert page.status_code == 200
    assert reverse("mfa_index") in page.text
    assert "two-factor authentication" in page.text
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    refused = client.post(url, {"name": "x", "scope": "read", "expires_on": tomorrow.isoformat()})
    assert refused.status_code == 403
    with pytest.raises(DomainError):
        _issue(coach)
    assert not ApiToken.objects.exists()


def test_staff_with_mfa_create_tokens_and_candidates_need_none(world: World) -> None:
    for member in (world.a.coach, world.a.admin, world.a.contact, world.a.candidate):
        assert _issue(member, scope=ApiTokenScope.WRITE).token.role == member.role


def test_without_mfa_outside_demo_mode_staff_are_sent_to_enrol(
    world: World, client: Client
) -> None:
    coach = make_member(world.a.agency, Role.COACH, mfa=False)
    client.force_login(coach.user)
    response = client.get(reverse("tokens:create", kwargs={"agency_slug": "alpha"}))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_index")


# Scopes and CSRF


def test_a_read_token_reads_but_never_writes(world: World) -> None:
    candidate = world.a.candidate
    plaintext = _issue(candidate).plaintext
    client = Client()
    assert _get(client, _contacts_url(candidate), plaintext).status_code == 200

    response = _post_contact(client, candidate, plaintext)

    assert response.status_code == 403
    assert response.json()["code"] == "read_only"
    assert not Contact.objects.exists()


def test_a_write_token_writes_without_csrf(world: World) -> None:
    candidate = world.a.candidate
    plaintext = _issue(candidate, scope=ApiTokenScope.WRITE).plaintext
    client = Client(enforce_csrf_checks=True)

    response = _post_contact(client, candidate, plaintext)

    assert response.status_code == 201, response.content
    assert Contact.objects.filter(full_name="Token Person").count() == 1


def test_a_session_write_still_needs_csrf(world: World) -> None:
    candidate = world.a.candidate
    client = Client(enforce_csrf_checks=True)
    client.force_login(candidate.user)

    assert _post_contact(client, candidate).status_code == 403
    assert not Contact.objects.exists()

    client.get(reverse("tokens:create", kwargs={"agency_slug": "alpha"}))
    csrf = client.cookies["csrftoken"].value
    response = client.post(
        _contacts_url(candidate),
        CONTACT,
        content_type="application/json",
        headers={"X-CSRFToken": csrf},
    )
    assert response.status_code == 201


def test_a_token_acts_as_its_owner_even_beside_another_session(world: World) -> None:
    """The header wins over a browser session of someone else, and writes nothing there."""
    owner = world.a.candidate
    plaintext = _issue(owner, scope=ApiTokenScope.WRITE).plaintext
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.a.candidate2.user)

    assert _post_contact(client, owner, plaintext).status_code == 201

    contact = Contact.objects.get()
    assert contact.owner_id == owner.pk


def test_a_token_does_not_sign_in_to_pages(world: World) -> None:
    plaintext = _issue(world.a.candidate).plaintext
    response = Client().get(
        reverse("tokens:list", kwargs={"agency_slug": "alpha"}), headers=_bearer(plaintext)
    )
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


# Expiry, revocation, the membership


def test_an_expired_token_is_refused(world: World) -> None:
    issued = _issue(world.a.candidate)
    ApiToken.objects.filter(pk=issued.token.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=3),
        expires_at=timezone.now() - datetime.timedelta(seconds=1),
    )
    response = _get(Client(), _contacts_url(world.a.candidate), issued.plaintext)
    assert response.status_code == 401
    assert response.json() == {"detail": "This API token has expired.", "code": "expired"}


def test_a_revoked_token_stops_at_once(world: World, client: Client) -> None:
    candidate = world.a.candidate
    issued = _issue(candidate)
    assert _get(Client(), _contacts_url(candidate), issued.plaintext).status_code == 200
    client.force_login(candidate.user)

    response = client.post(
        reverse(
            "tokens:revoke", kwargs={"agency_slug": "alpha", "public_id": issued.token.public_id}
        )
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("tokens:list", kwargs={"agency_slug": "alpha"})
    refused = _get(Client(), _contacts_url(candidate), issued.plaintext)
    assert refused.status_code == 401
    assert refused.json()["code"] == "revoked"
    assert AuditEvent.objects.filter(
        action="api_token.refused", target_id=str(issued.token.public_id), data__reason="revoked"
    ).exists()


@pytest.mark.parametrize("change", ["membership", "account", "role"])
def test_a_token_stops_when_its_membership_changes(world: World, change: str) -> None:
    candidate = world.a.candidate
    issued = _issue(candidate)
    if change == "membership":
        Membership.objects.filter(pk=candidate.pk).update(is_active=False)
    elif change == "account":
        type(candidate.user).objects.filter(pk=candidate.user_id).update(is_active=False)
    else:
        Membership.objects.filter(pk=candidate.pk).update(role=Role.COACH)
    assert _get(Client(), _contacts_url(candidate), issued.plaintext).status_code == 401


# One agency only


def test_a_token_works_only_in_its_own_agency(world: World) -> None:
    """Even when its owner is also a member of the other agency, with a session there."""
    person = world.a.candidate
    also_in_b = make_member(world.b.agency, Role.CANDIDATE, user=person.user)
    plaintext = _issue(person, scope=ApiTokenScope.WRITE).plaintext
    client = Client()
    client.force_login(person.user)

    read = _get(client, _contacts_url(also_in_b), plaintext)
    write = _post_contact(client, also_in_b, plaintext)

    assert (read.status_code, write.status_code) == (403, 403)
    assert read.json()["code"] == "other_agency"
    assert not Contact.objects.exists()
    assert _get(client, _contacts_url(person), plaintext).status_code == 200
    # Not a single row was touched in agency B: the refusal is recorded in the token's agency.
    assert not AuditEvent.objects.filter(agency=world.b.agency).exists()


def test_a_token_is_refused_on_api_addresses_without_an_agency(world: World) -> None:
    plaintext = _issue(world.a.candidate).plaintext
    response = _get(Client(), reverse("api:openapi-json"), plaintext)
    assert response.status_code == 403


# Use: last use and the rate limit


def test_last_use_is_recorded_at_most_once_a_minute(world: World) -> None:
    issued = _issue(world.a.candidate)
    url = _contacts_url(world.a.candidate)
    assert issued.token.last_used_at is None

    _get(Client(), url, issued.plaintext)
    issued.token.refresh_from_db()
    first = issued.token.last_used_at
    assert first is not None
    _get(Client(), url, issued.plaintext)
    issued.token.refresh_from_db()
    assert issued.token.last_used_at == first

    earlier = first - datetime.timedelta(minutes=2)
    ApiToken.objects.filter(pk=issued.token.pk).update(last_used_at=earlier)
    _get(Client(), url, issued.plaintext)
    issued.token.refresh_from_db()
    assert issued.token.last_used_at is not None
    assert issued.token.last_used_at > first


def test_each_token_is_rate_limited(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(token_auth, "RATE_LIMIT_PER_MINUTE", 3)
    limited = _issue(world.a.candidate).plaintext
    other = _issue(world.a.candidate).plaintext
    url = _contacts_url(world.a.candidate)
    client = Client()

    statuses = [_get(client, url, limited).status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]
    response = _get(client, url, limited)
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert response.json()["code"] == "rate_limited"
    # The budget is per token: another token of the same person still works.
    assert _get(client, url, other).status_code == 200


# Lists and revocation by the admin


def test_the_admin_sees_and_revokes_the_agencys_tokens(world: World, client: Client) -> None:
    issued = _issue(world.a.candidate)
    _issue(world.b.candidate)
    client.force_login(world.a.admin.user)

    listing = client.get(reverse("tokens:agency", kwargs={"agency_slug": "alpha"}))
    assert listing.status_code == 200
    assert [token.pk for token in listing.context["page"].object_list] == [issued.token.pk]
    assert world.a.candidate.display_name in listing.text

    response = client.post(
        reverse(
            "tokens:revoke", kwargs={"agency_slug": "alpha", "public_id": issued.token.public_id}
        )
    )

    assert response["Location"] == reverse("tokens:agency", kwargs={"agency_slug": "alpha"})
    issued.token.refresh_from_db()
    assert issued.token.revoked_at is not None
    assert issued.token.revoked_by == world.a.admin.user
    event = AuditEvent.objects.get(action="api_token.revoke")
    assert (event.agency, event.actor, event.data["by_owner"]) == (
        world.a.agency,
        world.a.admin.user,
        False,
    )


def test_others_may_neither_see_nor_revoke_a_token(world: World, client: Client) -> None:
    issued = _issue(world.a.candidate)
    revoke = reverse(
        "tokens:revoke", kwargs={"agency_slug": "alpha", "public_id": issued.token.public_id}
    )
    client.force_login(world.a.coach.user)
    assert client.post(revoke).status_code == 403
    own_list = client.get(reverse("tokens:list", kwargs={"agency_slug": "alpha"}))
    assert not own_list.context["page"].object_list
    assert client.get(reverse("tokens:agency", kwargs={"agency_slug": "alpha"})).status_code == 403
    client.force_login(world.b.admin.user)
    other_agency = reverse(
        "tokens:revoke", kwargs={"agency_slug": "beta", "public_id": issued.token.public_id}
    )
    assert client.post(other_agency).status_code == 404
    issued.token.refresh_from_db()
    assert issued.token.revoked_at is None


def test_create_and_revoke_are_audited_without_the_secret(world: World) -> None:
    issued = _issue(world.a.candidate, scope=ApiTokenScope.WRITE)
    api_token_revoke(token=issued.token, actor=world.a.candidate.user)
    api_token_revoke(token=issued.token, actor=world.a.candidate.user)
    events = AuditEvent.objects.filter(target_id=str(issued.token.public_id)).order_by("pk")
    assert [event.action for event in events] == ["api_token.create", "api_token.revoke"]
    assert events[0].data["scope"] == "write"
    assert events[0].data["prefix"] == issued.token.prefix
    assert issued.plaintext.split("_", 2)[2] not in str(events[0].data)


def test_the_agency_list_costs_the_same_queries_for_more_tokens(
    world: World, client: Client, django_assert_max_num_queries: Any
) -> None:
    client.force_login(world.a.admin.user)
    url = reverse("tokens:agency", kwargs={"agency_slug": "alpha"})
    _issue(world.a.candidate)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for member in (world.a.candidate2, world.a.coach, world.a.contact):
        _issue(member)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(url)
    assert len(response.context["page"].object_list) == 4
