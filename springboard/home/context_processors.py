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


class NavGroup(NamedTuple):
    """A dropdown of the menu; `items` are the ones the viewer's role may open."""

    label: str
    items: list[NavItem]
    active: bool


# A role with more items than this gets them grouped into dropdowns (the admin's eight items,
# the language select and the user menu do not fit one line at 1280 px); smaller menus stay flat.
FLAT_MENU_MAX = 5

# Menu groups: item URL name → group label. An item outside this table, or alone in its group
# for the viewer's role, is a plain link.
_GROUP_OF: dict[str, Any] = {
    "tenancy:members": _("People"),
    "programmes:caseload": _("People"),
    "programmes:templates": _("Programmes"),
    "taxonomy:occupation_search": _("Programmes"),
    "employers:checklist_template": _("Settings"),
    "privacy:audit": _("Settings"),
    "erasure:settings": _("Settings"),
    "erasure:requests": _("Settings"),
    "exports:members": _("Settings"),
    "tokens:agency": _("Settings"),
    "sso:list": _("Settings"),
    "myaudit:log": _("Privacy"),
    "erasure:mine": _("Privacy"),
    "employers:candidate_privacy": _("Privacy"),
    "profiles:profile": _("My work"),
    "assessments:list": _("My work"),
    "opportunities:list": _("My work"),
    "network:contacts": _("My work"),
    "cvs:list": _("My work"),
    "coaching:sessions": _("Coaching"),
    "coaching:calendar": _("Coaching"),
    "coaching:coaches": _("Coaching"),
    "coaching:workshops": _("Coaching"),
    "coaching:profile": _("Coaching"),
    "coaching:requests": _("Coaching"),
    "jobs:for_you": _("Job search"),
    "jobs:applications": _("Job search"),
    "jobs:targets": _("Job search"),
    "jobs:vacancies": _("Job search"),
    "outcomes:dashboard": _("Reports"),
    "outcomes:invoicing": _("Reports"),
}

# Candidates, their coaches and the agency's admins use the coaching pages.
_COACHING_USERS = (Cap.OWN_CANDIDATE_WORK, Cap.REVIEW_CANDIDATE_WORK, Cap.MANAGE_PROGRAMMES)

