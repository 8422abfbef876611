"""A candidate's "My consents" in the browser, on a phone: every consent with its wording and
history, withdrawn and given again from the keyboard, the coach's view following at once; the
page fits 360 px and passes axe-core."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import reverse

from springboard.network.models import Circle
from springboard.network.services import contact_create, network_share
from springboard.privacy.consents.selectors import has_consent
from springboard.privacy.models.consents import ConsentPurpose
from springboard.programmes.services import wellbeing_consent_give
from tests import browser
from tests.browser import log_in
from tests.factories import PASSWORD, current_totp_code, make_programme, make_world
from tests.test_layout_overflow import AXE, PHONE, _axe, _overflow

pytestmark = pytest.mark.browser

CANARY = "Canary-Tapir-2718"


@pytest.fixture
def chromium_browser() -> Iterator[Any]:
    with browser.chromium() as chromium:
        yield chromium


@pytest.mark.django_db(transaction=True)
def test_candidate_withdraws_and_gives_again_on_a_phone(
    live_server: Any, chromium_browser: Any
) -> None:
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `npm ci` (make test does).")
    world = make_world()
    a = world.a
    programme = make_programme(a, candidate=a.candidate, coaches=[a.coach])
    wellbeing_consent_give(programme=programme, actor=a.candidate)
    contact_create(owner=a.candidate, full_name=f"{CANARY} Person", circle=Circle.COLLEAGUES)
    network_share(owner=a.candidate)
    mine = reverse("consents:mine", kwargs={"agency_slug": a.agency.slug})
    coach_view = reverse(
        "network:coach_contacts",
        kwargs={"agency_slug": a.agency.slug, "public_id": programme.public_id},
    )

    context = chromium_browser.new_context(
        viewport={"width": PHONE, "height": 800}, bypass_csp=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, live_server.url, a.candidate.user.email, PASSWORD)
    page.goto(f"{live_server.url}{mine}")
    assert page.get_by_role("heading", name="My consents").is_visible()
    network = page.get_by_role("region", name="Showing my network to my coaches")
    assert network.get_by_text("The coaches of my programme may see my contacts").is_visible()
    assert _overflow(page, PHONE) is None
    assert _axe(page) == []

    # The history opens from the keyboard.
    network.get_by_text("History").focus()
    page.keyboard.press("Enter")
    assert network.get_by_text("wording version 1").is_visible()

    # Withdraw from the keyboard: the coach no longer sees the network.
    network.get_by_role("button", name="Withdraw my consent").focus()
    page.keyboard.press("Enter")
    page.get_by_text("Consent withdrawn.").wait_for()
    assert not has_consent(a.candidate, ConsentPurpose.SHARE_NETWORK)
    assert has_consent(a.candidate, ConsentPurpose.WELLBEING, programme.public_id)
    assert _overflow(page, PHONE) is None

    coach = chromium_browser.new_context(viewport={"width": PHONE, "height": 800})
    coach_page = coach.new_page()
    coach_page.set_default_timeout(15_000)
    log_in(
        coach_page,
        live_server.url,
        a.coach.user.email,
        PASSWORD,
        lambda: current_totp_code(a.coach.user),
    )
    coach_page.goto(f"{live_server.url}{coach_view}")
    assert CANARY not in coach_page.content()

    # Given again: the coach sees it again.
    network = page.get_by_role("region", name="Showing my network to my coaches")
    network.get_by_role("button", name="I agree: give my consent again").click()
    page.get_by_text("Your consent is recorded.").wait_for()
    coach_page.goto(f"{live_server.url}{coach_view}")
    assert CANARY in coach_page.content()
    coach.close()
    context.close()
