"""Agency SSO walked in Chromium against the local OIDC provider (tests/sso_idp.py): the agency
admin adds and tests the IdP; a coach signs in through it and lands in the agency, without
Springboard's second factor when the IdP asserts MFA and with it when not; the SSO session does
not open the coach's other agency."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from springboard.accounts.models import AgencyIdentityProvider
from springboard.tenancy.roles import Role
from tests import browser
from tests.browser import ARTIFACTS, log_in
from tests.factories import PASSWORD, current_totp_code, make_agency, make_member
from tests.sso_idp import Identity, OidcProvider, running_oidc_provider

pytestmark = pytest.mark.browser


@pytest.fixture
def browser_page() -> Iterator[Any]:
    yield from browser.browser_page()


@pytest.fixture
def oidc() -> Iterator[OidcProvider]:
    with running_oidc_provider() as provider:
        yield provider


def _sign_out(page: Any, base: str) -> None:
    page.goto(f"{base}/accounts/logout/")
    page.get_by_role("button", name="Sign Out").click()
    page.wait_for_url(lambda url: "/accounts/logout/" not in url)


def test_admin_configures_oidc_and_a_coach_signs_in_through_it(
    live_server: Any, browser_page: Any, oidc: OidcProvider, settings: Any
) -> None:
    # The live server speaks plain http; the callback URL sent to the IdP must match it.
    settings.ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http"
    base = live_server.url
    page = browser_page
    alpha, beta = make_agency("alpha"), make_agency("beta")
    admin = make_member(alpha, Role.ADMIN)
    coach = make_member(alpha, Role.COACH)
    make_member(beta, Role.COACH, user=coach.user)
    try:
        # 1. The agency admin adds the IdP and tests it.
        log_in(page, base, admin.user.email, PASSWORD, lambda: current_totp_code(admin.user))
        page.goto(f"{base}/a/alpha/sso/")
        page.get_by_role("link", name="Add OpenID Connect").click()
        page.get_by_label("Name on the sign-in button").fill("Alpha Entra")
        page.get_by_label("Issuer URL").fill(oidc.issuer)
        page.get_by_label("Client ID").fill(oidc.client_id)
        page.get_by_label("Client secret").fill(oidc.client_secret)
        page.get_by_role("button", name="Save").click()
        page.get_by_text("The identity provider is saved.").wait_for()
        assert "/login/callback/" in page.content()
        page.get_by_role("button", name="Test the connection").click()
        page.get_by_text("The IdP answered and publishes its signing keys.").wait_for()
        idp = AgencyIdentityProvider.objects.get()
        assert (idp.agency, idp.oidc_issuer, idp.last_test_ok) == (alpha, oidc.issuer, True)
        _sign_out(page, base)

        # 2. The coach signs in through the IdP, which asserts MFA: straight into the agency.
        oidc.next_identity = Identity(sub="entra-coach", email=coach.user.email, amr=["pwd", "mfa"])
        page.goto(f"{base}/a/alpha/sso/signin/")
        page.get_by_role("button", name="Sign in with Alpha Entra").click()
        page.wait_for_url(f"{base}/a/alpha/")
        assert oidc.token_requests == 1
        # The SSO session opens agency A only, though the coach is a member of B too.
        page.goto(f"{base}/a/beta/")
        page.get_by_role("heading", name="Sign in again to open this agency").wait_for()
        page.screenshot(path=str(ARTIFACTS / "sso-other-agency.png"))
        page.get_by_role("button", name="Sign out").click()
        page.wait_for_url(lambda url: "/a/beta/" not in url)

        # 3. Without MFA from the IdP, Springboard asks for its own second factor.
        oidc.next_identity = Identity(sub="entra-coach", email=coach.user.email, amr=["pwd"])
        page.goto(f"{base}/a/alpha/sso/signin/")
        page.get_by_role("button", name="Sign in with Alpha Entra").click()
        page.wait_for_url(lambda url: "/accounts/2fa/authenticate/" in url)
        page.get_by_label("Code").fill(current_totp_code(coach.user))
        page.get_by_role("button", name="Sign In", exact=True).click()
        page.wait_for_url(f"{base}/a/alpha/")
    except Exception:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "sso-browser-failure.png"))
        raise
