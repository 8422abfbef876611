"""Writes about programmes: creation, coaches, the status machine, intake → plan, plan edits,
wellbeing consent and check-ins, template versions, and claiming reminders."""

from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass
from functools import partial
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from springboard.employers.models import Enrolment
from springboard.lib.errors import DomainError
from springboard.privacy.services import audit_record
from springboard.programmes.content import content_hash, validate_content
from springboard.programmes.models import (
    LOW_WELLBEING_SCORE,
    RUNNING_STATUSES,
    ActivityEntry,
    ActivityKind,
    DismissalProcessing,
    Intake,
    PlanItem,
    PlanItemKind,
    PlanPhase,
    Programme,
    ProgrammeStatus,
    ProgrammeTemplate,
    ProgrammeTemplateVersion,
    ReminderKind,
    ReminderSent,
    SelfEmployment,
    StatusChange,
    TrainingNeed,
    WellbeingCheckIn,
    WellbeingConsent,
    localized,
)
from springboard.tenancy.models import Membership
from springboard.tenancy.roles import Role

S = ProgrammeStatus

# The status machine: from → the statuses it may move to by `programme_transition`.
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


class PlanConflict(DomainError):
    """Someone saved the item after the editor loaded it; nothing was overwritten."""

    def __init__(self, current: PlanItem) -> None:
        super().__init__(
            _("Someone else changed this item while you were editing it. Compare and save again.")
        )
        self.current = current


def _log(
    programme: Programme, kind: str, actor: Membership | None, data: dict[str, Any] | None = None
) -> ActivityEntry:
    entry = ActivityEntry.objects.create(
        programme=programme,
        kind=kind,
        actor=actor.user if actor is not None else None,
        data=data or {},
    )
    Programme.objects.filter(pk=programme.pk).update(last_activity_at=entry.created_at)
    programme.last_activity_at = entry.created_at
    return entry


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
    _log(
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
    before = sorted(str(m.public_id) for m in programme.coaches.all())
    programme.coaches.set(coaches)
    after = sorted(str(m.public_id) for m in coaches)
    if before != after:
        _log(
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
    locked = Programme.objects.select_for_update().get(pk=programme.pk)
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
    _log(locked, ActivityKind.STATUS_CHANGED, actor, {"from": previous, "to": to_status})
    audit_record(
        agency=actor.agency,
        actor=actor.user,
        action="programme.transition",
        target=locked,
        data={"from": previous, "to": to_status},
    )
    return locked


@dataclass(frozen=True)
class IntakeAnswers:
    job_sought: str
    dismissal_processing: str
    skills: str
    training_need: str
    training_detail: str
    region: str
    travel_radius_km: int | None
    hours: str
    pay_expectation: str
    sector_change: bool
    self_employment: str


@transaction.atomic
def intake_complete(
    *, programme: Programme, actor: Membership, answers: IntakeAnswers, language: str
) -> Programme:
    """Record the intake and generate the personal plan from the programme's template version."""
    locked = Programme.objects.select_for_update().get(pk=programme.pk)
    if locked.status not in (S.INVITED, S.INTAKE):
        raise DomainError(_("The intake can only be run before the programme is active."))
    if Intake.objects.filter(programme=locked).exists():
        raise DomainError(_("The intake is already done."))
    intake = Intake(
        programme=locked,
        conducted_by=actor,
        completed_at=timezone.now(),
        **asdict(answers),
    )
    intake.full_clean()
    intake.save()
    locked.language = language
    previous = locked.status
    locked.status = S.ACTIVE
    locked.save(update_fields=["language", "status"])
    StatusChange.objects.create(
        programme=locked, from_status=previous, to_status=S.ACTIVE, actor=actor.user
    )
    _generate_plan(locked, intake, base_date=timezone.localdate())
    _log(locked, ActivityKind.INTAKE_COMPLETED, actor)
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
                    title=localized(task["title"], language)[:300],
                    description=localized(task.get("description", ""), language),
                    due_date=due,
                    position=task_position,
                )
                for task_position, (task, due) in enumerate(zip(step["tasks"], dates, strict=True))
            )
    _refresh_progress(programme)


