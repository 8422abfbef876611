"""A coach turns a skill an occupation needs, and the candidate lacks, into a plan task.

Where the task goes: the milestone the candidate is working towards — the first milestone not
yet reached in the programme's current phase (the phase of the first open task), else the first
milestone not yet reached anywhere in the plan, else the plan's last milestone. A plan without
phases (no intake yet) or without any milestone is refused with a message saying what to do.

Once per skill: the programme's row is locked, an existing task for the skill is returned as it
is, and a unique constraint backs the rule up.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from springboard.lib.errors import DomainError
from springboard.opportunities.models import TrainingNeedTask
from springboard.profiles.selectors import confirmed_skill_uris
from springboard.programmes.models import PlanItem, PlanItemKind, PlanPhase, Programme
from springboard.programmes.services import plan_item_add
from springboard.taxonomy.models import Occupation, Skill
from springboard.tenancy.models import Membership

# A first step into a new skill (finding a course, a first exercise) fits in about a month.
DUE_IN_DAYS = 30


@dataclass(frozen=True)
class TrainingNeedResult:
    item: PlanItem
    created: bool


def _milestone_for(programme: Programme) -> PlanItem | None:
    milestones = PlanItem.objects.filter(programme=programme, kind=PlanItemKind.MILESTONE).order_by(
        "phase__position", "position", "pk"
    )
    if programme.current_phase_id is not None:
        current = milestones.filter(phase_id=programme.current_phase_id, done_at__isnull=True)
        if (found := current.first()) is not None:
            return found
    return milestones.filter(done_at__isnull=True).first() or milestones.last()


def _due_date(programme: Programme) -> datetime.date:
    today = timezone.localdate()
    due = today + datetime.timedelta(days=DUE_IN_DAYS)
    if programme.planned_end_date >= today:
        due = min(due, programme.planned_end_date)
    return due


@transaction.atomic
def training_need_add(
    *,
    programme: Programme,
    actor: Membership,
    skill: Skill,
    occupation: Occupation | None = None,
) -> TrainingNeedResult:
    locked = Programme.objects.select_for_update().get(pk=programme.pk)
    existing = (
        TrainingNeedTask.objects.select_related("plan_item")
        .filter(programme=locked, skill=skill)
        .first()
    )
    if existing is not None:
        return TrainingNeedResult(existing.plan_item, created=False)
    if skill.uri in confirmed_skill_uris(locked.candidate):
        raise DomainError(_("The candidate's profile already shows this skill."))
    if not PlanPhase.objects.filter(programme=locked).exists():
        raise DomainError(_("This candidate has no plan yet: complete the intake first."))
    milestone = _milestone_for(locked)
    if milestone is None:
        raise DomainError(
            _("The plan has no milestone to put the task under: add a milestone to the plan first.")
        )
    # The plan is written in the programme's language, whatever the coach's page shows.
    with translation.override(locked.language):
        skill_name = skill.name_in(locked.language)
        title = _("Learn: %(skill)s") % {"skill": skill_name}
        if occupation is not None:
            description = _(
                "%(occupation)s needs this skill and your profile does not show it yet. "
                "Look for a course or a way to practise it, then add it to your profile."
            ) % {"occupation": occupation.name_in(locked.language)}
        else:
            description = _(
                "Your profile does not show this skill yet. Look for a course or a way to "
                "practise it, then add it to your profile."
            )
    item = plan_item_add(
        programme=locked,
        actor=actor,
        kind=PlanItemKind.TASK,
        title=title[:300],
        description=description,
        milestone=milestone,
        due_date=_due_date(locked),
    )
    TrainingNeedTask.objects.create(programme=locked, skill=skill, plan_item=item, created_by=actor)
    return TrainingNeedResult(item, created=True)
