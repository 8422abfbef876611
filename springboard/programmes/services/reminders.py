"""Reminders: claiming today's task-due and check-in reminders and queueing their e-mails.

Sending is `tasks.send_reminder` → `emails.send_reminder_email`, which marks the claim sent
before the e-mail leaves; neither imports the services, so this module imports the task at the
top.
"""

from __future__ import annotations

import datetime
from functools import partial
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import OuterRef

from springboard.privacy.consents.selectors import consented
from springboard.privacy.models.consents import ConsentPurpose
from springboard.programmes.models import (
    RUNNING_STATUSES,
    PlanItem,
    PlanItemKind,
    Programme,
    ProgrammeStatus,
    ReminderKind,
    ReminderSent,
)
from springboard.programmes.services.wellbeing import week_of
from springboard.programmes.tasks import send_reminder

S = ProgrammeStatus


def _claim(
    kind: str, item_id: Any, day: datetime.date, programme_id: int, user_id: int
) -> int | None:
    """Take the claim on one reminder; its id, or None when it was already taken."""
    try:
        with transaction.atomic():
            claim = ReminderSent.objects.create(
                kind=kind, item_id=item_id, day=day, programme_id=programme_id, recipient_id=user_id
            )
    except IntegrityError:
        return None
    return claim.pk


def reminders_enqueue(*, today: datetime.date) -> int:
    """Claim today's reminders and queue one e-mail per new claim; returns how many were claimed.

    A claim is a row unique per (kind, item, day), inserted before anything is queued, and only
    the claims this run took are queued: a second run, or a second worker running at the same
    time, finds every claim taken and queues no task at all.
    """
    claims: list[int | None] = []
    due_tasks = (
        PlanItem.objects.filter(
            kind=PlanItemKind.TASK,
            done_at__isnull=True,
            due_date=today,
            programme__status__in=RUNNING_STATUSES,
            programme__candidate__is_active=True,
        )
        .exclude(programme__status=S.PAUSED)
        .values_list("public_id", "programme_id", "programme__candidate__user_id")
    )
    for public_id, programme_id, user_id in due_tasks:
        claims.append(_claim(ReminderKind.TASK_DUE, public_id, today, programme_id, user_id))
    # A weekly check-in, on the weekday the programme started, while none was made this week.
    week = week_of(today)
    checkins = (
        Programme.objects.filter(
            status__in=RUNNING_STATUSES - {S.PAUSED},
            candidate__is_active=True,
        )
        .filter(
            consented(
                ConsentPurpose.WELLBEING,
                membership=OuterRef("candidate"),
                scope=OuterRef("public_id"),
            )
        )
        .exclude(wellbeing_checkins__week=week)
        .values_list("public_id", "pk", "candidate__user_id", "start_date")
        .distinct()
    )
    for public_id, programme_id, user_id, start_date in checkins:
        if start_date.weekday() == today.weekday():
            claims.append(_claim(ReminderKind.CHECKIN, public_id, today, programme_id, user_id))
    claimed = [reminder_id for reminder_id in claims if reminder_id is not None]
    for reminder_id in claimed:
        transaction.on_commit(partial(send_reminder.enqueue, reminder_id=reminder_id))
    return len(claimed)
