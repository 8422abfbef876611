"""Attempts: start, save answers as you go, finish, re-score; the entries of free-text tools."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from springboard.assessments import content as instrument_content
from springboard.assessments.models import Attempt, Instrument, InstrumentKind
from springboard.assessments.scoring import LIKERT_MAX, LIKERT_MIN, score
from springboard.lib.errors import DomainError
from springboard.programmes.services import plan_tasks_complete_for_tool
from springboard.tenancy.models import Membership

MAX_TEXT = 2000
MAX_ENTRY = 500
MAX_ENTRIES = 20


def attempt_start(*, candidate: Membership, instrument: Instrument) -> Attempt:
    """The open attempt on the instrument (there is at most one), else a new one on its latest
    version: taking an instrument again starts a new attempt once the last one is finished."""
    with transaction.atomic():
        Membership.objects.select_for_update().filter(pk=candidate.pk).first()
        current = (
            Attempt.objects.filter(
                candidate=candidate, version__instrument=instrument, completed_at=None
            )
            .select_related("version__instrument")
            .first()
        )
        if current is not None:
            return current
        version = instrument.versions.order_by("-number").first()
        if version is None:
            raise DomainError(_("This questionnaire is not available yet."))
        return Attempt.objects.create(candidate=candidate, version=version)


def _open(attempt: Attempt) -> None:
    if attempt.is_complete:
        raise DomainError(_("This attempt is finished; start a new one to change answers."))


def clean_answers(attempt: Attempt, answers: dict[str, Any]) -> dict[str, Any]:
    """The answers that fit the attempt's items; anything else is a DomainError naming it."""
    kind = attempt.version.instrument.kind
    items = {item["key"]: item for item in attempt.version.items}
    cleaned: dict[str, Any] = {}
    for key, value in answers.items():
        if key not in items:
            raise DomainError(_("There is no question %(key)s.") % {"key": key}, field=key)
        if kind == InstrumentKind.LIKERT:
            if isinstance(value, bool) or not isinstance(value, int):
                raise DomainError(_("Choose one of the answers."), field=key)
            if not LIKERT_MIN <= value <= LIKERT_MAX:
                raise DomainError(_("Choose one of the answers."), field=key)
            cleaned[key] = value
        else:
            if not isinstance(value, str) or len(value) > MAX_TEXT:
                raise DomainError(
                    _("Write at most %(count)s characters.") % {"count": MAX_TEXT}, field=key
                )
            cleaned[key] = value.strip()
    return cleaned


def attempt_save_answers(*, attempt: Attempt, answers: dict[str, Any]) -> Attempt:
    """Merge answers into the attempt (a page at a time); the server holds the state, so the
    candidate continues on any device where they left off."""
    cleaned = clean_answers(attempt, answers)
    with transaction.atomic():
        locked = Attempt.objects.select_for_update().select_related("version__instrument")
        attempt = locked.get(pk=attempt.pk)
        _open(attempt)
        attempt.answers = {**attempt.answers, **cleaned}
        attempt.save(update_fields=["answers", "updated_at"])
    return attempt


def missing_items(attempt: Attempt) -> list[int]:
    """1-based positions of the items still unanswered (sections without an entry for ENTRIES)."""
    if attempt.version.instrument.kind == InstrumentKind.ENTRIES:
        sections = attempt.version.content.get("sections", [])
        return [
            index
            for index, section in enumerate(sections, start=1)
            if not attempt.answers.get(section["key"])
        ]
    return [
        index
        for index, item in enumerate(attempt.version.items, start=1)
        if attempt.answers.get(item["key"]) in (None, "")
    ]


def answered_count(attempt: Attempt) -> int:
    if attempt.version.instrument.kind == InstrumentKind.ENTRIES:
        return sum(len(v) for v in attempt.answers.values() if isinstance(v, list))
    return sum(1 for item in attempt.version.items if attempt.answers.get(item["key"]))


def compute_scores(attempt: Attempt) -> dict[str, Any]:
    version = attempt.version
    if version.instrument.kind != InstrumentKind.LIKERT:
        return {}
    answers = [attempt.answers[item["key"]] for item in version.items]
    return score(version.scoring_rule, instrument_content.item_keys(version.content), answers)


def attempt_finish(*, attempt: Attempt, actor: Membership) -> Attempt:
    """Score and close a complete attempt, and tick off the plan tasks that open this tool."""
    with transaction.atomic():
        locked = Attempt.objects.select_for_update().select_related("version__instrument")
        attempt = locked.get(pk=attempt.pk)
        _open(attempt)
        missing = missing_items(attempt)
        if missing:
            raise DomainError(
                _("Answer every question first; %(count)s still open.") % {"count": len(missing)}
            )
        attempt.scores = compute_scores(attempt)
        attempt.scoring_rule = attempt.version.scoring_rule
        attempt.completed_at = timezone.now()
        attempt.save(update_fields=["scores", "scoring_rule", "completed_at", "updated_at"])
        spec = instrument_content.SPEC_BY_KEY.get(attempt.version.instrument.key)
        if spec is not None:
            plan_tasks_complete_for_tool(candidate=attempt.candidate, tool=spec.tool, actor=actor)
    return attempt


def attempt_rescore(*, attempt: Attempt) -> bool:
    """Score a finished attempt again from its stored answers by its version's current rule;
    True when the stored scores changed."""
    with transaction.atomic():
        locked = Attempt.objects.select_for_update().select_related("version__instrument")
        attempt = locked.get(pk=attempt.pk)
        if not attempt.is_complete:
            return False
        scores = compute_scores(attempt)
        rule = attempt.version.scoring_rule
        if scores == attempt.scores and rule == attempt.scoring_rule:
            return False
        attempt.scores, attempt.scoring_rule = scores, rule
        attempt.save(update_fields=["scores", "scoring_rule", "updated_at"])
    return True


def attempt_entry_add(*, attempt: Attempt, section: str, text: str, example: str) -> Attempt:
    """A strength or weakness (per the version's sections), with an example from the candidate."""
    sections = [s["key"] for s in attempt.version.content.get("sections", [])]
    if section not in sections:
        raise DomainError(_("Choose one of the lists."), field="section")
    text, example = text.strip(), example.strip()
    if not text:
        raise DomainError(_("Write what it is."), field="text")
    if len(text) > MAX_ENTRY or len(example) > MAX_TEXT:
        raise DomainError(_("This text is too long."), field="text")
    with transaction.atomic():
        locked = Attempt.objects.select_for_update().select_related("version__instrument")
        attempt = locked.get(pk=attempt.pk)
        _open(attempt)
        entries = list(attempt.answers.get(section, []))
        if len(entries) >= MAX_ENTRIES:
            raise DomainError(
                _("A list holds at most %(count)s entries.") % {"count": MAX_ENTRIES},
                field="text",
            )
        entries.append({"text": text, "example": example})
        attempt.answers = {**attempt.answers, section: entries}
        attempt.save(update_fields=["answers", "updated_at"])
    return attempt


def attempt_entry_remove(*, attempt: Attempt, section: str, index: int) -> Attempt:
    with transaction.atomic():
        locked = Attempt.objects.select_for_update().select_related("version__instrument")
        attempt = locked.get(pk=attempt.pk)
        _open(attempt)
        entries = list(attempt.answers.get(section, []))
        if not 0 <= index < len(entries):
            raise DomainError(_("This entry no longer exists."))
        del entries[index]
        attempt.answers = {**attempt.answers, section: entries}
        attempt.save(update_fields=["answers", "updated_at"])
    return attempt
