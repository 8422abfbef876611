"""Reading vacancy feeds: schema.org `JobPosting` JSON-LD (a JSON file, a saved HTML page with
`<script type="application/ld+json">` blocks, `@graph` and arrays) and CSV feeds.

Nothing here touches the database: a file becomes a list of `Posting`s (plain, checked values)
and a list of `Rejection`s (which item, why). Markup in any text field is turned into plain text
with the standard library's `html.parser` — never stored, so never shown live.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import html
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cached_property
from html.parser import HTMLParser
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# A feed larger than this is refused unread (a 20 MB file is a normal big feed).
MAX_FILE_BYTES = 32 * 1024 * 1024
MAX_ITEMS_PER_FILE = 100_000
MAX_DEPTH = 8  # nested @graph / arrays

TEXT_LIMITS = {
    "title": 300,
    "employer": 300,
    "place": 300,
    "region": 200,
    "description": 20_000,
    "employment_type": 100,
}

# Elements whose content is never text (and must never reach the page).
_DROPPED = frozenset({"script", "style", "template", "noscript", "iframe", "object", "svg", "head"})
_BLOCKS = frozenset(
    {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section"}
)


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROPPED:
            self._skipping += 1
        elif tag == "li":
            self.parts.append("\n• ")
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROPPED:
            self._skipping = max(0, self._skipping - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


_SPACE_LIKE = "\t\r\f\v\u00a0"  # folded into " " with the spaces around them
_BLANK_LINES = re.compile(r"\n\s*\n+")
_NEEDS_CLEANING = re.compile(r"[<&\n\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


_TAG_LIKE = re.compile(r"<[A-Za-z/!?]")
_ESCAPED_TAG = re.compile(r"&(lt|#0*60|#x0*3c);\s*[A-Za-z/!?]", re.IGNORECASE)


# Attribute-less tags of ordinary job-ad markup, replaced before the parser sees the text: the
# parser then has far fewer tags to walk (feeds are mostly <p>, <b>, <li>). Anything else, and
# whatever this pass leaves, goes through html.parser.
_LIST_ITEM = re.compile(r"<li\s*>", re.IGNORECASE)
_BLOCK_TAG = re.compile(r"</?(?:p|div|br|li|ul|ol|h[1-6]|tr|section)\s*/?>", re.IGNORECASE)
_INLINE_TAG = re.compile(r"</?(?:b|i|em|strong|u|span|small)\s*>", re.IGNORECASE)


def _strip_markup(value: str) -> str:
    value = _INLINE_TAG.sub("", _BLOCK_TAG.sub("\n", _LIST_ITEM.sub("\n• ", value)))
    if "<" not in value:
        # Text without tags: the parser would only decode the entities (`convert_charrefs`
        # hands it to `handle_data` through `html.unescape`), so decode them directly.
        return html.unescape(value) if "&" in value else value
    parser = _TextExtractor()
    parser.feed(value)
    parser.close()
    return "".join(parser.parts)


def _fold_spaces(value: str) -> str:
    """Every run of spaces, tabs and no-break spaces as one space (newlines kept). String
    methods, not a regular expression: one that stops at every word gap was the slowest step
    of a feed import."""
    for char in _SPACE_LIKE:
        if char in value:
            value = value.replace(char, " ")
    while "  " in value:
        value = value.replace("  ", " ")
    return value


def clean_text(value: str) -> str:
    """Plain text from a value that may hold HTML, even HTML escaped once or twice more (as
    feeds do): entities decoded into markup are parsed again, so no tag survives."""
    if not _NEEDS_CLEANING.search(value):
        return " ".join(value.split())  # a plain one-line value: only the spaces to tidy
    for _round in range(3):
        if "<" not in value and "&" not in value:
            break
        value = _strip_markup(value)
        if not _TAG_LIKE.search(value) and not _ESCAPED_TAG.search(value):
            break
    value = _TAG_LIKE.sub("", value)  # what is left after three rounds is not kept as markup
    value = _CONTROL.sub("", value)
    lines = [line.strip() for line in _fold_spaces(value).split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def normalise_key(*parts: str) -> str:
    """Case-, space- and punctuation-insensitive key of employer + title + place."""
    return "|".join(" ".join(re.findall(r"\w+", part.casefold())) for part in parts)[:950]


@dataclass(frozen=True)
class Rejection:
    file: str
    item: int  # 1-based position of the posting in the file (the data row of a CSV)
    reason: Promise | str


@dataclass
class Posting:
    title: str
    employer: str
    place: str = ""
    region: str = ""
    description: str = ""
    url: str = ""
    identifier: str = ""
    employment_type: str = ""
    hours_per_week: Decimal | None = None
    salary_min: Decimal | None = None
    salary_max: Decimal | None = None
    salary_currency: str = ""
    salary_period: str = ""
    date_posted: datetime.date | None = None
    valid_through: datetime.date | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    # Cached: an import asks each posting for its keys and hash several times, and a
    # posting is never changed once read.
    @cached_property
    def duplicate_key(self) -> str:
        return normalise_key(self.employer, self.title, self.place)

    @cached_property
    def source_key(self) -> str:
        """How a re-import recognises this posting: URL, else identifier, else what it says."""
        if self.url:
            return "url:" + self.url[:1000]
        if self.identifier:
            return "id:" + normalise_key(self.employer, self.identifier)[:1000]
        return "key:" + self.duplicate_key

    def model_fields(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "employer": self.employer,
            "place": self.place,
            "region": self.region,
            "description": self.description,
            "url": self.url,
            "employment_type": self.employment_type,
            "hours_per_week": self.hours_per_week,
            "salary_min": self.salary_min,
            "salary_max": self.salary_max,
            "salary_currency": self.salary_currency,
            "salary_period": self.salary_period,
            "date_posted": self.date_posted,
            "valid_through": self.valid_through,
        }

    @cached_property
    def content_hash(self) -> str:
        values = {k: str(v) if v is not None else None for k, v in self.model_fields().items()}
        return hashlib.sha256(json.dumps(values, sort_keys=True).encode()).hexdigest()


class BadItem(ValueError):
    """One posting cannot be read; the reason is shown to the person importing."""

    def __init__(self, reason: Promise | str) -> None:
        super().__init__(str(reason))
        self.reason = reason


class UnreadableFile(ValueError):
    """The whole file cannot be read (not JSON, not HTML, not CSV, too large, empty)."""

    def __init__(self, reason: Promise | str) -> None:
        super().__init__(str(reason))
        self.reason = reason


# --- field readers ----------------------------------------------------------------------------


def _text(value: Any, name: str, *, required: bool = False) -> str:
    if value is None or value == "":
        if required:
            raise BadItem(_("The posting has no %(field)s.") % {"field": name})
        return ""
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        value = ", ".join(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise BadItem(_("The field %(field)s is not text.") % {"field": name})
    text = clean_text(value)
    if required and not text:
        raise BadItem(_("The posting has no %(field)s.") % {"field": name})
    return text[: TEXT_LIMITS.get(name, 1000)]


def _organisation(value: Any) -> str:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("name") or value.get("legalName")
    if value is not None and not isinstance(value, str):
        raise BadItem(_("The field %(field)s is not text.") % {"field": "hiringOrganization"})
    return _text(value, "employer", required=True)


def _location(value: Any) -> tuple[str, str]:
    """(place, region) of the first location; a list of places is joined."""
    places = value if isinstance(value, list) else [value]
    localities: list[str] = []
    region = ""
    for item in places[:10]:
        if item is None:
            continue
        if isinstance(item, str):
            localities.append(clean_text(item))
            continue
        if not isinstance(item, dict):
            raise BadItem(_("The field %(field)s cannot be read.") % {"field": "jobLocation"})
        address = item.get("address", item)
        if isinstance(address, str):
            localities.append(clean_text(address))
            continue
        if not isinstance(address, dict):
            raise BadItem(_("The field %(field)s cannot be read.") % {"field": "jobLocation"})
        locality = address.get("addressLocality") or item.get("name") or ""
        localities.append(_text(locality, "place"))
        region = region or _text(address.get("addressRegion"), "region")
    place = ", ".join(dict.fromkeys(p for p in localities if p))
    return place[:300], region


def _number(value: Any, name: str) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise BadItem(_("The field %(field)s is not a number.") % {"field": name})
    if isinstance(value, str):
        value = value.strip().replace(" ", "").replace("\u00a0", "")
        # "45.000,50" and "45,000.50": the last separator is the decimal one.
        if "," in value and "." in value:
            value = (
                value.replace(".", "").replace(",", ".")
                if value.rfind(",") > value.rfind(".")
                else value.replace(",", "")
            )
        else:
            value = value.replace(",", ".")
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise BadItem(_("The field %(field)s is not a number.") % {"field": name}) from None
    if not number.is_finite() or number < 0 or number >= Decimal("1e10"):
        raise BadItem(_("The field %(field)s is not a number.") % {"field": name})
    return number.quantize(Decimal("0.01"))


_PERIODS = {"HOUR": "HOUR", "MONTH": "MONTH", "YEAR": "YEAR", "ANNUAL": "YEAR", "HOURLY": "HOUR"}


def _salary(value: Any) -> tuple[Decimal | None, Decimal | None, str, str]:
    """(min, max, currency, period) from a number, a string, or a MonetaryAmount."""
    if value is None or value == "":
        return None, None, "", ""
    if not isinstance(value, dict):
        amount = _number(value, "baseSalary")
        return amount, amount, "", ""
    currency = value.get("currency") or ""
    if not isinstance(currency, str) or not re.fullmatch(r"[A-Za-z]{3}|", currency):
        raise BadItem(_("The field %(field)s cannot be read.") % {"field": "currency"})
    inner = value.get("value")
    period = ""
    if isinstance(inner, dict):
        low = _number(inner.get("minValue", inner.get("value")), "baseSalary")
        high = _number(inner.get("maxValue", inner.get("value")), "baseSalary")
        unit = inner.get("unitText") or ""
        period = _PERIODS.get(unit.upper(), "") if isinstance(unit, str) else ""
    else:
        low = high = _number(inner, "baseSalary")
    if low is not None and high is not None and low > high:
        low, high = high, low
    return low, high, currency.upper(), period


def _date(value: Any, name: str) -> datetime.date | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise BadItem(_("The field %(field)s is not a date.") % {"field": name})
    try:
        return datetime.date.fromisoformat(value.strip()[:10])
    except ValueError:
        raise BadItem(_("The field %(field)s is not a date.") % {"field": name}) from None


def _url(value: Any) -> str:
    if value is None or value == "":
        return ""
    if not isinstance(value, str):
        raise BadItem(_("The field %(field)s is not an address.") % {"field": "url"})
    value = value.strip()
    if not re.fullmatch(r"https?://[^\s<>\"']{1,990}", value, flags=re.IGNORECASE):
        raise BadItem(_("The field %(field)s is not an address.") % {"field": "url"})
    return value


def _identifier(value: Any) -> str:
    if isinstance(value, dict):
        value = value.get("value") or value.get("name")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise BadItem(_("The field %(field)s is not text.") % {"field": "identifier"})
    return clean_text(value)[:300]


def _is_job_posting(item: Any) -> bool:
    kind = item.get("@type") if isinstance(item, dict) else None
    kinds = kind if isinstance(kind, list) else [kind]
    return any(isinstance(k, str) and k.rsplit("/", 1)[-1] == "JobPosting" for k in kinds)


def posting_from_json_ld(item: Any) -> Posting:
    """One JobPosting object → a Posting, or BadItem with the reason."""
    if not _is_job_posting(item):
        raise BadItem(_("This item is not a JobPosting."))
    place, region = _location(item.get("jobLocation"))
    low, high, currency, period = _salary(item.get("baseSalary"))
    hours = item.get("workHours")
    return Posting(
        title=_text(item.get("title") or item.get("name"), "title", required=True),
        employer=_organisation(item.get("hiringOrganization")),
        place=place,
        region=region,
        description=_text(item.get("description"), "description"),
        url=_url(item.get("url")),
        identifier=_identifier(item.get("identifier")),
        employment_type=_text(item.get("employmentType"), "employment_type"),
        hours_per_week=_hours(hours, "workHours")
        if isinstance(hours, (int, float))
        or (isinstance(hours, str) and re.fullmatch(r"\s*\d+([.,]\d+)?\s*", hours))
        else None,
        salary_min=low,
        salary_max=high,
        salary_currency=currency,
        salary_period=period,
        date_posted=_date(item.get("datePosted"), "datePosted"),
        valid_through=_date(item.get("validThrough"), "validThrough"),
    )


# --- files ------------------------------------------------------------------------------------


class _JsonLdBlocks(HTMLParser):
    """The text of every `<script type="application/ld+json">` of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.blocks: list[str] = []
        self._current: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        kind = (dict(attrs).get("type") or "").strip().lower()
        if tag == "script" and kind == "application/ld+json":
            self._current = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._current is not None:
            self.blocks.append("".join(self._current))
            self._current = None

    def handle_data(self, data: str) -> None:
        if self._current is not None:
            self._current.append(data)


