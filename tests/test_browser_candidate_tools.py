"""Issue 13's acceptance, walked in Chromium as a new user would, through the UI only.

A candidate switches the site to Dutch with the language selector, opens the interests
questionnaire from the main menu, leaves halfway, continues on another device (a new
browser context), finishes and sees their Holland code and chart; switches to Danish and takes
IPIP-NEO-120; uploads a DOCX CV through the file chooser, accepts two suggested skills and rejects
one; opens Opportunities and sees ranked occupations with matched and missing skills. The coach
(signed in with MFA) turns a missing skill into a plan task, which the candidate then sees in
their plan; the plan tasks that name the tools used are ticked.

Only the reference data and the world are set up by code; every step of the people is a click,
a key or a file chosen in the browser.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
import shutil
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from springboard.assessments.importer import import_instruments
from springboard.assessments.models import Attempt
from springboard.employers.models import Engagement, Enrolment
from springboard.matching.textnorm import normalise_phrase
from springboard.opportunities import index as opportunity_index
from springboard.opportunities.models import TrainingNeedTask
from springboard.opportunities.services import import_interest_reference_data
from springboard.profiles.models import CvSuggestion, ProfileSkill, SuggestionState
from springboard.programmes.models import PlanItem, Programme, ProgrammeTemplateVersion
from springboard.programmes.services import programme_create
from springboard.taxonomy import engine_cache
from springboard.taxonomy.models import Label, Skill
from tests import browser
from tests.factories import PASSWORD, World, current_totp_code, make_programme, make_world
from tests.fixtures.opportunities.world import DATA as OPPORTUNITY_DATA
from tests.fixtures.opportunities.world import make_taxonomy, with_plan

pytestmark = pytest.mark.browser

FIXTURES = Path(__file__).parent / "fixtures" / "assessments"
INSTRUMENT_DATA = Path(__file__).resolve().parent.parent / "springboard" / "assessments" / "data"
DOMAINS = ("N", "E", "O", "A", "C")
DATA_LANGS = ("en", "nl", "da", "no")
# The interest answers per RIASEC area (1-5): R 40, I 30, E 20, S 10, A 0, C 0 → code "RIE".
INTEREST_ANSWERS = {"R": 5, "I": 4, "E": 3, "S": 2, "A": 1, "C": 1}


@pytest.fixture
def chromium_browser() -> Iterator[Any]:
    with browser.chromium() as chromium:
        yield chromium


def _in(lang: str, message: str) -> str:
    """A UI string as the site shows it in `lang` (the real catalogues, not copies)."""
    with translation.override(lang):
        return translation.gettext(message)


def _reference_data(root: Path) -> Path:
    """The made-up reference data: the small assessment fixtures, with an IPIP-NEO-120 of the
    real shape (5 domains, 6 facets each, 4 items per facet) in four languages, Danish included."""
    shutil.copytree(FIXTURES, root, dirs_exist_ok=True)
    folder = root / "ipip" / "ipip_neo_120"
    words = {"en": "Made-up statement", "nl": "Verzonnen uitspraak", "da": "Opdigtet udsagn",
             "no": "Oppdiktet utsagn"}  # fmt: skip
    items = [
        {"id": f"{domain.lower()}{facet}-{n}", "domain": domain, "facet": facet,
         "keyed": "minus" if n % 2 else "plus"}
        for domain in DOMAINS for facet in range(1, 7) for n in range(1, 5)
    ]  # fmt: skip
    for lang in DATA_LANGS:
        (folder / f"questions_{lang}.json").write_text(
            json.dumps([{**item, "text": f"{words[lang]} {item['id']}"} for item in items]),
            encoding="utf-8",
        )
    labels = {
        lang: {
            domain: {
                "title": f"{words[lang]} {domain}",
                "shortDescription": f"{words[lang]} — {domain}",
                "facets": [
                    {"facet": facet, "title": f"{words[lang]} {domain}{facet}"}
                    for facet in range(1, 7)
                ],
            }
            for domain in DOMAINS
        }
        for lang in DATA_LANGS
    }
    (folder / "domain_facet_labels.json").write_text(json.dumps(labels), encoding="utf-8")
    return root


def _label_skills() -> None:
    Label.objects.bulk_create(
        Label(
            skill=skill, lang="en", kind="preferred", text=name, search_text=normalise_phrase(name)
        )
        for skill in Skill.objects.all()
        for name in [skill.names["en"]]
    )


def _docx(*paragraphs: str) -> bytes:
    """A minimal Word document, as a word processor would save it."""
    body = "".join(f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>" for text in paragraphs)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr(
            "word/document.xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            f"<w:body>{body}</w:body></w:document>",
        )
    return buffer.getvalue()


def _new_page(chromium_browser: Any) -> Any:
    context = chromium_browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def _switch_language(page: Any, lang: str) -> None:
    """The language selector in the page header (it submits itself on change)."""
    page.locator("#language-select").select_option(lang)
    page.locator(f"html[lang='{lang}']").wait_for(state="attached")


def _ours(name: str) -> Any:
    return json.loads((INSTRUMENT_DATA / name).read_text(encoding="utf-8"))


def _open_from_menu(page: Any, lang: str, label: str) -> None:
    """A page of the main menu, opening its group first when the entry sits in one."""
    link = page.get_by_role("navigation").get_by_role("link", name=_in(lang, label), exact=True)
    if not link.first.is_visible():
        page.get_by_role("navigation").get_by_role("button", name=_in(lang, "My work")).click()
    link.first.click()


def _answer_page(page: Any, choose: Callable[[str], str]) -> None:
    """Click one answer label in every question group of the page; `choose` gives, for the
    group's legend, the label to click."""
    groups = page.locator("fieldset")
    for index in range(groups.count()):
        group = groups.nth(index)
        legend = group.locator("legend").inner_text()
        group.get_by_label(choose(legend), exact=True).check()
        # One save at a time, as a person clicking would: the test database is SQLite.
        page.locator("form.htmx-request").wait_for(state="detached")


