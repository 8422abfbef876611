"""The mock-interview rubric: content as data (`data/mock_rubric.json`), in four languages.

Each version is published once and never edited: a mock interview records the version it was
scored with, so its scores keep the meaning the coach gave them when a later version rewords
an anchor or adds a criterion. A change to the rubric is a new version appended to the file
(`tests/test_jobs_mock_interviews.py` pins the published ones).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

RUBRIC = Path(__file__).with_name("data") / "mock_rubric.json"
LANGUAGES = ("en", "nl", "da", "nb")
LEVELS = (1, 2, 3, 4, 5)


@dataclass(frozen=True)
class Criterion:
    key: str
    name: str
    anchors: tuple[str, ...]  # what each level, 1 to 5, looks like

    def anchor(self, score: int) -> str:
        return self.anchors[score - 1]


@dataclass(frozen=True)
class Rubric:
    number: int
    criteria: tuple[Criterion, ...]

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.criteria)


@cache
def _versions() -> dict[int, dict[str, Any]]:
    content: dict[str, Any] = json.loads(RUBRIC.read_text(encoding="utf-8"))
    return {int(v["number"]): v for v in content["versions"]}


def current_version() -> int:
    return max(_versions())


def version_exists(number: int) -> bool:
    return number in _versions()


def rubric(number: int, lang: str) -> Rubric:
    """Version `number` of the rubric in `lang` (English when the language is not one of ours)."""
    code = lang if lang in LANGUAGES else "en"
    version = _versions()[number]
    return Rubric(
        number=number,
        criteria=tuple(
            Criterion(
                key=row["key"],
                name=row["name"][code],
                anchors=tuple(level[code] for level in row["levels"]),
            )
            for row in version["criteria"]
        ),
    )
