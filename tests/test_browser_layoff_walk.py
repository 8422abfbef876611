"""Issue 11's acceptance walk in Chromium: an admin imports a 200-row layoff XLSX whose names are
in first and last name columns and starts all 200 programmes in one step with coaches assigned;
the employer contact (HR) ticks their own checklist step; a candidate sends a wellbeing
check-in, refused until every question is answered."""

from __future__ import annotations

import datetime
import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import reverse

from springboard.accounts.emails import invitation_url
from springboard.accounts.models import Invitation
from springboard.employers.models import CohortTask, Engagement, Enrolment
from springboard.employers.services.engagements import cohort_create
from springboard.programmes.content import load_shipped_templates
from springboard.programmes.models import (
    EngagementProgramme,
    Programme,
    ProgrammeTemplate,
    ProgrammeTemplateVersion,
    WellbeingCheckIn,
)
from springboard.tenancy.models import Membership
from springboard.tenancy.roles import Role
from tests import browser
from tests.browser import log_in
from tests.employer_fixtures import SPLIT_NAME_HEADERS, split_name_row, xlsx_bytes
from tests.factories import PASSWORD, current_totp_code, make_agency, make_employer, make_member

pytestmark = pytest.mark.browser

PEOPLE = 200
LONG = 60_000  # ms: background tasks and 200 programmes on a shared, slow machine
NEW_PASSWORD = "a-new-candidate-passphrase-2026"
START = datetime.date(2026, 3, 1)


@pytest.fixture
def browser_page() -> Iterator[Any]:
    yield from browser.browser_page()


def _coaches(agency: Any) -> list[Membership]:
    coaches = []
    for language in ("nl", "nl", "en"):
        coach = make_member(agency, Role.COACH)
        coach.language = language
        coach.save(update_fields=["language"])
        coaches.append(coach)
    return coaches


