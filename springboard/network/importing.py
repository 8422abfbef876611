"""Reading contact files: LinkedIn's `Connections.csv` and vCard 3.0/4.0 (2.1 is read too).

Pure parsing, no database: `read_contacts_file` returns the people found and the lines it skipped,
each with the physical line (1-based) where the bad row or card starts, or raises
`ContactFileError` for a file that is not a contact file at all (or is too large). Bounds: the
size is checked before anything is decoded, and reading stops at MAX_CONTACTS people, so a file
of a million lines costs one pass over at most MAX_BYTES.
"""

from __future__ import annotations

import csv
import datetime
import io
import quopri
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

MAX_BYTES = 5 * 1024 * 1024
MAX_CONTACTS = 5_000
MAX_FIELD_CHARS = 200
MAX_SKIPPED_SHOWN = 200
# How far into a CSV file the header row may be (LinkedIn puts a few "Notes:" lines first).
MAX_HEADER_SEARCH = 20

LINKEDIN = "linkedin"
VCARD = "vcard"

MONTHS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
        start=1,
    )
}


class ContactFileError(Exception):
    """The whole file is refused; the message is shown (and is the API's 400 detail)."""

    def __init__(self, message: str | Promise) -> None:
        super().__init__(str(message))
        self.message = str(message)


@dataclass
class ParsedContact:
    line: int
    full_name: str
    company: str = ""
    job_title: str = ""
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    profile_url: str = ""
    connected_on: datetime.date | None = None
    notes: str = ""

    def match_keys(self) -> list[str]:
        """How this person is recognised again: profile, each address, else name at company."""
        keys = []
        if self.profile_url:
            keys.append("url:" + self.profile_url.lower().rstrip("/"))
        keys.extend("email:" + email.lower() for email in self.emails)
        if not keys:
            keys.append("name:" + normalise_name(self.full_name) + "|" + self.company.lower())
        return keys


@dataclass
class Skipped:
    line: int
    reason: str


@dataclass
class ParsedFile:
    kind: str
    contacts: list[ParsedContact]
    skipped: list[Skipped]


def normalise_name(name: str) -> str:
    return " ".join(name.casefold().split())


def _clip(text: str, limit: int = MAX_FIELD_CHARS) -> str:
    # What PostgreSQL text cannot hold (NUL) and layout noise go; the rest is kept as typed.
    spaced = " ".join(text.split())  # line breaks and tabs inside a field become spaces
    return "".join(ch for ch in spaced if ch.isprintable())[:limit]


def decode(content: bytes) -> str:
    """The text of a file: UTF-8 (with or without BOM), UTF-16 with a BOM, else Windows-1252
    (older Outlook and Excel exports). Text with NUL or other control bytes is not a contact
    file, whatever its name says."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = content.decode("utf-16")
        except UnicodeDecodeError as error:
            raise ContactFileError(_("The file's text cannot be read.")) from error
    else:
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = content.decode("cp1252", errors="replace")
    sample = text[:65536]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\r\n\t\f")
    if "\x00" in sample or controls > len(sample) // 100:
        raise ContactFileError(
            _("This is not a contact file: upload LinkedIn's Connections.csv or a vCard (.vcf).")
        )
    return text


def read_contacts_file(content: bytes) -> ParsedFile:
    if len(content) > MAX_BYTES:
        raise ContactFileError(
            _("The file is larger than %(mb)s MB.") % {"mb": MAX_BYTES // (1024 * 1024)}
        )
    if not content.strip():
        raise ContactFileError(_("The file is empty."))
    text = decode(content)
    if re.search(
        r"^[ \t]*BEGIN[ \t]*:[ \t]*VCARD[ \t]*\r?$", text[:65536], re.IGNORECASE | re.MULTILINE
    ):
        return _read_vcards(text)
    return _read_linkedin(text)


# --- LinkedIn ---------------------------------------------------------------------------------

_LINKEDIN_COLUMNS = {
    "first name": "first",
    "last name": "last",
    "name": "name",
    "full name": "name",
    "url": "url",
    "profile url": "url",
    "email address": "email",
    "e-mail address": "email",
    "email": "email",
    "company": "company",
    "position": "position",
    "connected on": "connected",
}


def parse_date(text: str) -> datetime.date | None:
    """LinkedIn's `12 Mar 2024` (and `12-Mar-24`, ISO `2024-03-12`); None when it is none."""
    text = text.strip()
    match = re.fullmatch(r"(\d{1,2})[ \-]([A-Za-z]{3})[A-Za-z]*[ \-](\d{2}|\d{4})", text)
    try:
        if match:
            day, month_name, year = match.groups()
            month = MONTHS.get(month_name.lower())
            if month is None:
                return None
            year_number = int(year) + (2000 if len(year) == 2 else 0)
            return datetime.date(year_number, month, int(day))
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return datetime.date.fromisoformat(text)
    except ValueError:
        return None
    return None