def _refresh_progress(programme: Programme) -> None:
    """Recompute progress, the current phase and reached milestones from the tasks."""
    tasks = list(
        PlanItem.objects.filter(programme=programme, kind=PlanItemKind.TASK)
        .order_by("phase__position", "position")
        .values_list("phase_id", "parent_id", "done_at")
    )
    done = sum(1 for _phase, _parent, done_at in tasks if done_at is not None)
    open_phases = [phase for phase, _parent, done_at in tasks if done_at is None]
    open_milestones = {parent for _phase, parent, done_at in tasks if done_at is None}
    now = timezone.now()
    milestones = PlanItem.objects.filter(programme=programme, kind=PlanItemKind.MILESTONE)
    milestones.filter(pk__in=open_milestones).update(done_at=None)
    # A milestone is reached when all its tasks are done; one without tasks yet (just added by a
    # coach) is not reached.
    milestones.exclude(pk__in=open_milestones).filter(
        done_at__isnull=True, tasks__isnull=False
    ).update(done_at=now)
    programme.progress_percent = round(100 * done / len(tasks)) if tasks else 0
    programme.current_phase_id = open_phases[0] if open_phases else None
    programme.plan_version = F("plan_version") + 1
    programme.save(update_fields=["progress_percent", "current_phase", "plan_version"])
    programme.refresh_from_db(fields=["plan_version"])


@transaction.atomic
def plan_item_set_done(*, item: PlanItem, actor: Membership, done: bool) -> PlanItem:
    """Tick a task off (or reopen it). Saying "done" twice is harmless: the state is explicit."""
    locked = PlanItem.objects.select_for_update().select_related("programme").get(pk=item.pk)
    if locked.kind != PlanItemKind.TASK:
        raise DomainError(_("Only tasks can be ticked off."))
    if locked.programme.status not in RUNNING_STATUSES | {S.PLACED, S.AFTERCARE}:
        raise DomainError(_("This programme is closed."))
    if locked.is_done == done:
        return locked
    locked.done_at = timezone.now() if done else None
    locked.done_by = actor.user if done else None
    locked.save(update_fields=["done_at", "done_by", "updated_at"])
    _refresh_progress(locked.programme)
    _log(
        locked.programme,
        ActivityKind.TASK_DONE if done else ActivityKind.TASK_REOPENED,
        actor,
        {"title": locked.title},
    )
    return locked


@transaction.atomic
def plan_item_edit(
    *,
    item: PlanItem,
    actor: Membership,
    expected_version: int,
    title: str,
    description: str,
    due_date: datetime.date | None,
) -> PlanItem:
    """Save a new text or date, only over the version the editor started from (R3)."""
    locked = PlanItem.objects.select_for_update().select_related("programme").get(pk=item.pk)
    if locked.version != expected_version:
        raise PlanConflict(locked)
    previous = {"title": locked.title, "due_date": str(locked.due_date or "")}
    locked.title = title.strip()
    locked.description = description.strip()
    locked.due_date = due_date
    locked.version += 1
    locked.updated_by = actor.user
    locked.full_clean()
    locked.save(
        update_fields=["title", "description", "due_date", "version", "updated_by", "updated_at"]
    )
    Programme.objects.filter(pk=locked.programme_id).update(plan_version=F("plan_version") + 1)
    _log(locked.programme, ActivityKind.PLAN_ITEM_EDITED, actor, {"title": locked.title})
    audit_record(
        agency=actor.agency,
        actor=actor.user,
        action="programme.plan_item_edit",
        target=locked,
        data={"from": previous, "version": locked.version},
    )
    return locked


