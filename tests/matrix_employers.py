"""Permission-matrix rows and URL arguments for the employers app (employers, contracts, enrolment).

Relations used here, beside those in tests/permission_matrix.py:
  same_agency          an object of agency A (the viewer's own)
  other_agency_object  agency A in the URL with an object id of agency B → 404
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

from springboard.employers.models import (
    ChecklistOwner,
    Cohort,
    CohortTask,
    Engagement,
    Enrolment,
)
from springboard.tenancy.roles import Role
from tests.employer_fixtures import make_import
from tests.factories import AgencyWorld, World, make_employer, make_member

Expectations = dict[str, dict[str, int]]
ROLES = ("admin", "coach", "employer_contact", "candidate")


def admin_object(ok: int) -> Expectations:
    table: Expectations = {
        role: {"same_agency": 403, "other_agency_object": 404, "other_agency": 404}
        for role in ROLES
    }
    table["admin"] = {"same_agency": ok, "other_agency_object": 404, "other_agency": 404}
    table["anonymous"] = {"any": 302}
    return table


def only(role_allowed: str, ok: int) -> Expectations:
    table: Expectations = {role: {"own_agency": 403, "other_agency": 404} for role in ROLES}
    table[role_allowed] = {"own_agency": ok, "other_agency": 404}
    table["anonymous"] = {"any": 302}
    return table


def checklist_object(
    *, admin: int, contact: int, contact_agency_step: int | None = None
) -> Expectations:
    """A cohort (or its step): admins any; an employer contact only their own employer's cohorts
    (another employer's → 404, the lookup first) and, to tick, only the employer's steps."""
    table = admin_object(admin)
    table["employer_contact"] = {
        "same_agency": contact,
        "other_employer": 404,
        "other_agency_object": 404,
        "other_agency": 404,
    }
    if contact_agency_step is not None:
        table["employer_contact"]["agency_step"] = contact_agency_step
    return table


MATRIX: dict[tuple[str, str], Expectations] = {
    ("employers:employer_list", "GET"): only("admin", 200),
    ("employers:employer_create", "GET"): only("admin", 200),
    ("employers:employer_create", "POST"): only("admin", 200),
    ("employers:checklist_template", "GET"): only("admin", 200),
    ("employers:checklist_template", "POST"): only("admin", 200),
    ("employers:candidate_privacy", "GET"): only("candidate", 200),
    ("employers:candidate_privacy", "POST"): only("candidate", 302),
    ("employers:contact_cohorts", "GET"): only("employer_contact", 200),
    ("employers:employer_detail", "GET"): admin_object(200),
    ("employers:employer_edit", "GET"): admin_object(200),
    ("employers:employer_edit", "POST"): admin_object(200),
    ("employers:engagement_create", "GET"): admin_object(200),
    ("employers:engagement_create", "POST"): admin_object(200),
    ("employers:engagement_detail", "GET"): admin_object(200),
    ("employers:engagement_edit", "GET"): admin_object(200),
    ("employers:engagement_edit", "POST"): admin_object(200),
    ("employers:cohort_create", "GET"): admin_object(200),
    ("employers:cohort_create", "POST"): admin_object(200),
    ("employers:enrol", "GET"): admin_object(200),
    ("employers:enrol", "POST"): admin_object(200),
    ("employers:import_upload", "GET"): admin_object(200),
    ("employers:import_upload", "POST"): admin_object(200),
    ("employers:cohort_detail", "GET"): checklist_object(admin=200, contact=200),
    ("employers:cohort_invitation_sheet", "GET"): admin_object(302),
    ("employers:cohort_task_toggle", "POST"): checklist_object(
        admin=302, contact=302, contact_agency_step=403
    ),
    ("employers:enrolment_invitation", "POST"): admin_object(200),
    ("employers:import_detail", "GET"): admin_object(200),
    ("employers:import_detail", "POST"): admin_object(200),
    ("employers:import_start", "POST"): admin_object(302),
    ("employers:import_errors", "GET"): admin_object(200),
}

_OBJECT_OF_URL = {
    "employer_detail": "employer",
    "employer_edit": "employer",
    "engagement_create": "employer",
    "engagement_detail": "engagement",
    "engagement_edit": "engagement",
    "cohort_create": "engagement",
    "enrol": "engagement",
    "import_upload": "engagement",
    "cohort_detail": "cohort",
    "cohort_invitation_sheet": "cohort",
    "cohort_task_toggle": "task",
    "enrolment_invitation": "enrolment",
    "import_detail": "import",
    "import_start": "import",
    "import_errors": "import",
}


def _objects(side: AgencyWorld) -> dict[str, Any]:
    engagement = Engagement.objects.create(
        agency=side.agency,
        employer=side.employer,
        name="Restructuring",
        start_date=date(2026, 1, 5),
    )
    cohort = Cohort.objects.create(
        engagement=engagement, name="Round 1", notice_date=date(2026, 2, 1)
    )
    # The employer's step: its contact may tick it (an agency step is the "agency_step" relation).
    task = CohortTask.objects.create(
        cohort=cohort,
        title="Plan",
        due_date=date(2026, 1, 20),
        owner_side=ChecklistOwner.EMPLOYER,
    )
    candidate = make_member(side.agency, Role.CANDIDATE, mfa=False)
    candidate.user.set_unusable_password()
    candidate.user.save(update_fields=["password"])
    # Enrolled, not yet joined: the printed invitation is what the admin asks for.
    candidate.joined_at = None
    candidate.save(update_fields=["joined_at"])
    enrolment = Enrolment.objects.create(
        agency=side.agency, engagement=engagement, cohort=cohort, candidate=candidate
    )
    upload = make_import(engagement)
    return {
        "employer": side.employer,
        "engagement": engagement,
        "cohort": cohort,
        "task": task,
        "enrolment": enrolment,
        "import": upload,
    }


def kwargs_for(name: str, relation: str, world: World) -> dict[str, Any]:
    short = name.split(":", 1)[1]
    slug = world.b.agency.slug if relation == "other_agency" else world.a.agency.slug
    kind = _OBJECT_OF_URL.get(short)
    if kind is None:
        return {"agency_slug": slug}
    side = world.b if relation in {"other_agency", "other_agency_object"} else world.a
    if relation == "other_employer":
        # Agency A's own data, but another employer's engagement than the contact's.
        side = dataclasses.replace(side, employer=make_employer(side.agency, "Other employer"))
    objects = _objects(side)
    if relation == "agency_step":
        objects["task"] = CohortTask.objects.create(
            cohort=objects["cohort"], title="Agency step", due_date=date(2026, 1, 21)
        )
    return {"agency_slug": slug, "public_id": objects[kind].public_id}


# --- the API (namespace "api", shared with other apps) ---------------------------------------


def api_admin_object(ok: int) -> Expectations:
    table = admin_object(ok)
    table["anonymous"] = {"any": 401}
    return table


def api_only(role_allowed: str, ok: int) -> Expectations:
    table = only(role_allowed, ok)
    table["anonymous"] = {"any": 401}
    return table


API_MATRIX: dict[tuple[str, str], Expectations] = {
    ("api:employers", "GET"): api_only("admin", 200),
    ("api:employer_create", "POST"): api_only("admin", 201),
    ("api:employer", "GET"): api_admin_object(200),
    ("api:employer_engagements", "GET"): api_admin_object(200),
    ("api:engagement_create", "POST"): api_admin_object(201),
    ("api:engagement", "GET"): api_admin_object(200),
    ("api:engagement_cohorts", "GET"): api_admin_object(200),
    ("api:cohort_create", "POST"): api_admin_object(201),
    ("api:engagement_imports", "POST"): api_admin_object(201),
    ("api:import", "GET"): api_admin_object(200),
    ("api:import_start", "POST"): api_admin_object(400),
    ("api:openapi-json", "GET"): {
        **{role: {"none": 200} for role in ROLES},
        "anonymous": {"any": 200},
    },
    ("api:api-root", "GET"): {**{role: {"none": 404} for role in ROLES}, "anonymous": {"any": 404}},
}
MATRIX.update(API_MATRIX)

_API_OBJECT = {
    "api:employer": ("employer_id", "employer"),
    "api:employer_engagements": ("employer_id", "employer"),
    "api:engagement_create": ("employer_id", "employer"),
    "api:engagement": ("engagement_id", "engagement"),
    "api:engagement_cohorts": ("engagement_id", "engagement"),
    "api:cohort_create": ("engagement_id", "engagement"),
    "api:engagement_imports": ("engagement_id", "engagement"),
    "api:import": ("import_id", "import"),
    "api:import_start": ("import_id", "import"),
}
JSON_BODIES: dict[str, dict[str, Any]] = {
    "api:employer_create": {"name": "Made through the API"},
    "api:engagement_create": {"name": "API engagement", "start_date": "2026-04-01"},
    "api:cohort_create": {"name": "API round", "notice_date": "2026-04-15"},
    "api:import_start": {},
}


def multipart_bodies() -> dict[str, dict[str, Any]]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    csv = b"name,email\nAda Lovelace,ada@example.test\n"
    return {
        "api:engagement_imports": {"file": SimpleUploadedFile("hr.csv", csv, "text/csv")},
    }


def api_kwargs_for(name: str, relation: str, world: World) -> dict[str, Any]:
    if name in {"api:openapi-json", "api:api-root"}:
        return {}
    slug = world.b.agency.slug if relation == "other_agency" else world.a.agency.slug
    if name not in _API_OBJECT:
        return {"agency_slug": slug}
    argument, kind = _API_OBJECT[name]
    side = world.b if relation in {"other_agency", "other_agency_object"} else world.a
    return {"agency_slug": slug, argument: _objects(side)[kind].public_id}