def _flatten(value: Any, depth: int = 0) -> Iterator[Any]:
    """Every item of arrays and `@graph`s, in order."""
    if depth > MAX_DEPTH:
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _flatten(item, depth + 1)
    elif isinstance(value, dict) and isinstance(value.get("@graph"), list):
        yield from _flatten(value["@graph"], depth + 1)
    else:
        yield value


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _looks_like_html(name: str, text: str) -> bool:
    if name.lower().endswith((".html", ".htm", ".xhtml")):
        return True
    head = text.lstrip()[:200].lower()
    return head.startswith(("<!doctype", "<html", "<head", "<script", "<body"))


def json_ld_items(name: str, text: str) -> Iterator[tuple[int, Any]]:
    """(position, item) of every JSON-LD item in a JSON file or an HTML page."""
    if _looks_like_html(name, text):
        parser = _JsonLdBlocks()
        parser.feed(text)
        parser.close()
        if not parser.blocks:
            raise UnreadableFile(_("The page has no JSON-LD block."))
        values: list[Any] = []
        for block in parser.blocks:
            try:
                values.append(json.loads(html.unescape(block) if "&quot;" in block else block))
            except (ValueError, RecursionError):
                # One broken block on a page does not hide the others: it becomes a bad item.
                values.append(_BROKEN_BLOCK)
    else:
        try:
            values = [json.loads(text)]
        except (ValueError, RecursionError):
            raise UnreadableFile(_("The file is not JSON, JSON-LD or an HTML page.")) from None
    position = 0
    for value in values:
        for item in _flatten(value):
            position += 1
            if position > MAX_ITEMS_PER_FILE:
                return
            yield position, item


