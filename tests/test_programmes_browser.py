"""End to end in Debian's Chromium: a coach runs a Danish intake, the candidate ticks a task off,
and the coach sees the progress and the risk flag on an inactive candidate (demo data)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation

from springboard.home.demo import DEMO_AGENCY_SLUG, DEMO_PASSWORD
from springboard.programmes.content import shipped_content
from springboard.programmes.models import Programme, ProgrammeTemplate
from springboard.programmes.services import intake_complete
from tests.browser import ARTIFACTS, chromium, log_in
from tests.factories import PASSWORD, current_totp_code, make_agency_world, make_programme
from tests.test_programmes_templates import answers

pytestmark = pytest.mark.browser

COACH = "coach.ingrid@nordlys.example"  # Norwegian interface
CANDIDATE = "freja.nielsen@mail.example"  # Danish, invited, no intake yet


@pytest.fixture
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


def _log_in(browser: Any, base: str, email: str) -> Any:
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign In", exact=True).click()
    page.wait_for_url(f"{base}/a/{DEMO_AGENCY_SLUG}/")
    return page


def _in(language: str, text: str) -> str:
    with translation.override(language):
        return translation.gettext(text)


@pytest.mark.django_db(transaction=True)
@override_settings(DEMO_MODE=True)
def test_danish_intake_plan_tick_and_caseload(live_server: Any, request: Any) -> None:
    call_command("demo-data", stdout=StringIO())
    browser = request.getfixturevalue("browser")
    base = live_server.url
    programme = Programme.objects.get(candidate__user__email=CANDIDATE)
    danish_first_task = shipped_content("foundation-opportunities-action")["phases"][0]["steps"][0][
        "tasks"
    ][0]["title"]["da"]

    # The coach runs the intake in Danish and a dated plan appears.
    coach = _log_in(browser, base, COACH)
    coach.goto(f"{base}/a/{DEMO_AGENCY_SLUG}/programmes/{programme.public_id}/intake/")
    coach.locator("#id_language").select_option("da")
    coach.locator("#id_job_sought").fill("Indkøber")
    coach.locator("#id_dismissal_processing").select_option("no")
    coach.locator("#id_skills").fill("Forhandling, indkøb, leverandørstyring")
    coach.locator("#id_hours").select_option("full_time")
    with coach.expect_navigation():
        coach.locator("main form button[type=submit]").click()
    assert coach.get_by_text(danish_first_task).first.is_visible()
    assert coach.locator("time").count() > 10

    # The candidate sees what's next in Danish and ticks the first task off (htmx swap).
    candidate = _log_in(browser, base, CANDIDATE)
    assert candidate.locator("html").get_attribute("lang") == "da"
    assert candidate.get_by_role("heading", name=_in("da", "What's next")).is_visible()
    assert candidate.locator("#next-tasks").get_by_text(danish_first_task, exact=True).is_visible()
    tick = candidate.locator(".js-tick").first
    with candidate.expect_response(lambda r: "/done/" in r.url) as swapped:
        tick.click()
    assert swapped.value.request.headers.get("hx-request") == "true"
    candidate.get_by_role("button", name=_in("da", "Done")).first.wait_for()
    ARTIFACTS.mkdir(exist_ok=True)
    candidate.screenshot(path=str(ARTIFACTS / "candidate-plan-da.png"), full_page=True)

    # The coach sees the progress, and the inactive demo candidate is flagged.
    programme.refresh_from_db()
    assert programme.progress_percent > 0
    coach.goto(f"{base}/a/{DEMO_AGENCY_SLUG}/")
    row = coach.locator("tr", has_text="Freja Nielsen")
    assert f"{programme.progress_percent}%" in row.inner_text()
    ole = coach.locator("tr", has_text="Ole Hansen")
    assert _in("nb", "No login for 14 days") in ole.inner_text()
    coach.screenshot(path=str(ARTIFACTS / "coach-caseload-nb.png"), full_page=True)


AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"


def _serious_violations(page: Any) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}
        })"""
    )
    return [v["id"] for v in result["violations"] if v["impact"] in {"serious", "critical"}]


@pytest.mark.django_db(transaction=True)
def test_template_editor_by_keyboard_and_adding_to_the_plan(live_server: Any) -> None:
    """The structured editor without any script of its own: a structure button moves the focus
    to the new field, Enter in a field saves; both pages pass axe (injected past the CSP)."""
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `npm ci` (make test does).")
    side = make_agency_world("tpl")
    programme = make_programme(side, candidate=side.candidate, coaches=[side.coach])
    intake_complete(programme=programme, actor=side.coach, answers=answers(), language="en")
    template = programme.template_version.template
    base = live_server.url
    with chromium() as launched:
        page = launched.new_context(
            viewport={"width": 1280, "height": 900}, bypass_csp=True
        ).new_page()
        page.set_default_timeout(15_000)
        log_in(
            page, base, side.admin.user.email, PASSWORD, lambda: current_totp_code(side.admin.user)
        )
        page.goto(f"{base}/a/tpl/programmes/templates/{template.public_id}/edit/")
        assert _serious_violations(page) == []
        add_task = page.get_by_role("button", name=re.compile(r"^Add a task\W+Phase 1, step 1$"))
        add_task.focus()
        with page.expect_navigation():
            page.keyboard.press("Enter")
        tasks = len(programme.template_version.content["phases"][0]["steps"][0]["tasks"])
        prefix = f"p0-s0-t{tasks}"
        assert page.evaluate("document.activeElement.id") == f"id_{prefix}-title_en"
        page.keyboard.type("Phone a former colleague")
        for language in ("nl", "da", "nb"):
            page.locator(f"#id_{prefix}-title_{language}").fill(f"Phone ({language})")
        page.locator(f"#id_{prefix}-due_days").fill("5")
        with page.expect_navigation():
            page.locator(f"#id_{prefix}-due_days").press("Enter")
        assert not page.url.endswith("/edit/")  # on the template page, saved
        version = ProgrammeTemplate.objects.get(agency=side.agency).versions.get()
        task = version.content["phases"][0]["steps"][0]["tasks"][-1]
        assert task["title"]["en"] == "Phone a former colleague"
        assert task["due_days"] == 5

        page.goto(f"{base}/a/tpl/programmes/{programme.public_id}/items/add/")
        assert _serious_violations(page) == []
