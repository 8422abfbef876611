"""What the pages show of an instrument version and an attempt, in the viewer's language."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import get_language

from springboard.assessments.content import normalise_lang, text_in
from springboard.assessments.models import Attempt, InstrumentKind, InstrumentVersion
from springboard.assessments.scoring import LIKERT_MAX, LIKERT_MIN, band

PAGE_SIZE = 10
BAR_WIDTH = 340  # px of the longest bar in the chart's 400-wide viewBox
ROW_HEIGHT = 42  # a name above its bar, so long names never run into the bars


def current_lang() -> str:
    lang = normalise_lang((get_language() or "en").split("-")[0])
    return lang if lang in {"en", "nl", "da", "nb"} else "en"


def texts(version: InstrumentVersion, lang: str) -> dict[str, str]:
    content = version.content
    return {
        "title": text_in(content.get("title"), lang),
        "instructions": text_in(content.get("instructions"), lang),
        "attribution": text_in(content.get("attribution"), lang),
    }


@dataclass
class ItemView:
    key: str
    number: int
    text: str
    answer: Any
    options: list[tuple[int, str]] = field(default_factory=list)


def page_count(version: InstrumentVersion) -> int:
    return max(1, math.ceil(len(version.items) / PAGE_SIZE))


def page_items(attempt: Attempt, page: int, lang: str) -> list[ItemView]:
    """The items of one page (1-based), with the answer given so far."""
    version = attempt.version
    options_by_lang = version.content.get("options", {})
    options = options_by_lang.get(lang) or options_by_lang.get("en") or []
    start = (page - 1) * PAGE_SIZE
    return [
        ItemView(
            key=item["key"],
            number=start + offset + 1,
            text=text_in(item.get("text"), lang),
            answer=attempt.answers.get(item["key"]),
            options=list(enumerate(options, start=LIKERT_MIN)),
        )
        for offset, item in enumerate(version.items[start : start + PAGE_SIZE])
    ]


@dataclass
class ScoreRow:
    key: str
    name: str
    description: str
    value: float
    low: int
    high: int
    sentence: str = ""
    band: str = ""
    facets: list[ScoreRow] = field(default_factory=list)

    @property
    def bar(self) -> float:
        """Length of the bar in the chart, from the lowest possible score to the highest."""
        span = self.high - self.low
        return round(BAR_WIDTH * (self.value - self.low) / span, 1) if span else 0.0


@dataclass
class ResultView:
    kind: str
    rows: list[ScoreRow]
    holland_code: str = ""
    ties: list[list[str]] = field(default_factory=list)
    chart_height: int = 0
    answers: list[tuple[int, str, str]] = field(default_factory=list)
    sections: list[tuple[str, str, list[dict[str, str]]]] = field(default_factory=list)

    @property
    def chart_rows(self) -> list[tuple[int, ScoreRow]]:
        return [(index * ROW_HEIGHT, row) for index, row in enumerate(self.rows)]


def _scale_rows(version: InstrumentVersion, lang: str) -> dict[str, dict[str, Any]]:
    return {scale["key"]: scale for scale in version.content.get("scales", [])}


def _counts(version: InstrumentVersion, field_name: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for item in version.items:
        key = item.get(field_name, "")
        if key:
            counts[key] = counts.get(key, 0) + 1
    return counts


def result_view(attempt: Attempt, lang: str) -> ResultView:
    version = attempt.version
    kind = version.instrument.kind
    view = ResultView(kind=kind, rows=[])
    view.answers = answer_rows(attempt, lang)
    if kind == InstrumentKind.ENTRIES:
        view.sections = [
            (
                section["key"],
                text_in(section.get("name"), lang),
                list(attempt.answers.get(section["key"], [])),
            )
            for section in version.content.get("sections", [])
        ]
        return view
    if kind != InstrumentKind.LIKERT or not attempt.scores:
        return view
    scales = _scale_rows(version, lang)
    per_scale = _counts(version, "scale")
    scores = attempt.scores
    if "scores" in scores:  # Interest Profiler: 0-4 per item
        for key, value in scores["scores"].items():
            scale = scales.get(key, {})
            view.rows.append(
                ScoreRow(
                    key=key,
                    name=text_in(scale.get("name"), lang) or key,
                    description=text_in(scale.get("description"), lang),
                    value=value,
                    low=0,
                    high=per_scale.get(key, 0) * (LIKERT_MAX - LIKERT_MIN),
                )
            )
        view.holland_code = scores["holland_code"]
        view.ties = scores["ties"]
    elif "domains" in scores:  # Big Five: sums of 1-5 per item
        per_facet = _counts(version, "facet")
        facet_names = {
            facet["key"]: text_in(facet.get("name"), lang)
            for scale in scales.values()
            for facet in scale.get("facets", [])
        }
        for key, value in scores["domains"].items():
            scale = scales.get(key, {})
            level = band(value, per_scale.get(key, 1))
            row = ScoreRow(
                key=key,
                name=text_in(scale.get("name"), lang) or key,
                description=text_in(scale.get("description"), lang),
                value=value,
                low=per_scale.get(key, 0) * LIKERT_MIN,
                high=per_scale.get(key, 0) * LIKERT_MAX,
                band=level,
                sentence=text_in(scale.get("bands", {}).get(level), lang),
            )
            for facet, facet_value in scores["facets"].items():
                if facet.startswith(key):
                    row.facets.append(
                        ScoreRow(
                            key=facet,
                            name=facet_names.get(facet, facet),
                            description="",
                            value=facet_value,
                            low=per_facet.get(facet, 0) * LIKERT_MIN,
                            high=per_facet.get(facet, 0) * LIKERT_MAX,
                            band=band(facet_value, per_facet.get(facet, 1)),
                        )
                    )
            view.rows.append(row)
    elif "values" in scores:  # work values: means of 1-5, most important first
        for key in scores["ranking"]:
            scale = scales.get(key, {})
            view.rows.append(
                ScoreRow(
                    key=key,
                    name=text_in(scale.get("name"), lang) or key,
                    description=text_in(scale.get("description"), lang),
                    value=scores["values"][key],
                    low=LIKERT_MIN,
                    high=LIKERT_MAX,
                )
            )
    view.chart_height = len(view.rows) * ROW_HEIGHT
    return view


def answer_rows(attempt: Attempt, lang: str) -> list[tuple[int, str, str]]:
    """(number, item text, the answer in words) for every item: what a coach reads."""
    version = attempt.version
    options_by_lang = version.content.get("options", {})
    options = options_by_lang.get(lang) or options_by_lang.get("en") or []
    rows = []
    for number, item in enumerate(version.items, start=1):
        answer = attempt.answers.get(item["key"])
        if isinstance(answer, int) and LIKERT_MIN <= answer <= len(options):
            shown = f"{answer} · {options[answer - 1]}"
        else:
            shown = "" if answer is None else str(answer)
        rows.append((number, text_in(item.get("text"), lang), shown))
    return rows
