"""The scoring rules, one pure function each (no Django): pages, API and command all call these.

A rule's name carries its version ("riasec-sum/1"): stored scores name the rule that produced them,
so a corrected rule is a new name and old results can be re-scored on purpose, never silently.
Each function takes the items' keys (scale, facet, direction) as plain data and the answers in
item order.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

RIASEC = ("R", "I", "A", "S", "E", "C")
BIG_FIVE = ("N", "E", "O", "A", "C")

RULE_RIASEC = "riasec-sum/1"
RULE_BIG_FIVE = "ipip-sum/1"
RULE_WORK_VALUES = "value-mean/1"
RULE_UNSCORED = "unscored/1"

LIKERT_MIN = 1
LIKERT_MAX = 5


@dataclass(frozen=True)
class ItemKey:
    """What scoring needs of one item: its scale, its facet (if any) and its direction."""

    scale: str
    facet: str = ""
    reversed: bool = False


class AnswerError(ValueError):
    """Answers that cannot be scored; `position` is 1-based (0 when the length is wrong)."""

    def __init__(self, message: str, position: int = 0) -> None:
        super().__init__(message)
        self.position = position


def _out_of_range(position: int, answer: object) -> AnswerError:
    return AnswerError(
        f"position {position}: {answer!r} is not an answer from {LIKERT_MIN} to {LIKERT_MAX}",
        position,
    )


def parse_answer_string(text: str, length: int) -> list[int]:
    """Digits 1-5, one per item in item order ("5341…"); errors name the 1-based position."""
    for position, char in enumerate(text, start=1):
        if not ("0" <= char <= "9") or not LIKERT_MIN <= int(char) <= LIKERT_MAX:
            raise _out_of_range(position, char)
    if len(text) != length:
        raise AnswerError(f"expected {length} answers, got {len(text)}")
    return [int(char) for char in text]


def _check(keys: Sequence[ItemKey], answers: Sequence[int]) -> None:
    if len(answers) != len(keys):
        raise AnswerError(f"expected {len(keys)} answers, got {len(answers)}")
    for position, answer in enumerate(answers, start=1):
        if not isinstance(answer, int) or not LIKERT_MIN <= answer <= LIKERT_MAX:
            raise _out_of_range(position, answer)


def _ordered_keys(keys: Sequence[ItemKey], preferred: Sequence[str]) -> list[str]:
    """The scales in their conventional order, then any other scale in order of appearance."""
    present = list(dict.fromkeys(key.scale for key in keys))
    return [s for s in preferred if s in present] + [s for s in present if s not in preferred]


def holland_code(scores: Mapping[str, int]) -> tuple[str, list[list[str]]]:
    """The three highest areas (equal scores in R, I, A, S, E, C order) and the ties: every group
    of areas with an equal score that touches the top three, highest score first."""
    order = [area for area in RIASEC if area in scores]
    ranked = sorted(order, key=lambda area: -scores[area])  # stable: RIASEC order among equals
    top = ranked[:3]
    ties: list[list[str]] = []
    for value in sorted({scores[area] for area in top}, reverse=True):
        group = [area for area in order if scores[area] == value]
        if len(group) > 1:
            ties.append(group)
    return "".join(top), ties


def score_riasec(keys: Sequence[ItemKey], answers: Sequence[int]) -> dict[str, Any]:
    """O*NET Interest Profiler: each area = sum of (answer - 1) over its items (0-40 on the SF)."""
    _check(keys, answers)
    scores = {area: 0 for area in _ordered_keys(keys, RIASEC)}
    for key, answer in zip(keys, answers, strict=True):
        scores[key.scale] += answer - 1
    code, ties = holland_code(scores)
    return {"scores": scores, "holland_code": code, "ties": ties}


def score_big_five(keys: Sequence[ItemKey], answers: Sequence[int]) -> dict[str, Any]:
    """IPIP-NEO: minus-keyed items score 6 - answer; domain = sum of its items, facet likewise."""
    _check(keys, answers)
    domains = {domain: 0 for domain in _ordered_keys(keys, BIG_FIVE)}
    facets: dict[str, int] = {}
    for domain in domains:
        for key in keys:
            if key.scale == domain and key.facet:
                facets.setdefault(key.facet, 0)
    facets = dict(sorted(facets.items(), key=lambda kv: (list(domains).index(kv[0][0]), kv[0])))
    for key, answer in zip(keys, answers, strict=True):
        points = LIKERT_MAX + LIKERT_MIN - answer if key.reversed else answer
        domains[key.scale] += points
        if key.facet:
            facets[key.facet] += points
    return {"domains": domains, "facets": facets}


def score_work_values(keys: Sequence[ItemKey], answers: Sequence[int]) -> dict[str, Any]:
    """Work values: each need is rated 1-5; a value's score is the mean of its needs (2 decimals);
    `ranking` lists the values from most to least important, equal means in the data's order."""
    _check(keys, answers)
    order = _ordered_keys(keys, ())
    sums = dict.fromkeys(order, 0)
    counts = dict.fromkeys(order, 0)
    for key, answer in zip(keys, answers, strict=True):
        sums[key.scale] += answer
        counts[key.scale] += 1
    values = {value: round(sums[value] / counts[value], 2) for value in order}
    ranking = sorted(order, key=lambda value: -values[value])
    return {"values": values, "ranking": ranking}


def score_unscored(keys: Sequence[ItemKey], answers: Sequence[int]) -> dict[str, Any]:
    """Free-text instruments have nothing to count."""
    return {}


SCORERS: dict[str, Callable[[Sequence[ItemKey], Sequence[int]], dict[str, Any]]] = {
    RULE_RIASEC: score_riasec,
    RULE_BIG_FIVE: score_big_five,
    RULE_WORK_VALUES: score_work_values,
    RULE_UNSCORED: score_unscored,
}


def score(rule: str, keys: Sequence[ItemKey], answers: Sequence[int]) -> dict[str, Any]:
    return SCORERS[rule](keys, answers)


def band(total: int, items: int) -> str:
    """low / average / high for a sum over `items` 1-5 answers: the mean item score below 2.5 is
    low, above 3.5 high. A description of the answers given, not a norm-referenced percentile."""
    mean = total / items
    if mean < 2.5:
        return "low"
    if mean > 3.5:
        return "high"
    return "average"