@transaction.atomic
def plan_item_add(
    *,
    programme: Programme,
    actor: Membership,
    kind: str,
    title: str,
    description: str = "",
    phase: PlanPhase | None = None,
    milestone: PlanItem | None = None,
    due_date: datetime.date | None = None,
) -> PlanItem:
    """Add a goal, a milestone (in a phase) or a task (under a milestone, with a due date).

    The new item goes last among its siblings. The plan's version is bumped, so an editor working
    from the plan as it was sees it changed.
    """
    locked = Programme.objects.select_for_update().get(pk=programme.pk)
    if locked.status not in RUNNING_STATUSES | {S.PLACED, S.AFTERCARE}:
        raise DomainError(_("This programme is closed."))
    if not PlanPhase.objects.filter(programme=locked).exists():
        raise DomainError(_("Complete the intake first: it makes the plan."))
    parent = None
    if kind == PlanItemKind.GOAL:
        phase = None
        siblings = PlanItem.objects.filter(programme=locked, kind=PlanItemKind.GOAL)
    elif kind == PlanItemKind.MILESTONE:
        if phase is None or phase.programme_id != locked.pk:
            raise DomainError(_("Choose the phase of this plan."), field="phase")
        siblings = PlanItem.objects.filter(phase=phase, kind=PlanItemKind.MILESTONE)
    elif kind == PlanItemKind.TASK:
        if (
            milestone is None
            or milestone.programme_id != locked.pk
            or milestone.kind != PlanItemKind.MILESTONE
        ):
            raise DomainError(_("Choose the milestone this task belongs to."), field="milestone")
        if due_date is None:
            raise DomainError(_("A task needs a due date."), field="due_date")
        parent, phase = milestone, milestone.phase
        siblings = PlanItem.objects.filter(parent=milestone)
    else:
        raise DomainError(_("Choose a goal, a milestone or a task."), field="kind")
    last = siblings.order_by("-position").values_list("position", flat=True).first()
    item = PlanItem(
        programme=locked,
        phase=phase,
        parent=parent,
        kind=kind,
        source_key="",
        title=title.strip(),
        description=description.strip(),
        due_date=due_date,
        position=0 if last is None else last + 1,
        updated_by=actor.user,
    )
    item.full_clean()
    item.save()
    if kind == PlanItemKind.TASK:
        # Progress, the current phase and the milestone's state change; this bumps the version.
        _refresh_progress(locked)
    else:
        Programme.objects.filter(pk=locked.pk).update(plan_version=F("plan_version") + 1)
    _log(locked, ActivityKind.PLAN_ITEM_EDITED, actor, {"title": item.title, "added": kind})
    audit_record(
        agency=actor.agency,
        actor=actor.user,
        action="programme.plan_item_add",
        target=item,
        data={"kind": kind},
    )
    return item


# --- wellbeing --------------------------------------------------------------------------------


def _require_candidate(programme: Programme, actor: Membership) -> None:
    if programme.candidate_id != actor.pk:
        raise DomainError(_("Only the candidate can do this."))


@transaction.atomic
def wellbeing_consent_give(*, programme: Programme, actor: Membership) -> WellbeingConsent:
    _require_candidate(programme, actor)
    existing = WellbeingConsent.objects.filter(
        programme=programme, withdrawn_at__isnull=True
    ).first()
    if existing is not None:
        return existing
    consent = WellbeingConsent.objects.create(programme=programme, given_at=timezone.now())
    audit_record(
        agency=actor.agency, actor=actor.user, action="wellbeing.consent_give", target=programme
    )
    return consent


@transaction.atomic
def wellbeing_consent_withdraw(*, programme: Programme, actor: Membership) -> int:
    """Withdraw consent and erase the answers given under it; returns how many were erased."""
    _require_candidate(programme, actor)
    consents = list(
        WellbeingConsent.objects.select_for_update().filter(
            programme=programme, withdrawn_at__isnull=True
        )
    )
    if not consents:
        return 0
    erased, _detail = WellbeingCheckIn.objects.filter(programme=programme).delete()
    WellbeingConsent.objects.filter(pk__in=[c.pk for c in consents]).update(
        withdrawn_at=timezone.now()
    )
    audit_record(
        agency=actor.agency,
        actor=actor.user,
        action="wellbeing.consent_withdraw",
        target=programme,
        data={"erased_checkins": erased},
    )
    return erased


