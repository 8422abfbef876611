"""Vacancy feeds as they really come: JSON-LD variants, HTML pages, CSV, bad items, duplicates,
re-runs, a 20 MB file, script injection, and the `import-vacancies` command."""

from __future__ import annotations

import io
import json
import random
import re
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.core.management import call_command

from springboard.jobs.importing import _fold_spaces, _strip_markup, clean_text, read_feed
from springboard.jobs.models import Vacancy, VacancySource
from springboard.jobs.services import vacancies_import
from tests.factories import World

FIXTURES = Path(__file__).parent / "fixtures" / "jobs"


def _file(name: str) -> tuple[str, bytes]:
    return name, (FIXTURES / name).read_bytes()


def test_clean_text_removes_markup_scripts_and_entities() -> None:
    dirty = (
        "<p>One &amp; <b>two</b></p><script>alert(1)</script><style>p{}</style><ul><li>a</li></ul>"
    )
    assert clean_text(dirty) == "One & two\n\n• a"
    assert clean_text("&lt;img src=x onerror=alert(1)&gt;Hi") == "Hi"
    assert clean_text("a < b and c > d") == "a < b and c > d"
    assert clean_text("&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt;ok") == "ok"


def test_single_object_with_nested_organisation_range_salary_and_html(world: World) -> None:
    summary = vacancies_import(agency=world.a.agency, files=[_file("single.jsonld")])
    assert (summary.created, summary.rejected) == (1, [])
    vacancy = Vacancy.objects.get(agency=world.a.agency)
    assert vacancy.title == "Warehouse team leader"
    assert vacancy.employer == "Nordlager A/S"
    assert (vacancy.place, vacancy.region) == ("Aarhus", "Midtjylland")
    assert (vacancy.salary_min, vacancy.salary_max) == (Decimal("34000"), Decimal("39000"))
    assert (vacancy.salary_currency, vacancy.salary_period) == ("DKK", "MONTH")
    assert vacancy.description.startswith("Lead a team of eight in our Aarhus warehouse.")
    assert "alert" not in vacancy.description
    assert "<" not in vacancy.description
    assert vacancy.valid_through is not None
    assert vacancy.valid_through.isoformat() == "2026-12-31"
    assert vacancy.employment_type == "FULL_TIME, PERMANENT"
    assert vacancy.source == VacancySource.JSON_LD
    assert vacancy.owner is None


def test_graph_with_location_list_number_salary_and_bad_items(world: World) -> None:
    summary = vacancies_import(agency=world.a.agency, files=[_file("graph.json")])
    assert summary.created == 1
    reasons = {r.item: str(r.reason) for r in summary.rejected}
    assert reasons == {
        1: "This item is not a JobPosting.",
        3: "The posting has no title.",
        4: "The field title is not text.",
        5: "The field datePosted is not a date.",
    }
    vacancy = Vacancy.objects.get()
    assert vacancy.place == "Bergen, Oslo"
    assert vacancy.salary_min == vacancy.salary_max == Decimal("52000")


def test_array_with_full_type_uri_string_salary_and_a_duplicate(world: World) -> None:
    summary = vacancies_import(agency=world.a.agency, files=[_file("array.json")])
    assert (summary.created, summary.duplicates, summary.rejected) == (2, 1, [])
    clerk = Vacancy.objects.get(title="Accounts payable clerk")
    assert clerk.salary_min == Decimal("3450.00")
    assert clerk.salary_currency == "EUR"


def test_html_page_with_several_blocks_and_injection(world: World) -> None:
    summary = vacancies_import(agency=world.a.agency, files=[_file("page.html")])
    assert summary.created == 2
    assert [(r.item, str(r.reason)) for r in summary.rejected] == [
        (1, "This item is not a JobPosting."),
        (3, "This JSON-LD block is not valid JSON."),
    ]
    nurse = Vacancy.objects.get(url="https://jobs.example/anna/n1")
    assert nurse.title == "Nurse (night shifts)"
    assert nurse.employer == "Sint Anna Zorg"
    assert nurse.description == "Care for patients."
    assert nurse.hours_per_week == Decimal("32")


def test_csv_feed_with_semicolons_and_bad_rows(world: World) -> None:
    summary = vacancies_import(agency=world.a.agency, files=[_file("feed.csv")])
    assert summary.created == 1
    assert [(r.item, str(r.reason)) for r in summary.rejected] == [
        (2, "The posting has no title."),
        (3, "The field hours is not a number."),
    ]
    driver = Vacancy.objects.get()
    assert driver.source == VacancySource.CSV
    assert (driver.hours_per_week, driver.salary_max) == (Decimal("37"), Decimal("32000"))


