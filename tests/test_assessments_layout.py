"""The assessments pages in Chromium at phone and desktop widths: no sideways scroll and no
serious axe violation, with real content on every page (results with charts, a half-done
questionnaire, strengths with comments). The site-wide walk (test_layout_overflow) covers the
same pages with the permission matrix's objects."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from springboard.assessments import services
from springboard.assessments.importer import import_instruments
from springboard.assessments.models import Attempt, Instrument
from springboard.tenancy.models import Membership
from tests import browser
from tests.factories import make_programme, make_world
from tests.test_layout_overflow import AXE, DESKTOP, PHONE, _axe, _log_in, _overflow

pytestmark = pytest.mark.browser
FIXTURES = Path(__file__).parent / "fixtures" / "assessments"


@pytest.fixture
def chromium_browser() -> Iterator[Any]:
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `npm ci` (make test does).")
    with browser.chromium() as chromium:
        yield chromium


def _finished(candidate: Membership, key: str, answers: list[int]) -> Attempt:
    attempt = services.attempt_start(
        candidate=candidate, instrument=Instrument.objects.get(key=key)
    )
    keys = [item["key"] for item in attempt.version.items]
    services.attempt_save_answers(attempt=attempt, answers=dict(zip(keys, answers, strict=False)))
    return services.attempt_finish(attempt=attempt, actor=candidate)


@pytest.mark.django_db(transaction=True)
def test_assessment_pages_fit_and_pass_axe(live_server: Any, chromium_browser: Any) -> None:
    world = make_world()
    import_instruments(FIXTURES, lambda line: None)
    a = world.a
    programme = make_programme(a)
    profiler = _finished(a.candidate, "interest-profiler-60", [5, 5, 4, 4, 3, 3, 2, 2, 1, 1] * 6)
    big_five = _finished(a.candidate, "ipip-neo-120", [5, 1, 4, 2, 3, 3, 2, 4, 1, 5])
    values = _finished(a.candidate, "work-values", [5, 3, 4])
    strengths = services.attempt_start(
        candidate=a.candidate, instrument=Instrument.objects.get(key="strengths")
    )
    services.attempt_entry_add(
        attempt=strengths,
        section="strength",
        text="Explaining complicated regulations to customers in plain words",
        example="Wrote the customer letters for the 2025 tariff change",
    )
    services.comment_add(attempt=strengths, author=a.coach, text="A clear strength; use it.")
    open_ip = services.attempt_start(
        candidate=a.candidate2, instrument=Instrument.objects.get(key="interest-profiler-60")
    )
    del open_ip  # a second candidate's open attempt: on the coach's list of the other programme
    slug = a.agency.slug

    def page(name: str, **kwargs: object) -> str:
        return reverse(f"assessments:{name}", kwargs={"agency_slug": slug, **kwargs})

    candidate_pages = [
        page("list"),
        page("instrument", instrument="interest-profiler-60"),
        page("instrument", instrument="ipip-neo-120"),
        page("instrument", instrument="strengths"),
        page("instrument", instrument="wellbeing-factors"),
        page("result", attempt_id=profiler.public_id),
        page("result", attempt_id=big_five.public_id),
        page("result", attempt_id=values.public_id),
    ]
    coach_pages = [
        page("coach_results", public_id=programme.public_id),
        page("coach_attempt", public_id=programme.public_id, attempt_id=profiler.public_id),
        page("coach_attempt", public_id=programme.public_id, attempt_id=strengths.public_id),
    ]
    problems: dict[str, Any] = {}
    for role, paths in (("candidate", candidate_pages), ("coach", coach_pages)):
        context = chromium_browser.new_context(
            viewport={"width": DESKTOP, "height": 900}, bypass_csp=True
        )
        tab = context.new_page()
        tab.set_default_timeout(15_000)
        _log_in(tab, live_server.url, role, world)
        for path in paths:
            tab.set_viewport_size({"width": DESKTOP, "height": 900})
            response = tab.goto(f"{live_server.url}{path}")
            assert response is not None
            assert response.status == 200, path
            if found := _axe(tab):
                problems[f"{role} {path} axe"] = found
            for width in (DESKTOP, PHONE):
                if (problem := _overflow(tab, width)) is not None:
                    problems[f"{role} {path} @{width}"] = problem
        context.close()
    assert not problems, problems