def _interest_labels(lang: str) -> dict[str, str]:
    """Each interest item's legend in `lang` → the answer label to click."""
    ours = _ours("interest_profiler.json")
    options = ours["options"][lang]
    with (FIXTURES / "onet_interest_profiler" / "ip_short_form_60_items.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    return {
        f"{row['index']}. {ours['items'][row['index']][lang]}": options[
            INTEREST_ANSWERS[row["area_code"]] - 1
        ]
        for row in rows
    }


def _next_page(page: Any, lang: str, number: int, count: int) -> None:
    page.get_by_role("button", name=_in(lang, "Next page")).click()
    with translation.override(lang):
        heading = translation.gettext("Page %(page)s of %(count)s") % {
            "page": number,
            "count": count,
        }
    page.get_by_role("heading", name=heading).wait_for()


def _second_programme(world: World, template_key: str) -> Programme:
    """Another programme of the same candidate, through a second engagement (an agency may run
    a module programme beside the main one)."""
    side = world.a
    version = ProgrammeTemplateVersion.objects.get(
        template__agency=None, template__key=template_key
    )
    engagement = Engagement.objects.create(
        agency=side.agency,
        employer=side.employer,
        name="Module engagement",
        start_date=datetime.date(2026, 2, 2),
    )
    enrolment = Enrolment.objects.create(
        agency=side.agency, engagement=engagement, candidate=side.candidate
    )
    return programme_create(
        enrolment=enrolment,
        actor=side.admin,
        template_version=version,
        coaches=[side.coach],
        start_date=timezone.localdate(),
    )


def _decide(page: Any, decision: str, skill: str) -> None:
    """Accept or reject one suggestion (in Danish); the list is swapped in place by htmx."""
    button = page.get_by_role(
        "button", name=re.compile(rf"^{re.escape(_in('da', decision))}\W+{re.escape(skill)}$")
    )
    button.click()
    button.wait_for(state="detached")


def _task(programme: Programme, tool: str) -> PlanItem:
    return PlanItem.objects.get(programme=programme, tool=tool)


