"""Interview preparation: the question bank (content as data, in four languages) and STAR
stories drawn from the profile's career entries."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from springboard.profiles.models import CareerEntry
from springboard.profiles.selectors import career_of, profile_of
from springboard.tenancy.models import Membership

QUESTIONS = Path(__file__).with_name("data") / "questions.json"
LANGUAGES = ("en", "nl", "da", "nb")
KINDS: dict[str, Promise] = {
    "general": _("General questions"),
    "competence": _("Competence-based questions"),
    "case": _("Case presentation"),
}


@dataclass(frozen=True)
class Question:
    key: str
    kind: str
    text: str
    tip: str


@cache
def _bank() -> list[dict[str, str]]:
    rows: list[dict[str, str]] = json.loads(QUESTIONS.read_text(encoding="utf-8"))
    return rows


def question_bank(lang: str) -> dict[str, list[Question]]:
    """The questions by kind, in `lang` (English when the language is not one of ours)."""
    code = lang if lang in LANGUAGES else "en"
    grouped: dict[str, list[Question]] = {kind: [] for kind in KINDS}
    for row in _bank():
        grouped[row["kind"]].append(
            Question(row["key"], row["kind"], row[code], row[f"tip_{code}"])
        )
    return grouped


@dataclass(frozen=True)
class StarStory:
    situation: str  # where: the job
    action_result: str  # what went well, in the candidate's words


def star_stories(candidate: Membership, limit: int = 5) -> list[StarStory]:
    """Starting points for STAR answers: each job in the profile where something went well."""
    profile = profile_of(candidate)
    if profile is None:
        return []
    entries: list[CareerEntry] = list(career_of(profile).exclude(went_well="")[:limit])
    return [
        StarStory(
            situation=_("%(title)s at %(employer)s") % {"title": e.title, "employer": e.employer},
            action_result=e.went_well,
        )
        for e in entries
    ]
