"""The invoicing basis: per engagement and period, what the agency bills the employer from —
programmes started, active programme-months, attended coaching hours, booked workshop seats and
personal budget spent — read from the same records the reports use (docs/outcomes.md).

Five grouped queries however many engagements and programmes there are."""

from __future__ import annotations

import csv
import datetime
import io
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Min, OuterRef, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from springboard.coaching.models import (
    BudgetCategory,
    BudgetEntry,
    SeatStatus,
    Session,
    SessionStatus,
    WorkshopSeat,
)
from springboard.employers.importing.report import neutralise
from springboard.employers.models import Engagement
from springboard.programmes.models import Programme, ProgrammeStatus, StatusChange
from springboard.tenancy.models import Agency

# A programme stops being billed as active from the day it reaches one of these.
_ENDING = [ProgrammeStatus.PLACED, ProgrammeStatus.DROPPED_OUT, ProgrammeStatus.CLOSED]


@dataclass
class InvoiceLine:
    engagement: Engagement
    started: int = 0
    active_months: int = 0
    coaching_minutes: int = 0
    workshop_seats: int = 0
    budget_spent: Decimal = field(default_factory=lambda: Decimal("0.00"))

    @property
    def coaching_hours(self) -> Decimal:
        return (Decimal(self.coaching_minutes) / 60).quantize(Decimal("0.01"))


def _months_touched(start: datetime.date, end: datetime.date) -> int:
    """Calendar months with at least one day in [start, end]."""
    if end < start:
        return 0
    return (end.year - start.year) * 12 + end.month - start.month + 1


def _bounds(day_from: datetime.date, day_to: datetime.date) -> tuple[datetime.datetime, ...]:
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(day_from, datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(
        day_to + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
    )
    return start, end


def invoicing_basis(
    agency: Agency, *, day_from: datetime.date, day_to: datetime.date
) -> list[InvoiceLine]:
    """One line per engagement of the agency. "Active months" counts, per programme, the
    calendar months of the period in which it was running (from its start date until the day it
    was placed, dropped out or closed)."""
    lines = {
        e.pk: InvoiceLine(e)
        for e in Engagement.objects.filter(agency=agency)
        .select_related("employer")
        .order_by("employer__name", "name")
    }
    programmes = Programme.objects.filter(agency=agency)
    for started in (
        programmes.filter(start_date__gte=day_from, start_date__lte=day_to)
        .values("enrolment__engagement_id")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        lines[started["enrolment__engagement_id"]].started = started["n"]
    ended = (
        StatusChange.objects.filter(programme=OuterRef("pk"), to_status__in=_ENDING)
        .values("programme")
        .annotate(first=Min("created_at"))
        .values("first")
    )
    running = (
        programmes.filter(start_date__lte=day_to)
        .exclude(status=ProgrammeStatus.INVITED)
        .annotate(ended_at=Subquery(ended))
        .values_list("enrolment__engagement_id", "start_date", "ended_at")
    )
    for engagement_id, start, ended_at in running:
        end = timezone.localdate(ended_at) if ended_at else day_to
        lines[engagement_id].active_months += _months_touched(
            max(start, day_from), min(end, day_to)
        )
    start_at, end_at = _bounds(day_from, day_to)
    for session in (
        Session.objects.filter(
            agency=agency,
            status=SessionStatus.ATTENDED,
            starts_at__gte=start_at,
            starts_at__lt=end_at,
        )
        .values("programme__enrolment__engagement_id")
        .annotate(minutes=Sum("duration_minutes"))
        .order_by()
    ):
        lines[session["programme__enrolment__engagement_id"]].coaching_minutes = (
            session["minutes"] or 0
        )
    for seat in (
        WorkshopSeat.objects.filter(
            programme__agency=agency,
            status=SeatStatus.BOOKED,
            date__starts_at__gte=start_at,
            date__starts_at__lt=end_at,
        )
        .values("programme__enrolment__engagement_id")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        lines[seat["programme__enrolment__engagement_id"]].workshop_seats = seat["n"]
    spent: dict[int, Decimal] = defaultdict(Decimal)
    for spend in (
        BudgetEntry.objects.filter(
            programme__agency=agency, created_at__gte=start_at, created_at__lt=end_at
        )
        .exclude(category=BudgetCategory.GRANT)
        .values("programme__enrolment__engagement_id")
        .annotate(total=Sum("amount"))
        .order_by()
    ):
        # Spending is entered as negative amounts; corrections may give some back.
        spent[spend["programme__enrolment__engagement_id"]] = -(spend["total"] or Decimal(0))
    for engagement_id, amount in spent.items():
        lines[engagement_id].budget_spent = amount.quantize(Decimal("0.01"))
    return list(lines.values())


def invoicing_csv(
    lines: list[InvoiceLine], *, day_from: datetime.date, day_to: datetime.date
) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            _("Employer"),
            _("Engagement"),
            _("From"),
            _("Until"),
            _("Programmes started"),
            _("Active programme-months"),
            _("Coaching hours"),
            _("Workshop seats"),
            _("Budget spent"),
            _("Currency"),
        ]
    )
    for line in lines:
        engagement = line.engagement
        writer.writerow(
            [
                neutralise(value)
                for value in (
                    engagement.employer.name,
                    engagement.name,
                    day_from.isoformat(),
                    day_to.isoformat(),
                    line.started,
                    line.active_months,
                    line.coaching_hours,
                    line.workshop_seats,
                    line.budget_spent,
                    engagement.budget_currency,
                )
            ]
        )
    return buffer.getvalue()
