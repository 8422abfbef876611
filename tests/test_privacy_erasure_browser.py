"""The erasure acceptance walk in Chromium: the candidate asks for erasure from their own page,
the admin finds the request, is stopped once by the confirmation step, then carries it out; the
candidate's canaries are gone from every table, their CV file is gone, and the employer report's
totals are what they were."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from springboard.accounts.models import User
from springboard.home.demo import DEMO_PASSWORD
from springboard.privacy.models.erasure import ErasureRequest, ErasureStatus
from tests import browser
from tests.browser import ARTIFACTS, log_in
from tests.factories import current_totp_code
from tests.test_privacy_erasure import (
    CANARY_A,
    CANARY_B,
    MAIL_A,
    _files_of,
    _fill,
    _rows_of,
    make_person,
    report_totals,
    scan,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def browser_page() -> Iterator[Any]:
    yield from browser.browser_page()


@pytest.mark.django_db(transaction=True)
def test_admin_carries_out_an_erasure_request(
    live_server: Any, request: Any, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    person = make_person()
    _fill(person.b, CANARY_B, {})
    _fill(person.a, CANARY_A, _rows_of(person.b))
    # The shared account keeps its real address, to sign in with.
    User.objects.filter(pk=person.a.user_id).update(email=MAIL_A)
    EmailAddress.objects.filter(user_id=person.a.user_id).update(email=MAIL_A)
    files = _files_of(person.a)
    assert files
    before_b = scan(CANARY_B)
    totals = report_totals(person.contact_a)
    page = request.getfixturevalue("browser_page")
    base, slug = live_server.url, person.a.agency.slug

    # The candidate asks, in Danish, their language.
    log_in(page, base, MAIL_A, DEMO_PASSWORD)
    page.goto(f"{base}/a/{slug}/privacy/erasure/")
    page.locator("#id_confirm").check()
    page.get_by_role("button", name="Bed om sletning").click()
    page.locator(".alert-info").wait_for()
    erasure_request = ErasureRequest.objects.get(membership=person.a)

    # The admin opens the request from the list and must confirm.
    page.context.clear_cookies()
    admin = person.admin_a.user
    log_in(page, base, admin.email, DEMO_PASSWORD, lambda: current_totp_code(admin))
    page.goto(f"{base}/a/{slug}/privacy/erasure/requests/")
    page.locator(f"a[href$='{erasure_request.public_id}/']").click()
    erase_form = page.locator("form[action$='/erase/']")
    erase_form.locator("button[type=submit]").click()
    page.locator("#id_confirm-error, .invalid-feedback").first.wait_for()
    assert ErasureRequest.objects.get(pk=erasure_request.pk).status == ErasureStatus.OPEN
    page.locator("form[action$='/erase/'] #id_confirm").check()
    page.locator("form[action$='/erase/'] button[type=submit]").click()
    page.wait_for_url(f"{base}/a/{slug}/privacy/erasure/requests/")
    page.screenshot(path=str(ARTIFACTS / "privacy-erasure-done.png"), full_page=True)

    erasure_request.refresh_from_db()
    assert erasure_request.status == ErasureStatus.DONE
    assert scan(CANARY_A) == {}
    assert scan(CANARY_B) == before_b
    assert not any((tmp_path / name).exists() for name in files)
    assert report_totals(person.contact_a) == totals
    assert [m.to for m in mail.outbox] == [[MAIL_A]]


@pytest.mark.django_db(transaction=True)
def test_erasure_pages_fit_a_phone_without_serious_axe_violations(live_server: Any) -> None:
    """Every erasure page, with content (an overdue request, a refused one), at 360 and 1280 px."""
    from django.urls import reverse

    from springboard.privacy.erasure.services import (
        erasure_request_create,
        erasure_request_refuse,
    )
    from springboard.privacy.models.erasure import RefusalReason
    from tests.factories import PASSWORD, make_world
    from tests.test_layout_overflow import AXE, DESKTOP, PHONE, _axe, _overflow

    if not AXE.exists():
        pytest.fail("axe-core is missing: run `npm ci` (make test does).")
    a = make_world().a
    refused = erasure_request_create(membership=a.candidate, actor=a.candidate.user)
    erasure_request_refuse(
        request=refused, actor=a.admin.user, reason=RefusalReason.CONTRACT, text="Until June."
    )
    open_request = erasure_request_create(membership=a.candidate2, actor=a.candidate2.user)
    slug = a.agency.slug
    walks = {
        a.admin: [
            reverse("erasure:settings", kwargs={"agency_slug": slug}),
            reverse("erasure:requests", kwargs={"agency_slug": slug}),
            reverse("erasure:requests", kwargs={"agency_slug": slug}) + "?status=refused",
            reverse(
                "erasure:request_detail",
                kwargs={"agency_slug": slug, "public_id": open_request.public_id},
            ),
            reverse(
                "erasure:request_detail",
                kwargs={"agency_slug": slug, "public_id": refused.public_id},
            ),
        ],
        a.candidate: [reverse("erasure:mine", kwargs={"agency_slug": slug})],
        a.candidate2: [reverse("erasure:mine", kwargs={"agency_slug": slug})],
    }
    problems: dict[str, list[str]] = {}
    with browser.chromium() as chromium:
        for member, paths in walks.items():
            # axe is injected as an inline script: past the page's CSP, as the layout walk does.
            context = chromium.new_context(
                viewport={"width": DESKTOP, "height": 900}, bypass_csp=True
            )
            page = context.new_page()
            page.set_default_timeout(15_000)
            totp = None if member.role == "candidate" else partial(current_totp_code, member.user)
            log_in(page, live_server.url, member.user.email, PASSWORD, totp)
            for path in paths:
                page.set_viewport_size({"width": DESKTOP, "height": 900})
                response = page.goto(f"{live_server.url}{path}")
                assert response is not None
                assert response.status == 200, path
                found = _axe(page)
                for width in (DESKTOP, PHONE):
                    if (problem := _overflow(page, width)) is not None:
                        found.append(problem)
                if found:
                    problems[path] = found
            context.close()
    assert not problems, problems
