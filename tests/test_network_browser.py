"""The network in Debian's Chromium: a candidate's whole journey (import, sort, outreach, map,
sharing, a Danish joblog), and every network page at phone and desktop widths with axe-core."""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pypdf
import pytest
from django.urls import reverse
from django.utils import timezone

from springboard.network.models import Contact, Interaction
from springboard.network.services import (
    contacts_import_now,
    interaction_record,
    logged_activity_record,
    network_share,
)
from springboard.privacy.consents.selectors import has_consent
from springboard.privacy.models import ConsentPurpose
from tests import browser
from tests.browser import ARTIFACTS, log_in
from tests.factories import PASSWORD, current_totp_code, make_programme, make_world
from tests.test_layout_overflow import AXE, DESKTOP, PHONE, _axe, _overflow

pytestmark = pytest.mark.browser

FIXTURES = Path(__file__).parent / "fixtures" / "network"


@pytest.fixture
def chromium_browser() -> Iterator[Any]:
    with browser.chromium() as chromium:
        yield chromium


@pytest.mark.django_db(transaction=True)
def test_candidate_maps_their_network_and_exports_a_danish_joblog(
    live_server: Any, chromium_browser: Any
) -> None:
    world = make_world()
    a = world.a
    programme = make_programme(a, candidate=a.candidate, coaches=[a.coach])
    base = live_server.url
    network = f"{base}/a/{a.agency.slug}/network/"
    context = chromium_browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, base, a.candidate.user.email, PASSWORD)

    # An empty network says what to do first.
    page.goto(network)
    page.get_by_role("link", name="Import contacts").click()

    # LinkedIn's export: a preview first, nothing written until "Import".
    page.get_by_label("File").set_input_files(str(FIXTURES / "Connections.csv"))
    page.get_by_role("button", name="Show what will be imported").click()
    assert page.get_by_role("heading", name="Check the import").is_visible()
    assert page.get_by_text("This row has no name.").is_visible()
    assert not Contact.objects.filter(owner=a.candidate).exists()
    page.get_by_role("button", name="Import", exact=True).click()
    page.wait_for_url(network)
    assert Contact.objects.filter(owner=a.candidate).count() == 5

    # A vCard file from the address book.
    page.goto(f"{network}import/")
    page.get_by_label("File").set_input_files(str(FIXTURES / "contacts-v3.vcf"))
    page.get_by_role("button", name="Show what will be imported").click()
    page.get_by_role("button", name="Import", exact=True).click()
    page.wait_for_url(network)
    assert Contact.objects.filter(owner=a.candidate).count() == 8

    # Sort contacts into circles from the list (htmx: the row is saved in place).
    for name, circle, strength in (
        ("Ingrid Berg", "HR and recruiters", "We know each other well"),
        ("Mette Kjær", "Former colleagues", "Close: they would help me"),
        ("Lars Holm", "Education", "We know each other a little"),
    ):
        page.get_by_label(f"Circle of {name}").select_option(label=circle)
        page.get_by_label(f"Strength of the tie with {name}").select_option(label=strength)
        row = page.locator("li", has=page.get_by_label(f"Circle of {name}"))
        row.get_by_role("button", name="Save").click()
        row.get_by_text("Saved").wait_for()
    assert Contact.objects.get(owner=a.candidate, full_name="Ingrid Berg").circle == "recruiters"

    # Two outreach messages, one with a follow-up.
    today = timezone.localdate()
    for name, purpose, follow_up in (
        ("Mette Kjær", "Ask for advice", today + datetime.timedelta(days=5)),
        ("Ingrid Berg", "First contact", None),
    ):
        page.goto(network)
        page.get_by_role("link", name=name).click()
        page.get_by_label("Channel").select_option(label="E-mail")
        page.get_by_label("Purpose").select_option(label=purpose)
        page.get_by_label("Outcome").fill("Sent my CV")
        if follow_up is not None:
            page.get_by_label("Follow up on").fill(follow_up.isoformat())
        page.get_by_role("button", name="Log", exact=True).click()
        page.get_by_text("Contact logged.").wait_for()
    assert Interaction.objects.filter(owner=a.candidate).count() == 2
    page.goto(network)
    assert page.get_by_role("heading", name="Follow-ups").is_visible()

    # The map names the gaps.
    page.get_by_role("link", name="Network map").click()
    assert page.locator("svg[role=img]").is_visible()
    assert page.get_by_text("Nobody in “Friends and family” yet.").is_visible()

    # Share with the coach.
    page.get_by_role("link", name="Sharing").click()
    page.get_by_role("button", name="Share with my coaches").click()
    page.get_by_role("button", name="Stop sharing").wait_for()
    assert has_consent(a.candidate, ConsentPurpose.SHARE_NETWORK)

    # A Danish joblog as PDF, with an application recorded in the log.
    page.get_by_role("link", name="Activity log").click()
    page.get_by_label("Kind of activity").select_option(label="Application sent")
    page.get_by_label("Employer").fill("Blåbær A/S")
    page.get_by_label("Job title").fill("Lagerchef")
    page.get_by_role("button", name="Add to the log").click()
    page.get_by_text("Activity added to your log.").wait_for()
    page.get_by_label("For").select_option("jobnet")
    page.get_by_role("button", name="Show").click()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download PDF").click()
    pdf = Path(download_info.value.path()).read_bytes()
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert "Blåbær A/S" in text
    assert "Mette Kjær" in text
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "network-joblog.pdf").write_bytes(pdf)
    page.screenshot(path=str(ARTIFACTS / "network-log.png"), full_page=True)
    context.close()

    # The coach now sees the network.
    coach_context = chromium_browser.new_context(viewport={"width": 1280, "height": 900})
    coach_page = coach_context.new_page()
    log_in(coach_page, base, a.coach.user.email, PASSWORD, lambda: current_totp_code(a.coach.user))
    coach_page.goto(f"{network}programmes/{programme.public_id}/")
    assert coach_page.get_by_role("cell", name="Mette Kjær").is_visible()
    coach_context.close()


