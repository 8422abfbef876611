"""WCAG 2.2 AA checks with axe-core (from npm) on key pages, in Debian's Chromium.

axe is injected into the page under test; the browser context bypasses CSP only for that
injection, the pages themselves are served with their normal policy.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from springboard.employers.models import Cohort
from tests import browser
from tests.browser import log_in
from tests.factories import PASSWORD, current_totp_code, make_agency_world, make_programme

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
SERIOUS = {"serious", "critical"}


@pytest.fixture
def browser_page() -> Iterator[Any]:
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `npm ci` (make test does).")
    yield from browser.browser_page(bypass_csp=True)


def _violations(page: Any) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}
        })"""
    )
    assert result["passes"], "axe ran no checks"
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in SERIOUS
    ]


@pytest.mark.django_db(transaction=True)
def test_key_pages_have_no_serious_violations(live_server: Any, request: Any) -> None:
    world_side = make_agency_world("axe")
    admin = world_side.admin
    candidate = world_side.candidate
    programme = make_programme(world_side, candidate=candidate)
    engagement = programme.enrolment.engagement
    cohort = Cohort.objects.create(
        engagement=engagement, name="Round 1", notice_date=date(2026, 3, 2)
    )
    page = request.getfixturevalue("browser_page")
    base = live_server.url
    problems: dict[str, list[str]] = {}

    page.goto(f"{base}/accounts/login/")
    problems["login"] = _violations(page)
    log_in(page, base, candidate.user.email, PASSWORD)
    problems["candidate home"] = _violations(page)
    page.goto(f"{base}/a/axe/my/privacy/")
    problems["candidate privacy"] = _violations(page)
    page.goto(f"{base}/a/axe/programmes/{programme.public_id}/")
    problems["candidate programme"] = _violations(page)
    page.context.clear_cookies()
    log_in(page, base, admin.user.email, PASSWORD, lambda: current_totp_code(admin.user))
    for name, path in [
        ("admin home", "/a/axe/"),
        ("members", "/a/axe/members/"),
        ("invite", "/a/axe/members/invite/"),
        ("employers", "/a/axe/employers/"),
        ("new employer", "/a/axe/employers/new/"),
        ("checklist", "/a/axe/settings/checklist/"),
        ("audit log", "/a/axe/audit/"),
        ("engagement", f"/a/axe/engagements/{engagement.public_id}/"),
        ("new engagement", f"/a/axe/employers/{engagement.employer.public_id}/engagements/new/"),
        ("cohort", f"/a/axe/cohorts/{cohort.public_id}/"),
        ("enrol", f"/a/axe/engagements/{engagement.public_id}/enrol/"),
        ("import upload", f"/a/axe/engagements/{engagement.public_id}/imports/new/"),
        ("caseload", "/a/axe/programmes/"),
        ("programme", f"/a/axe/programmes/{programme.public_id}/"),
        ("intake", f"/a/axe/programmes/{programme.public_id}/intake/"),
        ("programme templates", "/a/axe/programmes/templates/"),
        ("occupations", "/a/axe/taxonomy/occupations/"),
    ]:
        page.goto(f"{base}{path}")
        problems[name] = _violations(page)
    found = {name: issues for name, issues in problems.items() if issues}
    assert not found, found
