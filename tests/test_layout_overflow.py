"""Every page of every role at phone and desktop widths: no sideways scroll, a usable menu, and
no serious or critical axe-core violation (U1, U3).

The pages are the permission matrix's GET rows that answer 200 for the role, with the same URL
arguments the matrix run uses; one browser walks them all, one tab per role.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Error as PlaywrightError

from springboard.employers.models import EnrolmentImport, ImportStatus
from springboard.programmes.models import PlanItem, PlanItemKind, Programme
from springboard.programmes.services.wellbeing import (
    wellbeing_checkin_submit,
    wellbeing_consent_give,
)
from springboard.tenancy.models import Membership
from tests import browser, matrix_employers, matrix_programmes
from tests.browser import ARTIFACTS, log_in
from tests.factories import PASSWORD, AgencyWorld, World, current_totp_code, make_world
from tests.permission_matrix import MATRIX
from tests.test_permission_matrix import _kwargs

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
SERIOUS = {"serious", "critical"}
PHONE, DESKTOP = 360, 1280
MENU_WIDTHS = (1280, 1024, 768, 360)
DOWNLOADS = (".csv", ".pdf", ".xlsx", ".json", ".txt", ".ics", ".docx", ".zip")
ROLES = ("anonymous", "candidate", "coach", "employer_contact", "admin")
# Relations that point at agency A (the viewer's own) or at no tenant; the others are refusals.
OWN_RELATIONS = (
    "own_agency",
    "same_agency",
    "assigned",
    "self",
    "none",
    "any",
    "valid_token",
    "same_agency_member",
    "same_agency_invitation",
)


def _pages_of(role: str, world: World) -> list[tuple[str, str]]:
    """(URL name, path) of every GET page that answers 200 to `role` in agency A."""
    pages = []
    for (name, method), roles in sorted(MATRIX.items()):
        if method != "GET" or name.startswith("api:") or name in {"healthz", "readyz"}:
            continue
        relations = roles.get(role, {})
        relation = next((r for r in OWN_RELATIONS if relations.get(r) == 200), None)
        if relation is None:
            continue
        pages.append((name, reverse(name, kwargs=_kwargs(name, relation, world) or None)))
    return pages


def _once_per_agency(make: Callable[[AgencyWorld], Any]) -> Callable[[AgencyWorld], Any]:
    """`make`, called once per agency: one set of objects serves every URL."""
    made: dict[str, Any] = {}

    def once(side: AgencyWorld) -> Any:
        if side.agency.slug not in made:
            made[side.agency.slug] = make(side)
        return made[side.agency.slug]

    return once


def _prepare(world: World, monkeypatch: pytest.MonkeyPatch) -> Programme:
    """One programme (with a plan, an overdue task and a check-in) and one set of employer objects
    for every URL, instead of new ones per URL."""
    a = world.a
    programme = matrix_programmes._with_plan(matrix_programmes.make_programme(a), a)
    task = PlanItem.objects.filter(programme=programme, kind=PlanItemKind.TASK).first()
    assert task is not None
    task.due_date = timezone.localdate() - datetime.timedelta(days=3)
    task.title = "Update the CV with the certificates from the last five years of training"
    task.save(update_fields=["due_date", "title"])
    wellbeing_consent_give(programme=programme, actor=a.candidate)
    wellbeing_checkin_submit(
        programme=programme, actor=a.candidate, mood=4, energy=3, confidence=4, comment="Fine."
    )
    monkeypatch.setattr(matrix_programmes, "_programme_for", lambda relation, world: programme)
    objects = _once_per_agency(matrix_employers._objects)
    monkeypatch.setattr(matrix_employers, "_objects", objects)
    monkeypatch.setattr(
        matrix_programmes, "make_engagement", _once_per_agency(matrix_programmes.make_engagement)
    )
    # The import-error page: a checked file with problems.
    upload = objects(a)["import"]
    EnrolmentImport.objects.filter(pk=upload.pk).update(
        status=ImportStatus.VALIDATED,
        total_rows=2,
        errors=[
            {"row": 2, "column": "E-mailadres", "message": "Not a valid e-mail address."},
            {"row": 3, "column": "Naam", "message": "This field is required."},
        ],
    )
    return programme


@pytest.fixture
def chromium_browser() -> Iterator[Any]:
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `npm ci` (make test does).")
    with browser.chromium() as chromium:
        yield chromium


def _axe(page: Any) -> list[str]:
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


_WIDEST = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > width + 1)
    .filter(e => !e.closest('.table-responsive') || getComputedStyle(e).position === 'absolute')
    .slice(0, 3)
    .map(e => `${e.tagName.toLowerCase()}.${[...e.classList].join('.')}`
              + ` "${(e.textContent || '').trim().slice(0, 40)}"`);
  return {scroll: document.documentElement.scrollWidth, wide};
}"""


