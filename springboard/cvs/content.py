"""The content of a CV version: structured JSON, validated, and its localised render model.

Stored shape (every string trimmed, lengths capped; dates are partial ISO dates kept as typed):

    {"basics": {"name", "headline", "email", "phone", "location", "url", "summary"},
     "sections": [{"kind": "work" | "achievements" | "education" | "skills" | "languages",
                   "items": [{"title", "organisation", "location", "start", "end", "text",
                              "highlights": [str, ...]}]}]}

Section order and item order are the order of the lists. The render model (`render_model`) is
what PDF, DOCX and the HTML preview all draw, so the three show the same structure: headings,
dates and the word for "present" in the CV's language, never the viewer's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.utils import translation
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext, pgettext_lazy

# A spaced en dash between the dates of a period, as typeset CVs have it.
EN_DASH = " \u2013 "
SECTION_KINDS = ("work", "achievements", "education", "skills", "languages")
HEADINGS = {
    "work": pgettext_lazy("cv heading", "Work experience"),
    "achievements": pgettext_lazy("cv heading", "Achievements"),
    "education": pgettext_lazy("cv heading", "Education and certificates"),
    "skills": pgettext_lazy("cv heading", "Skills"),
    "languages": pgettext_lazy("cv heading", "Languages"),
}
SUMMARY_HEADING = pgettext_lazy("cv heading", "Profile")
BASICS_FIELDS = ("name", "headline", "email", "phone", "location", "url", "summary")
ITEM_FIELDS = ("title", "organisation", "location", "start", "end", "text")
LIMITS = {
    "name": 200,
    "headline": 200,
    "email": 254,
    "phone": 40,
    "location": 200,
    "url": 300,
    "summary": 3000,
    "title": 200,
    "organisation": 200,
    "start": 10,
    "end": 10,
    "text": 4000,
    "highlight": 500,
}
MAX_ITEMS = 60
MAX_HIGHLIGHTS = 20
# Control characters other than tab and newline (NUL would not even reach PostgreSQL).
CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
PARTIAL_DATE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")


class ContentError(ValueError):
    """A value the content cannot hold; `path` names it (JSON-path style, `$.basics.name`)."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(message)
        self.path = path
        self.message = message


def empty_content() -> dict[str, Any]:
    return {
        "basics": dict.fromkeys(BASICS_FIELDS, ""),
        "sections": [{"kind": kind, "items": []} for kind in SECTION_KINDS],
    }


