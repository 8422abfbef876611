"""Reads about programmes; each starts from the viewer's scope.

Scope: an admin reaches every programme of the agency, a coach only the programmes they are
assigned to (checked on every request, so a reassignment applies at once), a candidate only
their own, an employer contact none. Wellbeing answers are read only through
`wellbeing_checkins_for`, which admits the candidate and assigned coaches and audits staff reads.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from springboard.employers.models import Cohort, Engagement, Enrolment
from springboard.privacy.consents.selectors import consents_of, granted_consent
from springboard.privacy.models.consents import Consent, ConsentPurpose
from springboard.privacy.services import audit_record
from springboard.programmes.models import (
    RUNNING_STATUSES,
    ActivityEntry,
    BulkStart,
    Intake,
    PlanItem,
    PlanItemKind,
    PlanPhase,
    Programme,
    ProgrammeStatus,
    ProgrammeTemplate,
    ProgrammeTemplateVersion,
    WellbeingCheckIn,
)
from springboard.tenancy.models import Agency, Membership
from springboard.tenancy.roles import Cap, Role

INACTIVE_AFTER_DAYS = 14
END_NEAR_DAYS = 30
LOW_WELLBEING_WINDOW_DAYS = 21


def programmes_visible_to(viewer: Membership) -> QuerySet[Programme]:
    programmes = Programme.objects.filter(agency_id=viewer.agency_id)
    if viewer.role == Role.ADMIN:
        return programmes
    if viewer.role == Role.COACH:
        return programmes.filter(coaches=viewer)
    if viewer.role == Role.CANDIDATE:
        return programmes.filter(candidate=viewer)
    return programmes.none()


# --- caseload ---------------------------------------------------------------------------------

CASELOAD_SORTS: dict[str, tuple[Any, ...]] = {
    "name": ("candidate__full_name", "candidate__user__email"),
    "-name": ("-candidate__full_name", "-candidate__user__email"),
    "days": ("start_date", "pk"),
    "-days": ("-start_date", "pk"),
    # Longest without activity first; never active counts as the longest.
    "inactive": (F("last_activity_at").asc(nulls_first=True), "pk"),
    "-inactive": (F("last_activity_at").desc(nulls_last=True), "pk"),
    "overdue": ("-overdue_count", "pk"),
    "end": ("planned_end_date", "pk"),
    "status": ("status", "pk"),
    "progress": ("progress_percent", "pk"),
}


@dataclass
class CaseloadRow:
    programme: Programme
    days_in_programme: int
    days_since_activity: int | None
    overdue: int
    flags: list[str] = field(default_factory=list)


def _risk_conditions(today: datetime.date, *, with_wellbeing: bool) -> Q:
    now = timezone.now()
    inactive_since = now - datetime.timedelta(days=INACTIVE_AFTER_DAYS)
    risk = Q(
        start_date__lte=today - datetime.timedelta(days=INACTIVE_AFTER_DAYS),
    ) & (
        Q(candidate__user__last_login__isnull=True)
        | Q(candidate__user__last_login__lt=inactive_since)
    )
    risk |= Q(overdue_count__gt=0)
    risk |= Q(
        planned_end_date__lte=today + datetime.timedelta(days=END_NEAR_DAYS),
        status__in=RUNNING_STATUSES,
    )
    if with_wellbeing:
        risk |= Q(low_wellbeing=True)
    return risk


def caseload(
    viewer: Membership,
    *,
    search: str = "",
    status: str = "",
    at_risk: bool = False,
    sort: str = "name",
) -> QuerySet[Programme]:
    """The viewer's programmes with what a caseload shows; the same queries for any length.

    The low-wellbeing flag is worked out only for coaches (their own assigned candidates):
    admins never see anything derived from wellbeing answers.
    """
    today = timezone.localdate()
    overdue = (
        PlanItem.objects.filter(
            programme=OuterRef("pk"),
            kind=PlanItemKind.TASK,
            done_at__isnull=True,
            due_date__lt=today,
        )
        .order_by()
        .values("programme")
        .annotate(n=Count("pk"))
        .values("n")
    )
    with_wellbeing = viewer.role == Role.COACH
    low = WellbeingCheckIn.objects.filter(
        programme=OuterRef("pk"),
        is_low=True,
        week__gte=today - datetime.timedelta(days=LOW_WELLBEING_WINDOW_DAYS),
    )
    programmes = (
        programmes_visible_to(viewer)
        .select_related("candidate__user", "current_phase", "enrolment__engagement__employer")
        .prefetch_related(
            Prefetch(
                "coaches",
                queryset=Membership.objects.select_related("user").order_by("full_name"),
            )
        )
        .annotate(
            overdue_count=Coalesce(Subquery(overdue, output_field=IntegerField()), Value(0)),
            low_wellbeing=Exists(low) if with_wellbeing else Value(False),
        )
    )
    if search:
        programmes = programmes.filter(
            Q(candidate__full_name__icontains=search) | Q(candidate__user__email__icontains=search)
        )
    if status:
        programmes = programmes.filter(status=status)
    else:
        programmes = programmes.exclude(status=ProgrammeStatus.CLOSED)
    if at_risk:
        programmes = programmes.filter(_risk_conditions(today, with_wellbeing=with_wellbeing))
    # Sort keys come from a fixed table: nothing the user typed reaches order_by().
    return programmes.order_by(*CASELOAD_SORTS.get(sort, CASELOAD_SORTS["name"]))


def caseload_rows(programmes: Any) -> list[CaseloadRow]:
    """Turn a page of `caseload()` into rows with days and risk flags (no further queries)."""
    today = timezone.localdate()
    now = timezone.now()
    rows = []
    for programme in programmes:
        last_login = programme.candidate.user.last_login
        flags = []
        if (today - programme.start_date).days >= INACTIVE_AFTER_DAYS and (
            last_login is None or (now - last_login).days >= INACTIVE_AFTER_DAYS
        ):
            flags.append("inactive")
        if programme.overdue_count:
            flags.append("overdue")
        if (
            programme.status in RUNNING_STATUSES
            and (programme.planned_end_date - today).days <= END_NEAR_DAYS
        ):
            flags.append("end_near")
        if programme.low_wellbeing:
            flags.append("low_wellbeing")
        rows.append(
            CaseloadRow(
                programme=programme,
                days_in_programme=max(0, (today - programme.start_date).days),
                days_since_activity=(now - programme.last_activity_at).days
                if programme.last_activity_at
                else None,
                overdue=programme.overdue_count,
                flags=flags,
            )
        )
    return rows


# --- one programme ----------------------------------------------------------------------------


@dataclass
class PhaseView:
    phase: PlanPhase
    milestones: list[PlanItem]
    total: int
    done: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


@dataclass
class PlanView:
    goals: list[PlanItem]
    phases: list[PhaseView]

    @property
    def is_empty(self) -> bool:
        return not self.goals and not self.phases


def plan_of(programme: Programme) -> PlanView:
    """Goals, and phases → milestones → tasks, in two queries."""
    phases = list(PlanPhase.objects.filter(programme=programme).order_by("position"))
    items = list(
        PlanItem.objects.filter(programme=programme).order_by("position", "due_date", "pk")
    )
    goals = [item for item in items if item.kind == PlanItemKind.GOAL]
    by_parent: dict[int, list[PlanItem]] = {}
    for item in items:
        if item.kind == PlanItemKind.TASK and item.parent_id:
            by_parent.setdefault(item.parent_id, []).append(item)
    views = []
    for phase in phases:
        milestones = [
            item
            for item in items
            if item.kind == PlanItemKind.MILESTONE and item.phase_id == phase.pk
        ]
        for milestone in milestones:
            milestone.task_list = by_parent.get(milestone.pk, [])  # type: ignore[attr-defined]
        tasks = [t for m in milestones for t in m.task_list]  # type: ignore[attr-defined]
        views.append(
            PhaseView(
                phase=phase,
                milestones=milestones,
                total=len(tasks),
                done=sum(1 for t in tasks if t.is_done),
            )
        )
    return PlanView(goals=goals, phases=views)


def next_tasks(programme: Programme, *, limit: int = 5) -> list[PlanItem]:
    return list(
        PlanItem.objects.select_related("phase")
        .filter(programme=programme, kind=PlanItemKind.TASK, done_at__isnull=True)
        .order_by("due_date", "phase__position", "position")[:limit]
    )


def activity_of(programme: Programme, *, limit: int = 30) -> list[ActivityEntry]:
    return list(
        ActivityEntry.objects.select_related("actor")
        .filter(programme=programme)
        .order_by("-created_at", "-pk")[:limit]
    )


def intake_of(programme: Programme) -> Intake | None:
    return Intake.objects.select_related("conducted_by__user").filter(programme=programme).first()


def coaches_of(programme: Programme) -> list[Membership]:
    return list(programme.coaches.select_related("user").order_by("full_name"))


def current_programme_of(candidate: Membership) -> Programme | None:
    """The candidate's programme to show first: a running one, else the most recent."""
    programmes = (
        Programme.objects.filter(agency_id=candidate.agency_id, candidate=candidate)
        .select_related("current_phase", "template_version")
        .order_by("-start_date", "-pk")
    )
    running = programmes.filter(status__in=RUNNING_STATUSES).first()
    return running or programmes.first()


