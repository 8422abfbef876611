"""The outcomes app over the API (mounted under /api/v1/): a programme's outcome (read, record,
confirm), the employer's protected report and the agency's measures, all from the same
functions as the pages (`definitions.py`, `reporting.py`)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Annotated, Any
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.security import django_auth
from pydantic import Field

from springboard.lib.api_errors import ERRORS, WRITE_ERRORS
from springboard.lib.dates import ApiDate
from springboard.lib.errors import DomainError
from springboard.outcomes import access, selectors, services
from springboard.outcomes.definitions import Measures, measure
from springboard.outcomes.models import Contract, FoundVia, Outcome, OutcomeKind, PayComparison
from springboard.outcomes.reporting import Table, employer_outcome_report
from springboard.privacy.services import audit_record
from springboard.taxonomy.models import Occupation
from springboard.tenancy.access import current_membership, require
from springboard.tenancy.roles import Cap

router = Router(auth=django_auth, tags=["outcomes"])


def _checked[T](lookup: Callable[[], T]) -> T:
    """Run an access lookup; a missing capability is a JSON 403 like every other API error."""
    try:
        return lookup()
    except PermissionDenied as error:
        raise HttpError(403, "Forbidden") from error


class OutcomeOut(Schema):
    id: UUID
    kind: str
    start_date: datetime.date
    employer_name: str
    occupation_uri: str | None
    same_occupation: bool | None
    contract: str
    hours_per_week: int | None
    pay_compared: str
    found_via: str
    note: str
    source: str
    recorded_at: datetime.datetime
    confirmed_at: datetime.datetime | None

    @staticmethod
    def of(outcome: Outcome) -> OutcomeOut:
        return OutcomeOut(
            id=outcome.public_id,
            kind=outcome.kind,
            start_date=outcome.start_date,
            employer_name=outcome.employer_name,
            occupation_uri=outcome.occupation.uri if outcome.occupation else None,
            same_occupation=outcome.same_occupation,
            contract=outcome.contract,
            hours_per_week=outcome.hours_per_week,
            pay_compared=outcome.pay_compared,
            found_via=outcome.found_via,
            note=outcome.note,
            source=outcome.source,
            recorded_at=outcome.recorded_at,
            confirmed_at=outcome.confirmed_at,
        )


class OutcomeIn(Schema):
    kind: OutcomeKind
    start_date: ApiDate
    employer_name: Annotated[str, Field(max_length=200)] = ""
    occupation_uri: Annotated[str, Field(max_length=300)] | None = None
    same_occupation: bool | None = None
    contract: Contract | None = None
    hours_per_week: Annotated[int, Field(ge=1, le=80)] | None = None
    pay_compared: PayComparison | None = None
    found_via: FoundVia | None = None
    note: Annotated[str, Field(max_length=2000)] = ""


@router.get(
    "/a/{agency_slug}/programmes/{programme_id}/outcome",
    response={200: OutcomeOut | None, **ERRORS},
    url_name="programme_outcome",
)
def programme_outcome(request: HttpRequest, agency_slug: str, programme_id: UUID) -> Any:
    """The programme's outcome (null while none is recorded): the candidate, their coaches and
    the agency's admins."""
    programme = _checked(
        lambda: access.get_programme(request, programme_id, need=Cap.VIEW_PROGRAMME)
    )
    outcome = selectors.outcome_of(programme)
    viewer = current_membership(request)
    if outcome is not None and viewer.pk != programme.candidate_id:
        audit_record(
            agency=viewer.agency, actor=viewer.user, action="outcome.view", target=programme
        )
    return OutcomeOut.of(outcome) if outcome is not None else None


@router.put(
    "/a/{agency_slug}/programmes/{programme_id}/outcome",
    response={200: OutcomeOut, **WRITE_ERRORS},
    url_name="programme_outcome_record",
)
def programme_outcome_record(
    request: HttpRequest, agency_slug: str, programme_id: UUID, payload: OutcomeIn
) -> OutcomeOut:
    """Record or correct the outcome (a coach of the candidate, or an admin); the candidate
    confirms it afterwards."""
    programme = _checked(
        lambda: access.get_programme(request, programme_id, need=Cap.CHANGE_PROGRAMME_STATUS)
    )
    occupation = None
    if payload.occupation_uri:
        occupation = Occupation.objects.filter(uri=payload.occupation_uri).first()
        if occupation is None:
            raise HttpError(400, "No ESCO occupation has this address.")
    details = services.OutcomeDetails(
        kind=payload.kind.value,
        start_date=payload.start_date,
        employer_name=payload.employer_name,
        occupation=occupation,
        same_occupation=payload.same_occupation,
        contract=payload.contract.value if payload.contract else "",
        hours_per_week=payload.hours_per_week,
        pay_compared=payload.pay_compared.value if payload.pay_compared else "",
        found_via=payload.found_via.value if payload.found_via else "",
        note=payload.note,
    )
    try:
        outcome = services.outcome_record(
            programme=programme, actor=current_membership(request), details=details
        )
    except DomainError as error:
        raise HttpError(400, error.message) from error
    except ValidationError as error:
        raise HttpError(400, "; ".join(error.messages)) from error
    return OutcomeOut.of(outcome)


