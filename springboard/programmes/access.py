"""From request ids to programme objects.

Scope first, then capability: a programme outside the viewer's scope (another agency, a coach's
unassigned candidate, another candidate) is a 404 — the same answer as a missing id — and only
a programme the viewer may see can answer 403 for a capability their role lacks.
"""

from __future__ import annotations

import datetime
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone

from springboard.programmes.models import (
    BulkStart,
    PlanItem,
    Programme,
    ProgrammeStatus,
    ProgrammeTemplate,
)
from springboard.programmes.selectors import programmes_visible_to, templates_of
from springboard.tenancy.access import current_membership
from springboard.tenancy.models import Membership
from springboard.tenancy.roles import Cap


def get_programme(request: HttpRequest, public_id: UUID, *, need: Cap) -> Programme:
    viewer = current_membership(request)
    programme = (
        programmes_visible_to(viewer)
        .select_related("candidate__user", "template_version__template", "enrolment__engagement")
        .filter(public_id=public_id)
        .first()
    )
    if programme is None:
        raise Http404
    if not viewer.has(need):
        raise PermissionDenied
    programme.agency = viewer.agency
    return programme


def get_plan_item(
    request: HttpRequest, programme_id: UUID, item_id: UUID, *, need: Cap
) -> PlanItem:
    programme = get_programme(request, programme_id, need=need)
    item = PlanItem.objects.filter(programme=programme, public_id=item_id).first()
    if item is None:
        raise Http404
    item.programme = programme
    return item


def get_template(request: HttpRequest, public_id: UUID, *, need: Cap) -> ProgrammeTemplate:
    viewer = current_membership(request)
    template = next((t for t in templates_of(viewer.agency) if t.public_id == public_id), None)
    if template is None:
        raise Http404
    if not viewer.has(need):
        raise PermissionDenied
    return template


def get_bulk_start(request: HttpRequest, public_id: UUID, *, need: Cap) -> BulkStart:
    viewer = current_membership(request)
    bulk = (
        BulkStart.objects.select_related("engagement__employer", "cohort", "template_version")
        .filter(agency=viewer.agency, public_id=public_id)
        .first()
    )
    if bulk is None:
        raise Http404
    if not viewer.has(need):
        raise PermissionDenied
    return bulk


def closed_programme_ends(candidates: QuerySet[Membership]) -> dict[int, datetime.date]:
    """For each of `candidates` whose programmes have all closed (at least one): the day the
    last one closed (its closing status change; the planned end for one closed without a
    recorded change). Candidates with a running programme, or none, are not in the answer:
    alumni access (privacy/alumni.py) starts from this day. One query."""
    rows = (
        Programme.objects.filter(candidate__in=candidates)
        .order_by()
        .values("candidate_id")
        .annotate(
            still_open=Count("pk", filter=~Q(status=ProgrammeStatus.CLOSED), distinct=True),
            closed_at=Max(
                "transitions__created_at",
                filter=Q(transitions__to_status=ProgrammeStatus.CLOSED),
            ),
            planned_end=Max("planned_end_date"),
        )
        .filter(still_open=0)
    )
    return {
        row["candidate_id"]: (
            timezone.localdate(row["closed_at"]) if row["closed_at"] else row["planned_end"]
        )
        for row in rows
    }
