"""The personal plan after the intake: ticking tasks off, editing and adding items, and the
progress, current phase and reached milestones stored on the programme.

Lock order: the programme's row first (`select_for_update`), then the item's. Everything that
changes tasks holds the programme's lock while it recomputes the progress, so two ticks on one
programme never race (see `refresh_progress`).
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from springboard.lib.errors import DomainError
from springboard.privacy.services import audit_record
from springboard.programmes.models import (
    RUNNING_STATUSES,
    ActivityKind,
    PlanItem,
    PlanItemKind,
    PlanPhase,
    Programme,
    ProgrammeStatus,
)
from springboard.programmes.services.activity import log_activity
from springboard.programmes.tools import TOOL_KEYS
from springboard.tenancy.models import Membership

S = ProgrammeStatus


class PlanConflict(DomainError):
    """Someone saved the item after the editor loaded it; nothing was overwritten."""

    def __init__(self, current: PlanItem) -> None:
        super().__init__(
            _("Someone else changed this item while you were editing it. Compare and save again.")
        )
        self.current = current


def refresh_progress(programme: Programme) -> None:
    """Recompute progress, the current phase and reached milestones from the tasks, and bump the
    plan's version.

    The caller holds the programme's row lock, taken before it changed any task. Two ticks on one
    programme therefore run one after the other: the second waits for the first to commit, then
    reads every task as the first left them, so the stored progress always matches the committed
    tasks (without the lock each could count only its own tick and the last write would win).
    """
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
    Programme.objects.filter(pk=programme.pk).update(
        progress_percent=programme.progress_percent,
        current_phase_id=programme.current_phase_id,
        plan_version=F("plan_version") + 1,
    )
    programme.refresh_from_db(fields=["plan_version"])


def plan_tasks_complete_for_tool(*, candidate: Membership, tool: str, actor: Membership) -> int:
    """Tick off the open tasks that name `tool` in the candidate's programmes of its agency.

    The app owning the tool calls this when the candidate finished that work (a questionnaire, the
    skills in the profile…), so a task that opens a tool is done when the work is, without a
    second click. Returns how many tasks were ticked; closed programmes are left as they are.
    """
    if tool not in TOOL_KEYS:
        raise ValueError(f"unknown tool {tool!r}")
    open_tasks = PlanItem.objects.filter(
        programme__candidate=candidate,
        programme__agency_id=candidate.agency_id,
        programme__status__in=RUNNING_STATUSES | {S.PLACED, S.AFTERCARE},
        kind=PlanItemKind.TASK,
        tool=tool,
        done_at__isnull=True,
    ).order_by("pk")
    ticked = 0
    for item in open_tasks:
        ticked += plan_item_set_done(item=item, actor=actor, done=True).is_done
    return ticked


@transaction.atomic
def plan_item_set_done(*, item: PlanItem, actor: Membership, done: bool) -> PlanItem:
    """Tick a task off (or reopen it). Saying "done" twice is harmless: the state is explicit."""
    programme = Programme.objects.select_for_update().get(pk=item.programme_id)
    locked = PlanItem.objects.select_for_update().get(pk=item.pk)
    locked.programme = programme
    if locked.kind != PlanItemKind.TASK:
        raise DomainError(_("Only tasks can be ticked off."))
    if programme.status not in RUNNING_STATUSES | {S.PLACED, S.AFTERCARE}:
        raise DomainError(_("This programme is closed."))
    if locked.is_done == done:
        return locked
    locked.done_at = timezone.now() if done else None
    locked.done_by = actor.user if done else None
    locked.save(update_fields=["done_at", "done_by", "updated_at"])
    refresh_progress(programme)
    log_activity(
        programme,
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
    # The programme first, as every plan write does, so an edit and a tick never deadlock.
    programme = Programme.objects.select_for_update().get(pk=item.programme_id)
    locked = PlanItem.objects.select_for_update().get(pk=item.pk)
    locked.programme = programme
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
    log_activity(programme, ActivityKind.PLAN_ITEM_EDITED, actor, {"title": locked.title})
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
        refresh_progress(locked)
    else:
        Programme.objects.filter(pk=locked.pk).update(plan_version=F("plan_version") + 1)
    log_activity(locked, ActivityKind.PLAN_ITEM_EDITED, actor, {"title": item.title, "added": kind})
    audit_record(
        agency=actor.agency,
        actor=actor.user,
        action="programme.plan_item_add",
        target=item,
        data={"kind": kind},
    )
    return item