def _populated_world() -> Any:
    world = make_world()
    a = world.a
    programme = make_programme(a, candidate=a.candidate, coaches=[a.coach])
    contacts_import_now(owner=a.candidate, content=(FIXTURES / "Connections.csv").read_bytes())
    contacts_import_now(owner=a.candidate, content=(FIXTURES / "contacts-v3.vcf").read_bytes())
    today = timezone.localdate()
    contact = Contact.objects.filter(owner=a.candidate).order_by("pk").first()
    assert contact is not None
    interaction_record(
        contact=contact,
        actor=a.candidate,
        channel="email",
        date=today,
        purpose="advice",
        outcome="A long outcome text that has to wrap nicely on a narrow phone screen",
        follow_up_due=today,
    )
    logged_activity_record(owner=a.candidate, date=today, kind="application", employer="Blåbær A/S")
    network_share(owner=a.candidate)
    return world, contact, programme


@pytest.mark.django_db(transaction=True)
def test_network_pages_fit_phones_and_pass_axe(live_server: Any, chromium_browser: Any) -> None:
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `npm ci` (make test does).")
    world, contact, programme = _populated_world()
    a = world.a
    slug = a.agency.slug

    def url(name: str, **kwargs: Any) -> str:
        return reverse(f"network:{name}", kwargs={"agency_slug": slug, **kwargs})

    candidate_pages = [
        url("contacts"),
        url("contacts") + "?circle=unsorted",
        url("contact_add"),
        url("import"),
        url("map"),
        url("introducers") + "?company=Nordlys",
        url("share"),
        url("log"),
        url("contact_detail", public_id=contact.public_id),
        url("contact_edit", public_id=contact.public_id),
        url("draft", public_id=contact.public_id) + "?language=da",
    ]
    coach_pages = [url("coach_contacts", public_id=programme.public_id)]
    problems: dict[str, Any] = {}
    for member, pages, totp in (
        (a.candidate, candidate_pages, None),
        (a.coach, coach_pages, lambda: current_totp_code(a.coach.user)),
    ):
        context = chromium_browser.new_context(
            viewport={"width": DESKTOP, "height": 900}, bypass_csp=True
        )
        page = context.new_page()
        page.set_default_timeout(15_000)
        log_in(page, live_server.url, member.user.email, PASSWORD, totp)
        for path in pages:
            page.set_viewport_size({"width": DESKTOP, "height": 900})
            response = page.goto(f"{live_server.url}{path}")
            assert response is not None
            assert response.status == 200, path
            if found := _axe(page):
                problems[f"axe {path}"] = found
            for width in (DESKTOP, PHONE):
                if (problem := _overflow(page, width)) is not None:
                    problems[f"{path} @{width}"] = problem
        context.close()
    assert not problems, problems
