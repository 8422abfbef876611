"""Permission-matrix rows and URL arguments for the programmes app (pages and API).

Relations used here, beside those in tests/permission_matrix.py:
  same_agency          a programme (or template) of agency A the viewer's role may reach
  assigned             a programme of agency A the viewing coach is assigned to
  unassigned           a programme of agency A assigned to another coach → 404
  self                 the viewing candidate's own programme
  other                another candidate's programme in agency A → 404
  other_agency_object  agency A in the URL with an object id of agency B → 404
"""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

from springboard.programmes.content import load_shipped_templates
from springboard.programmes.models import (
    BulkStart,
    Intake,
    PlanItem,
    PlanItemKind,
    Programme,
    ProgrammeTemplate,
    ProgrammeTemplateVersion,
)
from springboard.programmes.services import intake_complete, template_version_create
from tests.employer_fixtures import make_cohort, make_engagement
from tests.factories import AgencyWorld, World, make_programme

Expectations = dict[str, dict[str, int]]
ROLES = ("admin", "coach", "employer_contact", "candidate")


def staff_page(admin: int, coach: int) -> Expectations:
    """A page without an object; employer contacts and candidates lack the capability."""
    table: Expectations = {role: {"own_agency": 403, "other_agency": 404} for role in ROLES}
    table["admin"] = {"own_agency": admin, "other_agency": 404}
    table["coach"] = {"own_agency": coach, "other_agency": 404}
    table["anonymous"] = {"any": 302}
    return table


def every_programme_viewer(ok: int, *, anonymous: int) -> Expectations:
    table = staff_page(ok, ok)
    table["candidate"] = {"own_agency": ok, "other_agency": 404}
    table["anonymous"] = {"any": anonymous}
    return table


def on_template(admin: int) -> Expectations:
    table: Expectations = {
        role: {"same_agency": 403, "other_agency_object": 404, "other_agency": 404}
        for role in ROLES
    }
    table["admin"] = {"same_agency": admin, "other_agency_object": 404, "other_agency": 404}
    table["anonymous"] = {"any": 302}
    return table


def only(role_allowed: str, ok: int) -> Expectations:
    """A page without an object for one role; every other role lacks the capability."""
    table: Expectations = {role: {"own_agency": 403, "other_agency": 404} for role in ROLES}
    table[role_allowed] = {"own_agency": ok, "other_agency": 404}
    table["anonymous"] = {"any": 302}
    return table


def on_engagement(admin: int) -> Expectations:
    """An engagement of agency A (same_agency) or B (other_agency_object); admins only."""
    return on_template(admin)


def on_programme(*, admin: int, coach: int, candidate: int, anonymous: int = 302) -> Expectations:
    """Scope first (out of scope → 404, like a missing id), then the role's capability."""
    return {
        "admin": {"same_agency": admin, "other_agency_object": 404, "other_agency": 404},
        "coach": {
            "assigned": coach,
            "unassigned": 404,
            "other_agency_object": 404,
            "other_agency": 404,
        },
        "employer_contact": {"same_agency": 404, "other_agency": 404},
        "candidate": {
            "self": candidate,
            "other": 404,
            "other_agency_object": 404,
            "other_agency": 404,
        },
        "anonymous": {"any": anonymous},
    }


