"""The navigation of the page shell: it names every app's pages, so it sits in the top layer."""

from __future__ import annotations

from typing import Any, NamedTuple

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from springboard.tenancy.roles import Cap


class NavItem(NamedTuple):
    label: str
    url: str
    active: bool


# (label, URL name, capability needed, URL names that highlight the item)
_TENANT_NAV: tuple[tuple[Any, str, Cap, frozenset[str]], ...] = (
    (_("Home"), "home:agency", Cap.VIEW_HOME, frozenset({"home:agency"})),
    (
        _("Employers"),
        "employers:employer_list",
        Cap.MANAGE_EMPLOYERS,
        frozenset(
            {
                "employers:employer_list",
                "employers:employer_create",
                "employers:employer_detail",
                "employers:employer_edit",
                "employers:engagement_create",
                "employers:engagement_detail",
                "employers:engagement_edit",
                "programmes:engagement_template",
                "employers:cohort_create",
                "employers:cohort_detail",
                "employers:enrol",
                "employers:import_upload",
                "employers:import_detail",
            }
        ),
    ),
    (
        _("Outplacement overview"),
        "programmes:employer_overview",
        Cap.VIEW_EMPLOYER_AGGREGATES,
        frozenset({"programmes:employer_overview"}),
    ),
    (
        _("Members"),
        "tenancy:members",
        Cap.MANAGE_MEMBERS,
        frozenset({"tenancy:members", "tenancy:member_invite", "tenancy:member_edit"}),
    ),
    (
        _("Preparation checklist"),
        "employers:checklist_template",
        Cap.MANAGE_CHECKLISTS,
        frozenset({"employers:checklist_template"}),
    ),
    (
        _("Caseload"),
        "programmes:caseload",
        Cap.VIEW_CASELOAD,
        frozenset(
            {
                "programmes:caseload",
                "programmes:start",
                "programmes:detail",
                "programmes:intake",
                "programmes:transition",
                "programmes:coaches",
                "programmes:item_edit",
                "programmes:item_add",
            }
        ),
    ),
    (
        _("Programme templates"),
        "programmes:templates",
        Cap.MANAGE_PROGRAMME_TEMPLATES,
        frozenset(
            {"programmes:templates", "programmes:template_detail", "programmes:template_edit"}
        ),
    ),
    (
        _("Occupations"),
        "taxonomy:occupation_search",
        Cap.VIEW_HOME,
        frozenset(
            {
                "taxonomy:occupation_search",
                "taxonomy:occupation_detail",
                "taxonomy:skill_detail",
            }
        ),
    ),
    (_("Audit log"), "privacy:audit", Cap.VIEW_AUDIT, frozenset({"privacy:audit"})),
    (
        _("Privacy"),
        "employers:candidate_privacy",
        Cap.GIVE_EMPLOYER_CONSENT,
        frozenset({"employers:candidate_privacy"}),
    ),
)


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The navigation for the viewer's role in the current agency (none outside an agency)."""
    membership = getattr(request, "membership", None)
    nav: list[NavItem] = []
    if membership is not None:
        current = request.resolver_match.view_name if request.resolver_match else ""
        for label, url_name, cap, highlights in _TENANT_NAV:
            if membership.has(cap):
                url = reverse(url_name, kwargs={"agency_slug": membership.agency.slug})
                nav.append(NavItem(str(label), url, current in highlights))
    return {"nav_items": nav}
