"""Permission-matrix rows and URL arguments for the cvs app (pages and API).

Relations: see tests/matrix_programmes.py (self, other, assigned, unassigned, own_agency,
other_agency, other_agency_object), and
  same_agency   for admins and employer contacts: a document of agency A's candidate

A CV or letter is in scope for its candidate and the coaches of the candidate's programmes only:
for everybody else it is a 404 like a missing id (admins and employer contacts never see one).
In scope, writing needs the candidate's capability (a coach gets 403) and commenting the coach's
(the candidate gets 403).
"""

from __future__ import annotations

from typing import Any

from springboard.cvs.content import empty_content
from springboard.cvs.models import LinkedInSuggestion
from springboard.cvs.services import cv_create, letter_create
from springboard.programmes.models import Programme
from springboard.tenancy.models import Membership
from tests.factories import World, make_programme

Expectations = dict[str, dict[str, int]]
ROLES = ("admin", "coach", "employer_contact", "candidate")


def candidate_page(ok: int, *, anonymous: int = 302) -> Expectations:
    """A page of the candidate's own work without an object id."""
    table: Expectations = {role: {"own_agency": 403, "other_agency": 404} for role in ROLES}
    table["candidate"] = {"own_agency": ok, "other_agency": 404}
    table["anonymous"] = {"any": anonymous}
    return table


def document(candidate: int, coach: int, *, anonymous: int = 302) -> Expectations:
    """A CV, letter or version: its candidate and their coaches reach it, nobody else."""
    outside = {"same_agency": 404, "other_agency_object": 404, "other_agency": 404}
    return {
        "admin": dict(outside),
        "employer_contact": dict(outside),
        "coach": {
            "assigned": coach,
            "unassigned": 404,
            "other_agency_object": 404,
            "other_agency": 404,
        },
        "candidate": {
            "self": candidate,
            "other": 404,
            "other_agency_object": 404,
            "other_agency": 404,
        },
        "anonymous": {"any": anonymous},
    }


def own_row(ok: int) -> Expectations:
    """A row only its candidate reaches (a LinkedIn suggestion)."""
    return document(ok, 404)


def coached(coach: int) -> Expectations:
    """Through a programme: its coaches only; admins 403, everyone out of scope 404."""
    return {
        "admin": {"same_agency": 403, "other_agency_object": 404, "other_agency": 404},
        "coach": {
            "assigned": coach,
            "unassigned": 404,
            "other_agency_object": 404,
            "other_agency": 404,
        },
        "employer_contact": {"same_agency": 404, "other_agency": 404},
        "candidate": {"self": 403, "other": 404, "other_agency_object": 404, "other_agency": 404},
        "anonymous": {"any": 302},
    }


def _api(table: Expectations) -> Expectations:
    return {**table, "anonymous": {"any": 401}}


MATRIX: dict[tuple[str, str], Expectations] = {
    ("cvs:list", "GET"): candidate_page(200),
    ("cvs:create", "GET"): candidate_page(200),
    ("cvs:create", "POST"): candidate_page(200),  # empty form: errors shown
    ("cvs:json_import", "GET"): candidate_page(200),
    ("cvs:json_import", "POST"): candidate_page(200),  # no file: the form says so
    ("cvs:linkedin", "GET"): candidate_page(200),
    ("cvs:linkedin", "POST"): candidate_page(200),  # no file: the form says so
    ("cvs:linkedin_suggestion", "POST"): own_row(302),
    ("cvs:linkedin_task", "POST"): candidate_page(302),  # no point named: back with a message
    ("cvs:coach_list", "GET"): coached(200),
    ("cvs:detail", "GET"): document(200, 200),
    ("cvs:edit", "GET"): document(200, 403),
    ("cvs:edit", "POST"): document(200, 403),  # empty form: errors shown
    ("cvs:delete", "POST"): document(302, 403),
    ("cvs:json_export", "GET"): document(200, 200),
    ("cvs:download", "GET"): document(200, 200),
    ("cvs:comment", "POST"): document(403, 302),  # empty comment: back with a message
    ("cvs:letter_create", "GET"): candidate_page(200),
    ("cvs:letter_create", "POST"): candidate_page(200),
    ("cvs:letter_detail", "GET"): document(200, 200),
    ("cvs:letter_edit", "GET"): document(200, 403),
    ("cvs:letter_edit", "POST"): document(200, 403),
    ("cvs:letter_delete", "POST"): document(302, 403),
    ("cvs:letter_download", "GET"): document(200, 200),
    ("cvs:letter_comment", "POST"): document(403, 302),
    # Staff without ?candidate= import for nobody: 403 (a coach names a coached candidate).
    ("api:cvs_import_json_resume", "POST"): _api(candidate_page(201)),
    ("api:cvs_export_json_resume", "GET"): _api(document(200, 200)),
    ("api:cvs_versions", "GET"): _api(candidate_page(200)),
}
# JSON bodies of non-GET API rows, by URL name.
JSON_BODIES: dict[str, dict[str, Any]] = {
    "api:cvs_import_json_resume": {"basics": {"name": "Matrix Kandidat"}},
}

