"""The profile's pages, filled with content, in Chromium: no sideways scroll at 360 px and no
serious axe violation (U1, U3); the skill search works by keyboard with htmx (U2)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from springboard.profiles.models import (
    CareerEntry,
    CvStatus,
    CvSuggestion,
    CvUpload,
    Education,
    LanguageSkill,
)
from springboard.profiles.services import comment_add, profile_ensure, skill_add
from tests.factories import make_programme, make_world
from tests.test_layout_overflow import PHONE, _axe, _log_in, _overflow
from tests.test_profiles_services import make_skills

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def chromium_browser() -> Any:
    from tests import browser

    with browser.chromium() as chromium:
        yield chromium


@pytest.mark.django_db(transaction=True)
def test_profile_pages_fit_phones_and_pass_axe(live_server: Any, chromium_browser: Any) -> None:
    world = make_world()
    skills = make_skills()
    programme = make_programme(world.a)
    profile = profile_ensure(world.a.candidate)
    job = CareerEntry.objects.create(
        profile=profile,
        employer="Nordlager A/S with a rather long employer name",
        title="Warehouse team leader",
        start_year=2016,
        start_month=4,
        went_well="Planning shifts",
        why_ended="Closure",
    )
    Education.objects.create(profile=profile, title="Forklift licence", kind="certificate")
    LanguageSkill.objects.create(
        profile=profile, language="English", understanding="B2", speaking="B1", writing="B1"
    )
    row = skill_add(profile=profile, skill=skills["forklift"], career_entry=job, evidence="Daily")
    comment_add(profile=profile, author=world.a.coach, section="skills", text="Well described")
    upload = CvUpload.objects.create(
        profile=profile, file="private/cv/x", original_name="cv.docx", size=10, state=CvStatus.DONE
    )
    CvSuggestion.objects.create(upload=upload, kind="skill", key="k", skill=skills["stock"])
    CvSuggestion.objects.create(
        upload=upload,
        kind="career",
        key="j",
        data={"title": "Forklift driver", "employer": "Lagerhuset", "start_year": 2010},
    )
    slug = world.a.agency.slug
    candidate_pages = [
        reverse("profiles:profile", kwargs={"agency_slug": slug}),
        reverse("profiles:skills", kwargs={"agency_slug": slug}),
        reverse("profiles:preferences", kwargs={"agency_slug": slug}),
        reverse("profiles:cv_upload", kwargs={"agency_slug": slug}),
        reverse("profiles:cv_detail", kwargs={"agency_slug": slug, "upload_id": upload.public_id}),
        reverse("profiles:row_add", kwargs={"agency_slug": slug, "section": "career"}),
        reverse("profiles:row_add", kwargs={"agency_slug": slug, "section": "achievements"}),
        reverse(
            "profiles:row_edit",
            kwargs={"agency_slug": slug, "section": "career", "row_id": job.public_id},
        ),
        reverse("profiles:skill_edit", kwargs={"agency_slug": slug, "skill_id": row.public_id}),
    ]
    coach_pages = [
        reverse(
            "profiles:coach_profile",
            kwargs={"agency_slug": slug, "programme_id": programme.public_id},
        )
    ]
    problems: dict[str, Any] = {}
    for role, pages in (("candidate", candidate_pages), ("coach", coach_pages)):
        context = chromium_browser.new_context(
            viewport={"width": 1280, "height": 900}, bypass_csp=True
        )
        page = context.new_page()
        page.set_default_timeout(15_000)
        _log_in(page, live_server.url, role, world)
        for path in pages:
            page.set_viewport_size({"width": 1280, "height": 900})
            response = page.goto(f"{live_server.url}{path}")
            assert response is not None
            assert response.status == 200, path
            if found := _axe(page):
                problems[f"axe {path}"] = found
            for width in (1280, PHONE):
                if (problem := _overflow(page, width)) is not None:
                    problems[f"{path} @{width}"] = problem
        if role == "candidate":
            # The skill search by keyboard: type, the suggestions arrive, Tab reaches "Add".
            page.goto(f"{live_server.url}{candidate_pages[1]}")
            page.get_by_label("Search skills").type("voorraad")
            page.locator("#skill-suggestions li").first.wait_for()
            assert "stock control" in page.locator("#skill-suggestions").inner_text()
            page.keyboard.press("Tab")
            page.keyboard.press("Enter")
            page.wait_for_url("**/skills/*/")
            assert page.get_by_role("heading", name="stock control").is_visible()
        context.close()
    assert not problems, problems
