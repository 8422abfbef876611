"""MFA for staff, no account enumeration, and the remembered language."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from springboard.tenancy.roles import Role
from tests.factories import PASSWORD, World, make_member

DATA_PAGES = ("home:agency", "tenancy:members", "privacy:audit")


@pytest.mark.parametrize("role", [Role.ADMIN, Role.COACH, Role.EMPLOYER_CONTACT])
@pytest.mark.parametrize("url_name", DATA_PAGES)
def test_staff_without_mfa_reach_no_data_page(
    world: World, client: Client, role: Role, url_name: str
) -> None:
    member = make_member(world.a.agency, role, mfa=False)
    client.force_login(member.user)
    response = client.get(reverse(url_name, kwargs={"agency_slug": world.a.agency.slug}))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_index")
    htmx = client.get(
        reverse(url_name, kwargs={"agency_slug": world.a.agency.slug}),
        headers={"HX-Request": "true"},
    )
    assert htmx.status_code == 403
    assert client.get(reverse("agencies:list")).status_code == 302


def test_staff_can_open_the_mfa_setup_pages(world: World, client: Client) -> None:
    member = make_member(world.a.agency, Role.COACH, mfa=False)
    client.force_login(member.user)
    assert client.get(reverse("mfa_index")).status_code == 200
    assert client.get(reverse("mfa_activate_totp")).status_code in {200, 302}


def test_candidates_may_skip_mfa(world: World, client: Client) -> None:
    member = make_member(world.a.agency, Role.CANDIDATE, mfa=False)
    client.force_login(member.user)
    home = client.get(reverse("home:agency", kwargs={"agency_slug": world.a.agency.slug}))
    assert home.status_code == 200


def test_demo_mode_is_the_only_place_staff_skip_mfa(world: World, client: Client) -> None:
    member = make_member(world.a.agency, Role.COACH, mfa=False)
    client.force_login(member.user)
    url = reverse("home:agency", kwargs={"agency_slug": world.a.agency.slug})
    with override_settings(DEMO_MODE=True):
        response = client.get(url)
    assert response.status_code == 200
    assert "Demo mode" in response.text


def _strip_tokens(html: str) -> str:
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    html = re.sub(r'"X-CSRFToken": "[^"]+"', "", html)
    html = re.sub(r'Nonce": "[^"]+"', "", html)
    return re.sub(r'nonce(=|-)"?[A-Za-z0-9_\-]+"?', "", html)


def test_login_failure_is_identical_for_known_and_unknown_emails(world: World) -> None:
    url = reverse("account_login")
    known = Client().post(url, {"login": world.a.coach.user.email, "password": "wrong-password"})
    unknown = Client().post(url, {"login": "nobody@example.test", "password": "wrong-password"})
    assert known.status_code == unknown.status_code == 200
    assert _strip_tokens(known.text).replace(world.a.coach.user.email, "X") == _strip_tokens(
        unknown.text
    ).replace("nobody@example.test", "X")


def test_password_reset_is_identical_for_known_and_unknown_emails(world: World) -> None:
    url = reverse("account_reset_password")
    known = Client().post(url, {"email": world.a.coach.user.email})
    unknown = Client().post(url, {"email": "nobody@example.test"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]


def test_login_with_password_works_and_is_rate_limited(world: World) -> None:
    client = Client()
    email = world.a.candidate.user.email
    ok = client.post(reverse("account_login"), {"login": email, "password": PASSWORD})
    assert ok.status_code == 302
    attacker = Client()
    for _ in range(5):
        attacker.post(reverse("account_login"), {"login": email, "password": "guess"})
    blocked = attacker.post(reverse("account_login"), {"login": email, "password": PASSWORD})
    assert blocked.status_code == 200
    assert "Too many failed login attempts" in blocked.text


def test_language_is_remembered_on_the_account(world: World, client: Client) -> None:
    user = world.a.candidate.user
    client.force_login(user)
    response = client.post(reverse("language_switch"), {"language": "da", "next": "/"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.language == "da"
    other_device = Client()
    other_device.force_login(user)
    page = other_device.get(reverse("home:agency", kwargs={"agency_slug": world.a.agency.slug}))
    assert page.headers["Content-Language"] == "da"


def test_language_switch_refuses_offsite_redirects(client: Client) -> None:
    response = client.post(
        reverse("language_switch"), {"language": "nl", "next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]


def test_unknown_language_is_ignored(world: World, client: Client) -> None:
    user = world.a.candidate.user
    client.force_login(user)
    client.post(reverse("language_switch"), {"language": "xx", "next": "/"})
    user.refresh_from_db()
    assert user.language == "en"
    assert not mail.outbox
