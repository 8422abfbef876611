"""Suggesting career entries (job title, employer, dates) from the text of a CV.

The text comes from `springboard.lib.documents` and may be in English, Dutch, Danish or Norwegian.
These are suggestions the candidate confirms or discards, so the rule is never to invent: an entry
is only suggested where the CV states a date range ("2015 - 2019", "03/2015 - present",
"jan. 2018 - heden", "marts 2016 - nu", "since 2019"), and the title and employer are only the
words written next to it. What is not recognised stays empty.

How a CV is read:
- Headings split it into sections. Entries are taken from work-experience sections when the CV
  has one, and never from education sections (nor from courses, skills, languages...).
- A line with a date range is an entry. The words beside the range are its title and employer
  ("Title, Employer", "Title at/hos/bij/ved Employer", "Employer | Title", "Title - Employer",
  table cells). A line with only dates takes them from the lines next to it: from the lines
  below when, in that section, entries start with their dates (the first one follows the
  heading), else from the lines above.
- The lines after an entry, up to the next one, are its description.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from itertools import islice
from typing import Literal

MAX_SUGGESTIONS = 30
_MAX_FIELD = 200
_MAX_DESCRIPTION = 2_000
_MAX_HEADER_LINE = 90  # longer lines are sentences, not a title or an employer
_EARLIEST_YEAR = 1940
_LATEST_YEAR = 2100


@dataclass(frozen=True)
class CareerSuggestion:
    title: str
    employer: str
    start: str | None  # partial ISO: "2019" or "2019-03"
    end: str | None  # None when current (or not stated)
    current: bool
    description: str
    source_line: int  # 1-based number of the line with the date range (lines end at "\n")


# Dates ----------------------------------------------------------------------------------------

# Month names and abbreviations in en, nl, da and nb, by month.
_MONTH_NAMES = (
    "january jan januari januar",
    "february feb februari februar",
    "march mar maart mrt marts mars",
    "april apr",
    "may mei maj mai",
    "june jun juni",
    "july jul juli",
    "august aug augustus",
    "september sep sept",
    "october oct oktober okt",
    "november nov",
    "december dec desember des",
)
_MONTHS: dict[str, int] = {
    name: number for number, names in enumerate(_MONTH_NAMES, start=1) for name in names.split()
}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_YEAR = r"(?:19|20)\d\d"
# One point in time, as written: "jan. 2018", "March 2016", "03/2015", "3.2015", "2015-03",
# "01.03.2015", "2015". Parsed again by _parse_point.
_POINT = (
    rf"(?:(?:{_MONTH})\.?\s*{_YEAR}"
    rf"|\d{{1,2}}[./-]\d{{1,2}}[./-]{_YEAR}"
    rf"|\d{{1,2}}\s*[./-]\s*{_YEAR}"
    rf"|{_YEAR}[-/.](?:0[1-9]|1[0-2])(?![\d])"
    rf"|{_YEAR})"
)
_PRESENT = (
    r"(?:present|now|current|currently|today|to\s+date|ongoing|date"
    r"|heden|nu|huidig|tot\s+heden"
    r"|d\.\s?d\.?|dags\s+dato|i\s+dag|nuværende|fortsat"
    r"|nå|pågående|dd)"
)
_DASHES = r"-\u2010\u2012\u2013\u2014\u2015\u2212~"
_SEPARATOR = rf"(?:\s*[{_DASHES}]+\s*|\s+(?:to|until|till|til|tot|t/m|tom)\s+)"
_RANGE_RE = re.compile(
    rf"(?<![\w/.-])(?:(?:from|van|fra|fra\s+og\s+med)\s+)?(?P<start>{_POINT}){_SEPARATOR}"
    rf"(?P<end>{_POINT}|{_PRESENT})(?![\w/])\.?",
    re.IGNORECASE,
)
_SINCE_RE = re.compile(
    rf"(?<![\w/.-])(?:since|sinds|siden|sedan)\s+(?P<start>{_POINT})(?![\w/])", re.IGNORECASE
)
_POINT_RE = re.compile(_POINT, re.IGNORECASE)
_MONTH_YEAR_RE = re.compile(rf"({_MONTH})\.?\s*({_YEAR})")
_DAY_MONTH_YEAR_RE = re.compile(rf"(\d{{1,2}})[./-](\d{{1,2}})[./-]({_YEAR})")
_MONTH_NUMBER_YEAR_RE = re.compile(rf"(\d{{1,2}})\s*[./-]\s*({_YEAR})")
_YEAR_MONTH_RE = re.compile(rf"({_YEAR})[-/.](\d\d)")
_YEAR_RE = re.compile(_YEAR)


def _parse_point(text: str) -> tuple[int, int | None] | None:
    """(year, month or None) of a point matched by _POINT, or None if it is not a real date."""
    text = text.strip().lower()
    if match := _MONTH_YEAR_RE.fullmatch(text):
        return int(match[2]), _MONTHS[match[1]]
    if match := _DAY_MONTH_YEAR_RE.fullmatch(text):
        day, month = int(match[1]), int(match[2])
        return (int(match[3]), month) if 1 <= day <= 31 and 1 <= month <= 12 else None
    if match := _MONTH_NUMBER_YEAR_RE.fullmatch(text):
        month = int(match[1])
        return (int(match[2]), month) if 1 <= month <= 12 else None
    if match := _YEAR_MONTH_RE.fullmatch(text):
        return int(match[1]), int(match[2])
    if _YEAR_RE.fullmatch(text):
        return int(text), None
    return None


def _iso(point: tuple[int, int | None]) -> str:
    year, month = point
    return f"{year:04d}" if month is None else f"{year:04d}-{month:02d}"


@dataclass(frozen=True)
class _Range:
    start: str
    end: str | None
    current: bool
    span: tuple[int, int]  # where the range is in its line


def _find_range(line: str) -> _Range | None:
    for match in _RANGE_RE.finditer(line):
        start = _parse_point(match["start"])
        if start is None or not _EARLIEST_YEAR <= start[0] <= _LATEST_YEAR:
            continue
        end_text = match["end"]
        if _POINT_RE.fullmatch(end_text):
            end = _parse_point(end_text)
            if end is None or not _EARLIEST_YEAR <= end[0] <= _LATEST_YEAR:
                continue
            if (end[0], end[1] or 12) < (start[0], start[1] or 1):
                continue  # ends before it starts: not a range (a phone number, a code...)
            return _Range(_iso(start), _iso(end), False, match.span())
        return _Range(_iso(start), None, True, match.span())
    for match in _SINCE_RE.finditer(line):
        start = _parse_point(match["start"])
        if start is not None and _EARLIEST_YEAR <= start[0] <= _LATEST_YEAR:
            return _Range(_iso(start), None, True, match.span())
    return None


# Sections -------------------------------------------------------------------------------------

SectionKind = Literal["experience", "education", "other"]


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


def _phrases(text: str) -> tuple[str, ...]:
    return tuple(" ".join(phrase.split()) for phrase in text.split(";") if phrase.strip())


# Section headings as people write them in en, nl, da and nb, compared whole and lower-cased
# ("&" read as "and").
_HEADING_PHRASES: dict[SectionKind, tuple[str, ...]] = {
    "experience": _phrases(
        """
        experience; work experience; professional experience; relevant experience;
        employment; employment history; work history; career; career history; professional
        background; positions held; previous employment; werkervaring; ervaring; loopbaan;
        beroepservaring; arbeidservaring; relevante werkervaring; werkgeschiedenis;
        professionele ervaring; erhvervserfaring; erfaring; arbejdserfaring;
        beskæftigelse; ansættelser; karriere; relevant erhvervserfaring; joberfaring;
        stillinger; arbeidserfaring; yrkeserfaring; relevant arbeidserfaring; praksis;
        arbeidsforhold; yrkeserfaring og praksis
        """
    ),
    "education": _phrases(
        """
        education; education and training; academic background; qualifications; studies;
        training; opleiding; opleidingen; onderwijs; studie; opleiding en cursussen;
        opleidingen en cursussen; scholing; uddannelse; uddannelser; uddannelse og kurser;
        efteruddannelse; utdanning; utdannelse; utdanning og kurs; etterutdanning
        """
    ),
    "other": _phrases(
        """
        skills; key skills; languages; references; interests; hobbies; courses;
        certifications; certificates; profile; summary; personal details; personal
        information; contact; projects; publications; volunteering; volunteer work;
        awards; vaardigheden; competenties; talen; referenties; interesses; hobby's;
        cursussen; certificaten; profiel; persoonlijke gegevens; persoonlijk profiel;
        vrijwilligerswerk; nevenactiviteiten; kompetencer; it-kompetencer; sprog;
        sprogkundskaber; referencer; interesser; fritidsinteresser; kurser;
        certificeringer; profil; personlige oplysninger; frivilligt arbejde; ferdigheter;
        kompetanse; språk; referanser; fritid; kurs; sertifiseringer; personalia;
        personlige opplysninger; frivillig arbeid; verv
        """
    ),
}
_HEADING_KINDS: dict[str, SectionKind] = {
    phrase: kind for kind, phrases in _HEADING_PHRASES.items() for phrase in phrases
}
_HEADING_CLEAN_RE = re.compile(r"[^\w' -]+")


def _heading_kind(line: str) -> SectionKind | None:
    """The kind of section a line starts when it is a heading ("WORK EXPERIENCE:", "Opleiding")."""
    if len(line) > 50 or any(char.isdigit() for char in line):
        return None
    phrase = " ".join(_HEADING_CLEAN_RE.sub(" ", line.replace("&", " and ")).lower().split())
    return _HEADING_KINDS.get(phrase)


# Titles and employers ---------------------------------------------------------------------------

_BULLET_RE = re.compile(r"^\s*(?:[•◦▪▫■□●○·*►▸✓✔➢→-]|\d{1,2}[.)])\s+")
_EDGE_PUNCTUATION = " \t,;:|\u2013\u2014-·•()[]/"
_AT_RE = re.compile(r"\s+(?:at|hos|bij|ved|@)\s+", re.IGNORECASE)
_PIPE_RE = re.compile(r"\s+\|\s+")
_DASH_RE = re.compile(r"\s+[\u2013\u2014-]\s+")
# Words that name an organisation: legal forms (case-sensitive where they are also words, like
# Norwegian "AS") and kinds of employer, in the four languages.
_EMPLOYER_MARKERS = re.compile(
    r"\b(?:(?-i:AS|ASA|AB|Oy|ApS|A/S|BV|B\.V\.|NV|N\.V\.|SA|AG|SE)"
    r"|ltd|limited|inc|llc|plc|corp|corporation|company|group|gmbh|holding"
    r"|kommune|gemeente|region|regio|provincie|fylkeskommune|university|universiteit|universitet"
    r"|hogeschool|høgskole|skole|school|college|hospital|ziekenhuis|sygehus|sykehus|bank"
    r"|ministerie|ministeriet|departement|styrelse|direktoratet|stichting|foundation|forening"
    r"|vereniging|municipality|council)(?=\W|$)\.?",
    re.IGNORECASE,
)
# Endings of job titles (compounds included: "projectleider", "salgsmedarbejder").
_TITLE_ENDINGS = _words(
    """
    manager director directeur direktør officer head lead leader leider leder chef hoofd
    supervisor owner eigenaar ejer eier founder oprichter partner engineer ingenieur
    ingeniør developer ontwikkelaar udvikler utvikler programmer programmeur architect
    arkitekt designer analyst analist analytiker consultant konsulent adviseur advisor
    adviser rådgiver specialist expert coordinator coördinator koordinator assistant
    assistent administrator medewerker medarbejder medarbeider employee worker arbejder
    arbeider teacher leraar lerares docent lærer lektor nurse verpleegkundige sygeplejerske
    sykepleier pædagog pedagog technician monteur tekniker mekaniker secretary secretaresse
    sekretær accountant boekhouder bogholder regnskapsfører controller intern stagiair
    praktikant trainee operator driver chauffeur chauffør sjåfør clerk representative agent
    planner planlegger planlægger buyer inkoper indkøber innkjøper verkoper sælger selger
    salesman cashier kasserer cook waiter tjener researcher onderzoeker forsker scientist
    writer editor redacteur redaktør journalist therapist therapeut terapeut electrician
    elektricien elektriker carpenter timmerman tømrer snekker
    """
)
_WORD_RE = re.compile(r"\w+")
# A duration written next to the dates: "(9 years)", "· 2 yrs 3 mos", "(3 jaar)", "(4 år)".
_DURATION_RE = re.compile(
    r"[(·•]?\s*(?:\d+\s*(?:years?|yrs?|months?|mos?|jaar|jr|maanden|maand|mnd|år|måneder"
    r"|md|mdr)\.?\s*)+\)?",
    re.IGNORECASE,
)


def _clean(text: str) -> str:
    text = _BULLET_RE.sub("", text)
    text = " ".join(text.split())
    return text.strip(_EDGE_PUNCTUATION)[:_MAX_FIELD]


def _looks_like_employer(text: str) -> bool:
    return _EMPLOYER_MARKERS.search(text) is not None


def _split_title_employer(text: str) -> tuple[str, str]:
    """(title, employer) from the words written beside a date range, or from one line."""
    cells = [_clean(cell) for cell in text.split("\t")]
    cells = [cell for cell in cells if cell]
    if len(cells) >= 2:
        return _order(cells[0], cells[1])
    text = cells[0] if cells else ""
    if not text:
        return "", ""
    if match := _AT_RE.search(text):
        return _clean(text[: match.start()]), _clean(text[match.end() :])
    if match := _PIPE_RE.search(text):
        # "Employer | Title", unless the words say otherwise (see _order).
        return _order(_clean(text[match.end() :]), _clean(text[: match.start()]))
    if "," in text:
        left, right = text.split(",", 1)
        return _order(_clean(left), _clean(right))
    if match := _DASH_RE.search(text):
        return _order(_clean(text[: match.start()]), _clean(text[match.end() :]))
    return ("", text) if _looks_like_employer(text) else (text, "")


def _looks_like_title(text: str) -> bool:
    return any(word.lower().endswith(_TITLE_ENDINGS) for word in _WORD_RE.findall(text))


def _order(first: str, second: str) -> tuple[str, str]:
    """(title, employer) of two names: as written, unless only the first names an organisation
    or only the second reads as a job title."""
    first_employer, second_employer = _looks_like_employer(first), _looks_like_employer(second)
    first_title, second_title = _looks_like_title(first), _looks_like_title(second)
    if (first_employer and not second_employer) or (
        second_title and not first_title and not second_employer
    ):
        return second, first
    return first, second


# Reading the lines ------------------------------------------------------------------------------


@dataclass
class _Line:
    number: int  # 1-based
    text: str
    section: SectionKind | None
    heading: bool

    @cached_property
    def range(self) -> _Range | None:
        # Computed when first asked: only the lines near the first entries ever are.
        stripped = self.text.strip()
        return None if self.heading or not _could_be_entry(stripped) else _find_range(stripped)

    @property
    def blank(self) -> bool:
        return not self.text.strip()

    @property
    def bullet(self) -> bool:
        return _BULLET_RE.match(self.text) is not None


def _read_lines(text: str) -> list[_Line]:
    lines: list[_Line] = []
    section: SectionKind | None = None
    # Numbered as the text's "\n"-separated lines (not str.splitlines, which also splits at
    # form feeds and Unicode separators), so a caller can find the line again.
    for number, raw in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), 1):
        kind = _heading_kind(raw.strip())
        if kind is not None:
            section = kind
        lines.append(_Line(number=number, text=raw, section=section, heading=kind is not None))
    return lines


def _could_be_entry(line: str) -> bool:
    """A bullet or a long sentence mentioning years is a description, not an entry."""
    if not line or _BULLET_RE.match(line):
        return False
    return len(line) <= 160 and not (line.endswith(".") and len(line.split()) > 12)


def _is_header_candidate(line: _Line) -> bool:
    """Could this line hold a title or an employer (short, not a bullet, a date or a heading)?"""
    text = line.text.strip()
    return (
        bool(text)
        and not line.heading
        and line.range is None
        and not line.bullet
        and len(text) <= _MAX_HEADER_LINE
        and not (text.endswith(".") and len(text.split()) > 6)
    )


@dataclass
class _Entry:
    index: int  # of the date line
    first: int  # first line of the entry's header block
    last: int  # last line of the header block
    title: str
    employer: str


def _neighbours(lines: list[_Line], index: int, step: int) -> list[int]:
    """Up to two adjacent header-candidate lines above (step -1) or below (+1), nearest first."""
    found: list[int] = []
    position = index + step
    while 0 <= position < len(lines) and len(found) < 2:
        line = lines[position]
        if line.blank and not found:
            position += step
            continue
        if not _is_header_candidate(line) or line.section != lines[index].section:
            break
        found.append(position)
        position += step
    return found


def _dates_first(lines: list[_Line], index: int) -> bool:
    """Do entries in this line's section start with their dates? Yes when the section's first
    date line directly follows its heading (or the start of the text)."""
    section_start = index
    while section_start > 0 and not lines[section_start].heading:
        section_start -= 1
    for position in range(section_start + (1 if lines[section_start].heading else 0), index + 1):
        line = lines[position]
        if line.range is not None:
            return True
        if not line.blank:
            return False
    return True


def _entry(lines: list[_Line], index: int) -> _Entry:
    line = lines[index]
    assert line.range is not None
    start, end = line.range.span
    stripped = line.text.strip()
    beside = _DURATION_RE.sub(" ", stripped[:start]) + "\t" + _DURATION_RE.sub(" ", stripped[end:])
    title, employer = _split_title_employer(beside)
    below = _dates_first(lines, index)
    near = _neighbours(lines, index, 1 if below else -1)
    if title and employer:
        return _Entry(index, index, index, title, employer)
    if title or employer:
        # "2010 - 2015  Acme Ltd" with the title on the next line: take that line only when it
        # is a bare name (no sentence), and only below, where it cannot be the previous entry's.
        if below and near and _is_bare_name(lines[near[0]].text):
            other = _clean(lines[near[0]].text)
            title, employer = (title, other) if title else (other, employer)
            return _Entry(index, index, near[0], title, employer)
        return _Entry(index, index, index, title, employer)
    if not near:
        return _Entry(index, index, index, "", "")
    nearest_title, nearest_employer = _split_title_employer(lines[near[0]].text)
    if (nearest_title and nearest_employer) or len(near) == 1:
        return _Entry(
            index, min(near[0], index), max(near[0], index), nearest_title, nearest_employer
        )
    first, second = sorted(near)
    title, employer = _order(_clean(lines[first].text), _clean(lines[second].text))
    return _Entry(index, min(first, index), max(second, index), title, employer)


def _is_bare_name(text: str) -> bool:
    text = text.strip()
    return not text.endswith((".", "!", "?", ":")) and len(text.split()) <= 8


def _description(lines: list[_Line], entry: _Entry, stop: int) -> str:
    parts: list[str] = []
    size = 0
    for line in lines[entry.last + 1 : stop]:
        if line.heading:
            break
        text = _clean(line.text)
        if not text:
            continue
        parts.append(text)
        size += len(text) + 1
        if size > _MAX_DESCRIPTION:
            break
    return "\n".join(parts)[:_MAX_DESCRIPTION]


def suggest_career_entries(text: str) -> list[CareerSuggestion]:
    """Career entries found in a CV's text, in the order of the CV, at most MAX_SUGGESTIONS."""
    lines = _read_lines(text)
    has_experience = any(line.heading and line.section == "experience" for line in lines)
    wanted = {"experience"} if has_experience else {None}
    # One more than is suggested: the last suggestion's description ends where it starts.
    dated = islice(
        (
            index
            for index, line in enumerate(lines)
            if line.section in wanted and line.range is not None
        ),
        MAX_SUGGESTIONS + 1,
    )
    entries = [_entry(lines, index) for index in dated]
    suggestions: list[CareerSuggestion] = []
    for position, entry in enumerate(entries):
        following = entries[position + 1] if position + 1 < len(entries) else None
        stop = following.first if following is not None else len(lines)
        line_range = lines[entry.index].range
        assert line_range is not None
        suggestions.append(
            CareerSuggestion(
                title=entry.title,
                employer=entry.employer,
                start=line_range.start,
                end=line_range.end,
                current=line_range.current,
                description=_description(lines, entry, stop),
                source_line=lines[entry.index].number,
            )
        )
        if len(suggestions) == MAX_SUGGESTIONS:
            break
    return suggestions