@pytest.mark.django_db(transaction=True)
def test_candidate_walks_issue_13_and_the_coach_plans_a_missing_skill(
    live_server: Any, chromium_browser: Any, tmp_path: Path, settings: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    world = make_world()
    make_taxonomy()
    _label_skills()  # the CV reader finds skills by their labels
    engine_cache.clear()
    opportunity_index.clear()
    import_instruments(_reference_data(tmp_path / "data"), lambda line: None)
    import_interest_reference_data(OPPORTUNITY_DATA, lambda line: None)
    candidate, coach = world.a.candidate, world.a.coach
    # Two running programmes of the candidate's: the five steps name the interests
    # questionnaire, the module programme the personality one and the opportunities.
    five_steps = with_plan(make_programme(world.a, template_key="five-steps"), coach)
    modules = with_plan(_second_programme(world, "module-programme"), coach)
    slug = world.a.agency.slug
    base = live_server.url
    interests_title = _ours("interest_profiler.json")["title"]["nl"]

    # 1. The Interest Profiler in Dutch, half of it on the phone. (From the main menu: the
    # plan on the candidate's home shows no tool links yet, see programmes.selectors.)
    phone = _new_page(chromium_browser)
    browser.log_in(phone, base, candidate.user.email, PASSWORD)
    _switch_language(phone, "nl")
    _open_from_menu(phone, "nl", "Tests and questionnaires")
    phone.get_by_role("link", name=interests_title).click()
    phone.get_by_role("button", name=_in("nl", "Start")).click()
    dutch = _interest_labels("nl")
    assert phone.get_by_role("group", name="1. Keukenkastjes bouwen").is_visible()
    for number in range(1, 4):
        _answer_page(phone, dutch.__getitem__)
        _next_page(phone, "nl", number + 1, 6)
    attempt = Attempt.objects.get(candidate=candidate)
    assert len(attempt.answers) == 30
    phone.context.close()

    # Another device: the site is still in Dutch and the questionnaire continues at page 4.
    laptop = _new_page(chromium_browser)
    browser.log_in(laptop, base, candidate.user.email, PASSWORD)
    assert laptop.locator("html").get_attribute("lang") == "nl"
    _open_from_menu(laptop, "nl", "Tests and questionnaires")
    laptop.get_by_role("link", name=interests_title).click()
    laptop.get_by_role("heading", name="Pagina 4 van 6").wait_for()
    for number in range(4, 7):
        _answer_page(laptop, dutch.__getitem__)
        if number < 6:
            _next_page(laptop, "nl", number + 1, 6)
    laptop.get_by_role("button", name=_in("nl", "Finish and see my result")).click()
    laptop.wait_for_url("**/result/")
    main = laptop.get_by_role("main")
    assert "RIE" in main.locator("strong").first.inner_text()
    assert main.locator("figure svg[role=img] rect").count() == 12  # six bars on their tracks
    assert _task(five_steps, "interest-profiler").is_done

    # 2. IPIP-NEO-120 in Danish, from the list of tests.
    _switch_language(laptop, "da")
    _open_from_menu(laptop, "da", "Tests and questionnaires")
    laptop.get_by_role("link", name=re.compile("IPIP-NEO-120")).click()
    laptop.get_by_role("button", name=_in("da", "Start")).click()
    first = laptop.locator("fieldset legend").first.inner_text()
    assert "Opdigtet udsagn" in first, first
    for number in range(1, 13):
        _answer_page(laptop, lambda legend: "Opdigtet 3")
        if number < 12:
            _next_page(laptop, "da", number + 1, 12)
    laptop.get_by_role("button", name=_in("da", "Finish and see my result")).click()
    laptop.wait_for_url("**/result/")
    # Every answer "3": each domain is 3 * 24 = 72, whatever the keys.
    assert laptop.get_by_role("main").locator("td", has_text=re.compile(r"^72\b")).count() == 5
    assert _task(modules, "big-five").is_done

    # 3. A DOCX CV through the file chooser: accept two skills, reject one.
    cv = tmp_path / "cv.docx"
    cv.write_bytes(
        _docx(
            "Curriculum vitae",
            "2016-2024 Software developer, Nordlager A/S",
            "I do Python programming and SQL, and I enjoy selling products.",
        )
    )
    laptop.goto(f"{base}{reverse('profiles:cv_upload', kwargs={'agency_slug': slug})}")
    with laptop.expect_file_chooser() as chooser:
        laptop.locator("input[type=file]").click()
    chooser.value.set_files(str(cv))
    laptop.get_by_role("button", name=_in("da", "Upload and read")).click()
    _decide(laptop, "Accept", "Python programming")
    _decide(laptop, "Accept", "SQL")
    _decide(laptop, "Reject", "selling products")
    confirmed = {
        row.skill.names["en"]
        for row in ProfileSkill.objects.filter(profile__membership=candidate)
        if row.is_confirmed
    }
    assert confirmed == {"Python programming", "SQL"}
    assert laptop.get_by_text("Software developer").first.is_visible(), "the dated job is suggested"
    rejected = CvSuggestion.objects.get(state=SuggestionState.REJECTED)
    assert rejected.skill is not None
    assert rejected.skill.names["en"] == "selling products"

    # 4. Opportunities: ranked occupations with matched and missing skills.
    _open_from_menu(laptop, "da", "Opportunities")
    cards = laptop.locator("li.opportunity")
    cards.first.wait_for()
    ranked = [cards.nth(i).locator("h2").inner_text() for i in range(cards.count())]
    assert {"software developer", "data analyst"} <= set(ranked), ranked
    developer = cards.filter(
        has=laptop.get_by_role("heading", name="software developer", exact=True)
    ).inner_text()
    assert _in("da", "Essential skills still missing") in developer
    assert "Python programming" in developer
    assert "software testing" in developer
    assert _task(modules, "opportunities").is_done
    laptop.context.close()

    # 5. The coach, signed in with MFA, plans the missing skill from the candidate's page.
    coach_page = _new_page(chromium_browser)
    browser.log_in(
        coach_page, base, coach.user.email, PASSWORD, lambda: current_totp_code(coach.user)
    )
    # From the candidate's programme page (the caseload links there) to their opportunities.
    programme_url = reverse(
        "programmes:detail", kwargs={"agency_slug": slug, "public_id": modules.public_id}
    )
    coach_page.goto(f"{base}{programme_url}")
    coach_page.get_by_role("link", name="Opportunities").first.click()
    coach_page.get_by_role(
        "button", name=re.compile(r"^Plan as a task\W+software testing$")
    ).first.click()
    coach_page.get_by_text("In the plan").first.wait_for()
    need = TrainingNeedTask.objects.select_related("plan_item").get()
    assert need.programme == modules
    assert need.plan_item.programme_id == modules.pk
    coach_page.context.close()

    # The candidate sees the new task in their plan.
    again = _new_page(chromium_browser)
    browser.log_in(again, base, candidate.user.email, PASSWORD)
    assert need.plan_item.title in again.get_by_role("main").inner_text()
    again.context.close()
