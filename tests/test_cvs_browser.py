"""CVs in Chromium: the acceptance walk (a candidate builds a Norwegian CV from the profile,
reorders, previews, downloads PDF and DOCX, saves a second version, imports and exports JSON
Resume; a coach comments), and every CV page at phone and desktop widths without sideways
scroll or serious axe violations."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import docx
import pypdf
import pytest
from django.urls import reverse

from springboard.cvs.content import empty_content
from springboard.cvs.models import Cv, CvVersion, LinkedInSuggestion, VersionComment
from springboard.cvs.services import comment_add, cv_create, letter_create
from springboard.profiles.models import CareerEntry, Education
from springboard.profiles.services import profile_ensure
from tests.factories import make_programme, make_world
from tests.test_layout_overflow import PHONE, _axe, _log_in, _overflow

pytestmark = pytest.mark.browser

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "cvs"


@pytest.fixture(scope="module")
def chromium_browser() -> Any:
    from tests import browser

    with browser.chromium() as chromium:
        yield chromium


def _download(page: Any, link: Any) -> tuple[str, bytes]:
    with page.expect_download() as info:
        link.click()
    download = info.value
    return download.suggested_filename, Path(download.path()).read_bytes()


@pytest.mark.django_db(transaction=True)
def test_candidate_builds_a_norwegian_cv_and_a_coach_comments(
    live_server: Any, chromium_browser: Any
) -> None:
    world = make_world()
    programme = make_programme(world.a, candidate=world.a.candidate, coaches=[world.a.coach])
    profile = profile_ensure(world.a.candidate)
    CareerEntry.objects.create(
        profile=profile,
        employer="Nordlager AS",
        title="Lagerleder",
        start_year=2019,
        start_month=3,
        description="Ansvar for tolv ansatte på Ærø.",
    )
    CareerEntry.objects.create(
        profile=profile,
        employer="Fjordfrakt",
        title="Lagermedarbeider",
        start_year=2012,
        end_year=2019,
    )
    Education.objects.create(profile=profile, title="Bachelor i logistikk", institution="BI")
    base, slug = live_server.url, world.a.agency.slug
    context = chromium_browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    _log_in(page, base, "candidate", world)

    page.goto(f"{base}{reverse('cvs:list', kwargs={'agency_slug': slug})}")
    page.get_by_role("link", name="New CV from my profile").click()
    page.get_by_label("Name of this CV").fill("Lager-CV")
    page.get_by_label("Target role").fill("Lagerleder")
    page.locator("#id_language").select_option("nb")
    page.get_by_role("button", name="Make the CV").click()
    page.wait_for_url("**/edit/")

    # Reorder: the older job up, by its button (keyboard reachable), then save version 2.
    page.get_by_role("button", name=re.compile(r"^Move up\W+Lagermedarbeider$")).click()
    page.get_by_label("Profile text").fill("Erfaren lagerleder med øye for orden.")
    page.get_by_role("button", name="Save as a new version").first.click()
    page.wait_for_url(lambda url: url.rstrip("/").endswith(str(Cv.objects.get().public_id)))
    preview = page.locator("article.cv-preview")
    assert "Arbeidserfaring" in preview.text_content()
    text = preview.text_content()
    assert text.index("Lagermedarbeider") < text.index("Lagerleder,")
    assert CvVersion.objects.filter(cv__title="Lager-CV").count() == 2

    name, pdf = _download(page, page.get_by_role("link", name="Download PDF"))
    assert name == "Lager-CV-v2.pdf"
    pdf_text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert "Erfaren lagerleder med øye for orden." in pdf_text
    assert "ARBEIDSERFARING" in pdf_text
    name, word = _download(page, page.get_by_role("link", name="Download Word (DOCX)"))
    assert name == "Lager-CV-v2.docx"
    paragraphs = [p.text for p in docx.Document(io.BytesIO(word)).paragraphs]
    assert "Arbeidserfaring" in paragraphs

    page.goto(f"{base}{reverse('cvs:json_import', kwargs={'agency_slug': slug})}")
    page.get_by_label("JSON Resume file").set_input_files(str(FIXTURES / "resume_nb.json"))
    page.get_by_label("Language of the CV").select_option("nb")
    page.get_by_role("button", name="Import").click()
    page.wait_for_selector("article.cv-preview")
    assert "Fjordfrakt AS" in page.locator("article.cv-preview").text_content()
    assert "$.awards" in page.locator("main").text_content()  # named as not kept
    _name, exported = _download(page, page.get_by_role("link", name="Export JSON Resume"))
    document = json.loads(exported)
    assert document["work"][0]["startDate"] == "2018-09"
    assert document["basics"]["name"] == "Kari Ødegård"
    context.close()

    context = chromium_browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    _log_in(page, base, "coach", world)
    coach_list = reverse(
        "cvs:coach_list", kwargs={"agency_slug": slug, "programme_id": programme.public_id}
    )
    page.goto(f"{base}{coach_list}")
    page.get_by_role("link", name="Lager-CV").click()
    page.get_by_role("textbox", name="Comment").fill("Tallfest resultatene i første jobb.")
    page.get_by_role("button", name="Add comment").click()
    page.wait_for_selector("blockquote")
    assert VersionComment.objects.get().text == "Tallfest resultatene i første jobb."
    context.close()


@pytest.mark.django_db(transaction=True)
def test_cv_pages_fit_phones_and_pass_axe(live_server: Any, chromium_browser: Any) -> None:
    world = make_world()
    programme = make_programme(world.a, candidate=world.a.candidate, coaches=[world.a.coach])
    content = empty_content()
    content["basics"].update(name="Bjørn Åsmund Ĳsselstein-Kristoffersen", summary="Leder. " * 40)
    content["sections"][0]["items"] = [
        {
            "title": "Lagerleder med ansvar for innkjøp og logistikkplanlegging",
            "organisation": "Nordlager Ærøskøbing Internasjonale Transport og Logistikk AS",
            "start": "2019-03",
            "highlights": ["Økte presisjonen fra 91 % til 98 %"],
        }
    ]
    candidate = world.a.candidate
    cv = cv_create(
        candidate=candidate,
        saved_by=candidate,
        title="CV " * 30,
        language="nb",
        design="modern",
        content=content,
    )
    version = cv.versions.get()
    comment_add(version=version, author=world.a.coach, text="Godt skrevet. " * 10)
    letter = letter_create(
        candidate=candidate,
        saved_by=candidate,
        title="Søknad",
        language="da",
        design="classic",
        content={
            "recipient": "Nordlager\nHavnegade 1",
            "subject": "Ansøgning",
            "body": "Kære Åse\n\nTekst.",
        },
    )
    LinkedInSuggestion.objects.create(
        candidate=candidate,
        kind="position",
        data={"title": "Lagerleder", "employer": "Nordlager", "start_year": 2019},
    )
    slug = world.a.agency.slug
    cv_kwargs = {"agency_slug": slug, "cv_id": cv.public_id}
    letter_kwargs = {"agency_slug": slug, "letter_id": letter.public_id}
    candidate_pages = [
        reverse("cvs:list", kwargs={"agency_slug": slug}),
        reverse("cvs:create", kwargs={"agency_slug": slug}),
        reverse("cvs:json_import", kwargs={"agency_slug": slug}),
        reverse("cvs:linkedin", kwargs={"agency_slug": slug}),
        reverse("cvs:letter_create", kwargs={"agency_slug": slug}),
        reverse("cvs:detail", kwargs=cv_kwargs),
        reverse("cvs:edit", kwargs=cv_kwargs),
        reverse("cvs:letter_detail", kwargs=letter_kwargs),
        reverse("cvs:letter_edit", kwargs=letter_kwargs),
    ]
    coach_pages = [
        reverse(
            "cvs:coach_list", kwargs={"agency_slug": slug, "programme_id": programme.public_id}
        ),
        reverse("cvs:detail", kwargs=cv_kwargs),
        reverse("cvs:letter_detail", kwargs=letter_kwargs),
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
                problems[f"axe {role} {path}"] = found
            for width in (1280, PHONE):
                if (problem := _overflow(page, width)) is not None:
                    problems[f"{role} {path} @{width}"] = problem
        context.close()
    assert not problems, problems