def active_consent(programme: Programme) -> Consent | None:
    """The candidate's wellbeing consent for this programme while it is granted."""
    return granted_consent(programme.candidate, ConsentPurpose.WELLBEING, programme.public_id)


def candidate_consents_for(programme: Programme, viewer: Membership) -> list[Consent]:
    """The candidate's consents as staff on this programme see them (read-only): whether the
    network is shared and status shown to the employer; the wellbeing consent of this programme
    only for those who may see check-ins (never admins: it reveals a health-data choice)."""
    shown = []
    for consent in consents_of(programme.candidate):
        if consent.purpose == ConsentPurpose.WELLBEING and not (
            viewer.has(Cap.VIEW_WELLBEING) and consent.scope == programme.public_id
        ):
            continue
        shown.append(consent)
    return shown


def wellbeing_checkins_for(
    programme: Programme, viewer: Membership, *, limit: int = 12
) -> list[WellbeingCheckIn] | None:
    """Check-ins for the candidate themself or an assigned coach; None for anyone else.

    A coach's read is written to the audit log (health data, S10).
    """
    is_self = viewer.role == Role.CANDIDATE and programme.candidate_id == viewer.pk
    is_coach = (
        viewer.role == Role.COACH
        and viewer.is_active
        and programme.coaches.filter(pk=viewer.pk).exists()
    )
    if not (is_self or is_coach):
        return None
    checkins = list(WellbeingCheckIn.objects.filter(programme=programme).order_by("-week")[:limit])
    if is_coach and checkins:
        audit_record(
            agency=viewer.agency,
            actor=viewer.user,
            action="wellbeing.read",
            target=programme,
            data={"checkins": len(checkins)},
        )
    return checkins


