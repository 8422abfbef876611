"""End to end in Debian's Chromium: log in, switch language, save a screenshot."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import translation

from springboard.tenancy.roles import Role
from tests import browser
from tests.browser import ARTIFACTS
from tests.factories import PASSWORD, make_agency, make_member

pytestmark = pytest.mark.browser


@pytest.fixture
def browser_page() -> Iterator[Any]:
    yield from browser.browser_page()


@pytest.mark.django_db(transaction=True)
def test_login_switch_language_and_screenshot(live_server: Any, request: Any) -> None:
    agency = make_agency("browser")
    candidate = make_member(agency, Role.CANDIDATE)
    page = request.getfixturevalue("browser_page")

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(candidate.user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In", exact=True).click()
    page.wait_for_url(f"{live_server.url}/a/browser/")
    assert page.get_by_role("heading", name="What's next").is_visible()

    with page.expect_navigation():
        page.select_option("#language-select", "nl")
    assert page.locator("html").get_attribute("lang") == "nl"
    with translation.override("nl"):
        dutch_heading = translation.gettext("What's next")
    assert dutch_heading != "What's next"
    assert page.get_by_role("heading", name=dutch_heading).is_visible()

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "candidate-home-nl.png"), full_page=True)
    assert (ARTIFACTS / "candidate-home-nl.png").stat().st_size > 5000
    page.set_viewport_size({"width": 360, "height": 800})
    page.screenshot(path=str(ARTIFACTS / "candidate-home-nl-360.png"), full_page=True)
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 360