PAGE_ROWS: dict[tuple[str, str], Expectations] = {
    ("programmes:caseload", "GET"): staff_page(200, 200),
    ("programmes:start", "GET"): staff_page(200, 403),
    ("programmes:start", "POST"): staff_page(200, 403),
    ("programmes:templates", "GET"): staff_page(200, 403),
    ("programmes:template_detail", "GET"): on_template(200),
    ("programmes:template_edit", "GET"): on_template(200),
    ("programmes:template_edit", "POST"): on_template(200),
    ("programmes:detail", "GET"): on_programme(admin=200, coach=200, candidate=200),
    ("programmes:intake", "GET"): on_programme(admin=200, coach=200, candidate=403),
    ("programmes:intake", "POST"): on_programme(admin=200, coach=200, candidate=403),
    ("programmes:transition", "GET"): on_programme(admin=200, coach=200, candidate=403),
    ("programmes:transition", "POST"): on_programme(admin=200, coach=200, candidate=403),
    # Admins for any programme; coaches for the candidates they coach (co-coach, hand over).
    ("programmes:coaches", "GET"): on_programme(admin=200, coach=200, candidate=403),
    ("programmes:coaches", "POST"): on_programme(admin=200, coach=200, candidate=403),
    ("programmes:task_done", "POST"): on_programme(admin=403, coach=302, candidate=302),
    ("programmes:item_add", "GET"): on_programme(admin=200, coach=200, candidate=403),
    ("programmes:item_add", "POST"): on_programme(admin=200, coach=200, candidate=403),
    ("programmes:item_edit", "GET"): on_programme(admin=200, coach=200, candidate=403),
    ("programmes:item_edit", "POST"): on_programme(admin=200, coach=200, candidate=403),
    ("programmes:checkin", "GET"): on_programme(admin=403, coach=403, candidate=200),
    ("programmes:checkin", "POST"): on_programme(admin=403, coach=403, candidate=200),
    ("programmes:consent", "POST"): on_programme(admin=403, coach=403, candidate=200),
    ("programmes:employer_overview", "GET"): only("employer_contact", 200),
    ("programmes:engagement_template", "GET"): on_engagement(200),
    # An empty form keeps "no template": saved, back to the engagement.
    ("programmes:engagement_template", "POST"): on_engagement(302),
    # Bulk start, admins only: a cohort's or an engagement's people, then its progress page.
    # An empty POST is refused by the form (200, nothing started).
    ("programmes:bulk_start_cohort", "GET"): on_engagement(200),
    ("programmes:bulk_start_cohort", "POST"): on_engagement(200),
    ("programmes:bulk_start_engagement", "GET"): on_engagement(200),
    ("programmes:bulk_start_engagement", "POST"): on_engagement(200),
    ("programmes:bulk_start_detail", "GET"): on_engagement(200),
}

# The API's rows, by the url_name given in springboard/programmes/api.py. The namespace is the
# one the NinjaAPI is mounted under; rows apply once the router is mounted.
API_ROWS: dict[tuple[str, str], Expectations] = {
    ("programme_list", "GET"): every_programme_viewer(200, anonymous=401),
    ("programme_detail", "GET"): on_programme(admin=200, coach=200, candidate=200, anonymous=401),
    ("programme_plan", "GET"): on_programme(admin=200, coach=200, candidate=200, anonymous=401),
    ("plan_item_done", "POST"): on_programme(admin=403, coach=200, candidate=200, anonymous=401),
    ("plan_item_edit", "PATCH"): on_programme(admin=200, coach=200, candidate=403, anonymous=401),
    ("programme_activity", "GET"): on_programme(admin=200, coach=200, candidate=200, anonymous=401),
    ("employer_report", "GET"): only("employer_contact", 200),
}
API_JSON_BODIES: dict[str, dict[str, Any]] = {
    "plan_item_done": {"done": True},
    "plan_item_edit": {"version": 1, "title": "Edited through the API"},
}


def _url_names(resolver: URLResolver, namespace: str = "") -> list[str]:
    names: list[str] = []
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names.extend(_url_names(pattern, inner))
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.append(f"{namespace}{pattern.name}")
    return names


def _mounted_api_names() -> dict[str, str]:
    """url_name → its full name wherever the API is mounted (empty until it is)."""
    short_names = {short for short, _method in API_ROWS}
    return {
        full.rsplit(":", 1)[-1]: full
        for full in _url_names(get_resolver())
        if full.startswith("api:") and full.rsplit(":", 1)[-1] in short_names
    }


API_NAMES = _mounted_api_names()

MATRIX: dict[tuple[str, str], Expectations] = dict(PAGE_ROWS)
MATRIX.update(
    {
        # The API answers anonymous callers 401 itself instead of redirecting to a login page.
        (API_NAMES[short], method): {**table, "anonymous": {"any": 401}}
        for (short, method), table in API_ROWS.items()
        if short in API_NAMES
    }
)
JSON_BODIES: dict[str, dict[str, Any]] = {
    API_NAMES[short]: body for short, body in API_JSON_BODIES.items() if short in API_NAMES
}

