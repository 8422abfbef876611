"""Reads about employers, engagements, cohorts and enrolments; each starts from the tenant."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from springboard.employers.importing.validation import CleanRow, ExistingPeople
from springboard.employers.models import (
    Cohort,
    CohortTask,
    Employer,
    Engagement,
    Enrolment,
    EnrolmentImport,
)
from springboard.programmes.models import ProgrammeStatus
from springboard.tenancy.models import Agency, Membership
from springboard.tenancy.roles import Role

# Smallest group an employer may see as a number; smaller groups read "fewer than 5".
MIN_GROUP = 5


def employers_of(agency: Agency, *, search: str = "") -> QuerySet[Employer]:
    employers = Employer.objects.filter(agency=agency).annotate(
        engagement_count=Count("engagements", distinct=True)
    )
    if search:
        employers = employers.filter(name__icontains=search)
    return employers.order_by("name")


def engagements_of(employer: Employer) -> QuerySet[Engagement]:
    return (
        Engagement.objects.filter(employer=employer)
        .annotate(
            cohort_count=Count("cohorts", distinct=True),
            enrolment_count=Count("enrolments", distinct=True),
        )
        .order_by("-start_date", "name")
    )


def cohorts_of(engagement: Engagement) -> QuerySet[Cohort]:
    return (
        Cohort.objects.filter(engagement=engagement)
        .annotate(
            enrolment_count=Count("enrolments", distinct=True),
            open_tasks=Count("tasks", filter=Q(tasks__done_at__isnull=True), distinct=True),
        )
        .order_by("notice_date", "name")
    )


def cohort_tasks(cohort: Cohort) -> QuerySet[CohortTask]:
    return cohort.tasks.select_related("owner__user", "done_by").order_by("due_date", "position")


def enrolments_of(
    engagement: Engagement, *, cohort: Cohort | None = None, search: str = ""
) -> QuerySet[Enrolment]:
    enrolments = Enrolment.objects.select_related("candidate__user", "cohort").filter(
        engagement=engagement
    )
    if cohort is not None:
        enrolments = enrolments.filter(cohort=cohort)
    if search:
        enrolments = enrolments.filter(
            Q(candidate__user__full_name__icontains=search)
            | Q(candidate__user__email__icontains=search)
            | Q(employee_number__icontains=search)
        )
    return enrolments.order_by("candidate__user__full_name", "pk")


def imports_of(engagement: Engagement) -> QuerySet[EnrolmentImport]:
    return (
        EnrolmentImport.objects.filter(engagement=engagement)
        .select_related("uploaded_by", "cohort")
        .defer("content")
        .order_by("-created_at")
    )


def existing_people(engagement: Engagement, emails: Iterable[str]) -> ExistingPeople:
    # Staff are few: find the agency's staff e-mails once instead of looking up every row.
    wanted = {e for e in emails if e}
    staff = {
        email
        for email in Membership.objects.filter(agency_id=engagement.agency_id)
        .exclude(role=Role.CANDIDATE)
        .values_list("user__email", flat=True)
        if email in wanted
    }
    numbers = dict(
        Enrolment.objects.filter(engagement=engagement)
        .exclude(employee_number="")
        .values_list("employee_number", "candidate__user__email")
    )
    return ExistingPeople(staff_emails=frozenset(staff), employee_numbers=numbers)


def preview_counts(engagement: Engagement, rows: list[CleanRow]) -> dict[str, int]:
    """How many rows would create, change or leave alone an enrolment."""
    fingerprints = dict(
        Enrolment.objects.filter(engagement=engagement).values_list(
            "candidate__user__email", "source_fingerprint"
        )
    )
    new = changed = unchanged = 0
    for row in rows:
        known = fingerprints.get(row.email)
        if known is None:
            new += 1
        elif known == row.fingerprint:
            unchanged += 1
        else:
            changed += 1
    return {"new": new, "changed": changed, "unchanged": unchanged}


# --- what an employer contact may see -------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """A count as an employer sees it: the number, or None when it must not be shown."""

    value: int | None

    @property
    def suppressed(self) -> bool:
        return self.value is None


def suppress(counts: dict[str, int]) -> dict[str, Cell]:
    """Hide every group of 1 to 4 people, and enough others that no hidden one can be worked out.

    With the total shown, a single hidden cell could be recovered by subtraction, so when
    exactly one cell is hidden the next-smallest non-zero cell is hidden with it.
    """
    hidden = {key for key, n in counts.items() if 0 < n < MIN_GROUP}
    if len(hidden) == 1:
        others = sorted((n, key) for key, n in counts.items() if n > 0 and key not in hidden)
        if others:
            hidden.add(others[0][1])
    return {key: Cell(None if key in hidden else n) for key, n in counts.items()}


# What an employer may see of a programme: its stage, never its content.
_RUNNING = [
    ProgrammeStatus.INTAKE,
    ProgrammeStatus.ACTIVE,
    ProgrammeStatus.PAUSED,
    ProgrammeStatus.EXTENDED,
]
STATUS_COLUMNS: tuple[tuple[str, Any, Q], ...] = (
    (
        "not_started",
        _("Not started"),
        Q(programme__isnull=True) | Q(programme__status=ProgrammeStatus.INVITED),
    ),
    ("in_programme", _("In programme"), Q(programme__status__in=_RUNNING)),
    (
        "placed",
        _("Placed"),
        Q(programme__status__in=[ProgrammeStatus.PLACED, ProgrammeStatus.AFTERCARE]),
    ),
    ("dropped_out", _("Dropped out"), Q(programme__status=ProgrammeStatus.DROPPED_OUT)),
    ("closed", _("Closed"), Q(programme__status=ProgrammeStatus.CLOSED)),
)
ENROLMENT_STATUSES = tuple(key for key, _label, _condition in STATUS_COLUMNS)
STATUS_LABELS = {key: label for key, label, _condition in STATUS_COLUMNS}
# Column headings, in the order of the cells.
STATUS_HEADINGS = tuple(label for _key, label, _condition in STATUS_COLUMNS)


def status_of(programme_status: str | None) -> str:
    """The employer-visible column of one programme status."""
    if programme_status in (None, ProgrammeStatus.INVITED):
        return "not_started"
    if programme_status in _RUNNING:
        return "in_programme"
    if programme_status in (ProgrammeStatus.PLACED, ProgrammeStatus.AFTERCARE):
        return "placed"
    return str(programme_status)


@dataclass(frozen=True)
class CohortReport:
    cohort: Cohort
    total: Cell
    by_status: dict[str, Cell]


@dataclass(frozen=True)
class EngagementReport:
    engagement: Engagement
    total: Cell
    by_status: dict[str, Cell]
    cohorts: list[CohortReport]
    consented: list[tuple[str, str]]  # (name, status) for people who allowed it


def suppressed_total(counts: dict[str, int]) -> Cell:
    total = sum(counts.values())
    return Cell(total if total == 0 or total >= MIN_GROUP else None)


def employer_report(contact: Membership) -> list[EngagementReport]:
    """The employer contact's view: aggregates of their own employer's engagements only.

    Four queries however many engagements and cohorts there are.
    """
    if contact.employer_id is None:
        return []
    engagements = list(
        Engagement.objects.filter(
            agency_id=contact.agency_id, employer_id=contact.employer_id
        ).order_by("-start_date", "name")
    )
    cohorts_by_engagement: dict[int, list[Cohort]] = {e.pk: [] for e in engagements}
    for cohort in Cohort.objects.filter(engagement__in=engagements).order_by("notice_date", "name"):
        cohorts_by_engagement[cohort.engagement_id].append(cohort)
    counts: dict[tuple[int, int | None], dict[str, int]] = {}
    grouped = (
        Enrolment.objects.filter(engagement__in=engagements)
        .values("engagement_id", "cohort_id")
        .annotate(
            **{key: Count("pk", filter=condition) for key, _label, condition in STATUS_COLUMNS}
        )
        .order_by()
    )
    for row in grouped:
        counts[(row["engagement_id"], row["cohort_id"])] = {
            key: int(row[key])  # type: ignore[literal-required]
            for key in ENROLMENT_STATUSES
        }
    consented: dict[int, list[tuple[str, str]]] = {e.pk: [] for e in engagements}
    shared = Enrolment.objects.filter(
        engagement__in=[e for e in engagements if e.reporting_level == "consented_status"],
        employer_may_see_status=True,
    ).select_related("candidate__user", "programme")
    for enrolment in shared.order_by("candidate__user__full_name"):
        programme = getattr(enrolment, "programme", None)
        status = status_of(programme.status if programme is not None else None)
        consented[enrolment.engagement_id].append(
            (enrolment.candidate.user.display_name, str(STATUS_LABELS[status]))
        )

    zero = dict.fromkeys(ENROLMENT_STATUSES, 0)
    reports: list[EngagementReport] = []
    for engagement in engagements:
        total = dict(zero)
        for (engagement_id, _cohort_id), cell_counts in counts.items():
            if engagement_id == engagement.pk:
                for key, n in cell_counts.items():
                    total[key] += n
        cohort_reports = [
            CohortReport(
                cohort,
                suppressed_total(counts.get((engagement.pk, cohort.pk), zero)),
                suppress(counts.get((engagement.pk, cohort.pk), zero)),
            )
            for cohort in cohorts_by_engagement[engagement.pk]
        ]
        reports.append(
            EngagementReport(
                engagement,
                suppressed_total(total),
                suppress(total),
                cohort_reports,
                consented[engagement.pk],
            )
        )
    return reports