_BROKEN_BLOCK = object()


# CSV headings we understand (lower case, after trimming) → Posting field.
CSV_COLUMNS = {
    "title": "title",
    "job title": "title",
    "employer": "employer",
    "company": "employer",
    "hiringorganization": "employer",
    "place": "place",
    "location": "place",
    "city": "place",
    "region": "region",
    "description": "description",
    "url": "url",
    "link": "url",
    "identifier": "identifier",
    "id": "identifier",
    "employment_type": "employment_type",
    "employment type": "employment_type",
    "hours": "hours_per_week",
    "hours_per_week": "hours_per_week",
    "salary_min": "salary_min",
    "salary_max": "salary_max",
    "salary": "salary_min",
    "currency": "salary_currency",
    "salary_period": "salary_period",
    "date_posted": "date_posted",
    "valid_through": "valid_through",
    "expires": "valid_through",
}


def posting_from_csv_row(row: dict[str, str]) -> Posting:
    values = {CSV_COLUMNS[k]: v for k, v in row.items() if k in CSV_COLUMNS and v}
    currency = values.get("salary_currency", "").strip().upper()
    if currency and not re.fullmatch(r"[A-Z]{3}", currency):
        raise BadItem(_("The field %(field)s cannot be read.") % {"field": "currency"})
    low = _number(values.get("salary_min"), "salary_min")
    high = _number(values.get("salary_max"), "salary_max") if "salary_max" in values else low
    if low is not None and high is not None and low > high:
        low, high = high, low
    return Posting(
        title=_text(values.get("title"), "title", required=True),
        employer=_text(values.get("employer"), "employer", required=True),
        place=_text(values.get("place"), "place"),
        region=_text(values.get("region"), "region"),
        description=_text(values.get("description"), "description"),
        url=_url(values.get("url")),
        identifier=_identifier(values.get("identifier")),
        employment_type=_text(values.get("employment_type"), "employment_type"),
        hours_per_week=_hours(values.get("hours_per_week")),
        salary_min=low,
        salary_max=high,
        salary_currency=currency,
        salary_period=_PERIODS.get(values.get("salary_period", "").strip().upper(), ""),
        date_posted=_date(values.get("date_posted"), "date_posted"),
        valid_through=_date(values.get("valid_through"), "valid_through"),
    )


