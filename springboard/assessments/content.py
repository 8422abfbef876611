"""Instrument content: built from the reference data files plus our own translations, read back
for pages, the API and the command.

The English O*NET texts and the IPIP items in four languages are not in the repository: they are
read from the reference data path by `springboard import-reference-data`. What we wrote ourselves
(Dutch, Danish and Norwegian texts of the O*NET items, scale labels, instructions, the free-text
instruments) lives in `data/*.json` here. A version's `content` is the merged result:

    {"kind": "likert" | "prompts" | "entries",
     "items": [{"key", "scale", "facet", "keyed", "text": {lang: …}}],
     "scales": [{"key", "name": {lang: …}, "description": {lang: …},
                 "facets": [{"key", "name": {lang: …}}]}],
     "options": {lang: [label of 1, …, label of 5]},
     "title", "instructions", "attribution": {lang: …}}
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from springboard.assessments.scoring import (
    RIASEC,
    RULE_BIG_FIVE,
    RULE_RIASEC,
    RULE_UNSCORED,
    RULE_WORK_VALUES,
    ItemKey,
)

LANGS = ("en", "nl", "da", "nb")
DATA = Path(__file__).resolve().parent / "data"

Texts = dict[str, str]


class ContentError(ValueError):
    """A reference data file is missing or does not hold what the instrument needs."""


def text_in(texts: Any, lang: str) -> str:
    """A text in the language asked for, English when that one is missing."""
    if not isinstance(texts, dict):
        return str(texts or "")
    return str(texts.get(lang) or texts.get("en") or "")


def normalise_lang(lang: str) -> str:
    """Our language codes; the data files call Norwegian Bokmål `no`."""
    lang = lang.lower()
    return "nb" if lang == "no" else lang


def _data_lang(lang: str) -> str:
    return "no" if lang == "nb" else lang


def _ours(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((DATA / name).read_text(encoding="utf-8"))
    return loaded


def _read_csv(path: Path, columns: set[str]) -> list[dict[str, str]]:
    if not path.is_file():
        raise ContentError(f"{path.name} not found")
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    missing = columns - set(rows[0] if rows else {})
    if missing:
        raise ContentError(f"{path.name} lacks the columns {', '.join(sorted(missing))}")
    return rows


def _read_json(path: Path) -> Any:
    if not path.is_file():
        raise ContentError(f"{path.name} not found")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ContentError(f"{path.name} is not valid JSON: {error}") from error


def _with_english(english: str, ours: dict[str, str]) -> Texts:
    return {"en": english, **{lang: ours.get(lang, english) for lang in LANGS[1:]}}


def build_interest_profiler(path: Path) -> dict[str, Any]:
    folder = path / "onet_interest_profiler"
    rows = _read_csv(folder / "ip_short_form_60_items.csv", {"index", "area_code", "text"})
    ours = _ours("interest_profiler.json")
    items = []
    for number, row in enumerate(rows, start=1):
        if row["index"] != str(number) or row["area_code"] not in RIASEC or not row["text"]:
            raise ContentError(f"ip_short_form_60_items.csv: row {number} is not item {number}")
        items.append(
            {
                "key": str(number),
                "scale": row["area_code"],
                "text": _with_english(row["text"].strip(), ours["items"].get(str(number), {})),
            }
        )
    return {
        "kind": "likert",
        "title": ours["title"],
        "instructions": ours["instructions"],
        "attribution": ours["attribution"],
        "options": ours["options"],
        "scales": [{"key": area, **ours["areas"][area]} for area in RIASEC],
        "items": items,
    }


def build_big_five(path: Path) -> dict[str, Any]:
    folder = path / "ipip" / "ipip_neo_120"
    ours = _ours("big_five.json")
    by_lang = {lang: _read_json(folder / f"questions_{_data_lang(lang)}.json") for lang in LANGS}
    choices = _read_json(folder / "choices.json")
    labels = _read_json(folder / "domain_facet_labels.json")
    english = by_lang["en"]
    if not isinstance(english, list) or not english:
        raise ContentError("questions_en.json holds no items")
    items = []
    for index, item in enumerate(english):
        texts: Texts = {}
        for lang in LANGS:
            other = by_lang[lang][index] if index < len(by_lang[lang]) else {}
            same = all(other.get(f) == item.get(f) for f in ("id", "domain", "facet", "keyed"))
            if not same:
                raise ContentError(
                    f"questions_{_data_lang(lang)}.json: item {index + 1} differs from English"
                )
            texts[lang] = str(other["text"]).strip()
        if item["keyed"] not in {"plus", "minus"}:
            raise ContentError(f"questions_en.json: item {index + 1} has no valid key")
        items.append(
            {
                "key": str(item["id"]),
                "scale": str(item["domain"]),
                "facet": f"{item['domain']}{item['facet']}",
                "keyed": item["keyed"],
                "text": texts,
            }
        )
    try:
        options = {
            lang: [choice["text"] for choice in choices[_data_lang(lang)]["plus"]] for lang in LANGS
        }
        scales = []
        for domain in ("N", "E", "O", "A", "C"):
            facet_names: dict[str, Texts] = {}
            for lang in LANGS:
                for facet in labels[_data_lang(lang)][domain]["facets"]:
                    key = f"{domain}{facet['facet']}"
                    facet_names.setdefault(key, {})[lang] = facet["title"]
            scales.append(
                {
                    "key": domain,
                    "name": {lang: labels[_data_lang(lang)][domain]["title"] for lang in LANGS},
                    "description": {
                        lang: labels[_data_lang(lang)][domain]["shortDescription"] for lang in LANGS
                    },
                    "facets": [{"key": k, "name": v} for k, v in sorted(facet_names.items())],
                    "bands": ours["bands"][domain],
                }
            )
    except (KeyError, TypeError) as error:
        raise ContentError(f"choices.json or domain_facet_labels.json: missing {error}") from error
    return {
        "kind": "likert",
        "title": ours["title"],
        "instructions": ours["instructions"],
        "attribution": ours["attribution"],
        "options": options,
        "scales": scales,
        "items": items,
    }


def build_work_values(path: Path) -> dict[str, Any]:
    folder = path / "onet_work_importance"
    values = _read_csv(
        folder / "work_values_6.csv",
        {"work_value_element_id", "work_value_name", "onet_description"},
    )
    needs = _read_csv(
        folder / "work_needs_21.csv",
        {"need_element_id", "need_name", "work_value_element_id", "statement_en"},
    )
    ours = _ours("work_values.json")
    value_ids = [row["work_value_element_id"] for row in values]
    items = []
    for row in needs:
        if row["work_value_element_id"] not in value_ids or not row["statement_en"]:
            raise ContentError(f"work_needs_21.csv: need {row['need_element_id']} is incomplete")
        items.append(
            {
                "key": row["need_element_id"],
                "scale": row["work_value_element_id"],
                "text": _with_english(
                    row["statement_en"].strip(), ours["needs"].get(row["need_element_id"], {})
                ),
            }
        )
    scales = []
    for row in values:
        own = ours["values"].get(row["work_value_element_id"], {})
        scales.append(
            {
                "key": row["work_value_element_id"],
                "name": _with_english(row["work_value_name"], own.get("name", {})),
                "description": _with_english(row["onet_description"], own.get("description", {})),
            }
        )
    return {
        "kind": "likert",
        "title": ours["title"],
        "instructions": ours["instructions"],
        "attribution": ours["attribution"],
        "options": ours["options"],
        "scales": scales,
        "items": items,
    }


def build_from_repository(name: str) -> Callable[[Path], dict[str, Any]]:
    """Free-text instruments are entirely our own text: the data path plays no part."""

    def build(path: Path) -> dict[str, Any]:
        return _ours(name)

    return build


@dataclass(frozen=True)
class InstrumentSpec:
    key: str
    kind: str
    rule: str
    tool: str  # the plan-task tool this instrument completes (programmes/tools.py)
    build: Callable[[Path], dict[str, Any]]


SPECS: tuple[InstrumentSpec, ...] = (
    InstrumentSpec(
        "interest-profiler-60", "likert", RULE_RIASEC, "interest-profiler", build_interest_profiler
    ),
    InstrumentSpec("work-values", "likert", RULE_WORK_VALUES, "work-values", build_work_values),
    InstrumentSpec("ipip-neo-120", "likert", RULE_BIG_FIVE, "big-five", build_big_five),
    InstrumentSpec(
        "strengths", "entries", RULE_UNSCORED, "strengths", build_from_repository("strengths.json")
    ),
    InstrumentSpec(
        "wellbeing-factors",
        "prompts",
        RULE_UNSCORED,
        "wellbeing-factors",
        build_from_repository("wellbeing_factors.json"),
    ),
)
SPEC_BY_KEY = {spec.key: spec for spec in SPECS}
# Our own texts of each instrument (title, instructions): in the repository, so a page can name
# an instrument before `import-reference-data` has loaded its items.
_OUR_TEXTS = {
    "interest-profiler-60": "interest_profiler.json",
    "work-values": "work_values.json",
    "ipip-neo-120": "big_five.json",
    "strengths": "strengths.json",
    "wellbeing-factors": "wellbeing_factors.json",
}


def our_title(key: str, lang: str) -> str:
    """An instrument's title from our own data, for one that is not imported yet."""
    return text_in(_ours(_OUR_TEXTS[key]).get("title"), lang)


def item_keys(content: dict[str, Any]) -> list[ItemKey]:
    return [
        ItemKey(
            scale=item["scale"],
            facet=item.get("facet", ""),
            reversed=item.get("keyed") == "minus",
        )
        for item in content.get("items", [])
    ]


def scale_names(content: dict[str, Any], lang: str) -> dict[str, str]:
    """Every scale's and facet's name in `lang`, keyed as the scores are."""
    names: dict[str, str] = {}
    for scale in content.get("scales", []):
        names[scale["key"]] = text_in(scale.get("name"), lang)
        for facet in scale.get("facets", []):
            names[facet["key"]] = text_in(facet.get("name"), lang)
    return names
