"""Mock interviews in Debian's Chromium: the coach opens the candidate's mock interviews from
the pipeline, adds one for the candidate's interview, scores it with the keyboard (radio groups)
and shares it; the candidate sees the scores read-only next to the interview's preparation and
on their progress page. Each page checked with axe-core and at phone width."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone

from springboard.accounts.models import User
from springboard.jobs import rubric
from springboard.jobs.models import Interview, MockInterview
from springboard.jobs.services import application_create
from tests import browser
from tests.browser import log_in
from tests.factories import PASSWORD, current_totp_code, make_programme, make_world
from tests.test_layout_overflow import DESKTOP, PHONE, _axe, _overflow

pytestmark = pytest.mark.browser


@pytest.fixture
def chromium_browser() -> Iterator[Any]:
    with browser.chromium() as chromium:
        yield chromium


def _check(page: Any, problems: dict[str, Any]) -> None:
    label = page.url
    if found := _axe(page):
        problems[f"axe {label}"] = found
    for width in (DESKTOP, PHONE):
        if (overflow := _overflow(page, width)) is not None:
            problems[f"{label} @{width}"] = overflow
    page.set_viewport_size({"width": DESKTOP, "height": 900})


@pytest.mark.django_db(transaction=True)
def test_coach_scores_with_the_keyboard_and_the_candidate_sees_it(
    live_server: Any, chromium_browser: Any
) -> None:
    world = make_world()
    a = world.a
    # A name whose length does not depend on the test order (the navbar's width does).
    User.objects.filter(pk=a.coach.user.pk).update(full_name="Cleo")
    make_programme(a, candidate=a.candidate, coaches=[a.coach])
    application = application_create(owner=a.candidate, title="Planner", employer="Nordlager")
    interview = Interview.objects.create(
        application=application, starts_at=timezone.now() + datetime.timedelta(days=2)
    )
    base = live_server.url
    jobs = f"{base}/a/{a.agency.slug}/jobs/"
    criteria = rubric.rubric(rubric.current_version(), "en").criteria
    problems: dict[str, Any] = {}

    context = chromium_browser.new_context(
        viewport={"width": DESKTOP, "height": 900}, bypass_csp=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, base, a.coach.user.email, PASSWORD, lambda: current_totp_code(a.coach.user))
    page.goto(f"{jobs}candidates/{a.candidate.public_id}/")
    page.get_by_role("link", name="Mock interviews").click()
    page.get_by_role("heading", name="New mock interview").wait_for()
    _check(page, problems)
    page.get_by_label("For the interview").select_option(
        label=f"{interview.starts_at:%Y-%m-%d} · Planner — Nordlager"
    )
    page.get_by_role("button", name="Add and score").click()
    page.get_by_text("Mock interview added. Score it below.").wait_for()
    _check(page, problems)

    # Sharing an unscored draft is refused, with the reason at each criterion.
    page.get_by_role("button", name="Save and share with the candidate").click()
    assert page.get_by_text("Score this criterion before you share.").count() == len(criteria)

    # The keyboard: focus the first level of a group, arrow keys move within it.
    for criterion in criteria:
        group = page.get_by_role("group", name=criterion.name)
        group.get_by_role("radio").first.focus()
        page.keyboard.press("ArrowDown")
        page.keyboard.press("ArrowDown")
        page.keyboard.press("ArrowDown")  # level 4
    page.get_by_label(f"Comment on “{criteria[1].name}”").fill("Your STAR stories land well.")
    page.get_by_label("Thing to practise 1").fill("Ask about the team's goals")
    page.get_by_label("Overall note").fill("A confident interview.")
    page.get_by_role("button", name="Save and share with the candidate").click()
    page.get_by_text("Shared: the candidate can now see the scores.").wait_for()
    _check(page, problems)
    mock = MockInterview.objects.get(candidate=a.candidate)
    assert mock.shared_at is not None
    assert set(mock.scores.values_list("score", flat=True)) == {4}
    context.close()

    context = chromium_browser.new_context(
        viewport={"width": DESKTOP, "height": 900}, bypass_csp=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, base, a.candidate.user.email, PASSWORD)
    page.goto(f"{jobs}interviews/{interview.public_id}/")
    page.get_by_role("heading", name="Your mock interviews").wait_for()
    assert page.get_by_text("Ask about the team's goals").is_visible()
    _check(page, problems)
    page.get_by_role("link", name="All your mock interviews and your progress").click()
    page.get_by_role("heading", name="Progress").wait_for()
    assert page.locator("svg[role=img]").count() == 1
    _check(page, problems)
    page.get_by_role("link", name="Mock interview of").first.click()
    page.get_by_text("Your STAR stories land well.").wait_for()
    assert page.get_by_text(criteria[1].anchor(4)).is_visible()
    assert page.locator("input[type=radio]").count() == 0  # read-only
    _check(page, problems)
    context.close()
    assert not problems, problems