def _records(text: str) -> Iterator[tuple[int, list[str] | None]]:
    """CSV records with the physical line each starts on (quoted fields may span lines); None
    for a record the csv module cannot read, after which reading goes on."""
    reader = csv.reader(io.StringIO(text, newline=""))
    start = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error:
            yield start, None
            start = reader.line_num + 1
            continue
        yield start, row
        start = reader.line_num + 1


def _header_map(row: list[str]) -> dict[str, int] | None:
    columns: dict[str, int] = {}
    for index, cell in enumerate(row):
        key = _LINKEDIN_COLUMNS.get(cell.strip().strip('"').lower())
        if key and key not in columns:
            columns[key] = index
    has_name = ("first" in columns and "last" in columns) or "name" in columns
    return columns if has_name else None


def _read_linkedin(text: str) -> ParsedFile:
    records = _records(text)
    columns: dict[str, int] | None = None
    for seen, (_line, row) in enumerate(records):
        columns = _header_map(row or [])
        if columns is not None or seen >= MAX_HEADER_SEARCH:
            break
    if columns is None:
        raise ContactFileError(
            _(
                "This is not a contact file: upload LinkedIn's Connections.csv (with its "
                "First Name and Last Name columns) or a vCard (.vcf)."
            )
        )
    contacts: list[ParsedContact] = []
    skipped: list[Skipped] = []
    width = max(columns.values()) + 1

    def cell(row: list[str], key: str) -> str:
        index = columns.get(key) if columns else None
        return _clip(row[index]) if index is not None and index < len(row) else ""

    for line, row in records:
        if row is None:
            _skip(skipped, line, _("This row cannot be read (broken quotes)."))
            continue
        if not any(value.strip() for value in row):
            continue
        if len(contacts) >= MAX_CONTACTS:
            raise ContactFileError(
                _("Line %(line)s: the file has more than %(max)s contacts; split it.")
                % {"line": line, "max": f"{MAX_CONTACTS:,}"}
            )
        if len(row) < min(width, 2):
            _skip(skipped, line, _("This row has too few columns."))
            continue
        name = cell(row, "name") or " ".join(
            part for part in (cell(row, "first"), cell(row, "last")) if part
        )
        if not name:
            _skip(skipped, line, _("This row has no name."))
            continue
        email = cell(row, "email")
        url = cell(row, "url")
        contacts.append(
            ParsedContact(
                line=line,
                full_name=name,
                company=cell(row, "company"),
                job_title=cell(row, "position"),
                emails=[email.lower()] if _looks_like_email(email) else [],
                profile_url=url if url.lower().startswith(("https://", "http://")) else "",
                connected_on=parse_date(cell(row, "connected")),
            )
        )
    return ParsedFile(kind=LINKEDIN, contacts=contacts, skipped=skipped)


