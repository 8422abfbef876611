from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from springboard.lib.pagination import paginate, query_without_page
from springboard.privacy.forms import AuditFilterForm
from springboard.privacy.selectors import audit_actions, audit_events
from springboard.tenancy import access
from springboard.tenancy.roles import Cap


@require_GET
def audit(request: HttpRequest, agency_slug: str) -> HttpResponse:
    membership = access.require(request, Cap.VIEW_AUDIT)
    filters = AuditFilterForm(request.GET or None, actions=audit_actions(membership.agency))
    criteria = filters.cleaned_data if filters.is_bound and filters.is_valid() else {}
    page = paginate(
        request,
        audit_events(
            membership.agency,
            action=criteria.get("action", ""),
            actor=criteria.get("actor", ""),
            since=criteria.get("since"),
            until=criteria.get("until"),
        ),
        per_page=50,
    )
    return render(
        request,
        "privacy/audit.html",
        {"filters": filters, "page": page, "query": query_without_page(request)},
    )
