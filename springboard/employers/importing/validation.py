"""Row-by-row validation of an HR export, with every problem reported by row and column."""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.utils.translation import gettext as _

from springboard.employers.importing.fields import (
    FIELDS,
    FIELDS_BY_KEY,
    LAST_FIRST,
    NAME_ORDER_KEY,
    NAME_PART_KEYS,
    missing_fields,
    uses_name_parts,
)
from springboard.employers.importing.reading import Table
from springboard.lib.dates import EARLIEST_DATE, LATEST_DATE

FIRST_DATA_ROW = 2  # spreadsheet row number of the first row under the header
PROGRESS_EVERY = 500
PROGRESS_SECONDS = 0.5  # report at most twice a second, however fast the rows go

_PHONE_PUNCTUATION = re.compile(r"[\s\-().]")
_PHONE = re.compile(r"^\+?\d{6,15}$")
_DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y", "%Y/%m/%d", "%d-%m-%y", "%d.%m.%y")
_LANGUAGES = {
    "en": "en",
    "english": "en",
    "engels": "en",
    "engelsk": "en",
    "nl": "nl",
    "dutch": "nl",
    "nederlands": "nl",
    "nederlandsk": "nl",
    "hollandsk": "nl",
    "da": "da",
    "danish": "da",
    "dansk": "da",
    "deens": "da",
    "nb": "nb",
    "no": "nb",
    "nn": "nb",
    "norwegian": "nb",
    "norsk": "nb",
    "noors": "nb",
    "bokmål": "nb",
    "bokmal": "nb",
}
_validate_email = EmailValidator()


@dataclass(frozen=True)
class CleanRow:
    row_number: int
    full_name: str
    email: str
    phone: str
    employee_number: str
    job_title: str
    department: str
    location: str
    notice_date: date | None
    last_working_day: date | None
    language: str

    @property
    def fingerprint(self) -> str:
        values = (
            self.full_name,
            self.email,
            self.phone,
            self.employee_number,
            self.job_title,
            self.department,
            self.location,
            self.notice_date,
            self.last_working_day,
            self.language,
        )
        joined = "\x1f".join("" if v is None else str(v) for v in values)
        return hashlib.sha256(joined.encode()).hexdigest()


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str


@dataclass(frozen=True)
class ExistingPeople:
    """What the database already knows, loaded once before validating a file."""

    staff_emails: frozenset[str] = frozenset()
    # employee number → e-mail of the candidate who has it in this engagement
    employee_numbers: dict[str, str] = field(default_factory=dict)


@dataclass
class ValidationResult:
    rows: list[CleanRow]
    errors: list[RowError]


def parse_date(text: str) -> date | None:
    """The date `text` names, or None when it is none or lies outside the accepted range
    (lib/dates.py: later arithmetic on a date like 0001-01-01 would overflow)."""
    parsed = _parse_date(text)
    if parsed is None or not EARLIEST_DATE <= parsed <= LATEST_DATE:
        return None
    return parsed


def _parse_date(text: str) -> date | None:
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        try:  # ISO dates (and what XLSX cells become) skip the slow strptime loop
            return date.fromisoformat(text)
        except ValueError:
            return None
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def conflicts_with_database(
    row_number: int, email: str, employee_number: str, existing: ExistingPeople
) -> list[RowError]:
    """The rules that depend on what is already stored; re-checked just before writing."""
    errors = []
    if email and email in existing.staff_emails:
        errors.append(
            RowError(
                row_number,
                str(FIELDS_BY_KEY["email"].label),
                _("This address belongs to a staff member of the agency."),
            )
        )
    owner = existing.employee_numbers.get(employee_number) if employee_number else None
    if owner is not None and owner != email:
        errors.append(
            RowError(
                row_number,
                str(FIELDS_BY_KEY["employee_number"].label),
                _("Already used by another candidate in this engagement."),
            )
        )
    return errors


def rows_to_json(rows: list[CleanRow]) -> list[list[object]]:
    return [
        [
            r.row_number,
            r.full_name,
            r.email,
            r.phone,
            r.employee_number,
            r.job_title,
            r.department,
            r.location,
            r.notice_date.isoformat() if r.notice_date else None,
            r.last_working_day.isoformat() if r.last_working_day else None,
            r.language,
        ]
        for r in rows
    ]


def rows_from_json(stored: list[list[object]]) -> list[CleanRow]:
    rows = []
    for (
        number,
        name,
        email,
        phone,
        employee_number,
        title,
        department,
        location,
        notice,
        last,
        language,
    ) in stored:
        rows.append(
            CleanRow(
                row_number=int(str(number)),
                full_name=str(name),
                email=str(email),
                phone=str(phone),
                employee_number=str(employee_number),
                job_title=str(title),
                department=str(department),
                location=str(location),
                notice_date=date.fromisoformat(str(notice)) if notice else None,
                last_working_day=date.fromisoformat(str(last)) if last else None,
                language=str(language),
            )
        )
    return rows