def _looks_like_email(text: str) -> bool:
    return bool(re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", text)) and len(text) <= 254


def _skip(skipped: list[Skipped], line: int, reason: str | Promise) -> None:
    skipped.append(Skipped(line=line, reason=str(reason)))


# --- vCard ------------------------------------------------------------------------------------


@dataclass
class _Property:
    name: str
    params: dict[str, str]
    value: str


def _unfolded(text: str) -> Iterator[tuple[int, str]]:
    """Logical lines with the physical line each starts on. RFC 6350 folds with CRLF + space or
    tab; vCard 2.1's quoted-printable values continue after a line ending in "=". Parts are
    collected in a list and joined once, so a card folded over a million lines stays linear."""
    parts: list[str] = []
    start = 0
    quoted_printable = False
    for number, raw in enumerate(text.splitlines(), start=1):
        if parts and raw[:1] in (" ", "\t"):
            parts.append(raw[1:])
            continue
        if parts and quoted_printable and parts[-1].endswith("="):
            parts[-1] = parts[-1][:-1]
            parts.append(raw)
            continue
        if parts:
            yield start, "".join(parts)
        parts, start = [raw], number
        quoted_printable = "QUOTED-PRINTABLE" in raw.split(":", 1)[0].upper()
    if parts:
        yield start, "".join(parts)


def _parse_property(line: str) -> _Property | None:
    head, sep, value = line.partition(":")
    if not sep:
        return None
    parts = head.split(";")
    name = parts[0].split(".")[-1].strip().upper()  # "item1.EMAIL" → "EMAIL"
    params: dict[str, str] = {}
    for part in parts[1:]:
        key, has_value, param_value = part.partition("=")
        if has_value:
            params[key.strip().upper()] = param_value.strip().strip('"')
        else:  # vCard 2.1 bare parameters: "QUOTED-PRINTABLE", "HOME"
            params.setdefault("BARE", "")
            params["BARE"] += "," + key.strip().upper()
    return _Property(name=name, params=params, value=value)


def _property_text(prop: _Property) -> str:
    encoding = prop.params.get("ENCODING", "").upper()
    if encoding == "QUOTED-PRINTABLE" or "QUOTED-PRINTABLE" in prop.params.get("BARE", ""):
        charset = prop.params.get("CHARSET", "utf-8")
        raw = quopri.decodestring(prop.value.encode("latin-1", errors="replace"))
        try:
            return raw.decode(charset, errors="replace")
        except LookupError:
            return raw.decode("utf-8", errors="replace")
    return prop.value


def _unescape(text: str) -> str:
    return re.sub(r"\\([\\,;nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), text)


def _components(text: str) -> list[str]:
    """A structured value's parts (N, ORG): split on unescaped ";"."""
    return [_unescape(part) for part in re.split(r"(?<!\\);", text)]


def _card_contact(line: int, props: list[_Property]) -> ParsedContact | str:
    values: dict[str, list[str]] = {}
    for prop in props:
        if prop.name == "PHOTO":
            continue
        values.setdefault(prop.name, []).append(_property_text(prop))
    name = _clip(_unescape(values.get("FN", [""])[0]))
    if not name and values.get("N"):
        family, given, *rest = [*_components(values["N"][0]), "", ""]
        middle = rest[0] if rest else ""
        name = _clip(" ".join(part for part in (given, middle, family) if part.strip()))
    if not name:
        return str(_("This card has no name."))
    emails = []
    for raw in values.get("EMAIL", []):
        email = _clip(_unescape(raw)).lower().removeprefix("mailto:")
        if _looks_like_email(email) and email not in emails:
            emails.append(email)
    phones = []
    for raw in values.get("TEL", []):
        phone = _clip(_unescape(raw).removeprefix("tel:"), 40)
        if phone and phone not in phones:
            phones.append(phone)
    org = _components(values["ORG"][0])[0] if values.get("ORG") else ""
    title = values.get("TITLE", values.get("ROLE", [""]))[0]
    urls = [u for u in values.get("URL", []) if u.lower().startswith(("https://", "http://"))]
    return ParsedContact(
        line=line,
        full_name=name,
        company=_clip(org),
        job_title=_clip(_unescape(title)),
        emails=emails[:10],
        phones=phones[:10],
        profile_url=_clip(_unescape(urls[0]), 500) if urls else "",
        notes=_clip(_unescape(values.get("NOTE", [""])[0]), 2000),
    )


def _read_vcards(text: str) -> ParsedFile:
    contacts: list[ParsedContact] = []
    skipped: list[Skipped] = []
    card_start: int | None = None
    props: list[_Property] = []
    for line, logical in _unfolded(text):
        stripped = logical.strip()
        if not stripped:
            continue
        upper = stripped.upper().replace(" ", "")
        if upper == "BEGIN:VCARD":
            if card_start is not None:
                _skip(skipped, card_start, _("This card has no END:VCARD line."))
            if len(contacts) >= MAX_CONTACTS:
                raise ContactFileError(
                    _("Line %(line)s: the file has more than %(max)s contacts; split it.")
                    % {"line": line, "max": f"{MAX_CONTACTS:,}"}
                )
            card_start, props = line, []
            continue
        if upper == "END:VCARD":
            if card_start is None:
                _skip(skipped, line, _("END:VCARD without BEGIN:VCARD."))
                continue
            result = _card_contact(card_start, props)
            if isinstance(result, str):
                _skip(skipped, card_start, result)
            else:
                contacts.append(result)
            card_start, props = None, []
            continue
        if card_start is None:
            continue  # text between cards is ignored, as readers of vCard do
        prop = _parse_property(stripped)
        if prop is not None and len(props) < 500:
            props.append(prop)
    if card_start is not None:
        _skip(skipped, card_start, _("This card has no END:VCARD line."))
    return ParsedFile(kind=VCARD, contacts=contacts, skipped=skipped)
