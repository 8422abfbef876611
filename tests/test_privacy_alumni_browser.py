"""Alumni in Chromium: after the programme closes the candidate still signs in and reads their
CV; a write (deleting it) is refused with the read-only page and the CV stays."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from springboard.cvs.models import Cv
from tests.browser import log_in
from tests.factories import PASSWORD, make_programme, make_world
from tests.test_privacy_alumni import a_cv, close

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def chromium_browser() -> Any:
    from tests import browser

    with browser.chromium() as chromium:
        yield chromium


@pytest.mark.django_db(transaction=True)
def test_after_the_programme_closes_the_candidate_reads_their_cv(
    live_server: Any, chromium_browser: Any
) -> None:
    world = make_world()
    candidate = world.a.candidate
    close(make_programme(world.a), timezone.localdate() - datetime.timedelta(days=40))
    cv = a_cv(candidate)
    page = chromium_browser.new_page()
    page.set_default_timeout(15_000)
    base = live_server.url

    log_in(page, base, candidate.user.email, PASSWORD)
    page.goto(f"{base}/a/{world.a.agency.slug}/")
    assert "Your access has ended" not in page.content()
    # Through the menu's "My work" group, as a person would.
    page.get_by_role("button", name="My work").click()
    page.get_by_role("link", name="CVs and letters").click()
    page.get_by_role("link", name="Warehouse CV").first.click()
    page.get_by_text("Alumna Canary").first.wait_for()

    # No edit or delete controls for a read-only alumna; a delete sent anyway (an old tab, a
    # bookmarked form) gets the read-only page and the CV stays.
    assert page.get_by_role("button", name="Delete this CV and all its versions").count() == 0
    assert page.get_by_role("link", name="Edit (saves a new version)").count() == 0
    cv_url = page.url
    page.evaluate(
        """(url) => {
            const form = document.createElement("form");
            form.method = "post";
            form.action = url + "delete/";
            const token = document.createElement("input");
            token.name = "csrfmiddlewaretoken";
            token.value = document.cookie.match(/csrftoken=([^;]+)/)?.[1]
                || document.querySelector("[name=csrfmiddlewaretoken]").value;
            form.append(token);
            document.body.append(form);
            form.submit();
        }""",
        cv_url,
    )
    page.get_by_role("heading", name="Your data can no longer be changed").wait_for()
    assert "read-only until" in page.content()
    assert Cv.objects.filter(pk=cv.pk).exists()
    page.close()