def validate_table(
    table: Table,
    mapping: dict[str, str],
    *,
    existing: ExistingPeople,
    default_language: str,
    on_progress: Callable[[int], None] | None = None,
) -> ValidationResult:
    name_order = mapping.get(NAME_ORDER_KEY, "")
    # Only columns the file has count; a name split over columns wins over a Name column.
    mapping = {
        key: header
        for key, header in mapping.items()
        if key in FIELDS_BY_KEY and header and header in table.headers
    }
    missing = missing_fields(mapping)
    if missing:
        message = _("Choose a column for this field.")
        return ValidationResult([], [RowError(1, str(f.label), message) for f in missing])
    name_parts = uses_name_parts(mapping)
    if name_parts:
        mapping.pop("full_name", None)
    else:
        for key in NAME_PART_KEYS:
            mapping.pop(key, None)
    required = {"first_name", "last_name", "email"} if name_parts else {"full_name", "email"}
    last_first = name_order == LAST_FIRST and not name_parts
    column_of = {key: table.headers.index(header) for key, header in mapping.items()}
    unsaved = table.unsaved_formulas
    clean: list[CleanRow] = []
    errors: list[RowError] = []
    last_report = time.monotonic()
    first_row_of_email: dict[str, int] = {}
    first_row_of_number: dict[str, int] = {}
    for index, cells in enumerate(table.rows):
        row_number = index + FIRST_DATA_ROW
        row_errors: list[RowError] = []
        values: dict[str, str] = {}
        for item in FIELDS:
            column = column_of.get(item.key)
            # Cells arrive stripped from reading.read_table / table_from_values.
            value = cells[column] if column is not None and column < len(cells) else ""
            if unsaved and column is not None and (index, column) in unsaved:
                row_errors.append(
                    RowError(
                        row_number,
                        str(item.label),
                        _(
                            "A formula without a saved value — open the file in Excel and save "
                            "it, or paste values."
                        ),
                    )
                )
                value = ""
            elif item.key in required and not value:
                row_errors.append(
                    RowError(row_number, str(item.label), _("This field is required."))
                )
            elif len(value) > item.max_length and item.key not in {
                "notice_date",
                "last_working_day",
            }:
                row_errors.append(
                    RowError(
                        row_number,
                        str(item.label),
                        _("Longer than %(n)s characters.") % {"n": item.max_length},
                    )
                )
            values[item.key] = value
        full_name = values["full_name"]
        if name_parts:
            full_name = " ".join(values[key] for key in NAME_PART_KEYS if values[key])
        elif last_first and full_name:
            last, comma, first = full_name.partition(",")
            if not comma or not last.strip() or not first.strip() or "," in first:
                row_errors.append(
                    RowError(
                        row_number,
                        str(FIELDS_BY_KEY["full_name"].label),
                        _("Not written as “Last name, First name”."),
                    )
                )
            full_name = f"{first.strip()} {last.strip()}"
        if len(full_name) > FIELDS_BY_KEY["full_name"].max_length and name_parts:
            row_errors.append(
                RowError(
                    row_number,
                    str(FIELDS_BY_KEY["last_name"].label),
                    _("The whole name is longer than %(n)s characters.")
                    % {"n": FIELDS_BY_KEY["full_name"].max_length},
                )
            )
        email = values["email"].lower()
        if email:
            try:
                _validate_email(email)
            except ValidationError:
                row_errors.append(
                    RowError(
                        row_number,
                        str(FIELDS_BY_KEY["email"].label),
                        _("Not a valid e-mail address."),
                    )
                )
        phone = _PHONE_PUNCTUATION.sub("", values["phone"])
        if phone and not _PHONE.match(phone):
            row_errors.append(
                RowError(
                    row_number, str(FIELDS_BY_KEY["phone"].label), _("Not a valid phone number.")
                )
            )
        dates: dict[str, date | None] = {}
        for key in ("notice_date", "last_working_day"):
            dates[key] = parse_date(values[key]) if values[key] else None
            if values[key] and dates[key] is None:
                row_errors.append(
                    RowError(
                        row_number,
                        str(FIELDS_BY_KEY[key].label),
                        _("Not a date; use YYYY-MM-DD or DD-MM-YYYY."),
                    )
                )
        if (
            dates["notice_date"]
            and dates["last_working_day"]
            and (dates["last_working_day"] < dates["notice_date"])
        ):
            row_errors.append(
                RowError(
                    row_number,
                    str(FIELDS_BY_KEY["last_working_day"].label),
                    _("The last working day is before the notice date."),
                )
            )
        language = (
            _LANGUAGES.get(values["language"].casefold(), "")
            if values["language"]
            else (default_language)
        )
        if not language:
            row_errors.append(
                RowError(
                    row_number, str(FIELDS_BY_KEY["language"].label), _("Use en, nl, da or nb.")
                )
            )
        row_errors.extend(
            conflicts_with_database(row_number, email, values["employee_number"], existing)
        )
        if email:
            if email in first_row_of_email:
                row_errors.append(
                    RowError(
                        row_number,
                        str(FIELDS_BY_KEY["email"].label),
                        _("Same e-mail as row %(row)s.") % {"row": first_row_of_email[email]},
                    )
                )
            else:
                first_row_of_email[email] = row_number
        number = values["employee_number"]
        if number:
            if number in first_row_of_number:
                row_errors.append(
                    RowError(
                        row_number,
                        str(FIELDS_BY_KEY["employee_number"].label),
                        _("Same employee number as row %(row)s.")
                        % {"row": first_row_of_number[number]},
                    )
                )
            else:
                first_row_of_number[number] = row_number
        if row_errors:
            errors.extend(row_errors)
        else:
            clean.append(
                CleanRow(
                    row_number=row_number,
                    full_name=full_name,
                    email=email,
                    phone=phone,
                    employee_number=number,
                    job_title=values["job_title"],
                    department=values["department"],
                    location=values["location"],
                    notice_date=dates["notice_date"],
                    last_working_day=dates["last_working_day"],
                    language=language,
                )
            )
        if on_progress is not None and (index + 1) % PROGRESS_EVERY == 0:
            now = time.monotonic()
            if now - last_report >= PROGRESS_SECONDS:
                on_progress(index + 1)
                last_report = now
    if on_progress is not None:
        on_progress(len(table.rows))
    return ValidationResult(clean, errors)
