"""Issue flow in Chromium: an admin sets up an employer and imports a 500-row XLSX layoff file
with 7 bad rows, fixes it, imports it; the employer contact then sees aggregates only."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from springboard.accounts.models import Invitation
from springboard.employers.models import Enrolment
from springboard.tenancy.roles import Role
from tests import browser
from tests.browser import ARTIFACTS, log_in
from tests.employer_fixtures import person_row, xlsx_bytes
from tests.factories import PASSWORD, current_totp_code, make_agency, make_employer, make_member

pytestmark = pytest.mark.browser

BAD_ROWS = {
    10: {"E-mailadres": "not-an-address"},
    50: {"Naam": ""},
    120: {"Telefoon": "call me maybe"},
    200: {"Opzegdatum": "31/31/2026"},
    250: {"Laatste werkdag": "2026-01-01"},
    300: {"E-mailadres": "person00001@hr.example"},
    450: {"Taal": "klingon"},
}


@pytest.fixture
def browser_page() -> Iterator[Any]:
    yield from browser.browser_page()


def _rows(*, broken: bool) -> list[list[str]]:
    return [person_row(n, **(BAD_ROWS.get(n, {}) if broken else {})) for n in range(500)]


@pytest.mark.django_db(transaction=True)
def test_admin_imports_a_layoff_and_the_employer_sees_aggregates(
    live_server: Any, request: Any, tmp_path: Any
) -> None:
    agency = make_agency("nordlys")
    admin = make_member(agency, Role.ADMIN)
    employer_for_contact = make_employer(agency, "Havnegade Logistik")
    contact = make_member(agency, Role.EMPLOYER_CONTACT, employer=employer_for_contact)
    broken = tmp_path / "layoff.xlsx"
    broken.write_bytes(xlsx_bytes(_rows(broken=True)))
    fixed = tmp_path / "layoff-fixed.xlsx"
    fixed.write_bytes(xlsx_bytes(_rows(broken=False)))
    page = request.getfixturevalue("browser_page")
    base = live_server.url

    log_in(page, base, admin.user.email, PASSWORD, lambda: current_totp_code(admin.user))
    page.get_by_role("link", name="Employers").first.click()
    page.get_by_role("link", name="New employer").click()
    page.get_by_label("Name").fill("Havnegade Logistik A/S")
    page.get_by_role("button", name="Save").click()
    # The contact belongs to the employer record made above; use that one for the engagement.
    page.goto(f"{base}/a/nordlys/employers/{employer_for_contact.public_id}/")
    page.get_by_role("link", name="New engagement").click()
    page.get_by_label("Name").fill("Reorganisation 2026")
    page.get_by_label("Start date").fill("2026-03-01")
    page.get_by_label(contact.display_name).check()
    page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name="New cohort").click()
    page.get_by_label("Name").fill("Round 1")
    page.get_by_label("Notice date").fill("2026-03-02")
    page.get_by_label("Expected number of people").fill("500")
    page.get_by_role("button", name="Create cohort").click()
    assert page.get_by_text("Plan the notice conversations", exact=True).is_visible()

    page.get_by_role("link", name="Import HR export").click()
    page.get_by_label("HR export (CSV or XLSX)").set_input_files(str(broken))
    page.get_by_role("button", name="Upload and continue").click()
    # The file is read and its rows checked in the background; the page follows along.
    page.get_by_text("7 problems found.").wait_for()
    table = page.get_by_role("table", name="Problems by row")
    for row_number in (12, 52, 122, 202, 252, 302, 452):
        assert table.get_by_role("cell", name=str(row_number), exact=True).is_visible()
    assert table.get_by_text("Not a valid e-mail address.").is_visible()
    assert table.get_by_text("Same e-mail as row 3.").is_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "import-errors.png"), full_page=True)
    assert not Enrolment.objects.exists()

    page.get_by_role("link", name="Upload a corrected file").click()
    page.get_by_label("HR export (CSV or XLSX)").set_input_files(str(fixed))
    page.get_by_role("button", name="Upload and continue").click()
    page.get_by_text("All 500 rows are valid").wait_for()
    page.get_by_role("button", name="Import now").click()
    page.get_by_text("500 new").wait_for()
    page.screenshot(path=str(ARTIFACTS / "import-done.png"), full_page=True)
    assert Enrolment.objects.count() == 500
    assert Invitation.objects.filter(role=Role.CANDIDATE).count() == 500
    page.get_by_role("link", name="See the candidates").click()
    assert page.get_by_text("Person 00000").is_visible()

    page.context.clear_cookies()
    log_in(page, base, contact.user.email, PASSWORD, lambda: current_totp_code(contact.user))
    page.get_by_role("link", name="Outplacement overview").click()
    page.get_by_role("heading", name="Reorganisation 2026").wait_for()
    body = page.content()
    assert "500" in body
    assert "Person 000" not in body
    assert "@hr.example" not in body
    page.screenshot(path=str(ARTIFACTS / "employer-overview.png"), full_page=True)
