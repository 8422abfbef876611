"""Builders of HR export files and of an engagement, for the enrolment tests."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

import openpyxl

from springboard.employers import services
from springboard.employers.models import Cohort, Engagement
from tests.factories import AgencyWorld, World

HEADERS = [
    "Naam",
    "E-mailadres",
    "Telefoon",
    "Personeelsnummer",
    "Functie",
    "Afdeling",
    "Locatie",
    "Opzegdatum",
    "Laatste werkdag",
    "Taal",
]


def person_row(n: int, **overrides: str) -> list[str]:
    row = {
        "Naam": f"Person {n:05d}",
        "E-mailadres": f"person{n:05d}@hr.example",
        "Telefoon": f"+31 6 {n:08d}",
        "Personeelsnummer": f"E{n:05d}",
        "Functie": "Warehouse operator",
        "Afdeling": "Logistics",
        "Locatie": "Rotterdam",
        "Opzegdatum": "2026-03-02",
        "Laatste werkdag": "31-05-2026",
        "Taal": "nl",
    }
    row.update(overrides)
    return [row[h] for h in HEADERS]


def csv_bytes(rows: list[list[str]], headers: list[str] | None = None) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(headers or HEADERS)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def xlsx_bytes(rows: list[list[Any]], headers: list[str] | None = None) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(headers or HEADERS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def make_engagement(side: AgencyWorld, **extra: Any) -> Engagement:
    return Engagement.objects.create(
        agency=side.agency,
        employer=side.employer,
        name=extra.pop("name", "Reorganisation 2026"),
        start_date=date(2026, 3, 1),
        **extra,
    )


def make_cohort(engagement: Engagement, name: str = "Round 1") -> Cohort:
    return Cohort.objects.create(engagement=engagement, name=name, notice_date=date(2026, 3, 2))


def make_import(engagement: Engagement) -> Any:
    """An uploaded (not yet checked) two-column file of `engagement`."""
    from springboard.employers.models import EnrolmentImport
    from springboard.lib.stored_files import save_private

    return EnrolmentImport.objects.create(
        agency=engagement.agency,
        engagement=engagement,
        file_name="hr.csv",
        file_kind="csv",
        content=save_private("imports", b"name,email\n", extension="csv"),
        content_sha256="0" * 64,
        headers=["name", "email"],
    )


# HR exports with the name in two columns, as their systems write them, per language.
SPLIT_NAME_HEADERS = {
    "en": ["Employee ID", "First name", "Last name", "Work email", "Email", "Department"],
    "nl": ["Personeelsnummer", "Roepnaam", "Achternaam", "E-mailadres", "Afdeling"],
    "da": ["Medarbejdernummer", "Fornavn", "Efternavn", "E-mail", "Afdeling"],
    "nb": ["Ansattnummer", "Fornavn", "Etternavn", "E-post", "Avdeling"],
    "de": ["Personalnummer", "Vorname", "Nachname", "E-Mail", "Abteilung"],
    "sv": ["Anställningsnummer", "Förnamn", "Efternamn", "E-post", "Avdelning"],
}
FIRST_NAMES = ("Anna", "Jan", "Søren", "Kari", "Ingrid", "Pieter", "Mette", "Ola")
LAST_NAMES = ("Berg", "de Vries", "Jørgensen", "Nordmann", "Holm", "Jansen", "Olsen", "Haugen")


def split_name_row(n: int, language: str, **overrides: str) -> list[str]:
    """Row `n` of a SPLIT_NAME_HEADERS[language] file: number, first, last, (en: work e-mail),
    e-mail, department; `overrides` by header."""
    headers = SPLIT_NAME_HEADERS[language]
    values = [
        f"E{n:05d}",
        FIRST_NAMES[n % len(FIRST_NAMES)],
        f"{LAST_NAMES[n % len(LAST_NAMES)]} {n:03d}",
        *([f"work{n:05d}@employer.example"] if language == "en" else []),
        f"person{n:05d}@hr.example",
        "Logistics",
    ]
    row = dict(zip(headers, values, strict=True))
    row.update(overrides)
    return [row[h] for h in headers]


def checked_import(
    world: World,
    content: bytes,
    capture: Any,
    *,
    name: str = "hr.csv",
    engagement: Engagement | None = None,
    cohort: Cohort | None = None,
    extra: dict[str, str] | None = None,
) -> Any:
    """Upload `content` as agency A's admin and check it with the guessed columns (plus `extra`)."""
    engagement = engagement or make_engagement(world.a)
    with capture(execute=True):
        upload = services.enrolment_import_upload(
            engagement=engagement,
            cohort=cohort,
            actor=world.a.admin,
            file_name=name,
            content=content,
            default_language="en",
        )
        mapping = {k: v for k, v in upload.mapping.items() if not k.startswith("_")}
        mapping.update(extra or {})
        upload = services.enrolment_import_check(
            upload=upload, actor=world.a.admin, mapping=mapping
        )
    upload.refresh_from_db()
    return upload


def run_import(world: World, upload: Any, capture: Any) -> Any:
    """Start a checked import as agency A's admin and return it as the task left it."""
    with capture(execute=True):
        services.enrolment_import_start(upload=upload, actor=world.a.admin)
    upload.refresh_from_db()
    return upload
