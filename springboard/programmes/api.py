"""Programmes, plan items and activity over the API (mounted under /api/v1/).

Paths carry the tenant (`/a/{agency_slug}/…`) so TenantMiddleware resolves the agency and the
caller's membership exactly as for pages; scope and capabilities come from the same access layer.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from ninja.security import django_auth

from springboard.employers.api import TextIn
from springboard.lib.api_errors import ERRORS, WRITE_ERRORS
from springboard.lib.dates import ApiDate
from springboard.lib.errors import DomainError
from springboard.programmes import access, selectors, services
from springboard.programmes.models import ActivityEntry, PlanItem, Programme
from springboard.programmes.reporting import employer_report
from springboard.tenancy.access import current_membership, require
from springboard.tenancy.roles import Cap

router = Router(auth=django_auth, tags=["programmes"])


def _checked[T](lookup: Callable[[], T]) -> T:
    """Run an access lookup; a missing capability is a JSON 403 like every other API error."""
    try:
        return lookup()
    except PermissionDenied as error:
        raise HttpError(403, "Forbidden") from error


class ProgrammeOut(Schema):
    id: UUID
    candidate: str
    status: str
    current_phase: str | None
    progress_percent: int
    start_date: datetime.date
    planned_end_date: datetime.date
    template: str
    template_version: int
    plan_version: int

    @staticmethod
    def from_programme(programme: Programme) -> ProgrammeOut:
        return ProgrammeOut(
            id=programme.public_id,
            candidate=programme.candidate.display_name,
            status=programme.status,
            current_phase=programme.current_phase.title if programme.current_phase else None,
            progress_percent=programme.progress_percent,
            start_date=programme.start_date,
            planned_end_date=programme.planned_end_date,
            template=programme.template_version.template.key,
            template_version=programme.template_version.number,
            plan_version=programme.plan_version,
        )


class PlanItemOut(Schema):
    id: UUID
    kind: str
    phase: str | None
    title: str
    description: str
    due_date: datetime.date | None
    done: bool
    version: int

    @staticmethod
    def from_item(item: PlanItem, phases: dict[int, str]) -> PlanItemOut:
        return PlanItemOut(
            id=item.public_id,
            kind=item.kind,
            phase=phases.get(item.phase_id) if item.phase_id else None,
            title=item.title,
            description=item.description,
            due_date=item.due_date,
            done=item.is_done,
            version=item.version,
        )


class PlanOut(Schema):
    plan_version: int
    items: list[PlanItemOut]


class DoneIn(Schema):
    done: bool


class PlanItemIn(TextIn):
    version: int
    title: str
    description: str = ""
    due_date: ApiDate | None = None


class ConflictOut(Schema):
    detail: str
    current: PlanItemOut


class ActivityOut(Schema):
    kind: str
    detail: str
    actor: str | None
    created_at: datetime.datetime

    @staticmethod
    def from_entry(entry: ActivityEntry) -> ActivityOut:
        return ActivityOut(
            kind=entry.kind,
            detail=entry.detail,
            actor=entry.actor.display_name if entry.actor else None,
            created_at=entry.created_at,
        )


def _phase_titles(programme: Programme) -> dict[int, str]:
    return dict(programme.phases.values_list("pk", "title"))


@router.get(
    "/a/{agency_slug}/programmes/",
    response={200: list[ProgrammeOut], **ERRORS},
    url_name="programme_list",
)
def programme_list(request: HttpRequest, agency_slug: str) -> list[ProgrammeOut]:
    viewer = current_membership(request)
    if not viewer.has(Cap.VIEW_PROGRAMME):
        raise HttpError(403, "Forbidden")
    programmes = (
        selectors.programmes_visible_to(viewer)
        .select_related("candidate__user", "current_phase", "template_version__template")
        .order_by("start_date", "pk")
    )
    return [ProgrammeOut.from_programme(p) for p in programmes]


@router.get(
    "/a/{agency_slug}/programmes/{programme_id}",
    response={200: ProgrammeOut, **ERRORS},
    url_name="programme_detail",
)
def programme_detail(request: HttpRequest, agency_slug: str, programme_id: UUID) -> ProgrammeOut:
    programme = _checked(
        lambda: access.get_programme(request, programme_id, need=Cap.VIEW_PROGRAMME)
    )
    return ProgrammeOut.from_programme(programme)


@router.get(
    "/a/{agency_slug}/programmes/{programme_id}/plan",
    response={200: PlanOut, **ERRORS},
    url_name="programme_plan",
)
def programme_plan(request: HttpRequest, agency_slug: str, programme_id: UUID) -> PlanOut:
    programme = _checked(
        lambda: access.get_programme(request, programme_id, need=Cap.VIEW_PROGRAMME)
    )
    phases = _phase_titles(programme)
    items = PlanItem.objects.filter(programme=programme).order_by(
        "phase__position", "position", "pk"
    )
    return PlanOut(
        plan_version=programme.plan_version,
        items=[PlanItemOut.from_item(item, phases) for item in items],
    )


@router.post(
    "/a/{agency_slug}/programmes/{programme_id}/plan/{item_id}/done",
    response={200: PlanItemOut, **WRITE_ERRORS},
    url_name="plan_item_done",
)
def plan_item_done(
    request: HttpRequest, agency_slug: str, programme_id: UUID, item_id: UUID, payload: DoneIn
) -> PlanItemOut:
    item = _checked(
        lambda: access.get_plan_item(request, programme_id, item_id, need=Cap.TICK_TASKS)
    )
    try:
        item = services.plan_item_set_done(
            item=item, actor=current_membership(request), done=payload.done
        )
    except DomainError as error:
        raise HttpError(400, error.message) from error
    return PlanItemOut.from_item(item, _phase_titles(item.programme))


@router.patch(
    "/a/{agency_slug}/programmes/{programme_id}/plan/{item_id}",
    response={200: PlanItemOut, 409: ConflictOut, **WRITE_ERRORS},
    url_name="plan_item_edit",
)
def plan_item_edit(
    request: HttpRequest, agency_slug: str, programme_id: UUID, item_id: UUID, payload: PlanItemIn
) -> Any:
    item = _checked(
        lambda: access.get_plan_item(request, programme_id, item_id, need=Cap.EDIT_PLAN)
    )
    phases = _phase_titles(item.programme)
    try:
        item = services.plan_item_edit(
            item=item,
            actor=current_membership(request),
            expected_version=payload.version,
            title=payload.title,
            description=payload.description,
            due_date=payload.due_date,
        )
    except services.PlanConflict as clash:
        return Status(
            409,
            ConflictOut(detail=clash.message, current=PlanItemOut.from_item(clash.current, phases)),
        )
    except DomainError as error:
        raise HttpError(400, error.message) from error
    except ValidationError as error:
        # A model rule the input schema cannot express: a 400 like a DomainError, so 422 keeps
        # one shape (ninja's list of schema errors).
        raise HttpError(400, "; ".join(error.messages)) from error
    return Status(200, PlanItemOut.from_item(item, phases))


@router.get(
    "/a/{agency_slug}/programmes/{programme_id}/activity",
    response={200: list[ActivityOut], **ERRORS},
    url_name="programme_activity",
)
def programme_activity(
    request: HttpRequest, agency_slug: str, programme_id: UUID
) -> list[ActivityOut]:
    programme = _checked(
        lambda: access.get_programme(request, programme_id, need=Cap.VIEW_PROGRAMME)
    )
    return [ActivityOut.from_entry(e) for e in selectors.activity_of(programme, limit=100)]


# --- the employer contact's report (springboard/programmes/reporting.py) -----------------


class CellOut(Schema):
    value: int | None
    suppressed: bool


class CohortReportOut(Schema):
    name: str
    total: CellOut
    by_status: dict[str, CellOut]


class EngagementReportOut(Schema):
    name: str
    total: CellOut
    by_status: dict[str, CellOut]
    cohorts: list[CohortReportOut]


@router.get(
    "/a/{agency_slug}/employer-report",
    response={200: list[EngagementReportOut], **ERRORS},
    url_name="employer_report",
)
def employer_report_api(request: HttpRequest, agency_slug: str) -> list[EngagementReportOut]:
    """Aggregates for an employer contact: totals only. Groups under 5 are suppressed, and so is
    every other cell from which one could be worked out (`value` null, `suppressed` true)."""
    viewer = require(request, Cap.VIEW_EMPLOYER_AGGREGATES)

    def cell(c: object) -> CellOut:
        value = getattr(c, "value", None)
        return CellOut(value=value, suppressed=value is None)

    return [
        EngagementReportOut(
            name=r.engagement.name,
            total=cell(r.total),
            by_status={k: cell(v) for k, v in r.by_status.items()},
            cohorts=[
                CohortReportOut(
                    name=c.cohort.name,
                    total=cell(c.total),
                    by_status={k: cell(v) for k, v in c.by_status.items()},
                )
                for c in r.cohorts
            ],
        )
        for r in employer_report(viewer)
    ]
