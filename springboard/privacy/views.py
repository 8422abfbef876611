from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from springboard.lib.pagination import paginate, query_without_page
from springboard.privacy.audit_forms import AuditSearchForm, PeriodForm
from springboard.privacy.models import AuditEvent
from springboard.privacy.selectors import (
    audit_actions,
    audit_events,
    audit_target_types,
    events_about,
    staff_by_user,
    within_period,
)
from springboard.tenancy import access
from springboard.tenancy.models import Membership
from springboard.tenancy.roles import Cap, Role


@require_GET
def audit(request: HttpRequest, agency_slug: str) -> HttpResponse:
    membership = access.require(request, Cap.VIEW_AUDIT)
    agency = membership.agency
    filters = AuditSearchForm(
        request.GET or None,
        agency=agency,
        actions=audit_actions(agency),
        targets=audit_target_types(agency),
    )
    valid = filters.is_bound and filters.is_valid()
    criteria = filters.cleaned_data if valid else {}
    events = audit_events(
        agency,
        action=criteria.get("action", ""),
        actor=criteria.get("actor", ""),
        since=criteria.get("since"),
        until=criteria.get("until"),
        people=criteria.get("people"),
        target_type=criteria.get("target", ""),
    )
    # A search that could not be understood shows nothing rather than everything.
    page = paginate(request, events if valid or not filters.is_bound else events.none(), 50)
    return render(
        request,
        "privacy/audit.html",
        {"filters": filters, "page": page, "query": query_without_page(request)},
    )


@dataclass(frozen=True)
class SeenBy:
    """Who did something, as the candidate sees them: their name and role in this agency."""

    name: str
    role: str


def _seen_by(event: AuditEvent, viewer: Membership, staff: dict[int, Membership]) -> SeenBy:
    if event.actor_id is None:
        return SeenBy(_("Springboard"), _("automatic"))
    if event.actor_id == viewer.user_id:
        return SeenBy(_("You"), "")
    member = staff.get(event.actor_id)
    if member is None:
        return SeenBy(_("Someone no longer with this agency"), "")
    return SeenBy(member.display_name, str(Role(member.role).label))


@require_GET
def my_data_log(request: HttpRequest, agency_slug: str) -> HttpResponse:
    """Who looked at my data: the events about the viewer in this agency, newest first."""
    viewer = access.require(request, Cap.OWN_CANDIDATE_WORK)
    filters = PeriodForm(request.GET or None)
    criteria = filters.cleaned_data if filters.is_bound and filters.is_valid() else {}
    events = within_period(
        events_about(viewer), since=criteria.get("since"), until=criteria.get("until")
    ).order_by("-created_at", "-id")
    page = paginate(request, events)
    staff = staff_by_user(
        viewer.agency, {e.actor_id for e in page.object_list if e.actor_id is not None}
    )
    rows = [(event, _seen_by(event, viewer, staff)) for event in page.object_list]
    return render(
        request,
        "privacy/myaudit/log.html",
        {"filters": filters, "page": page, "rows": rows, "query": query_without_page(request)},
    )