def _text(value: Any, path: str, limit: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ContentError(path, str(_("Expected text.")))
    value = CONTROLS.sub("", value).strip()
    if len(value) > limit:
        raise ContentError(path, str(_("At most %(limit)s characters, please.") % {"limit": limit}))
    return value


def _date(value: Any, path: str) -> str:
    value = _text(value, path, LIMITS["start"])
    if value and not PARTIAL_DATE.match(value):
        raise ContentError(path, str(_("A date is a year, year-month or year-month-day.")))
    return value


def clean_item(raw: Any, path: str) -> dict[str, Any] | None:
    """A cleaned item, or None when it holds nothing (a blank row of the editor)."""
    if not isinstance(raw, dict):
        raise ContentError(path, str(_("Expected an object.")))
    item: dict[str, Any] = {}
    for name in ITEM_FIELDS:
        if name in {"start", "end"}:
            item[name] = _date(raw.get(name), f"{path}.{name}")
        else:
            item[name] = _text(raw.get(name), f"{path}.{name}", LIMITS[name])
    highlights = raw.get("highlights") or []
    if not isinstance(highlights, list):
        raise ContentError(f"{path}.highlights", str(_("Expected a list.")))
    if len(highlights) > MAX_HIGHLIGHTS:
        raise ContentError(f"{path}.highlights", str(_("Too many entries.")))
    item["highlights"] = [
        text
        for index, value in enumerate(highlights)
        if (text := _text(value, f"{path}.highlights[{index}]", LIMITS["highlight"]))
    ]
    if not any(item[name] for name in ITEM_FIELDS) and not item["highlights"]:
        return None
    if item["start"] and item["end"] and item["end"] < item["start"]:
        raise ContentError(f"{path}.end", str(_("The end comes before the start.")))
    return item


def clean_content(raw: Any) -> dict[str, Any]:
    """Validate and normalise content; raises ContentError naming the first value at fault."""
    if not isinstance(raw, dict):
        raise ContentError("$", str(_("Expected an object.")))
    basics_raw = raw.get("basics") or {}
    if not isinstance(basics_raw, dict):
        raise ContentError("$.basics", str(_("Expected an object.")))
    basics = {
        name: _text(basics_raw.get(name), f"$.basics.{name}", LIMITS[name])
        for name in BASICS_FIELDS
    }
    sections_raw = raw.get("sections") or []
    if not isinstance(sections_raw, list):
        raise ContentError("$.sections", str(_("Expected a list.")))
    sections: list[dict[str, Any]] = []
    seen: set[str] = set()
    for index, section in enumerate(sections_raw):
        path = f"$.sections[{index}]"
        if not isinstance(section, dict) or section.get("kind") not in SECTION_KINDS:
            raise ContentError(f"{path}.kind", str(_("Unknown section.")))
        kind = section["kind"]
        if kind in seen:
            raise ContentError(f"{path}.kind", str(_("This section appears twice.")))
        seen.add(kind)
        items_raw = section.get("items") or []
        if not isinstance(items_raw, list):
            raise ContentError(f"{path}.items", str(_("Expected a list.")))
        if len(items_raw) > MAX_ITEMS:
            raise ContentError(f"{path}.items", str(_("Too many entries.")))
        items = [
            item
            for position, value in enumerate(items_raw)
            if (item := clean_item(value, f"{path}.items[{position}]")) is not None
        ]
        sections.append({"kind": kind, "items": items})
    # Sections missing from the input keep their place at the end, empty, so the editor can
    # always offer every kind.
    sections += [{"kind": kind, "items": []} for kind in SECTION_KINDS if kind not in seen]
    return {"basics": basics, "sections": sections}


# --- the render model -------------------------------------------------------------------------


def date_label(value: str, language: str) -> str:
    """A partial date in words of `language`: "2019", "March 2019" (a day is not shown)."""
    if not value:
        return ""
    year, _sep, rest = value.partition("-")
    if not rest:
        return year
    with translation.override(language):
        return f"{MONTHS[int(rest[:2])]} {year}"


def period_label(start: str, end: str, language: str, *, current: bool) -> str:
    first, last = date_label(start, language), date_label(end, language)
    if first and not last and current:
        with translation.override(language):
            last = pgettext("cv date", "present")
    if first and last and first != last:
        return f"{first}{EN_DASH}{last}"
    return first or last


@dataclass(frozen=True)
class RenderItem:
    title: str
    organisation: str
    location: str
    period: str
    text: str
    highlights: list[str]


@dataclass(frozen=True)
class RenderSection:
    kind: str
    heading: str
    items: list[RenderItem]


@dataclass(frozen=True)
class RenderModel:
    language: str
    name: str
    headline: str
    contact: list[str]
    summary_heading: str
    summary: str
    sections: list[RenderSection] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "lang": self.language,
            "name": self.name,
            "headline": self.headline,
            "contact": self.contact,
            "summary_heading": self.summary_heading,
            "summary": self.summary,
            "sections": [
                {
                    "kind": section.kind,
                    "heading": section.heading,
                    "items": [item.__dict__ for item in section.items],
                }
                for section in self.sections
            ],
        }

    def plain_text(self) -> str:
        """Every word of the CV in reading order (tests compare extracted text with it)."""
        lines = [self.name, self.headline, *self.contact, self.summary]
        for section in self.sections:
            lines.append(section.heading)
            for item in section.items:
                lines += [item.title, item.organisation, item.period, item.text, *item.highlights]
        return "\n".join(line for line in lines if line)


def render_model(content: dict[str, Any], language: str) -> RenderModel:
    basics = content.get("basics", {})
    sections: list[RenderSection] = []
    with translation.override(language):
        for section in content.get("sections", []):
            if not section["items"]:
                continue
            # Work without an end is current; education without one is only undated.
            current = section["kind"] == "work"
            items = [
                RenderItem(
                    title=item["title"],
                    organisation=item["organisation"],
                    location=item["location"],
                    period=period_label(item["start"], item["end"], language, current=current),
                    text=item["text"],
                    highlights=list(item["highlights"]),
                )
                for item in section["items"]
            ]
            sections.append(RenderSection(section["kind"], str(HEADINGS[section["kind"]]), items))
        summary_heading = str(SUMMARY_HEADING)
    contact = [
        basics.get(name, "") for name in ("email", "phone", "location", "url") if basics.get(name)
    ]
    return RenderModel(
        language=language,
        name=basics.get("name", ""),
        headline=basics.get("headline", ""),
        contact=contact,
        summary_heading=summary_heading,
        summary=basics.get("summary", ""),
        sections=sections,
    )
