"""Reads of the outcomes app: a viewer's outcome records and the agency dashboards."""

from __future__ import annotations

import datetime
from collections.abc import Hashable
from dataclasses import dataclass

from django.db.models import Count, QuerySet

from springboard.outcomes.definitions import Measures, measure, measure_by
from springboard.outcomes.models import CheckIn, Outcome
from springboard.outcomes.services.aftercare import REMIND_AFTER_DAYS
from springboard.programmes.models import RUNNING_STATUSES, Programme, ProgrammeStatus, localized
from springboard.programmes.selectors import programmes_visible_to
from springboard.tenancy.models import Membership
from springboard.tenancy.roles import Role


def outcome_of(programme: Programme) -> Outcome | None:
    return (
        Outcome.objects.select_related("occupation", "recorded_by")
        .filter(programme=programme)
        .first()
    )


def checkins_of(programme: Programme) -> QuerySet[CheckIn]:
    return CheckIn.objects.filter(programme=programme).order_by("months")


def programmes_in_period(
    viewer: Membership, start_from: datetime.date | None, start_to: datetime.date | None
) -> QuerySet[Programme]:
    """The dashboard's programmes: the viewer's scope (an admin's agency, a coach's own
    caseload), started within the period."""
    programmes = programmes_visible_to(viewer)
    if start_from:
        programmes = programmes.filter(start_date__gte=start_from)
    if start_to:
        programmes = programmes.filter(start_date__lte=start_to)
    return programmes


@dataclass(frozen=True)
class Breakdown:
    label: str
    running: int
    measures: Measures


@dataclass(frozen=True)
class Dashboard:
    overall: Measures
    by_coach: list[Breakdown]
    by_template: list[Breakdown]
    by_employer: list[Breakdown]
    missing_outcomes: list[Programme]
    missing_outcomes_count: int
    overdue_checkins: list[CheckIn]
    overdue_checkins_count: int


RISK_LIST_LENGTH = 25


def _breakdown(
    programmes: QuerySet[Programme], field: str, labels: dict[Hashable, str]
) -> list[Breakdown]:
    measures = measure_by(programmes, field)
    running = dict(
        programmes.filter(status__in=RUNNING_STATUSES)
        .values_list(field)
        .annotate(n=Count("pk", distinct=True))
        .order_by()
    )
    rows = [
        Breakdown(labels[key[0]], running.get(key[0], 0), m)
        for key, m in measures.items()
        if key[0] in labels
    ]
    return sorted(rows, key=lambda row: row.label.casefold())


def dashboard(
    viewer: Membership,
    *,
    today: datetime.date,
    start_from: datetime.date | None = None,
    start_to: datetime.date | None = None,
) -> Dashboard:
    programmes = programmes_in_period(viewer, start_from, start_to)
    coaches: dict[Hashable, str] = {
        m.pk: m.display_name
        for m in Membership.objects.select_related("user").filter(
            agency_id=viewer.agency_id, role=Role.COACH
        )
    }
    if viewer.role != Role.ADMIN:
        coaches = {viewer.pk: viewer.display_name}
    templates: dict[Hashable, str] = {}
    employers: dict[Hashable, str] = {}
    for template_id, name, employer_id, employer in programmes.values_list(
        "template_version_id",
        "template_version__content__name",
        "enrolment__engagement__employer_id",
        "enrolment__engagement__employer__name",
    ).distinct():
        templates[template_id] = localized(name) if name else "—"
        employers[employer_id] = employer
    missing = (
        programmes.filter(planned_end_date__lt=today)
        .exclude(outcome__confirmed_at__isnull=False)
        .exclude(status__in=[ProgrammeStatus.CLOSED, ProgrammeStatus.DROPPED_OUT])
        .select_related("candidate__user")
        .order_by("planned_end_date", "pk")
    )
    overdue = (
        CheckIn.objects.filter(
            programme__in=programmes.values("pk"),
            answered_at__isnull=True,
            due_date__lte=today - datetime.timedelta(days=REMIND_AFTER_DAYS),
            expires_on__gte=today,
        )
        .select_related("programme__candidate__user")
        .order_by("due_date", "pk")
    )
    return Dashboard(
        overall=measure(programmes),
        by_coach=_breakdown(programmes, "coaches", coaches),
        by_template=_breakdown(programmes, "template_version_id", templates),
        by_employer=_breakdown(programmes, "enrolment__engagement__employer_id", employers),
        missing_outcomes=list(missing[:RISK_LIST_LENGTH]),
        missing_outcomes_count=missing.count(),
        overdue_checkins=list(overdue[:RISK_LIST_LENGTH]),
        overdue_checkins_count=overdue.count(),
    )
