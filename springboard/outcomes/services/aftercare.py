"""Aftercare check-ins: scheduled when a placement is confirmed, e-mailed when due (claimed
once), answered once from the link, reminded once a week after the first e-mail."""

from __future__ import annotations

import datetime
from functools import partial

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from springboard.lib.errors import DomainError
from springboard.outcomes.models import CHECK_IN_MONTHS, CheckIn
from springboard.outcomes.tasks import send_checkin
from springboard.privacy.services import audit_record
from springboard.programmes.models import Programme, ProgrammeStatus

# How long a link works after the check-in falls due, and when the one reminder goes out.
LINK_DAYS = 30
REMIND_AFTER_DAYS = 7


def months_after(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, or the month's last day when it has fewer days."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    last = (datetime.date(year + month // 12, month % 12 + 1, 1) - datetime.timedelta(days=1)).day
    return datetime.date(year, month, min(day.day, last))


def checkins_schedule(*, programme: Programme, start_date: datetime.date) -> list[CheckIn]:
    """The 1-, 3-, 6- and 12-month check-ins after `start_date` (kept when already there)."""
    existing = set(CheckIn.objects.filter(programme=programme).values_list("months", flat=True))
    new = []
    for months in CHECK_IN_MONTHS:
        if months in existing:
            continue
        due = months_after(start_date, months)
        new.append(
            CheckIn(
                agency_id=programme.agency_id,
                programme=programme,
                months=months,
                due_date=due,
                expires_on=due + datetime.timedelta(days=LINK_DAYS),
            )
        )
    return CheckIn.objects.bulk_create(new)


def checkins_enqueue(*, today: datetime.date) -> int:
    """Claim the check-ins due today or earlier (and the reminders due) and queue their e-mails.

    A claim is a conditional UPDATE of `sent_at` (or `reminded_at`); only the rows this run
    changed are queued, so a rerun or a parallel worker queues nothing twice."""
    open_checkins = CheckIn.objects.filter(
        answered_at__isnull=True,
        expires_on__gte=today,
        programme__candidate__is_active=True,
    ).exclude(programme__status=ProgrammeStatus.DROPPED_OUT)
    queued = 0
    now = timezone.now()
    # Reminders first, so a link sent by this very run is never reminded in it: one reminder,
    # a week after the check-in fell due and at least a week after the first e-mail (days of
    # the run, not wall-clock time, so a run for a given day always decides the same way).
    week_ago = today - datetime.timedelta(days=REMIND_AFTER_DAYS)
    sent_before = timezone.make_aware(datetime.datetime.combine(week_ago, datetime.time.max))
    for pk in open_checkins.filter(
        due_date__lte=week_ago, sent_at__lte=sent_before, reminded_at__isnull=True
    ).values_list("pk", flat=True):
        if CheckIn.objects.filter(pk=pk, reminded_at__isnull=True).update(reminded_at=now):
            transaction.on_commit(partial(send_checkin.enqueue, pk, True))
            queued += 1
    for pk in open_checkins.filter(sent_at__isnull=True, due_date__lte=today).values_list(
        "pk", flat=True
    ):
        if CheckIn.objects.filter(pk=pk, sent_at__isnull=True).update(sent_at=now):
            transaction.on_commit(partial(send_checkin.enqueue, pk))
            queued += 1
    return queued


@transaction.atomic
def checkin_answer(
    *, checkin: CheckIn, in_work: bool, same_employer: bool | None, satisfaction: int | None
) -> CheckIn:
    """Store the answers; a link works once and only until its check-in expires."""
    locked = (
        CheckIn.objects.select_for_update().select_related("programme__agency").get(pk=checkin.pk)
    )
    if locked.answered_at is not None:
        raise DomainError(_("This check-in has already been answered."))
    if locked.expires_on < timezone.localdate():
        raise DomainError(_("This link has expired."))
    if satisfaction is not None and not 1 <= satisfaction <= 5:
        raise DomainError(_("Choose a score from 1 to 5."), field="satisfaction")
    locked.in_work = in_work
    locked.same_employer = same_employer if in_work else None
    locked.satisfaction = satisfaction
    locked.answered_at = timezone.now()
    locked.save(update_fields=["in_work", "same_employer", "satisfaction", "answered_at"])
    audit_record(
        agency=locked.programme.agency,
        actor=None,
        action="outcome.checkin_answer",
        target=locked.programme,
        data={"months": locked.months},
    )
    return locked
