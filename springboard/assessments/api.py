"""The assessments app over the API (mounted under /api/v1/).

A candidate lists the instruments, starts an attempt, saves answers (any subset, any number of
times), finishes and reads the result; a coach reads the attempts of a candidate they coach
(audited). Scores come from the same scoring functions as the pages. Strengths are written on the
pages only (their entries are lists, not item answers).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.security import django_auth
from pydantic import Field, StrictInt, StrictStr

from springboard.assessments import access, presenters, selectors, services
from springboard.assessments.content import LANGS, text_in
from springboard.assessments.models import Attempt
from springboard.lib.api_errors import ERRORS, WRITE_ERRORS
from springboard.lib.errors import DomainError
from springboard.tenancy.access import current_membership
from springboard.tenancy.roles import Cap

router = Router(auth=django_auth, tags=["assessments"])

MAX_ANSWERS_PER_REQUEST = 200


def _checked[T](lookup: Callable[[], T]) -> T:
    """Run an access lookup; a missing capability is a JSON 403 like every other API error."""
    try:
        return lookup()
    except PermissionDenied as error:
        raise HttpError(403, "Forbidden") from error


def _lang(request: HttpRequest) -> str:
    lang = request.GET.get("lang", "") or presenters.current_lang()
    return lang if lang in LANGS else "en"


class InstrumentOut(Schema):
    key: str
    title: str
    kind: str
    version: int
    items: int
    status: str  # not_started | in_progress | done
    answered: int
    last_completed_at: datetime.datetime | None


class ItemOut(Schema):
    key: str
    text: str
    scale: str


class InstrumentDetailOut(Schema):
    key: str
    title: str
    instructions: str
    attribution: str
    version: int
    options: list[str]
    items: list[ItemOut]


class AttemptOut(Schema):
    id: UUID
    instrument: str
    version: int
    started_at: datetime.datetime
    completed_at: datetime.datetime | None
    answered: int
    total: int
    answers: dict[str, Any]
    scores: dict[str, Any] | None
    scoring_rule: str

    @staticmethod
    def from_attempt(attempt: Attempt) -> AttemptOut:
        return AttemptOut(
            id=attempt.public_id,
            instrument=attempt.version.instrument.key,
            version=attempt.version.number,
            started_at=attempt.started_at,
            completed_at=attempt.completed_at,
            answered=services.answered_count(attempt),
            total=len(attempt.version.items),
            answers=attempt.answers,
            scores=attempt.scores,
            scoring_rule=attempt.scoring_rule,
        )


class AnswersIn(Schema):
    answers: dict[StrictStr, StrictInt | StrictStr] = Field(
        max_length=MAX_ANSWERS_PER_REQUEST,
        description="item key → answer: 1-5 for rated items, a text for prompts",
    )


@router.get(
    "/a/{agency_slug}/assessments/instruments",
    response={200: list[InstrumentOut], **ERRORS},
    url_name="assessment_instruments",
)
def instrument_list(request: HttpRequest, agency_slug: str) -> list[InstrumentOut]:
    viewer = current_membership(request)
    if not viewer.has(Cap.OWN_CANDIDATE_WORK):
        raise HttpError(403, "Forbidden")
    lang = _lang(request)
    rows = []
    for status in selectors.instrument_statuses(viewer):
        state = (
            "in_progress"
            if status.open_attempt
            else ("done" if status.last_completed_at else "not_started")
        )
        rows.append(
            InstrumentOut(
                key=status.instrument.key,
                title=text_in(status.version.content.get("title"), lang),
                kind=status.instrument.kind,
                version=status.version.number,
                items=status.total,
                status=state,
                answered=status.answered,
                last_completed_at=status.last_completed_at,
            )
        )
    return rows


@router.get(
    "/a/{agency_slug}/assessments/instruments/{instrument}",
    response={200: InstrumentDetailOut, **ERRORS},
    url_name="assessment_instrument",
)
def instrument_detail(
    request: HttpRequest, agency_slug: str, instrument: str
) -> InstrumentDetailOut:
    found = _checked(
        lambda: access.get_instrument(request, instrument, need=Cap.OWN_CANDIDATE_WORK)
    )
    version = selectors.latest_version(found)
    assert version is not None
    lang = _lang(request)
    texts = presenters.texts(version, lang)
    options = version.content.get("options", {})
    return InstrumentDetailOut(
        key=found.key,
        title=texts["title"],
        instructions=texts["instructions"],
        attribution=texts["attribution"],
        version=version.number,
        options=options.get(lang) or options.get("en") or [],
        items=[
            ItemOut(key=item["key"], text=text_in(item.get("text"), lang), scale=item["scale"])
            for item in version.items
        ],
    )


@router.post(
    "/a/{agency_slug}/assessments/instruments/{instrument}/attempts",
    response={200: AttemptOut, **WRITE_ERRORS},
    url_name="assessment_start",
)
def attempt_start(request: HttpRequest, agency_slug: str, instrument: str) -> AttemptOut:
    """The open attempt on the instrument, or a new one when the last one is finished."""
    found = _checked(
        lambda: access.get_instrument(request, instrument, need=Cap.OWN_CANDIDATE_WORK)
    )
    try:
        attempt = services.attempt_start(candidate=current_membership(request), instrument=found)
    except DomainError as error:
        raise HttpError(400, error.message) from error
    return AttemptOut.from_attempt(attempt)


@router.get(
    "/a/{agency_slug}/assessments/attempts/{attempt_id}",
    response={200: AttemptOut, **ERRORS},
    url_name="assessment_attempt",
)
def attempt_detail(request: HttpRequest, agency_slug: str, attempt_id: UUID) -> AttemptOut:
    attempt = _checked(lambda: access.get_own_attempt(request, attempt_id))
    return AttemptOut.from_attempt(attempt)


@router.patch(
    "/a/{agency_slug}/assessments/attempts/{attempt_id}/answers",
    response={200: AttemptOut, **WRITE_ERRORS},
    url_name="assessment_answers",
)
def attempt_answers(
    request: HttpRequest, agency_slug: str, attempt_id: UUID, payload: AnswersIn
) -> AttemptOut:
    attempt = _checked(lambda: access.get_own_attempt(request, attempt_id))
    try:
        attempt = services.attempt_save_answers(attempt=attempt, answers=dict(payload.answers))
    except DomainError as error:
        raise HttpError(400, error.message) from error
    return AttemptOut.from_attempt(attempt)


@router.post(
    "/a/{agency_slug}/assessments/attempts/{attempt_id}/finish",
    response={200: AttemptOut, **WRITE_ERRORS},
    url_name="assessment_finish",
)
def attempt_finish(request: HttpRequest, agency_slug: str, attempt_id: UUID) -> AttemptOut:
    attempt = _checked(lambda: access.get_own_attempt(request, attempt_id))
    try:
        attempt = services.attempt_finish(attempt=attempt, actor=current_membership(request))
    except DomainError as error:
        raise HttpError(400, error.message) from error
    return AttemptOut.from_attempt(attempt)


@router.get(
    "/a/{agency_slug}/assessments/programmes/{programme_id}/attempts",
    response={200: list[AttemptOut], **ERRORS},
    url_name="assessment_coach_attempts",
)
def coach_attempts(request: HttpRequest, agency_slug: str, programme_id: UUID) -> list[AttemptOut]:
    programme = _checked(lambda: access.get_coached_programme(request, programme_id))
    attempts = selectors.audited_attempts(
        viewer=current_membership(request), candidate=programme.candidate
    )
    return [AttemptOut.from_attempt(attempt) for attempt in attempts]


@router.get(
    "/a/{agency_slug}/assessments/programmes/{programme_id}/attempts/{attempt_id}",
    response={200: AttemptOut, **ERRORS},
    url_name="assessment_coach_attempt",
)
def coach_attempt(
    request: HttpRequest, agency_slug: str, programme_id: UUID, attempt_id: UUID
) -> AttemptOut:
    _programme, attempt = _checked(
        lambda: access.get_coached_attempt(request, programme_id, attempt_id)
    )
    selectors.audited_attempt(viewer=current_membership(request), attempt=attempt)
    return AttemptOut.from_attempt(attempt)
