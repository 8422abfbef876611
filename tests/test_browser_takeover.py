"""The cross-agency takeover, walked in Chromium: agency B's admin prints B's day-0 invitation for
an address agency A enrolled first, and tries to activate the account with it. Without the code
e-mailed to the address nothing happens; the person's own e-mailed link from A works."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.core import mail

from springboard.accounts.emails import invitation_url
from springboard.accounts.models import Invitation, User
from springboard.employers import services as employer_services
from springboard.tenancy.roles import Role
from tests import browser
from tests.browser import ARTIFACTS, log_in
from tests.employer_fixtures import make_engagement
from tests.factories import (
    PASSWORD,
    AgencyWorld,
    current_totp_code,
    make_agency,
    make_employer,
    make_member,
)

pytestmark = pytest.mark.browser
ADDRESS = "anna.shared@example.test"
NEW_PASSWORD = "her-own-long-passphrase"


@pytest.fixture
def browser_page() -> Iterator[Any]:
    yield from browser.browser_page()


def _side(slug: str) -> AgencyWorld:
    agency = make_agency(slug)
    employer = make_employer(agency, f"Employer of {slug}")
    admin = make_member(agency, Role.ADMIN)
    return AgencyWorld(
        agency=agency,
        admin=admin,
        coach=admin,
        coach2=admin,
        employer=employer,
        contact=admin,
        candidate=admin,
        candidate2=admin,
    )


def _enrol(side: AgencyWorld, name: str) -> Any:
    engagement = make_engagement(side)
    values = dict.fromkeys(
        (
            "phone",
            "employee_number",
            "job_title",
            "department",
            "location",
            "notice_date",
            "last_working_day",
        ),
        "",
    )
    return employer_services.candidate_enrol(
        engagement=engagement,
        cohort=None,
        actor=side.admin,
        values={**values, "full_name": name, "email": ADDRESS, "language": "en"},
    )


def _path(url: str) -> str:
    """The link's path: SITE_URL in links is not the test server's address."""
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


@pytest.mark.django_db(transaction=True)
def test_agency_b_cannot_activate_agency_as_candidate(live_server: Any, request: Any) -> None:
    a, b = _side("alpha-walk"), _side("beta-walk")
    _enrol(a, "Anna Andersen")
    in_b = _enrol(b, "Somebody In B")
    page = request.getfixturevalue("browser_page")
    base = live_server.url

    # B's admin prints the day-0 invitation from the engagement page.
    log_in(page, base, b.admin.user.email, PASSWORD, lambda: current_totp_code(b.admin.user))
    page.goto(f"{base}/a/{b.agency.slug}/engagements/{in_b.engagement.public_id}/")
    with page.expect_download() as download:
        page.get_by_role("button", name=re.compile("invitation", re.IGNORECASE)).first.click()
    assert download.value.suggested_filename.endswith(".pdf")
    printed = Invitation.objects.get(agency=b.agency, email=ADDRESS, revoked_at=None)
    link = base + _path(invitation_url(printed))  # what the PDF carries

    # The admin opens the printed link in a clean browser and tries to set a password.
    attacker = page.context.browser.new_context().new_page()
    attacker.goto(link)
    attacker.locator("#id_full_name").fill("Mallory")
    attacker.locator("#id_password1").fill("mallory-owns-this-now")
    attacker.locator("#id_password2").fill("mallory-owns-this-now")
    attacker.get_by_role("button", name="Create account and join").click()
    assert attacker.get_by_text("This field is required.").first.is_visible()
    # Asking for a code sends it to the person's mailbox, not to the admin.
    mail.outbox.clear()
    attacker.get_by_role("button", name="E-mail me a code").click()
    attacker.get_by_text(f"We e-mailed a code to {ADDRESS}").wait_for()
    assert [message.to for message in mail.outbox] == [[ADDRESS]]
    attacker.locator("#id_code").fill("123456")
    attacker.locator("#id_full_name").fill("Mallory")
    attacker.locator("#id_password1").fill("mallory-owns-this-now")
    attacker.locator("#id_password2").fill("mallory-owns-this-now")
    attacker.get_by_role("button", name="Create account and join").click()
    attacker.get_by_text("That code is not right").wait_for()
    attacker.screenshot(path=str(ARTIFACTS / "takeover-refused.png"), full_page=True)
    assert not User.objects.get(email=ADDRESS).has_usable_password()
    attacker.goto(f"{base}/a/{a.agency.slug}/")
    assert "/accounts/login/" in attacker.url

    # The person opens A's e-mailed link and activates the account.
    from_a = Invitation.objects.get(agency=a.agency, email=ADDRESS, revoked_at=None)
    person = page.context.browser.new_context().new_page()
    person.goto(base + _path(invitation_url(from_a, mailbox=True)))
    person.locator("#id_full_name").fill("Anna Andersen")
    person.locator("#id_password1").fill(NEW_PASSWORD)
    person.locator("#id_password2").fill(NEW_PASSWORD)
    person.get_by_role("button", name="Create account and join").click()
    person.wait_for_url(f"{base}/a/{a.agency.slug}/")
    assert person.get_by_text("Welcome to").first.is_visible()