def _overflow(page: Any, width: int) -> str | None:
    page.set_viewport_size({"width": width, "height": 900})
    measured = page.evaluate(_WIDEST)
    if measured["scroll"] > width:
        return f"{measured['scroll']} px wide at {width} px: {measured['wide']}"
    return None


def _log_in(page: Any, base: str, role: str, world: World) -> None:
    member: Membership = {
        "admin": world.a.admin,
        "coach": world.a.coach,
        "employer_contact": world.a.contact,
        "candidate": world.a.candidate,
    }[role]
    totp = None if role == "candidate" else (lambda: current_totp_code(member.user))
    log_in(page, base, member.user.email, PASSWORD, totp)


def _menu_problems(page: Any, url: str, width: int) -> list[str]:
    """At `width`, the page does not scroll sideways, and the menu (opened when collapsed) shows
    every item and "Log out" inside the viewport."""
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(url)
    problems = []
    if (problem := _overflow(page, width)) is not None:
        problems.append(f"closed menu: {problem}")
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():
        toggler.click()
        page.locator("#main-nav.show").wait_for()
    logout = page.get_by_role("button", name="Log out", exact=True)
    if not logout.is_visible():
        page.locator("#main-nav .js-user-menu").click()
    logout.wait_for(state="visible")
    box = logout.bounding_box()
    if box is None or box["x"] < 0 or box["x"] + box["width"] > width:
        problems.append(f"'Log out' outside the viewport: {box}")
    for item in page.locator("#main-nav .navbar-nav > .nav-item > .nav-link").all():
        item_box = item.bounding_box()
        if item_box is not None and item_box["x"] + item_box["width"] > width:
            problems.append(f"menu item {item.inner_text()!r} ends at {item_box} (> {width})")
    if (problem := _overflow(page, width)) is not None:
        problems.append(f"open menu: {problem}")
    return problems


@pytest.mark.django_db(transaction=True)
def test_every_page_fits_phones_and_desktops_without_serious_axe_violations(
    live_server: Any, chromium_browser: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = make_world()
    _prepare(world, monkeypatch)
    base = live_server.url
    overflow: dict[str, str] = {}
    axe: dict[str, list[str]] = {}
    menu: dict[str, list[str]] = {}
    skipped: list[str] = []
    walked = 0
    ARTIFACTS.mkdir(exist_ok=True)
    for role in ROLES:
        context = chromium_browser.new_context(
            viewport={"width": DESKTOP, "height": 900}, bypass_csp=True
        )
        page = context.new_page()
        page.set_default_timeout(15_000)
        if role != "anonymous":
            _log_in(page, base, role, world)
        # Made per role, just before the walk: a new invitation link replaces the previous one.
        pages = _pages_of(role, world)
        assert len(pages) > 5, (role, pages)
        for name, path in pages:
            label = f"{role} {name} {path}"
            page.set_viewport_size({"width": DESKTOP, "height": 900})
            if path.endswith(DOWNLOADS):
                skipped.append(label)  # a file to save, not a page
                continue
            try:
                response = page.goto(f"{base}{path}")
            except PlaywrightError as error:
                if "Download is starting" not in str(error):
                    raise
                skipped.append(label)  # served as an attachment: a file, not a page
                continue
            assert response is not None
            if response.status != 200:
                overflow[label] = f"answered {response.status} in the browser"
                continue
            content_type = response.headers.get("content-type", "")
            if "text/html" not in content_type or page.locator("main#main").count() == 0:
                skipped.append(label)  # a file, JSON or an htmx fragment: not a page
                continue
            walked += 1
            if problems := _axe(page):
                axe[label] = problems
            for width in (DESKTOP, PHONE):
                if (problem := _overflow(page, width)) is not None:
                    overflow[f"{label} @{width}"] = problem
                    page.screenshot(
                        path=str(ARTIFACTS / f"overflow-{role}-{name.replace(':', '-')}.png"),
                        full_page=True,
                    )
        home = f"{base}{reverse('home:agency', kwargs={'agency_slug': world.a.agency.slug})}"
        if role != "anonymous":
            for width in MENU_WIDTHS:
                if problems := _menu_problems(page, home, width):
                    menu[f"{role} @{width}"] = problems
        context.close()
    assert walked > 40, (walked, skipped)
    assert not overflow, overflow
    assert not menu, menu
    assert not axe, axe
