"""In a real browser: answers save on change (htmx) and another device continues from them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from springboard.assessments.importer import import_instruments
from springboard.assessments.models import Attempt
from tests import browser
from tests.factories import make_world
from tests.test_layout_overflow import _log_in

pytestmark = pytest.mark.browser
FIXTURES = Path(__file__).parent / "fixtures" / "assessments"


@pytest.fixture
def chromium_browser() -> Iterator[Any]:
    with browser.chromium() as chromium:
        yield chromium


@pytest.mark.django_db(transaction=True)
def test_answers_save_on_change_and_resume_elsewhere(
    live_server: Any, chromium_browser: Any
) -> None:
    world = make_world()
    import_instruments(FIXTURES, lambda line: None)
    url = live_server.url + reverse(
        "assessments:instrument",
        kwargs={"agency_slug": world.a.agency.slug, "instrument": "interest-profiler-60"},
    )
    phone = chromium_browser.new_context(viewport={"width": 360, "height": 800}).new_page()
    _log_in(phone, live_server.url, "candidate", world)
    phone.goto(url)
    phone.get_by_role("button", name="Start").click()
    first = phone.get_by_role("group", name="1. Made-up activity number 1 (R)")
    first.get_by_label("Strongly like").check()
    phone.get_by_role("status").filter(has_text="1 of 60 answered").wait_for()
    # The keyboard alone: focus the next group's first answer and pick one with the arrows.
    second = phone.get_by_role("group", name="2. Made-up activity number 2 (R)")
    second.get_by_label("Strongly dislike").focus()
    phone.keyboard.press("ArrowDown")
    phone.get_by_role("status").filter(has_text="2 of 60 answered").wait_for()
    assert Attempt.objects.get().answers == {"1": 5, "2": 2}

    laptop = chromium_browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    _log_in(laptop, live_server.url, "candidate", world)
    laptop.goto(url)
    group = laptop.get_by_role("group", name="1. Made-up activity number 1 (R)")
    assert group.get_by_label("Strongly like").is_checked()
    laptop.get_by_role("group", name="3. Made-up activity number 3 (I)").get_by_label(
        "Like", exact=True
    ).check()
    laptop.get_by_role("button", name="Next page").click()
    laptop.get_by_text("Page 2 of 6").wait_for()
    assert Attempt.objects.get().answers["3"] == 4