def week_of(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


@transaction.atomic
def wellbeing_checkin_submit(
    *,
    programme: Programme,
    actor: Membership,
    mood: int,
    energy: int,
    confidence: int,
    comment: str,
) -> WellbeingCheckIn:
    _require_candidate(programme, actor)
    consent = WellbeingConsent.objects.filter(
        programme=programme, withdrawn_at__isnull=True
    ).first()
    if consent is None:
        raise DomainError(_("Give your consent before the first check-in."))
    week = week_of(timezone.localdate())
    if WellbeingCheckIn.objects.filter(programme=programme, week=week).exists():
        raise DomainError(_("You have already checked in this week."))
    checkin = WellbeingCheckIn(
        programme=programme,
        consent=consent,
        week=week,
        mood=mood,
        energy=energy,
        confidence=confidence,
        comment=comment.strip(),
        is_low=min(mood, energy, confidence) <= LOW_WELLBEING_SCORE,
    )
    checkin.full_clean()
    checkin.save()
    # The activity entry says only that a check-in happened: never the answers.
    _log(programme, ActivityKind.CHECKIN_SUBMITTED, actor)
    return checkin


# --- templates --------------------------------------------------------------------------------


@transaction.atomic
def template_version_create(
    *, template: ProgrammeTemplate, actor: Membership, content: Any
) -> ProgrammeTemplateVersion:
    """Save an edited design as a new version; a shipped template is first copied to the agency.

    Earlier versions stay untouched, so running programmes keep the design they started with.
    """
    validate_content(content)
    if template.agency_id is None:
        template, _created = ProgrammeTemplate.objects.get_or_create(
            agency_id=actor.agency_id, key=template.key
        )
    elif template.agency_id != actor.agency_id:
        raise DomainError(_("Choose a template of this agency."))
    template = ProgrammeTemplate.objects.select_for_update().get(pk=template.pk)
    latest = template.versions.order_by("-number").first()
    digest = content_hash(content)
    if latest is not None and latest.content_sha256 == digest:
        return latest
    version = ProgrammeTemplateVersion.objects.create(
        template=template,
        number=(latest.number + 1) if latest else 1,
        content=content,
        content_sha256=digest,
        created_by=actor.user,
    )
    audit_record(
        agency=actor.agency,
        actor=actor.user,
        action="programme_template.new_version",
        target=template,
        data={"version": version.number},
    )
    return version


# --- reminders --------------------------------------------------------------------------------


def _claim(kind: str, item_id: Any, day: datetime.date, programme_id: int, user_id: int) -> bool:
    try:
        with transaction.atomic():
            ReminderSent.objects.create(
                kind=kind, item_id=item_id, day=day, programme_id=programme_id, recipient_id=user_id
            )
    except IntegrityError:
        return False
    return True


def reminders_enqueue(*, today: datetime.date) -> int:
    """Claim today's reminders and queue one e-mail per claim; returns how many were claimed.

    A claim is a row unique per (kind, item, day), inserted before anything is queued: a second
    run, or a second worker running at the same time, finds the claim taken and queues nothing.
    """
    from springboard.programmes.tasks import send_reminder

    claimed = 0
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
        if _claim(ReminderKind.TASK_DUE, public_id, today, programme_id, user_id):
            claimed += 1
    # A weekly check-in, on the weekday the programme started, while none was made this week.
    week = week_of(today)
    checkins = (
        Programme.objects.filter(
            status__in=RUNNING_STATUSES - {S.PAUSED},
            candidate__is_active=True,
            wellbeing_consents__withdrawn_at__isnull=True,
            wellbeing_consents__isnull=False,
        )
        .exclude(wellbeing_checkins__week=week)
        .values_list("public_id", "pk", "candidate__user_id", "start_date")
        .distinct()
    )
    for public_id, programme_id, user_id, start_date in checkins:
        if start_date.weekday() == today.weekday() and _claim(
            ReminderKind.CHECKIN, public_id, today, programme_id, user_id
        ):
            claimed += 1
    for reminder_id in ReminderSent.objects.filter(day=today, sent_at__isnull=True).values_list(
        "pk", flat=True
    ):
        transaction.on_commit(partial(send_reminder.enqueue, reminder_id=reminder_id))
    return claimed


def reminder_mark_sent(*, reminder: ReminderSent) -> bool:
    """Mark the reminder sent, once; False when another worker already did (send nothing)."""
    return bool(
        ReminderSent.objects.filter(pk=reminder.pk, sent_at__isnull=True).update(
            sent_at=timezone.now()
        )
    )
