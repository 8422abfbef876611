"""The daily outcomes run (`springboard send-outcome-reminders`, cron): placed programmes whose
new work has started move to aftercare, due check-ins are e-mailed, and each coach with missing
outcomes or overdue aftercare gets one reminder a week. Every step is claimed before anything is
queued, so a second run (or two at once) sends nothing twice."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from springboard.outcomes.models import CheckIn, CoachDigest, Outcome
from springboard.outcomes.services.aftercare import REMIND_AFTER_DAYS, checkins_enqueue
from springboard.outcomes.tasks import send_coach_digest
from springboard.programmes.models import Programme, ProgrammeStatus
from springboard.programmes.services import programme_transition
from springboard.tenancy.models import Membership
from springboard.tenancy.roles import Role

_ENDED = [ProgrammeStatus.CLOSED, ProgrammeStatus.DROPPED_OUT]


@dataclass(frozen=True)
class RunSummary:
    moved_to_aftercare: int
    checkins_queued: int
    digests_queued: int


def _start_aftercare(today: datetime.date) -> int:
    moved = 0
    due = Outcome.objects.filter(
        confirmed_at__isnull=False,
        start_date__lte=today,
        programme__status=ProgrammeStatus.PLACED,
    ).select_related("programme__candidate__agency")
    for outcome in due:
        programme = outcome.programme
        programme_transition(
            programme=programme,
            actor=programme.candidate,
            to_status=ProgrammeStatus.AFTERCARE,
            reason=_("The new work has started."),
        )
        moved += 1
    return moved


def needs_attention(today: datetime.date) -> Q:
    """Programmes a coach should act on: past their planned end without a confirmed outcome,
    or with a check-in unanswered a week after it fell due."""
    overdue_checkins = CheckIn.objects.filter(
        answered_at__isnull=True,
        due_date__lte=today - datetime.timedelta(days=REMIND_AFTER_DAYS),
        expires_on__gte=today,
    ).values("programme_id")
    missing = Q(planned_end_date__lt=today) & ~Q(outcome__confirmed_at__isnull=False)
    return (missing & ~Q(status__in=_ENDED)) | Q(pk__in=overdue_checkins)


def _queue_digests(today: datetime.date) -> int:
    week = today - datetime.timedelta(days=today.weekday())
    coach_ids = (
        Programme.objects.filter(needs_attention(today))
        .filter(coaches__is_active=True, coaches__role=Role.COACH)
        .values_list("coaches", flat=True)
        .distinct()
    )
    queued = 0
    for coach in Membership.objects.filter(pk__in=list(coach_ids)):
        try:
            with transaction.atomic():
                claim = CoachDigest.objects.create(coach=coach, week=week)
        except IntegrityError:
            continue
        transaction.on_commit(partial(send_coach_digest.enqueue, claim.pk))
        queued += 1
    return queued


def outcome_reminders_run(*, today: datetime.date) -> RunSummary:
    return RunSummary(
        moved_to_aftercare=_start_aftercare(today),
        checkins_queued=checkins_enqueue(today=today),
        digests_queued=_queue_digests(today),
    )