def test_rerun_changes_nothing_and_a_changed_posting_updates(world: World) -> None:
    files = [_file(name) for name in ("single.jsonld", "graph.json", "array.json", "page.html")]
    first = vacancies_import(agency=world.a.agency, files=files)
    stored = {v.pk: v.updated_at for v in Vacancy.objects.all()}
    again = vacancies_import(agency=world.a.agency, files=files)
    assert (again.created, again.updated) == (0, 0)
    assert again.unchanged == first.created
    assert again.duplicates == first.duplicates
    assert {v.pk: v.updated_at for v in Vacancy.objects.all()} == stored

    changed = json.loads((FIXTURES / "single.jsonld").read_text())
    changed["title"] = "Warehouse team lead"
    result = vacancies_import(
        agency=world.a.agency, files=[("single.jsonld", json.dumps(changed).encode())]
    )
    assert (result.created, result.updated) == (0, 1)
    assert Vacancy.objects.get(url=changed["url"]).title == "Warehouse team lead"


def test_agencies_and_candidates_are_separate_scopes(world: World) -> None:
    vacancies_import(agency=world.a.agency, files=[_file("single.jsonld")])
    other = vacancies_import(agency=world.b.agency, files=[_file("single.jsonld")])
    own = vacancies_import(
        agency=world.a.agency, owner=world.a.candidate, files=[_file("single.jsonld")]
    )
    assert other.created == own.created == 1
    assert Vacancy.objects.filter(agency=world.a.agency, owner=None).count() == 1


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("x.json", b"{not json", "The file is not JSON, JSON-LD or an HTML page."),
        ("x.json", b"   ", "The file is empty."),
        ("x.html", b"<html><body>No data</body></html>", "The page has no JSON-LD block."),
        ("x.csv", b"name,city\nA,B\n", "The CSV file has no title column."),
        (
            "x.json",
            b"[" * 100_000 + b"]" * 100_000,
            "The file is not JSON, JSON-LD or an HTML page.",
        ),
    ],
)
def test_unreadable_files_are_reported(world: World, name: str, data: bytes, reason: str) -> None:
    summary = vacancies_import(agency=world.a.agency, files=[(name, data)])
    assert [str(r.reason) for r in summary.unreadable] == [reason]
    assert not Vacancy.objects.exists()


def test_wrong_types_are_rejected_never_half_written(world: World) -> None:
    items = [
        {"@type": "JobPosting", "title": "A", "hiringOrganization": 5},
        {"@type": "JobPosting", "title": "B", "hiringOrganization": "X", "jobLocation": 7},
        {"@type": "JobPosting", "title": "C", "hiringOrganization": "X", "baseSalary": "lots"},
        {"@type": "JobPosting", "title": "D", "hiringOrganization": "X", "url": "javascript:x"},
        {"@type": "JobPosting", "title": "E", "hiringOrganization": "X", "baseSalary": -1},
        {"@type": "JobPosting", "title": "F", "hiringOrganization": "X", "description": {"a": 1}},
        "just a string",
        None,
    ]
    summary = vacancies_import(
        agency=world.a.agency, files=[("bad.json", json.dumps(items).encode())]
    )
    assert [r.item for r in summary.rejected] == [1, 2, 3, 4, 5, 6, 7, 8]
    assert not Vacancy.objects.exists()


def test_a_20_mb_file_imports() -> None:
    description = "<p>" + "Lifting, planning and stock control. " * 500 + "</p>"
    items = [
        {
            "@type": "JobPosting",
            "title": f"Job {n}",
            "hiringOrganization": "Big feed",
            "description": description,
            "url": f"https://jobs.example/big/{n}",
        }
        for n in range(1200)
    ]
    data = json.dumps(items).encode()
    assert len(data) > 20 * 1024 * 1024
    result = read_feed("big.json", data)
    assert len(result.postings) == 1200
    assert result.rejections == []