_TEMPLATE_URLS = {"template_detail", "template_edit"}
_ENGAGEMENT_URLS = {"engagement_template", "bulk_start_engagement"}
_COHORT_URLS = {"bulk_start_cohort"}
_BULK_START_URLS = {"bulk_start_detail"}
_PROGRAMME_URLS = {
    "detail",
    "intake",
    "transition",
    "coaches",
    "task_done",
    "item_add",
    "item_edit",
    "checkin",
    "consent",
    "programme_detail",
    "programme_plan",
    "plan_item_done",
    "plan_item_edit",
    "programme_activity",
}
_ITEM_URLS = {"task_done", "item_edit", "plan_item_done", "plan_item_edit"}
_API_URLS = {short for short, _method in API_ROWS}


def _with_plan(programme: Programme, side: AgencyWorld) -> Programme:
    if Intake.objects.filter(programme=programme).exists():
        return programme  # asked again by a page walk: the plan is there
    return intake_complete(
        programme=programme,
        actor=side.coach,
        language="en",
        answers=Intake(
            job_sought="Planner",
            dismissal_processing="no",
            skills="Planning",
            training_need="none",
            training_detail="",
            region="",
            travel_radius_km=None,
            hours="either",
            pay_expectation="",
            sector_change=False,
            self_employment="no",
        ),
    )


def _programme_for(relation: str, world: World) -> Programme:
    a, b = world.a, world.b
    if relation in {"other_agency", "other_agency_object"}:
        return _with_plan(make_programme(b, candidate=b.candidate, coaches=[b.coach]), b)
    if relation in {"unassigned", "other"}:
        return _with_plan(make_programme(a, candidate=a.candidate2, coaches=[a.coach2]), a)
    return _with_plan(make_programme(a, candidate=a.candidate, coaches=[a.coach]), a)


def _template_for(relation: str, world: World) -> ProgrammeTemplate:
    load_shipped_templates(ProgrammeTemplate, ProgrammeTemplateVersion)
    shipped = ProgrammeTemplate.objects.get(agency=None, key="five-steps")
    if relation in {"other_agency", "other_agency_object"}:
        content = shipped.versions.order_by("-number").first().content  # type: ignore[union-attr]
        version = template_version_create(template=shipped, actor=world.b.admin, content=content)
        return version.template
    return shipped


def _bulk_start_for(side: AgencyWorld) -> BulkStart:
    """A recorded bulk start of `side` (its task not run: the matrix only reads the page)."""
    load_shipped_templates(ProgrammeTemplate, ProgrammeTemplateVersion)
    version = ProgrammeTemplateVersion.objects.filter(template__agency=None).first()
    assert version is not None
    engagement = make_engagement(side)
    return BulkStart.objects.create(
        agency=side.agency,
        engagement=engagement,
        template_version=version,
        start_date=engagement.start_date,
        coach_capacity=10,
        requested_by=side.admin,
    )


def kwargs_for(name: str, relation: str, world: World) -> dict[str, Any]:
    short = name.rsplit(":", 1)[-1]
    slug = world.b.agency.slug if relation == "other_agency" else world.a.agency.slug
    kwargs: dict[str, Any] = {"agency_slug": slug}
    if short in _TEMPLATE_URLS:
        kwargs["public_id"] = _template_for(relation, world).public_id
    elif short in _ENGAGEMENT_URLS:
        side = world.b if relation in {"other_agency", "other_agency_object"} else world.a
        kwargs["public_id"] = make_engagement(side).public_id
    elif short in _COHORT_URLS:
        side = world.b if relation in {"other_agency", "other_agency_object"} else world.a
        kwargs["public_id"] = make_cohort(make_engagement(side)).public_id
    elif short in _BULK_START_URLS:
        side = world.b if relation in {"other_agency", "other_agency_object"} else world.a
        kwargs["public_id"] = _bulk_start_for(side).public_id
    elif short in _PROGRAMME_URLS:
        programme = _programme_for(relation, world)
        key = "programme_id" if short in _API_URLS else "public_id"
        kwargs[key] = programme.public_id
        if short in _ITEM_URLS:
            item = PlanItem.objects.filter(programme=programme, kind=PlanItemKind.TASK).first()
            assert item is not None
            kwargs["item_id"] = item.public_id
    return kwargs