@router.post(
    "/a/{agency_slug}/programmes/{programme_id}/outcome/confirm",
    response={200: OutcomeOut, **WRITE_ERRORS},
    url_name="programme_outcome_confirm",
)
def programme_outcome_confirm(
    request: HttpRequest, agency_slug: str, programme_id: UUID
) -> OutcomeOut:
    """The candidate confirms the recorded outcome (see docs/outcomes.md for its effect)."""
    programme = _checked(
        lambda: access.get_programme(request, programme_id, need=Cap.VIEW_OWN_PROGRAMME)
    )
    outcome = selectors.outcome_of(programme)
    if outcome is None:
        raise HttpError(404, "No outcome has been recorded.")
    try:
        outcome = services.outcome_confirm(outcome=outcome, candidate=current_membership(request))
    except DomainError as error:
        raise HttpError(400, error.message) from error
    return OutcomeOut.of(outcome)


class OutcomeCellOut(Schema):
    value: int | None
    suppressed: bool


class RowOut(Schema):
    label: str
    total: OutcomeCellOut
    cells: dict[str, OutcomeCellOut]


class TableOut(Schema):
    title: str
    rows: list[RowOut]

    @staticmethod
    def of(table: Table) -> TableOut:
        return TableOut(
            title=table.title,
            rows=[
                RowOut(
                    label=row.label,
                    total=OutcomeCellOut(value=row.total.value, suppressed=row.total.suppressed),
                    cells={
                        heading: OutcomeCellOut(value=cell.value, suppressed=cell.suppressed)
                        for heading, cell in zip(table.headings, row.cells, strict=True)
                    },
                )
                for row in table.rows
            ],
        )


class FigureOut(Schema):
    label: str
    value: str | None


class OutcomeReportOut(Schema):
    engagement: str
    tables: list[TableOut]
    figures: list[FigureOut]


@router.get(
    "/a/{agency_slug}/outcome-report",
    response={200: list[OutcomeReportOut], **ERRORS},
    url_name="outcome_report",
)
def outcome_report(request: HttpRequest, agency_slug: str) -> list[OutcomeReportOut]:
    """An employer contact's outcome report: the same protected tables as the page (a hidden
    cell has `value` null and `suppressed` true)."""
    viewer = require(request, Cap.VIEW_EMPLOYER_AGGREGATES)
    return [
        OutcomeReportOut(
            engagement=report.funnel.engagement.name,
            tables=[TableOut.of(table) for table in report.tables],
            figures=[FigureOut(label=f.label, value=f.value) for f in report.figures],
        )
        for report in employer_outcome_report(viewer)
    ]


class MeasuresOut(Schema):
    started: int
    confirmed: int
    placed: int
    by_kind: dict[str, int]
    placement_rate: float | None
    median_days_to_placement: float | None
    same_or_better_pay_rate: float | None
    retention_rate_6_months: float | None
    retention_rate_12_months: float | None
    mean_satisfaction: float | None

    @staticmethod
    def of(m: Measures) -> MeasuresOut:
        return MeasuresOut(
            started=m.started,
            confirmed=m.confirmed,
            placed=m.placed,
            by_kind=m.by_kind,
            placement_rate=m.placement_rate,
            median_days_to_placement=m.median_days_to_placement,
            same_or_better_pay_rate=m.same_or_better_pay_rate,
            retention_rate_6_months=m.retention_rate(6),
            retention_rate_12_months=m.retention_rate(12),
            mean_satisfaction=m.mean_satisfaction,
        )


@router.get(
    "/a/{agency_slug}/outcome-measures",
    response={200: MeasuresOut, **ERRORS},
    url_name="outcome_measures",
)
def outcome_measures(
    request: HttpRequest,
    agency_slug: str,
    start_from: ApiDate | None = None,
    start_to: ApiDate | None = None,
) -> MeasuresOut:
    """The published measures over the viewer's programmes (an admin's agency, a coach's own
    caseload) started in the period."""
    viewer = require(request, Cap.VIEW_CASELOAD)
    return MeasuresOut.of(measure(selectors.programmes_in_period(viewer, start_from, start_to)))
