"""The fields an HR export can fill, and how their column headers are recognised."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class ImportField:
    key: str
    label: Any  # a lazy translation
    required: bool
    max_length: int
    synonyms: tuple[str, ...]


FIELDS: tuple[ImportField, ...] = (
    ImportField(
        "full_name",
        _("Name"),
        True,
        200,
        (
            "name",
            "full name",
            "employee name",
            "naam",
            "volledige naam",
            "navn",
            "fulde navn",
            "fullt navn",
            "medewerker",
            "medarbejder",
            "ansatt",
        ),
    ),
    ImportField(
        "email",
        _("E-mail"),
        True,
        254,
        (
            "email",
            "e-mail",
            "email address",
            "e-mailadres",
            "emailadres",
            "mail",
            "e-post",
            "epost",
            "e-postadresse",
            "mailadresse",
            "private email",
            "privé e-mail",
        ),
    ),
    ImportField(
        "phone",
        _("Phone"),
        False,
        30,
        (
            "phone",
            "telephone",
            "mobile",
            "phone number",
            "telefoon",
            "telefoonnummer",
            "mobiel",
            "telefon",
            "telefonnummer",
            "mobil",
            "mobilnummer",
            "tlf",
        ),
    ),
    ImportField(
        "employee_number",
        _("Employee number"),
        False,
        50,
        (
            "employee number",
            "employee id",
            "employee no",
            "personnel number",
            "personeelsnummer",
            "medewerkernummer",
            "medarbejdernummer",
            "medarbejder nr",
            "ansattnummer",
            "ansatt nr",
            "lønnummer",
            "lønnr",
        ),
    ),
    ImportField(
        "job_title",
        _("Job title"),
        False,
        200,
        (
            "job title",
            "title",
            "position",
            "role",
            "functie",
            "functietitel",
            "functienaam",
            "stilling",
            "stillingsbetegnelse",
            "jobtitel",
            "titel",
            "stillingstittel",
        ),
    ),
    ImportField(
        "department",
        _("Department"),
        False,
        200,
        ("department", "afdeling", "avdeling", "team", "business unit"),
    ),
    ImportField(
        "location",
        _("Location"),
        False,
        200,
        (
            "location",
            "site",
            "office",
            "locatie",
            "vestiging",
            "standplaats",
            "lokation",
            "arbejdssted",
            "arbeidssted",
            "kontor",
            "sted",
        ),
    ),
    ImportField(
        "notice_date",
        _("Notice date"),
        False,
        10,
        (
            "notice date",
            "date of notice",
            "opzegdatum",
            "datum opzegging",
            "ontslagdatum",
            "opsigelsesdato",
            "oppsigelsesdato",
            "varslingsdato",
        ),
    ),
    ImportField(
        "last_working_day",
        _("Last working day"),
        False,
        10,
        (
            "last working day",
            "last day",
            "end date",
            "laatste werkdag",
            "einddatum",
            "uitdienstdatum",
            "sidste arbejdsdag",
            "fratrædelsesdato",
            "siste arbeidsdag",
            "sluttdato",
            "fratredelsesdato",
        ),
    ),
    ImportField(
        "language",
        _("Language"),
        False,
        10,
        ("language", "taal", "sprog", "språk", "lang", "locale"),
    ),
)
FIELDS_BY_KEY = {field.key: field for field in FIELDS}
REQUIRED_KEYS = tuple(field.key for field in FIELDS if field.required)


def normalise_header(header: str) -> str:
    return re.sub(r"[^0-9a-zæøåéèëïöüß]+", " ", header.casefold()).strip()


def guess_mapping(headers: list[str], remembered: dict[str, str] | None = None) -> dict[str, str]:
    """field key → header: first the employer's remembered mapping, then known synonyms."""
    available = set(headers)
    mapping: dict[str, str] = {}
    for key, header in (remembered or {}).items():
        if key in FIELDS_BY_KEY and header in available:
            mapping[key] = header
    taken = set(mapping.values())
    by_normal = {normalise_header(h): h for h in headers if h}
    for field in FIELDS:
        if field.key in mapping:
            continue
        for synonym in (field.key.replace("_", " "), *field.synonyms):
            found = by_normal.get(normalise_header(synonym))
            if found is not None and found not in taken:
                mapping[field.key] = found
                taken.add(found)
                break
    return mapping