_CV_URLS = {"detail", "edit", "delete", "json_export", "cvs_export_json_resume"}
_CV_VERSION_URLS = {"download", "comment"}
_LETTER_URLS = {"letter_detail", "letter_edit", "letter_delete"}
_LETTER_VERSION_URLS = {"letter_download", "letter_comment"}


def _owner(relation: str, world: World) -> Membership:
    """Whose document: agency A's candidate (self, assigned, same_agency), A's other candidate
    (other, unassigned, whose programme coach2 coaches) or agency B's candidate."""
    if relation in {"self", "assigned", "same_agency"}:
        return world.a.candidate
    if relation in {"other", "unassigned"}:
        return world.a.candidate2
    return world.b.candidate


def _coached(relation: str, world: World) -> Any:
    """A programme of the owner, coached by the coach of its side (coach2 for `unassigned`)."""
    side = world.b if relation in {"other_agency", "other_agency_object"} else world.a
    owner = _owner(relation, world)
    coach = side.coach2 if relation == "unassigned" else side.coach
    # The page walks ask for the same relation again: one programme per owner and coach.
    existing = Programme.objects.filter(candidate=owner, coaches=coach).first()
    return existing or make_programme(side, candidate=owner, coaches=[coach])


def kwargs_for(name: str, relation: str, world: World) -> dict[str, Any]:
    short = name.rsplit(":", 1)[-1]
    slug = world.b.agency.slug if relation == "other_agency" else world.a.agency.slug
    kwargs: dict[str, Any] = {"agency_slug": slug}
    if short == "coach_list":
        side = world.b if relation in {"other_agency", "other_agency_object"} else world.a
        candidate = side.candidate2 if relation in {"unassigned", "other"} else side.candidate
        coach = side.coach2 if relation == "unassigned" else side.coach
        kwargs["programme_id"] = make_programme(
            side, candidate=candidate, coaches=[coach]
        ).public_id
        return kwargs
    needs_document = _CV_URLS | _CV_VERSION_URLS | _LETTER_URLS | _LETTER_VERSION_URLS
    if short == "linkedin_suggestion":
        suggestion = LinkedInSuggestion.objects.create(
            candidate=_owner(relation, world), kind="skill", data={"name": "Matrix"}
        )
        kwargs["suggestion_id"] = suggestion.public_id
    elif short in needs_document:
        owner = _owner(relation, world)
        _coached(relation, world)
        if short in _CV_URLS | _CV_VERSION_URLS:
            cv = cv_create(
                candidate=owner,
                saved_by=owner,
                title="Matrix CV",
                language="en",
                design="classic",
                content=empty_content(),
            )
            if short in _CV_URLS:
                kwargs["cv_id"] = cv.public_id
            else:
                kwargs["version_id"] = cv.versions.get().public_id
        else:
            letter = letter_create(
                candidate=owner,
                saved_by=owner,
                title="Matrix letter",
                language="en",
                design="classic",
                content={"body": "Matrix"},
            )
            if short in _LETTER_URLS:
                kwargs["letter_id"] = letter.public_id
            else:
                kwargs["version_id"] = letter.versions.get().public_id
        if short in {"download", "letter_download"}:
            kwargs["file_format"] = "pdf"
    return kwargs