@pytest.mark.django_db(transaction=True)
def test_a_layoff_from_import_to_programmes_checklist_and_checkin(
    live_server: Any, request: Any, tmp_path: Any
) -> None:
    agency = make_agency("havn")
    admin = make_member(agency, Role.ADMIN, mfa=True)
    employer = make_employer(agency, "Havnegade Logistik")
    contact = make_member(agency, Role.EMPLOYER_CONTACT, employer=employer, mfa=True)
    coaches = _coaches(agency)
    engagement = Engagement.objects.create(
        agency=agency, employer=employer, name="Reorganisation 2026", start_date=START
    )
    engagement.contacts.add(contact)
    cohort = cohort_create(
        engagement=engagement,
        actor=admin,
        name="Round 1",
        notice_date=datetime.date(2026, 3, 2),
        expected_size=PEOPLE,
        locations="Rotterdam",
    )
    load_shipped_templates(ProgrammeTemplate, ProgrammeTemplateVersion)
    template = ProgrammeTemplate.objects.filter(agency=None).order_by("key").first()
    assert template is not None
    EngagementProgramme.objects.create(engagement=engagement, template=template)
    layoff = tmp_path / "layoff.xlsx"
    layoff.write_bytes(
        xlsx_bytes(
            [split_name_row(n, "nl") for n in range(PEOPLE)], headers=SPLIT_NAME_HEADERS["nl"]
        )
    )
    page = request.getfixturevalue("browser_page")
    page.set_default_timeout(LONG)
    base = live_server.url

    # 1. The admin imports the file: first and last name are recognised, all rows are valid.
    log_in(page, base, admin.user.email, PASSWORD, lambda: current_totp_code(admin.user))
    page.goto(base + _url("employers:cohort_detail", agency, cohort.public_id))
    page.get_by_role("link", name="Import HR export").click()
    page.get_by_label("HR export (CSV or XLSX)").set_input_files(str(layoff))
    page.get_by_role("button", name="Upload and continue").click()
    page.get_by_text(f"All {PEOPLE} rows are valid").wait_for()
    page.get_by_text("Columns", exact=True).click()  # the mapping, folded away once checked
    assert page.get_by_label("First name").input_value() == "Roepnaam"
    assert page.get_by_label("Last name").input_value() == "Achternaam"
    page.get_by_role("button", name="Import now").click()
    page.get_by_text(f"{PEOPLE} new").wait_for()
    assert Enrolment.objects.filter(cohort=cohort).count() == PEOPLE
    person = Membership.objects.get(user__email="person00001@hr.example")
    assert person.full_name == "Jan de Vries 001"

    # 2. All 200 programmes start in one step, with coaches, as a task with progress.
    page.get_by_role("link", name="Start programmes").first.click()
    page.get_by_text(f"{PEOPLE} people have no programme yet").wait_for()
    page.get_by_role("button", name="Start the programmes").click()
    page.wait_for_url(re.compile(r"/bulk-starts/"))
    page.get_by_text(f"Programmes started: {PEOPLE}.").wait_for()
    programmes = Programme.objects.filter(enrolment__cohort=cohort)
    assert programmes.count() == PEOPLE
    assert programmes.filter(coaches__isnull=True).count() == 0
    load = Counter(
        Programme.coaches.through.objects.filter(programme__in=programmes).values_list(
            "membership_id", flat=True
        )
    )
    # The rows have no language, so they are English (the upload's default): the coach who
    # speaks English first, up to the capacity; the rest round the other coaches.
    dutch, dutch2, english = coaches
    assert load == {english.pk: 120, dutch.pk: 40, dutch2.pk: 40}

    # 3. HR ticks its own checklist step on its cohort.
    page.context.clear_cookies()
    log_in(page, base, contact.user.email, PASSWORD, lambda: current_totp_code(contact.user))
    page.goto(base + _url("employers:contact_cohorts", agency))
    page.get_by_role("link", name="Round 1").click()
    step = CohortTask.objects.filter(cohort=cohort, owner_side="employer").order_by("position")[0]
    row = page.locator(f"#task-{step.public_id}")
    row.get_by_role("button").click()
    row.get_by_role("button", name=re.compile("Reopen")).wait_for()
    step.refresh_from_db()
    assert step.done_at is not None
    agency_step = CohortTask.objects.filter(cohort=cohort, owner_side="agency").first()
    if agency_step is not None:  # the agency's steps are shown, not tickable by HR
        assert page.locator(f"#task-{agency_step.public_id} button").count() == 0

    # 4. A candidate accepts the invitation and checks in, only after answering.
    page.context.clear_cookies()
    invitation = Invitation.objects.get(email="person00001@hr.example", role=Role.CANDIDATE)
    page.goto(invitation_url(invitation, mailbox=True).replace(_site_url(), base))
    page.locator("input[name=password1]").fill(NEW_PASSWORD)
    page.locator("input[name=password2]").fill(NEW_PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(lambda url: invitation.key not in url and "/invitations/" not in url)
    programme = programmes.get(enrolment__candidate=person)
    page.goto(base + _url("programmes:checkin", agency, programme.public_id))
    page.get_by_role("checkbox").first.check()  # consent to storing the answers
    page.get_by_role("button", name="Give consent").click()
    page.get_by_role("button", name="Send check-in").click()
    page.get_by_text("Answer all three questions before you send the check-in.").wait_for()
    assert not WellbeingCheckIn.objects.filter(programme=programme).exists()
    for group in ("mood", "energy", "confidence"):
        page.locator(f"input[name={group}][value='4']").check()
    page.get_by_role("button", name="Send check-in").click()
    page.get_by_text("You have checked in this week.").wait_for()
    checkin = WellbeingCheckIn.objects.get(programme=programme)
    assert (checkin.mood, checkin.energy, checkin.confidence) == (4, 4, 4)


def _url(name: str, agency: Any, public_id: Any = None) -> str:
    kwargs = {"agency_slug": agency.slug}
    if public_id is not None:
        kwargs["public_id"] = str(public_id)
    return reverse(name, kwargs=kwargs)


def _site_url() -> str:
    from django.conf import settings

    return str(settings.SITE_URL)
