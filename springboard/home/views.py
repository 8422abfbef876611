"""Each role's home page in an agency: the top layer, so it may show any app's data."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from springboard.privacy.selectors import recent_events
from springboard.programmes.reporting import STATUS_HEADINGS, employer_report
from springboard.programmes.selectors import candidate_home
from springboard.programmes.views import caseload_context
from springboard.tenancy import access
from springboard.tenancy.roles import Cap, Role
from springboard.tenancy.selectors import agency_overview

_HOME_TEMPLATES = {
    Role.ADMIN: "home/admin.html",
    Role.COACH: "home/coach.html",
    Role.EMPLOYER_CONTACT: "home/employer_contact.html",
    Role.CANDIDATE: "home/candidate.html",
}


@require_GET
def agency_home(request: HttpRequest, agency_slug: str) -> HttpResponse:
    membership = access.require(request, Cap.VIEW_HOME)
    context: dict[str, object] = {"membership": membership}
    if membership.role == Role.ADMIN:
        context["overview"] = agency_overview(membership.agency)
        context["recent_events"] = recent_events(membership.agency, limit=5)
    elif membership.role == Role.COACH:
        context.update(caseload_context(request, membership))
    elif membership.role == Role.CANDIDATE:
        context.update(candidate_home(membership))
    elif membership.role == Role.EMPLOYER_CONTACT:
        context["reports"] = employer_report(membership)
        context["status_labels"] = STATUS_HEADINGS
    return render(request, _HOME_TEMPLATES[Role(membership.role)], context)
