"""End to end in Debian's Chromium: a candidate picks a coach, books a session and adds the
feed to a calendar (the feed parsed); the coach writes a private and a shared note and the
candidate sees only the shared one; the candidate joins a full workshop's waiting list and is
promoted; asks for an external course, the admin approves it and the balance drops."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import icalendar
import pytest
from django.test import Client

from springboard.coaching import services
from springboard.coaching.models import Availability, CoachChoicePolicy, CoachProfile
from tests.browser import chromium, log_in
from tests.factories import PASSWORD, current_totp_code, make_agency_world
from tests.matrix_coaching import make_workshop, programme_with_plan

pytestmark = pytest.mark.browser


def _page(browser: Any, base: str, member: Any, *, staff: bool) -> Any:
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.set_default_timeout(15_000)
    totp = (lambda: current_totp_code(member.user)) if staff else None
    log_in(page, base, member.user.email, PASSWORD, totp)
    return page


@pytest.mark.django_db(transaction=True)
def test_candidate_coach_and_admin_walk_through_coaching(live_server: Any) -> None:
    side = make_agency_world("walk")
    programme = programme_with_plan(side)
    programme.coaches.clear()
    engagement = programme.enrolment.engagement
    engagement.budget_amount = Decimal("1000.00")
    engagement.save()
    CoachChoicePolicy.objects.create(engagement=engagement, candidates_choose=True)
    CoachProfile.objects.create(coach=side.coach, time_zone="Europe/Oslo", bio="Ten years in HR.")
    for weekday in range(7):
        Availability.objects.create(
            coach=side.coach,
            weekday=weekday,
            start_time=datetime.time(8),
            end_time=datetime.time(18),
        )
    services.budget_grant(programme=programme, actor=side.admin)
    other = programme_with_plan(side, candidate=side.candidate2, coaches=[side.coach2])
    date = make_workshop(side, capacity=1)
    taken = services.workshop_signup(date=date, programme=other, actor=side.candidate2)
    base = live_server.url
    slug = side.agency.slug
    coach_name = side.coach.display_name

    with chromium() as browser:
        candidate = _page(browser, base, side.candidate, staff=False)
        # Picks a coach from the shortlist.
        candidate.goto(f"{base}/a/{slug}/coaching/coaches/")
        candidate.get_by_role("button", name=f"Choose {coach_name}").click()
        candidate.get_by_text(f"{coach_name} is now your coach.").wait_for()
        # Books the first free slot by phone.
        candidate.goto(f"{base}/a/{slug}/coaching/programmes/{programme.public_id}/book/")
        candidate.locator("#id_mode").select_option("phone")
        candidate.get_by_role("button", name="Book", exact=True).click()
        candidate.get_by_text("Session booked.").wait_for()
        session_url = candidate.url
        # Adds the feed to a calendar: the address is fetched without a session and parsed.
        candidate.goto(f"{base}/a/{slug}/coaching/calendar/")
        candidate.get_by_role("button", name="Make my calendar address").click()
        feed_url = candidate.locator("#feed-url").input_value()
        feed = Client().get(feed_url.removeprefix(base))
        assert feed.status_code == 200
        events = icalendar.Calendar.from_ical(feed.content).walk("VEVENT")
        assert len(events) == 1

        # The coach writes a private and a shared note on the session.
        coach = _page(browser, base, side.coach, staff=True)
        coach.goto(session_url)
        coach.locator("#id_text").fill("Private: seems anxious about money.")
        coach.get_by_role("button", name="Save note").click()
        coach.get_by_text("Note saved.").wait_for()
        coach.locator("#id_text").fill("Shared: update the CV by Friday.")
        coach.get_by_label("Share this note with the candidate").check()
        coach.get_by_role("button", name="Save note").click()
        coach.get_by_text("Note saved.").wait_for()

        candidate.goto(session_url)
        body = candidate.content()
        assert "Shared: update the CV by Friday." in body
        assert "seems anxious" not in body

        # A full workshop: the waiting list, then promotion when the seat frees.
        candidate.goto(f"{base}/a/{slug}/coaching/workshops/{date.workshop.public_id}/")
        candidate.get_by_role("button", name="Join the waiting list").click()
        candidate.get_by_text("The date is full: on the waiting list.").wait_for()
        services.seat_cancel(seat=taken, actor=side.candidate2)
        candidate.reload()
        assert candidate.locator(".badge", has_text="Booked").count() == 1

        # An external course: requested by the candidate, approved by the admin.
        candidate.goto(f"{base}/a/{slug}/coaching/programmes/{programme.public_id}/budget/")
        candidate.get_by_role("link", name="Ask for an external course").click()
        candidate.locator("#id_title").fill("Project management")
        candidate.get_by_label("Provider").fill("Nordic Academy")
        candidate.get_by_label("Quoted price").fill("400")
        candidate.get_by_role("button", name="Send request").click()
        candidate.get_by_text("Your request was sent to the agency.").wait_for()

        admin = _page(browser, base, side.admin, staff=True)
        admin.goto(f"{base}/a/{slug}/coaching/requests/")
        admin.get_by_role("link", name=side.candidate.display_name).click()
        assert "1000.00" in admin.get_by_test_id("balance").inner_text()
        admin.get_by_role("button", name="Approve").click()
        admin.get_by_text("Decision saved.").wait_for()
        assert "600.00" in admin.get_by_test_id("balance").inner_text()