def _hours(value: Any, name: str = "hours") -> Decimal | None:
    """Hours per week (the column holds at most 999.9: more is not a week's hours)."""
    hours = _number(value, name)
    if hours is not None and hours > 99:
        raise BadItem(_("The field %(field)s is not a number.") % {"field": name})
    return hours


def _csv_rows(text: str) -> Iterator[tuple[int, dict[str, str]]]:
    sample = text[:4096]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        raise UnreadableFile(_("The CSV file is empty.")) from None
    keys = [h.strip().lower() for h in header]
    if "title" not in {CSV_COLUMNS.get(k) for k in keys}:
        raise UnreadableFile(_("The CSV file has no title column."))
    try:
        for number, cells in enumerate(reader, start=1):
            if number > MAX_ITEMS_PER_FILE:
                return
            if any(cell.strip() for cell in cells):
                yield number, dict(zip(keys, cells, strict=False))
    except csv.Error:
        raise UnreadableFile(_("The CSV file cannot be read.")) from None


@dataclass
class ReadFile:
    postings: list[tuple[int, Posting]]
    rejections: list[Rejection]
    is_csv: bool


def read_feed(name: str, data: bytes) -> ReadFile:
    """Every posting of a file, and every item rejected with its reason.

    Raises UnreadableFile when the file as a whole cannot be read."""
    if len(data) > MAX_FILE_BYTES:
        raise UnreadableFile(_("The file is larger than 32 MB."))
    text = _decode(data)
    if not text.strip():
        raise UnreadableFile(_("The file is empty."))
    postings: list[tuple[int, Posting]] = []
    rejections: list[Rejection] = []
    is_csv = name.lower().endswith((".csv", ".tsv", ".txt")) or text.lstrip()[:1] not in "{[<"
    if is_csv:
        for number, row in _csv_rows(text):
            try:
                postings.append((number, posting_from_csv_row(row)))
            except BadItem as error:
                rejections.append(Rejection(name, number, error.reason))
        return ReadFile(postings, rejections, is_csv=True)
    for position, item in json_ld_items(name, text):
        if item is _BROKEN_BLOCK:
            rejections.append(Rejection(name, position, _("This JSON-LD block is not valid JSON.")))
            continue
        try:
            postings.append((position, posting_from_json_ld(item)))
        except BadItem as error:
            rejections.append(Rejection(name, position, error.reason))
        except (TypeError, AttributeError, RecursionError):
            rejections.append(Rejection(name, position, _("This item cannot be read.")))
    return ReadFile(postings, rejections, is_csv=False)