def test_command_prints_the_summary_and_fails_only_for_unreadable_files(
    world: World, tmp_path: Path
) -> None:
    out = io.StringIO()
    paths = [str(FIXTURES / "graph.json"), str(FIXTURES / "array.json")]
    call_command("import-vacancies", "--agency", world.a.agency.slug, *paths, "--json", stdout=out)
    summary = json.loads(out.getvalue())
    assert set(summary) == {"created", "updated", "unchanged", "duplicates", "rejected"}
    assert (summary["created"], summary["duplicates"]) == (3, 1)
    assert set(summary["rejected"][0]) == {"file", "item", "reason"}

    out = io.StringIO()
    call_command("import-vacancies", "--agency", world.a.agency.slug, *paths, "--json", stdout=out)
    again = json.loads(out.getvalue())
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 3)

    missing = tmp_path / "missing.json"
    with pytest.raises(SystemExit) as exit_info:
        call_command(
            "import-vacancies",
            "--agency",
            world.a.agency.slug,
            str(missing),
            "--json",
            stdout=io.StringIO(),
        )
    assert exit_info.value.code == 1


# --- the fast paths of an import (P10) ----------------------------------------------------------

_WHITESPACE = [" ", "  ", "\t", "\r", "\f", "\v", "\u00a0", "\u2003", "\n", "x", "yz", "&"]


@pytest.mark.parametrize("seed", range(20))
def test_space_folding_equals_the_regular_expression(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(200):
        text = "".join(rng.choice(_WHITESPACE) for _ in range(rng.randint(0, 30)))
        assert _fold_spaces(text) == re.sub(r"[ \t\r\f\v\u00a0]+", " ", text)


_ENTITY_PARTS = ["&amp;", "&lt;", "&gt;", "&#60;", "&#x3c;", "&nbsp;", "&eacute;", "&", "&#", ";"]
_ENTITY_PARTS += ["a", " ", "\n", "&amp", "&lt b", "&#1114112;", "&#0;", "&notanentity;"]


class _Parsed(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


@pytest.mark.parametrize("seed", range(20))
def test_text_without_tags_decodes_as_the_parser_would(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(200):
        text = "".join(rng.choice(_ENTITY_PARTS) for _ in range(rng.randint(1, 12)))
        parser = _Parsed()
        parser.feed(text)
        parser.close()
        assert _strip_markup(text) == "".join(parser.parts)


def test_a_posting_twice_in_one_feed_keeps_the_later_copy(world: World) -> None:
    first = {
        "@type": "JobPosting",
        "title": "Picker",
        "hiringOrganization": "Lager",
        "url": "https://jobs.example/twice",
    }
    later = {**first, "description": "<p>Night shifts &amp; weekends</p>"}
    summary = vacancies_import(
        agency=world.a.agency, files=[("f.json", json.dumps([first, first, later]).encode())]
    )
    assert (summary.created, summary.unchanged, summary.updated) == (1, 1, 1)
    vacancy = Vacancy.objects.get()
    assert vacancy.description == "Night shifts & weekends"
    assert vacancy.public_id is not None
    assert vacancy.created_at == vacancy.updated_at


def test_an_update_writes_the_imported_fields_and_keeps_the_skills(world: World) -> None:
    posting = {
        "@type": "JobPosting",
        "title": "Picker",
        "hiringOrganization": "Lager",
        "url": "https://jobs.example/picker",
        "workHours": "37",
    }
    vacancies_import(agency=world.a.agency, files=[("f.json", json.dumps(posting).encode())])
    Vacancy.objects.update(skill_uris=["http://skills.example/lifting"], occupation_uri="x")
    before = Vacancy.objects.get()
    changed = {**posting, "title": "Senior picker", "workHours": "32"}
    summary = vacancies_import(
        agency=world.a.agency, files=[("f.json", json.dumps(changed).encode())]
    )
    assert (summary.created, summary.updated) == (0, 1)
    after = Vacancy.objects.get()
    assert (after.pk, after.public_id, after.created_at) == (
        before.pk,
        before.public_id,
        before.created_at,
    )
    assert (after.title, after.hours_per_week) == ("Senior picker", Decimal("32"))
    assert after.skill_uris == ["http://skills.example/lifting"]
    assert after.updated_at > before.updated_at


def test_hours_beyond_a_week_are_a_bad_item_not_a_failed_import(world: World) -> None:
    items = [
        {"@type": "JobPosting", "title": "A", "hiringOrganization": "X", "workHours": "40000"},
        {"@type": "JobPosting", "title": "B", "hiringOrganization": "X", "workHours": 38},
    ]
    summary = vacancies_import(
        agency=world.a.agency, files=[("h.json", json.dumps(items).encode())]
    )
    assert [(r.item, str(r.reason)) for r in summary.rejected] == [
        (1, "The field workHours is not a number.")
    ]
    assert list(Vacancy.objects.values_list("title", "hours_per_week")) == [("B", Decimal("38"))]
