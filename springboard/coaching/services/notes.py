"""Coach notes: private to the programme's coaches, or shared with the candidate (chosen per
note and recorded in the audit log). An action item becomes a task of the candidate's plan."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from springboard.coaching.models import Note, Session
from springboard.lib.errors import DomainError
from springboard.privacy.services import audit_record
from springboard.programmes.models import PlanItem, PlanItemKind, Programme
from springboard.programmes.services import plan_item_add
from springboard.tenancy.models import Membership
from springboard.tenancy.roles import Role

ACTION_ITEM_DUE_DAYS = 14


def _milestone_for(programme: Programme) -> PlanItem | None:
    """Where an action item goes: the first open milestone of the current phase, else any."""
    milestones = PlanItem.objects.filter(programme=programme, kind=PlanItemKind.MILESTONE)
    preferred = milestones.filter(phase_id=programme.current_phase_id, done_at__isnull=True)
    return (
        preferred.order_by("position", "pk").first()
        or milestones.filter(done_at__isnull=True).order_by("phase__position", "position").first()
        or milestones.order_by("phase__position", "position").first()
    )


@transaction.atomic
def note_add(
    *,
    programme: Programme,
    actor: Membership,
    text: str,
    shared: bool,
    session: Session | None = None,
    action_item: str = "",
    today: datetime.date | None = None,
) -> Note:
    if actor.role != Role.COACH or not programme.coaches.filter(pk=actor.pk).exists():
        raise DomainError(_("Only the candidate's coaches write notes."))
    text = text.strip()
    if not text:
        raise DomainError(_("Write the note."), field="text")
    if len(text) > 5000:
        raise DomainError(_("Keep a note under 5000 characters."), field="text")
    if session is not None and session.programme_id != programme.pk:
        raise DomainError(_("Choose a session of this programme."), field="session")
    item = None
    action_item = action_item.strip()
    if action_item:
        milestone = _milestone_for(programme)
        if milestone is None:
            raise DomainError(
                _("Complete the intake first: action items go into the plan."),
                field="action_item",
            )
        due = (today or datetime.date.today()) + datetime.timedelta(days=ACTION_ITEM_DUE_DAYS)
        item = plan_item_add(
            programme=programme,
            actor=actor,
            kind=PlanItemKind.TASK,
            title=action_item[:200],
            milestone=milestone,
            due_date=due,
        )
    note = Note.objects.create(
        programme=programme,
        session=session,
        author=actor,
        text=text,
        shared_with_candidate=shared,
        action_item=item,
    )
    audit_record(
        agency=actor.agency,
        actor=actor.user,
        action="coaching.note_add",
        target=note,
        data={"shared": shared, "action_item": item is not None},
    )
    return note
