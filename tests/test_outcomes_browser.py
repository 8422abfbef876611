"""The outcomes acceptance walk in Chromium: a coach records a new job, the candidate confirms
it, the 1-month check-in is answered from the e-mailed link without signing in, and the
employer contact downloads the report as a PDF in Danish, where hidden cells are explained as
fewer than 5."""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Iterator
from typing import Any

import pypdf
import pytest
from django.core import mail
from django.utils import timezone

from springboard.outcomes.models import CheckIn, Outcome
from springboard.outcomes.services import outcome_reminders_run
from springboard.programmes.models import Programme, ProgrammeStatus
from tests import browser
from tests.browser import ARTIFACTS, log_in
from tests.factories import PASSWORD, current_totp_code, make_programme, make_world

pytestmark = pytest.mark.browser


@pytest.fixture
def browser_page() -> Iterator[Any]:
    yield from browser.browser_page()


@pytest.mark.django_db(transaction=True)
def test_outcome_confirm_checkin_and_danish_pdf(live_server: Any, request: Any) -> None:
    world = make_world()
    a = world.a
    today = timezone.localdate()
    programme = make_programme(a, start_date=today - datetime.timedelta(days=150))
    Programme.objects.filter(pk=programme.pk).update(status=ProgrammeStatus.ACTIVE)
    page = request.getfixturevalue("browser_page")
    base = live_server.url
    slug = a.agency.slug

    # The coach records the new job, started 40 days ago.
    log_in(page, base, a.coach.user.email, PASSWORD, lambda: current_totp_code(a.coach.user))
    page.goto(f"{base}/a/{slug}/outcomes/programmes/{programme.public_id}/")
    page.locator("#id_kind").select_option("new_job")
    page.get_by_label("Start date").fill((today - datetime.timedelta(days=40)).isoformat())
    page.get_by_label("New employer").fill("Nordlys ApS")
    page.get_by_label("Contract").select_option("permanent")
    page.get_by_label("Pay compared with before").select_option("higher")
    page.get_by_role("button", name="Save outcome").click()
    page.get_by_text("The candidate is asked to confirm it").wait_for()
    assert Outcome.objects.get(programme=programme).confirmed_at is None

    # The candidate confirms.
    page.context.clear_cookies()
    log_in(page, base, a.candidate.user.email, PASSWORD)
    page.goto(f"{base}/a/{slug}/outcomes/programmes/{programme.public_id}/confirm/")
    assert page.get_by_text("Nordlys ApS").is_visible()
    page.get_by_role("button", name="Yes, this is right").click()
    page.get_by_text("Your outcome is confirmed").wait_for()
    programme.refresh_from_db()
    assert programme.status == ProgrammeStatus.AFTERCARE

    # The daily run e-mails the 1-month check-in; it is answered from the link, signed out.
    mail.outbox.clear()
    outcome_reminders_run(today=today)
    (message,) = [m for m in mail.outbox if m.to == [a.candidate.user.email]]
    link = re.search(r"https?://\S+/check-in/\S+/", str(message.body))
    assert link is not None
    path = link.group(0).split("/a/", 1)[1]
    page.context.clear_cookies()
    page.goto(f"{base}/a/{path}")
    page.get_by_label("Are you still in work?").select_option("yes")
    page.get_by_label("With the same employer").select_option("yes")
    page.get_by_label("How satisfied").select_option("5")
    page.get_by_role("button", name="Send answers").click()
    page.get_by_text("Your answers have been saved").wait_for()
    checkin = CheckIn.objects.get(programme=programme, months=1)
    assert checkin.in_work is True
    page.goto(f"{base}/a/{path}")
    assert page.get_by_role("heading", name="This link is no longer valid").is_visible()

    # The employer contact, in Danish, downloads the PDF: one person, so every cell is hidden.
    log_in(page, base, a.contact.user.email, PASSWORD, lambda: current_totp_code(a.contact.user))
    page.goto(f"{base}/a/{slug}/outcomes/report/")
    with page.expect_navigation():
        page.select_option("#language-select", "da")
    assert page.locator("html").get_attribute("lang") == "da"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "outcomes-employer-report-da.png"), full_page=True)
    with page.expect_download() as download:
        page.get_by_role("link", name="Hent PDF").click()
    pdf = download.value.path().read_bytes()
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert "færre end 5" in text
    assert "skjult*" in text
    assert "Nordlys" not in text
