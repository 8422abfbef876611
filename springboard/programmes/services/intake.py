"""The intake, and the personal plan generated from it and the programme's template version."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from springboard.lib.errors import DomainError
from springboard.privacy.services import audit_record
from springboard.programmes.models import (
    INTAKE_ANSWER_FIELDS,
    ActivityKind,
    DismissalProcessing,
    Intake,
    PlanItem,
    PlanItemKind,
    PlanPhase,
    Programme,
    ProgrammeStatus,
    SelfEmployment,
    TrainingNeed,
    localized,
)
from springboard.programmes.services.activity import log_activity
from springboard.programmes.services.lifecycle import apply_transition
from springboard.programmes.services.plan import refresh_progress
from springboard.tenancy.models import Membership

S = ProgrammeStatus

# The intake's answers are an unsaved `Intake`: its fields (`INTAKE_ANSWER_FIELDS`) are the one
# definition of what an intake asks. The name stays for the callers that build answers in code.


@transaction.atomic
def intake_complete(
    *, programme: Programme, actor: Membership, answers: Intake, language: str
) -> Programme:
    """Record the intake and generate the personal plan from the programme's template version.

    Only the answer fields of `answers` are used. The programme moves through the status machine:
    invited → intake (when it was still invited) → active.
    """
    locked = Programme.objects.select_for_update().get(pk=programme.pk)
    if locked.status not in (S.INVITED, S.INTAKE):
        raise DomainError(_("The intake can only be run before the programme is active."))
    if Intake.objects.filter(programme=locked).exists():
        raise DomainError(_("The intake is already done."))
    intake = Intake(
        programme=locked,
        conducted_by=actor,
        completed_at=timezone.now(),
        **{name: getattr(answers, name) for name in INTAKE_ANSWER_FIELDS},
    )
    intake.full_clean()
    if locked.status == S.INVITED:
        apply_transition(locked, actor=actor, to_status=S.INTAKE)
    intake.save()
    locked.language = language
    locked.save(update_fields=["language"])
    apply_transition(locked, actor=actor, to_status=S.ACTIVE)
    _generate_plan(locked, intake, base_date=timezone.localdate())
    log_activity(locked, ActivityKind.INTAKE_COMPLETED, actor)
    audit_record(
        agency=actor.agency,
        actor=actor.user,
        action="programme.intake_complete",
        target=locked,
        data={"language": language},
    )
    return locked


def _goals(intake: Intake) -> list[str]:
    goals = [_("Find a new job: %(job)s") % {"job": intake.job_sought}]
    if intake.training_need != TrainingNeed.NONE:
        goals.append(
            _("Decide on training: %(detail)s") % {"detail": intake.training_detail}
            if intake.training_detail
            else _("Decide which training to take")
        )
    if intake.sector_change:
        goals.append(_("Explore work in other sectors"))
    if intake.self_employment != SelfEmployment.NO:
        goals.append(_("Find out whether self-employment suits you"))
    return goals


def _generate_plan(programme: Programme, intake: Intake, *, base_date: datetime.date) -> None:
    """Phases, milestones (the template's steps) and dated tasks, in the programme's language.

    Due dates count from the day the plan is made, so a late intake does not start overdue.
    Optional phases (processing the dismissal) are left out when the intake says there is no need.
    """
    language = programme.language
    content = programme.template_version.content
    skip_optional = intake.dismissal_processing == DismissalProcessing.NO
    with translation.override(language):
        PlanItem.objects.bulk_create(
            PlanItem(
                programme=programme,
                kind=PlanItemKind.GOAL,
                source_key=f"goal-{position}",
                title=title[:300],
                due_date=programme.planned_end_date if position == 0 else None,
                position=position,
            )
            for position, title in enumerate(_goals(intake))
        )
    phase_position = 0
    for phase_data in content["phases"]:
        if phase_data.get("optional") and skip_optional:
            continue
        phase = PlanPhase.objects.create(
            programme=programme,
            position=phase_position,
            source_key=phase_data["key"],
            title=localized(phase_data["title"], language)[:200],
            description=localized(phase_data["description"], language),
        )
        phase_position += 1
        for step_position, step in enumerate(phase_data["steps"]):
            dates = [base_date + datetime.timedelta(days=t["due_days"]) for t in step["tasks"]]
            milestone = PlanItem.objects.create(
                programme=programme,
                phase=phase,
                kind=PlanItemKind.MILESTONE,
                source_key=step["key"],
                title=localized(step["title"], language)[:300],
                due_date=max(dates),
                position=step_position,
            )
            PlanItem.objects.bulk_create(
                PlanItem(
                    programme=programme,
                    phase=phase,
                    parent=milestone,
                    kind=PlanItemKind.TASK,
                    source_key=task["key"],
                    tool=task.get("tool", ""),
                    title=localized(task["title"], language)[:300],
                    description=localized(task.get("description", ""), language),
                    due_date=due,
                    position=task_position,
                )
                for task_position, (task, due) in enumerate(zip(step["tasks"], dates, strict=True))
            )
    refresh_progress(programme)