def checked_in_this_week(programme: Programme, week: datetime.date) -> bool:
    return WellbeingCheckIn.objects.filter(programme=programme, week=week).exists()


# --- templates --------------------------------------------------------------------------------


def templates_of(agency: Agency) -> list[ProgrammeTemplate]:
    """The agency's own templates, and the shipped ones it has not replaced by its own."""
    templates = list(
        ProgrammeTemplate.objects.filter(Q(agency=agency) | Q(agency__isnull=True)).order_by(
            "key", "agency_id"
        )
    )
    own_keys = {t.key for t in templates if t.agency_id is not None}
    return [t for t in templates if t.agency_id is not None or t.key not in own_keys]


def latest_versions(agency: Agency) -> list[ProgrammeTemplateVersion]:
    """The newest version of each template the agency can start programmes with."""
    templates = templates_of(agency)
    versions = ProgrammeTemplateVersion.objects.filter(template__in=templates).select_related(
        "template"
    )
    latest: dict[int, ProgrammeTemplateVersion] = {}
    for version in versions:
        current = latest.get(version.template_id)
        if current is None or version.number > current.number:
            latest[version.template_id] = version
    return sorted(latest.values(), key=lambda v: v.template.key)


def template_name(template: ProgrammeTemplate | None) -> str:
    """The name of a template's newest version, in the active language ("" for none)."""
    if template is None:
        return ""
    newest = template.versions.order_by("-number").first()
    return str(newest.name) if newest is not None else template.key


def versions_of(template: ProgrammeTemplate) -> list[ProgrammeTemplateVersion]:
    return list(
        template.versions.select_related("created_by")
        .annotate(programme_count=Count("programmes"))
        .order_by("-number")
    )


# --- the candidate's home -------------------------------------------------------------------


def candidate_home(candidate: Membership) -> dict[str, Any]:
    """What the candidate's home page shows: what's next, progress, coaches, plan, activity."""
    programme = current_programme_of(candidate)
    if programme is None:
        return {"programme": None}
    programme.agency = candidate.agency
    return {
        "programme": programme,
        "plan": plan_of(programme),
        "next_tasks": next_tasks(programme),
        "coaches": coaches_of(programme),
        "activity": activity_of(programme, limit=15),
        "consent": active_consent(programme),
        "can_tick": candidate.has(Cap.TICK_TASKS),
        "can_edit": False,
        "can_open_tools": candidate.has(Cap.OWN_CANDIDATE_WORK),
    }


def enrolments_without_programme(
    engagement: Engagement, *, cohort: Cohort | None = None
) -> QuerySet[Enrolment]:
    """The enrolled people of an engagement (or one cohort) who have no programme yet, with an
    active membership: whom a bulk start may start."""
    enrolments = Enrolment.objects.select_related("candidate__user").filter(
        engagement=engagement, programme__isnull=True, candidate__is_active=True
    )
    if cohort is not None:
        enrolments = enrolments.filter(cohort=cohort)
    return enrolments.order_by("candidate__full_name", "pk")


def bulk_starts_of(
    engagement: Engagement, *, cohort: Cohort | None = None, limit: int = 5
) -> list[BulkStart]:
    """The newest bulk starts of an engagement (or cohort), for its bulk-start page."""
    starts = BulkStart.objects.filter(engagement=engagement)
    if cohort is not None:
        starts = starts.filter(cohort=cohort)
    return list(starts.order_by("-created_at")[:limit])
