"""JSON Resume (schema v1.0.0) import and export.

Mapping (everything else is reported in `not_kept` by its JSON path):

    basics.name/label/email/phone/url/summary → name/headline/email/phone/url/summary
    basics.location.city                      → location
    work[].name/position/location/startDate/endDate/summary/highlights
                                              → work: organisation/title/location/start/end/text/
                                                highlights
    projects[].name/entity/startDate/endDate/description/highlights
                                              → achievements: title/organisation/start/end/text/
                                                highlights
    education[].institution/area/studyType/startDate/endDate/courses
                                              → education: organisation/title/text/start/end/
                                                highlights
    skills[].name/level/keywords              → skills: title/text/highlights
    languages[].language/fluency              → languages: title/text

Dates are kept exactly as written (`2019-03` stays `2019-03`). An unknown key at the root, a
value of the wrong type, text over the field limits or nesting deeper than `MAX_DEPTH` refuse the
whole document with the JSON path at fault; nothing is created.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from springboard.cvs.content import ContentError, clean_content, empty_content
from springboard.cvs.models import Cv
from springboard.cvs.services.documents import cv_create
from springboard.tenancy.models import Membership

SCHEMA_URL = "https://raw.githubusercontent.com/jsonresume/resume-schema/v1.0.0/schema.json"
MAX_DEPTH = 12
# No field of the schema needs more; a longer string is refused wherever it is, kept or not.
MAX_STRING = 20_000
ROOT_KEYS = frozenset(
    {
        "$schema",
        "basics",
        "work",
        "volunteer",
        "education",
        "awards",
        "certificates",
        "publications",
        "skills",
        "languages",
        "interests",
        "references",
        "projects",
        "meta",
    }
)
BASICS = {
    "name": "name",
    "label": "headline",
    "email": "email",
    "phone": "phone",
    "url": "url",
    "summary": "summary",
}
# JSON Resume list → (our section, {their key: our item field}, their list-of-strings key).
LISTS: dict[str, tuple[str, dict[str, str], str | None]] = {
    "work": (
        "work",
        {
            "name": "organisation",
            "position": "title",
            "location": "location",
            "startDate": "start",
            "endDate": "end",
            "summary": "text",
        },
        "highlights",
    ),
    "projects": (
        "achievements",
        {
            "name": "title",
            "entity": "organisation",
            "startDate": "start",
            "endDate": "end",
            "description": "text",
        },
        "highlights",
    ),
    "education": (
        "education",
        {
            "institution": "organisation",
            "area": "title",
            "studyType": "text",
            "startDate": "start",
            "endDate": "end",
        },
        "courses",
    ),
    "skills": ("skills", {"name": "title", "level": "text"}, "keywords"),
    "languages": ("languages", {"language": "title", "fluency": "text"}, None),
}


class JsonResumeError(ValueError):
    def __init__(self, path: str, message: str) -> None:
        super().__init__(message)
        self.path = path
        self.message = message


def _check_depth(value: Any, path: str = "$", depth: int = 0) -> None:
    """Refuse deep nesting and huge strings before anything else walks the document
    (iteratively: no recursion limit to hit)."""
    stack: list[tuple[Any, str, int]] = [(value, path, depth)]
    while stack:
        current, where, level = stack.pop()
        if level > MAX_DEPTH:
            raise JsonResumeError(where, _("The document is nested too deeply."))
        if isinstance(current, str) and len(current) > MAX_STRING:
            raise JsonResumeError(where, _("This text is too long."))
        if isinstance(current, str) and "\x00" in current:
            # The body is too large for the NUL check in the middleware: PostgreSQL refuses NUL.
            raise JsonResumeError(where, _("This text contains a NUL character."))
        if isinstance(current, dict):
            for key in current:
                if "\x00" in key:
                    raise JsonResumeError(where, _("A key contains a NUL character."))
            stack += [(child, f"{where}.{key}", level + 1) for key, child in current.items()]
        elif isinstance(current, list):
            stack += [(child, f"{where}[{i}]", level + 1) for i, child in enumerate(current)]


def _string(value: Any, path: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise JsonResumeError(path, _("Expected text."))
    return value


def _present(value: Any) -> bool:
    return value not in (None, "", [], {})


def to_content(document: Any) -> tuple[dict[str, Any], list[str]]:
    """Content and the JSON paths of the values not kept; raises JsonResumeError."""
    if not isinstance(document, dict):
        raise JsonResumeError("$", _("Expected a JSON object."))
    _check_depth(document)
    for key in document:
        if key not in ROOT_KEYS:
            raise JsonResumeError(f"$.{key}", _("Not a field of JSON Resume."))
    not_kept: list[str] = []
    content = empty_content()
    basics = document.get("basics") or {}
    if not isinstance(basics, dict):
        raise JsonResumeError("$.basics", _("Expected an object."))
    for key, value in basics.items():
        path = f"$.basics.{key}"
        if key in BASICS:
            content["basics"][BASICS[key]] = _string(value, path)
        elif key == "location":
            if not isinstance(value, dict):
                raise JsonResumeError(path, _("Expected an object."))
            for part, text in value.items():
                if part == "city":
                    content["basics"]["location"] = _string(text, f"{path}.city")
                elif _present(text):
                    not_kept.append(f"{path}.{part}")
        elif _present(value):
            not_kept.append(path)
    sections = {section["kind"]: section for section in content["sections"]}
    for key, value in document.items():
        if key in {"$schema", "basics"}:
            continue
        if key not in LISTS:
            if _present(value):
                not_kept.append(f"$.{key}")
            continue
        if not isinstance(value, list):
            raise JsonResumeError(f"$.{key}", _("Expected a list."))
        kind, fields, strings = LISTS[key]
        for index, entry in enumerate(value):
            path = f"$.{key}[{index}]"
            if not isinstance(entry, dict):
                raise JsonResumeError(path, _("Expected an object."))
            item: dict[str, Any] = {"highlights": []}
            for field, raw in entry.items():
                if field in fields:
                    item[fields[field]] = _string(raw, f"{path}.{field}")
                elif field == strings:
                    if not isinstance(raw, list):
                        raise JsonResumeError(f"{path}.{field}", _("Expected a list."))
                    item["highlights"] = [
                        _string(text, f"{path}.{field}[{i}]") for i, text in enumerate(raw)
                    ]
                elif _present(raw):
                    not_kept.append(f"{path}.{field}")
            sections[kind]["items"].append(item)
    try:
        cleaned = clean_content(content)
    except ContentError as error:
        raise JsonResumeError(_their_path(error.path), error.message) from error
    return cleaned, not_kept


def _their_path(our_path: str) -> str:
    """Our content path (`$.sections[0].items[2].title`) as the document's
    (`$.work[2].position`)."""
    parts = our_path.split(".")
    if our_path.startswith("$.basics."):
        field = parts[2]
        if field == "location":
            return "$.basics.location.city"
        return "$.basics." + next((k for k, v in BASICS.items() if v == field), field)
    if len(parts) < 3 or not parts[1].startswith("sections["):
        return our_path
    kind_index = int(parts[1][len("sections[") : -1])
    kind = empty_content()["sections"][kind_index]["kind"] if kind_index < 5 else ""
    source = next((key for key, spec in LISTS.items() if spec[0] == kind), "")
    item = parts[2].replace("items", source, 1)
    if len(parts) < 4:
        return f"$.{item}"
    fields, strings = LISTS[source][1], LISTS[source][2]
    field = parts[3]
    if field.startswith("highlights") and strings:
        return f"$.{item}.{field.replace('highlights', strings, 1)}"
    return f"$.{item}." + next((k for k, v in fields.items() if v == field), field)


def from_content(content: dict[str, Any]) -> dict[str, Any]:
    """A JSON Resume document of the content (empty values left out)."""
    basics_in = content.get("basics", {})
    basics: dict[str, Any] = {
        theirs: basics_in[ours] for theirs, ours in BASICS.items() if basics_in.get(ours)
    }
    if basics_in.get("location"):
        basics["location"] = {"city": basics_in["location"]}
    document: dict[str, Any] = {"$schema": SCHEMA_URL}
    if basics:
        document["basics"] = basics
    by_kind = {section["kind"]: section["items"] for section in content.get("sections", [])}
    for key, (kind, fields, strings) in LISTS.items():
        entries = []
        for item in by_kind.get(kind, []):
            entry = {theirs: item[ours] for theirs, ours in fields.items() if item.get(ours)}
            if strings and item.get("highlights"):
                entry[strings] = list(item["highlights"])
            entries.append(entry)
        if entries:
            document[key] = entries
    return document


def cv_import_json_resume(
    *,
    candidate: Membership,
    saved_by: Membership,
    document: Any,
    language: str,
    title: str = "",
) -> tuple[Cv, list[str]]:
    """A new CV from a JSON Resume document; raises JsonResumeError (nothing created)."""
    content, not_kept = to_content(document)
    headline = content["basics"]["headline"]
    cv = cv_create(
        candidate=candidate,
        saved_by=saved_by,
        title=(title or headline or _("Imported CV"))[:120],
        language=language,
        design="classic",
        target_role=headline[:200],
        content=content,
    )
    return cv, not_kept
