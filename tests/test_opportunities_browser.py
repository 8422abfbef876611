"""The opportunities pages with results in Chromium: no sideways scroll at 360 px, no serious axe
violation, and the coach plans a missing skill from the keyboard (htmx swap, focus kept)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from springboard.opportunities import index as opportunity_index
from springboard.opportunities.models import TrainingNeedTask
from springboard.opportunities.services import import_interest_reference_data
from tests.factories import PASSWORD, current_totp_code, make_programme, make_world
from tests.fixtures.opportunities.world import DATA, make_taxonomy, with_plan
from tests.test_layout_overflow import DESKTOP, PHONE, _axe, _overflow, chromium_browser
from tests.test_opportunities_pages import confirm_skills

pytestmark = pytest.mark.browser
__all__ = ["chromium_browser"]  # the fixture, shared with the layout test


@pytest.mark.django_db(transaction=True)
def test_pages_fit_phones_pass_axe_and_plan_a_skill_by_keyboard(
    live_server: Any, chromium_browser: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.browser import log_in

    world = make_world()
    make_taxonomy()
    import_interest_reference_data(DATA, lambda line: None)
    opportunity_index.clear()
    monkeypatch.setattr(
        "springboard.opportunities.selectors.interest_scores",
        lambda membership: {"R": 8, "I": 30, "A": 8, "S": 10, "E": 20, "C": 26},
    )
    programme = with_plan(make_programme(world.a), world.a.coach)
    confirm_skills(world.a.candidate, "python", "sql", "sales")
    slug = world.a.agency.slug
    pages = {
        # candidate2 has confirmed nothing: the empty states.
        "candidate2": (world.a.candidate2, reverse("opportunities:list", args=[slug])),
        "candidate": (world.a.candidate, reverse("opportunities:list", args=[slug])),
        "coach": (world.a.coach, reverse("opportunities:coach", args=[slug, programme.public_id])),
    }
    problems: dict[str, Any] = {}
    for role, (member, path) in pages.items():
        context = chromium_browser.new_context(
            viewport={"width": DESKTOP, "height": 900}, bypass_csp=True
        )
        page = context.new_page()
        page.set_default_timeout(15_000)
        totp = (
            None if role.startswith("candidate") else (lambda m=member: current_totp_code(m.user))
        )
        log_in(page, live_server.url, member.user.email, PASSWORD, totp)
        for view in ("", "?view=self_employment"):
            page.goto(f"{live_server.url}{path}{view}")
            assert page.get_by_text("data analyst").count() or view or role == "candidate2"
            if found := _axe(page):
                problems[f"{role}{view} axe"] = found
            for width in (DESKTOP, PHONE):
                if (found_overflow := _overflow(page, width)) is not None:
                    problems[f"{role}{view} @{width}"] = found_overflow
        if role == "coach":
            page.goto(f"{live_server.url}{path}")
            button = page.get_by_role("button", name=re.compile(r"^Plan as a task\W+statistics$"))
            button.focus()
            page.keyboard.press("Enter")
            page.get_by_text("In the plan").first.wait_for()
            assert TrainingNeedTask.objects.filter(programme=programme).count() == 1
        context.close()
    assert not problems, problems
