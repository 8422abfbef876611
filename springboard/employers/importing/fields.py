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
    # A name split over columns, as many HR systems export it; joined as "First Middle Last".
    # The call name (roepnaam) goes before the official first names: it is the one people use.
    ImportField(
        "first_name",
        _("First name"),
        False,
        100,
        (
            "first name",
            "firstname",
            "given name",
            "given names",
            "forename",
            "first names",
            "roepnaam",
            "voornaam",
            "voornamen",
            "fornavn",
            "fornavne",
            "vorname",
            "förnamn",
            "tilltalsnamn",
        ),
    ),
    ImportField(
        "middle_name",
        _("Middle name"),
        False,
        100,
        (
            "middle name",
            "middle names",
            "tussenvoegsel",
            "tussenvoegsels",
            "voorvoegsel",
            "mellemnavn",
            "mellomnavn",
            "mellannamn",
        ),
    ),
    ImportField(
        "last_name",
        _("Last name"),
        False,
        100,
        (
            "last name",
            "lastname",
            "surname",
            "family name",
            "achternaam",
            "familienaam",
            "geslachtsnaam",
            "efternavn",
            "etternavn",
            "nachname",
            "familienname",
            "efternamn",
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
# The parts of a name split over columns; first and last name stand in for the Name column.
NAME_PART_KEYS = ("first_name", "middle_name", "last_name")
# Not a column: how the Name column is written. Kept in the mapping, so it is remembered for the
# employer with the columns.
NAME_ORDER_KEY = "name_order"
LAST_FIRST = "last_first"


def normalise_header(header: str) -> str:
    return re.sub(r"[^0-9a-zæøåéèëïöüß]+", " ", header.casefold()).strip()


def uses_name_parts(mapping: dict[str, str]) -> bool:
    """Whether the name comes from first and last name columns (which then win over Name)."""
    return bool(mapping.get("first_name") and mapping.get("last_name"))


def missing_fields(mapping: dict[str, str]) -> list[ImportField]:
    """The required fields without a column: Name unless first and last name both have one."""
    missing = []
    if not mapping.get("full_name") and not uses_name_parts(mapping):
        if mapping.get("first_name"):
            missing.append(FIELDS_BY_KEY["last_name"])
        elif mapping.get("last_name"):
            missing.append(FIELDS_BY_KEY["first_name"])
        else:
            missing.append(FIELDS_BY_KEY["full_name"])
    missing.extend(
        FIELDS_BY_KEY[key] for key in REQUIRED_KEYS if key != "full_name" and not mapping.get(key)
    )
    return missing


def guess_mapping(headers: list[str], remembered: dict[str, str] | None = None) -> dict[str, str]:
    """field key → header: first the employer's remembered mapping, then known synonyms. When
    first and last name are found, the Name column is not guessed (a remembered one stays)."""
    available = set(headers)
    mapping: dict[str, str] = {}
    for key, header in (remembered or {}).items():
        if key in FIELDS_BY_KEY and header in available:
            mapping[key] = header
    taken = set(mapping.values())
    remembered_name = "full_name" in mapping
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
    if uses_name_parts(mapping) and mapping.get("full_name"):
        # One way to the name: the remembered one, else the columns of the split name.
        if remembered_name and not uses_name_parts(
            {k: v for k, v in mapping.items() if (remembered or {}).get(k) == v}
        ):
            for key in NAME_PART_KEYS:
                mapping.pop(key, None)
        else:
            mapping.pop("full_name", None)
    if (remembered or {}).get(NAME_ORDER_KEY) == LAST_FIRST and mapping.get("full_name"):
        mapping[NAME_ORDER_KEY] = LAST_FIRST
    return mapping


def possible_fields(header: str) -> list[ImportField]:
    """The fields a column header could be: those with that header among their synonyms, else
    those with a synonym inside it ("Work e-mail" → E-mail, "Medewerkernaam" → Name)."""
    normal = normalise_header(header)
    if not normal:
        return []
    exact = [
        field
        for field in FIELDS
        if normal in {normalise_header(s) for s in (field.key.replace("_", " "), *field.synonyms)}
    ]
    if exact:
        return exact
    words = set(normal.split())
    partial = []
    for field in FIELDS:
        for synonym in (field.key.replace("_", " "), *field.synonyms):
            wanted = normalise_header(synonym)
            if (len(wanted) >= 4 and wanted in normal) or set(wanted.split()) <= words:
                partial.append(field)
                break
    return partial


@dataclass(frozen=True)
class HeaderHint:
    header: str
    used_for: ImportField | None
    could_be: list[ImportField]


def header_hints(headers: list[str], mapping: dict[str, str]) -> list[HeaderHint]:
    """Each of a file's headers with the field it is chosen for and the fields it could be."""
    field_of = {
        header: FIELDS_BY_KEY[key] for key, header in mapping.items() if key in FIELDS_BY_KEY
    }
    return [
        HeaderHint(header, field_of.get(header), possible_fields(header))
        for header in headers
        if header
    ]