# (label, URL name, capability needed (any one of a tuple), URL names that highlight the item;
# "app:*" stands for every page of that app)
_TENANT_NAV: tuple[tuple[Any, str, Cap | tuple[Cap, ...], frozenset[str]], ...] = (
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
                # A coach's pages on one candidate's work belong to the caseload.
                "profiles:*",
                "assessments:*",
                "opportunities:*",
                "network:*",
                "cvs:*",
            }
        ),
    ),
    (_("My profile"), "profiles:profile", Cap.OWN_CANDIDATE_WORK, frozenset({"profiles:*"})),
    (
        _("Tests and questionnaires"),
        "assessments:list",
        Cap.OWN_CANDIDATE_WORK,
        frozenset({"assessments:*"}),
    ),
    (
        _("Opportunities"),
        "opportunities:list",
        Cap.OWN_CANDIDATE_WORK,
        frozenset({"opportunities:*"}),
    ),
    (_("My network"), "network:contacts", Cap.OWN_CANDIDATE_WORK, frozenset({"network:*"})),
    (_("CVs and letters"), "cvs:list", Cap.OWN_CANDIDATE_WORK, frozenset({"cvs:*"})),
    (_("Jobs for you"), "jobs:for_you", Cap.OWN_CANDIDATE_WORK, frozenset({"jobs:for_you"})),
    (
        _("Applications"),
        "jobs:applications",
        Cap.OWN_CANDIDATE_WORK,
        frozenset(
            {
                "jobs:applications",
                "jobs:application",
                "jobs:application_add",
                "jobs:interview",
                "jobs:offers",
            }
        ),
    ),
    (_("Target companies"), "jobs:targets", Cap.OWN_CANDIDATE_WORK, frozenset({"jobs:targets"})),
    (
        _("Vacancies"),
        "jobs:vacancies",
        (Cap.OWN_CANDIDATE_WORK, Cap.VIEW_CASELOAD),
        frozenset({"jobs:vacancies", "jobs:vacancy", "jobs:vacancy_add", "jobs:vacancy_import"}),
    ),
    (
        _("Coaching sessions"),
        "coaching:sessions",
        _COACHING_USERS,
        frozenset(
            {
                "coaching:sessions",
                "coaching:session_detail",
                "coaching:session_book",
                "coaching:notes",
                "coaching:budget",
            }
        ),
    ),
    (
        _("Calendar"),
        "coaching:calendar",
        (Cap.OWN_CANDIDATE_WORK, Cap.REVIEW_CANDIDATE_WORK),
        frozenset({"coaching:calendar"}),
    ),
    (
        _("Coaches"),
        "coaching:coaches",
        _COACHING_USERS,
        frozenset({"coaching:coaches", "coaching:change_request"}),
    ),
    (
        _("Workshops and modules"),
        "coaching:workshops",
        _COACHING_USERS,
        frozenset({"coaching:workshops", "coaching:workshop_detail", "coaching:workshop_add"}),
    ),
    (
        _("My coach profile"),
        "coaching:profile",
        Cap.REVIEW_CANDIDATE_WORK,
        frozenset({"coaching:profile"}),
    ),
    (
        _("Requests"),
        "coaching:requests",
        Cap.MANAGE_PROGRAMMES,
        frozenset({"coaching:requests"}),
    ),
    (
        _("Outcomes"),
        "outcomes:dashboard",
        Cap.VIEW_CASELOAD,
        frozenset({"outcomes:dashboard", "outcomes:outcome_edit"}),
    ),
    (
        _("Invoicing basis"),
        "outcomes:invoicing",
        Cap.MANAGE_PROGRAMMES,
        frozenset({"outcomes:invoicing"}),
    ),
    (
        _("Outcomes report"),
        "outcomes:employer_report",
        Cap.VIEW_EMPLOYER_AGGREGATES,
        frozenset({"outcomes:employer_report"}),
    ),
    (
        _("Personal budgets"),
        "coaching:employer_spend",
        Cap.VIEW_EMPLOYER_AGGREGATES,
        frozenset({"coaching:employer_spend"}),
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
        _("Privacy settings"),
        "erasure:settings",
        Cap.MANAGE_MEMBERS,
        frozenset({"erasure:settings"}),
    ),
    (
        _("Erasure requests"),
        "erasure:requests",
        Cap.MANAGE_MEMBERS,
        frozenset({"erasure:requests", "erasure:request_detail"}),
    ),
    (
        _("Data exports for members"),
        "exports:members",
        Cap.MANAGE_MEMBERS,
        frozenset({"exports:members"}),
    ),
    (
        _("API tokens of the agency"),
        "tokens:agency",
        Cap.MANAGE_MEMBERS,
        frozenset({"tokens:agency"}),
    ),
    (
        _("Single sign-on"),
        "sso:list",
        Cap.MANAGE_MEMBERS,
        frozenset({"sso:list", "sso:create", "sso:edit"}),
    ),
    (
        _("What my employer sees"),
        "employers:candidate_privacy",
        Cap.GIVE_EMPLOYER_CONSENT,
        frozenset({"employers:candidate_privacy"}),
    ),
    (_("Who looked at my data"), "myaudit:log", Cap.OWN_CANDIDATE_WORK, frozenset({"myaudit:log"})),
    (_("Erase my data"), "erasure:mine", Cap.OWN_CANDIDATE_WORK, frozenset({"erasure:mine"})),
)


def _grouped(items: list[tuple[str, NavItem]]) -> list[NavItem | NavGroup]:
    """Items in menu order, those of a group gathered into one dropdown where the first one was."""
    members: dict[str, list[NavItem]] = {}
    for url_name, item in items:
        if url_name in _GROUP_OF:
            members.setdefault(str(_GROUP_OF[url_name]), []).append(item)
    entries: list[NavItem | NavGroup] = []
    placed: set[str] = set()
    for url_name, item in items:
        group = str(_GROUP_OF[url_name]) if url_name in _GROUP_OF else None
        if group is None or len(members[group]) == 1:
            entries.append(item)
        elif group not in placed:
            placed.add(group)
            entries.append(NavGroup(group, members[group], any(i.active for i in members[group])))
    return entries


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The navigation for the viewer's role in the current agency (none outside an agency).

    `nav_items` is the flat list; `nav_entries` is what the menu shows: links and, for a role
    with many items, dropdown groups (`NavGroup`).
    """
    membership = getattr(request, "membership", None)
    visible: list[tuple[str, NavItem]] = []
    if membership is not None:
        current = request.resolver_match.view_name if request.resolver_match else ""
        current_app = current.split(":", 1)[0] + ":*"
        for label, url_name, cap, highlights in _TENANT_NAV:
            if any(membership.has(c) for c in (cap if isinstance(cap, tuple) else (cap,))):
                url = reverse(url_name, kwargs={"agency_slug": membership.agency.slug})
                active = current in highlights or current_app in highlights
                visible.append((url_name, NavItem(str(label), url, active)))
    nav = [item for _name, item in visible]
    entries: list[NavItem | NavGroup] = (
        list(nav) if len(nav) <= FLAT_MENU_MAX else _grouped(visible)
    )
    return {"nav_items": nav, "nav_entries": entries}
