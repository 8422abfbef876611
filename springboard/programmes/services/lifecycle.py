"""A programme's life: creating it, assigning its coaches, and the status machine.

Every change of `Programme.status` goes through `apply_transition` (the intake's moves too):
it checks the move against `TRANSITIONS` and the move's own rules, and writes the status change,
an activity entry and an audit event. Nothing else writes the status.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from springboard.employers.models import Enrolment
from springboard.lib.errors import DomainError
from springboard.privacy.services import audit_record
from springboard.programmes.models import (
    ActivityKind,
    Intake,
    Programme,
    ProgrammeStatus,
    ProgrammeTemplateVersion,
    StatusChange,
)
from springboard.programmes.services.activity import log_activity
from springboard.tenancy.models import Membership
from springboard.tenancy.roles import Role

S = ProgrammeStatus

# The status machine: from → the statuses `apply_transition` may move it to. The intake takes
# a programme invited → intake → active through it; there is no invited → active edge, so the
# status page never offers a move that can only fail.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.INVITED: frozenset({S.INTAKE, S.PAUSED, S.DROPPED_OUT}),
    S.INTAKE: frozenset({S.ACTIVE, S.PAUSED, S.DROPPED_OUT}),
    S.ACTIVE: frozenset({S.PLACED, S.PAUSED, S.EXTENDED, S.DROPPED_OUT}),
    S.EXTENDED: frozenset({S.PLACED, S.PAUSED, S.EXTENDED, S.DROPPED_OUT}),
    S.PAUSED: frozenset({S.INTAKE, S.ACTIVE, S.DROPPED_OUT}),
    S.PLACED: frozenset({S.AFTERCARE, S.CLOSED}),
    S.AFTERCARE: frozenset({S.CLOSED}),
    S.DROPPED_OUT: frozenset({S.CLOSED}),
    S.CLOSED: frozenset(),
}


def _check_coaches(agency_id: int, coaches: list[Membership]) -> None:
    for coach in coaches:
        if coach.agency_id != agency_id or coach.role != Role.COACH or not coach.is_active:
            raise DomainError(_("Choose active coaches of this agency."), field="coaches")


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate_day in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=candidate_day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


@transaction.atomic
def programme_create(
    *,
    enrolment: Enrolment,
    actor: Membership,
    template_version: ProgrammeTemplateVersion,
    coaches: list[Membership],
    start_date: datetime.date,
    planned_end_date: datetime.date | None = None,
) -> Programme:
    if enrolment.agency_id != actor.agency_id:
        raise DomainError(_("Choose an enrolment of this agency."), field="enrolment")
    template = template_version.template
    if template.agency_id not in (None, actor.agency_id):
        raise DomainError(_("Choose a template of this agency."), field="template")
    # The enrolment is locked first (R2, docs/reliability.md): of two identical submissions,
    # the second waits for the first to commit and is then told the programme exists, instead
    # of failing on the one-programme-per-enrolment constraint.
    Enrolment.objects.select_for_update().filter(pk=enrolment.pk).first()
    if Programme.objects.filter(enrolment=enrolment).exists():
        raise DomainError(_("This enrolment already has a programme."), field="enrolment")
    _check_coaches(actor.agency_id, coaches)
    if planned_end_date is None:
        planned_end_date = _add_months(start_date, enrolment.engagement.duration_months)
    if planned_end_date < start_date:
        raise DomainError(
            _("The end date must be on or after the start date."), field="planned_end_date"
        )
    programme = Programme(
        agency_id=actor.agency_id,
        enrolment=enrolment,
        candidate=enrolment.candidate,
        template_version=template_version,
        language=enrolment.candidate.language,
        start_date=start_date,
        planned_end_date=planned_end_date,
    )
    programme.full_clean(exclude=["current_phase"])
    programme.save()
    programme.coaches.set(coaches)
    log_activity(
        programme,
        ActivityKind.PROGRAMME_CREATED,
        actor,
        {"template": template_version.content["name"]},
    )
    audit_record(
        agency=actor.agency,
        actor=actor.user,
        action="programme.create",
        target=programme,
        data={"template": template.key, "version": template_version.number},
    )
    return programme


@transaction.atomic
def programme_assign_coaches(
    *, programme: Programme, actor: Membership, coaches: list[Membership]
) -> Programme:
    _check_coaches(programme.agency_id, coaches)
    if actor.role == Role.COACH and not coaches:
        # A coach may add a co-coach or hand over, never leave the candidate without one.
        raise DomainError(_("Keep at least one coach for this candidate."), field="coaches")
    before = sorted(str(m.public_id) for m in programme.coaches.all())
    programme.coaches.set(coaches)
    after = sorted(str(m.public_id) for m in coaches)
    if before != after:
        log_activity(
            programme,
            ActivityKind.COACHES_CHANGED,
            actor,
            {"coaches": [coach.display_name for coach in coaches]},
        )
        audit_record(
            agency=actor.agency,
            actor=actor.user,
            action="programme.assign_coaches",
            target=programme,
            data={"from": before, "to": after},
        )
    return programme


@transaction.atomic
def programme_transition(
    *,
    programme: Programme,
    actor: Membership,
    to_status: str,
    reason: str = "",
    new_end_date: datetime.date | None = None,
) -> Programme:
    """Move a programme to another status (the status page and the API)."""
    locked = Programme.objects.select_for_update().get(pk=programme.pk)
    return apply_transition(
        locked, actor=actor, to_status=to_status, reason=reason, new_end_date=new_end_date
    )


def apply_transition(
    locked: Programme,
    *,
    actor: Membership,
    to_status: str,
    reason: str = "",
    new_end_date: datetime.date | None = None,
) -> Programme:
    """The status machine: the one place that changes a programme's status.

    `locked` is the programme's row, locked (`select_for_update`) by the caller's transaction.
    A move not in `TRANSITIONS`, or one whose own rule fails, raises a `DomainError` and writes
    nothing.
    """
    if to_status not in TRANSITIONS.get(locked.status, frozenset()):
        raise DomainError(
            _("A programme cannot go from “%(from)s” to “%(to)s”.")
            % {"from": S(locked.status).label, "to": S(to_status).label if to_status in S else "?"},
            field="to_status",
        )
    has_intake = Intake.objects.filter(programme=locked).exists()
    reason = reason.strip()
    if to_status == S.ACTIVE and not has_intake:
        raise DomainError(_("Complete the intake first."), field="to_status")
    if to_status == S.INTAKE and has_intake:
        raise DomainError(_("The intake is already done; resume the programme."), field="to_status")
    if to_status in (S.DROPPED_OUT, S.EXTENDED) and not reason:
        raise DomainError(_("Give a reason."), field="reason")
    update = ["status", "status_reason"]
    if to_status == S.EXTENDED:
        if new_end_date is None or new_end_date <= locked.planned_end_date:
            raise DomainError(
                _("The new end date must be after the planned end date."), field="new_end_date"
            )
        locked.planned_end_date = new_end_date
        update.append("planned_end_date")
    previous = locked.status
    locked.status = to_status
    locked.status_reason = reason
    locked.save(update_fields=update)
    StatusChange.objects.create(
        programme=locked,
        from_status=previous,
        to_status=to_status,
        reason=reason,
        new_end_date=new_end_date if to_status == S.EXTENDED else None,
        actor=actor.user,
    )
    log_activity(locked, ActivityKind.STATUS_CHANGED, actor, {"from": previous, "to": to_status})
    audit_record(
        agency=actor.agency,
        actor=actor.user,
        action="programme.transition",
        target=locked,
        data={"from": previous, "to": to_status},
    )
    return locked
