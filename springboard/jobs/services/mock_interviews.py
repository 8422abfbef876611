"""Mock interviews: the coach creates one (for an interview of the candidate, or for practice),
scores it against the rubric until it is shared, then shares it with the candidate. Every write
is audited; a shared mock interview is never changed again, so what the candidate read stays
what the coach wrote."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from springboard.jobs.models import Interview, MockInterview, MockInterviewScore
from springboard.jobs.rubric import LEVELS, current_version, rubric
from springboard.lib.errors import DomainError
from springboard.privacy.services import audit_record
from springboard.programmes.models import Programme
from springboard.programmes.selectors import programmes_visible_to
from springboard.programmes.services import plan_tasks_complete_for_tool
from springboard.tenancy.models import Membership
from springboard.tenancy.roles import Role

MAX_PRACTISE = 3
MAX_PRACTISE_CHARS = 200
MAX_COMMENT_CHARS = 2000
MAX_NOTE_CHARS = 4000


@dataclass(frozen=True)
class ScoreInput:
    criterion: str
    score: int
    comment: str = ""


def _no_nul(text: str, field: str) -> str:
    # PostgreSQL text and jsonb cannot hold NUL: refused with a message, not a 500.
    if "\x00" in text:
        raise DomainError(_("Remove the invisible control characters."), field=field)
    return text.strip()


def coached_programme(coach: Membership, candidate: Membership) -> Programme | None:
    """The candidate's latest programme that `coach` coaches (None: not their coach)."""
    if coach.role != Role.COACH or coach.agency_id != candidate.agency_id:
        return None
    return (
        programmes_visible_to(coach)
        .filter(candidate=candidate)
        .order_by("-start_date", "-pk")
        .first()
    )


@transaction.atomic
def mock_interview_create(
    *,
    coach: Membership,
    candidate: Membership,
    held_on: datetime.date,
    interview: Interview | None = None,
) -> MockInterview:
    programme = coached_programme(coach, candidate)
    if programme is None:
        raise DomainError(_("You are not this candidate's coach."))
    if interview is not None and interview.application.owner_id != candidate.pk:
        raise DomainError(_("Choose one of the candidate's interviews."), field="interview")
    mock = MockInterview.objects.create(
        candidate=candidate,
        programme=programme,
        interview=interview,
        coach=coach,
        rubric_version=current_version(),
        held_on=held_on,
    )
    audit_record(
        agency=coach.agency,
        actor=coach.user,
        action="jobs.mock.create",
        target=mock,
        data={"candidate": str(candidate.public_id)},
    )
    return mock


def _clean_scores(mock: MockInterview, scores: list[ScoreInput]) -> list[ScoreInput]:
    keys = set(rubric(mock.rubric_version, "en").keys)
    seen: set[str] = set()
    cleaned: list[ScoreInput] = []
    for item in scores:
        if item.criterion not in keys:
            raise DomainError(
                _("“%(criterion)s” is not a criterion of this rubric.")
                % {"criterion": item.criterion[:40]},
                field="scores",
            )
        if item.criterion in seen:
            raise DomainError(_("Score each criterion once."), field="scores")
        if item.score not in LEVELS:
            raise DomainError(_("Score each criterion from 1 to 5."), field="scores")
        comment = _no_nul(item.comment, "scores")
        if len(comment) > MAX_COMMENT_CHARS:
            raise DomainError(
                _("Keep each comment under %(n)s characters.") % {"n": MAX_COMMENT_CHARS},
                field="scores",
            )
        seen.add(item.criterion)
        cleaned.append(ScoreInput(item.criterion, item.score, comment))
    return cleaned


def _clean_practise(practise: list[str]) -> list[str]:
    items = [_no_nul(text, "practise") for text in practise]
    items = [text for text in items if text]
    if len(items) > MAX_PRACTISE:
        raise DomainError(_("Name at most three things to practise."), field="practise")
    if any(len(text) > MAX_PRACTISE_CHARS for text in items):
        raise DomainError(
            _("Keep each thing to practise under %(n)s characters.") % {"n": MAX_PRACTISE_CHARS},
            field="practise",
        )
    return items


@transaction.atomic
def mock_interview_score(
    *,
    mock: MockInterview,
    coach: Membership,
    scores: list[ScoreInput],
    overall_note: str = "",
    practise: list[str] | None = None,
) -> MockInterview:
    """Write the scores (replacing the draft's), the overall note and the things to practise.
    A draft may leave criteria unscored; sharing needs them all."""
    locked = MockInterview.objects.select_for_update().get(pk=mock.pk)
    if locked.shared_at is not None:
        raise DomainError(_("This mock interview is shared and can no longer be changed."))
    cleaned = _clean_scores(locked, scores)
    note = _no_nul(overall_note, "overall_note")
    if len(note) > MAX_NOTE_CHARS:
        raise DomainError(
            _("Keep the overall note under %(n)s characters.") % {"n": MAX_NOTE_CHARS},
            field="overall_note",
        )
    locked.practise = _clean_practise(practise or [])
    locked.overall_note = note
    locked.coach = coach
    locked.save()
    locked.scores.all().delete()
    MockInterviewScore.objects.bulk_create(
        MockInterviewScore(
            mock_interview=locked, criterion=s.criterion, score=s.score, comment=s.comment
        )
        for s in cleaned
    )
    audit_record(
        agency=coach.agency,
        actor=coach.user,
        action="jobs.mock.score",
        target=locked,
        data={"criteria": sorted(s.criterion for s in cleaned)},
    )
    return locked


@transaction.atomic
def mock_interview_share(*, mock: MockInterview, coach: Membership) -> MockInterview:
    """Share with the candidate: every criterion scored and one to three things to practise.
    Sharing twice changes nothing."""
    locked = MockInterview.objects.select_for_update().get(pk=mock.pk)
    if locked.shared_at is not None:
        return locked
    scored = set(locked.scores.values_list("criterion", flat=True))
    if scored != set(rubric(locked.rubric_version, "en").keys):
        raise DomainError(_("Score every criterion before you share."), field="scores")
    if not locked.practise:
        raise DomainError(
            _("Name one to three things to practise before you share."), field="practise"
        )
    locked.shared_at = timezone.now()
    locked.save(update_fields=["shared_at", "updated_at"])
    # A plan task "practise an interview with your coach" is done once a scored one is shared.
    plan_tasks_complete_for_tool(candidate=locked.candidate, tool="mock-interviews", actor=coach)
    audit_record(agency=coach.agency, actor=coach.user, action="jobs.mock.share", target=locked)
    return locked
