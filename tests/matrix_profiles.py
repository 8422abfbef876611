"""Permission-matrix rows and URL arguments for the profiles app (pages and API).

Relations: see tests/matrix_programmes.py (self, other, assigned, unassigned, own_agency,
other_agency, other_agency_object), and
  same_agency   for staff: a row (job, skill, upload…) of agency A's candidate, not theirs

The candidate works on their own profile only: another person's row is a 404 for everybody but
its owner (lookup first; staff have no profile). Coaches read through a programme they coach
(admins reach the programme but lack the capability: 403; they never see the profile).
"""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from springboard.profiles.models import (
    CareerEntry,
    CvStatus,
    CvSuggestion,
    CvUpload,
    Profile,
    ProfileSkill,
)
from springboard.profiles.services import profile_ensure
from springboard.taxonomy.models import Skill, public_id_for
from springboard.tenancy.models import Membership
from tests.factories import World, make_programme

Expectations = dict[str, dict[str, int]]
ROLES = ("admin", "coach", "employer_contact", "candidate")


def candidate_page(ok: int, *, anonymous: int = 302) -> Expectations:
    """A page of the candidate's own profile without an object id."""
    table: Expectations = {role: {"own_agency": 403, "other_agency": 404} for role in ROLES}
    table["candidate"] = {"own_agency": ok, "other_agency": 404}
    table["anonymous"] = {"any": anonymous}
    return table


def own_row(ok: int, *, anonymous: int = 302) -> Expectations:
    """A row of a profile: only its candidate reaches it; anybody else's → 404."""
    staff = {"same_agency": 404, "other_agency_object": 404, "other_agency": 404}
    table: Expectations = {role: dict(staff) for role in ROLES}
    table["candidate"] = {
        "self": ok,
        "other": 404,
        "other_agency_object": 404,
        "other_agency": 404,
    }
    table["anonymous"] = {"any": anonymous}
    return table


def coached(coach: int, *, anonymous: int = 302) -> Expectations:
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
        "candidate": {
            "self": 403,
            "other": 404,
            "other_agency_object": 404,
            "other_agency": 404,
        },
        "anonymous": {"any": anonymous},
    }


def _api(table: Expectations) -> Expectations:
    return {**table, "anonymous": {"any": 401}}


MATRIX: dict[tuple[str, str], Expectations] = {
    ("profiles:profile", "GET"): candidate_page(200),
    # Without a job the profile cannot be complete: back to the overview with the reason.
    ("profiles:complete", "POST"): candidate_page(302),
    ("profiles:preferences", "GET"): candidate_page(200),
    ("profiles:preferences", "POST"): candidate_page(200),  # empty form: errors shown
    ("profiles:occupation_suggest", "GET"): candidate_page(200),
    ("profiles:row_add", "GET"): candidate_page(200),
    ("profiles:row_add", "POST"): candidate_page(200),
    ("profiles:row_edit", "GET"): own_row(200),
    ("profiles:row_edit", "POST"): own_row(200),
    ("profiles:row_delete", "POST"): own_row(302),
    ("profiles:skills", "GET"): candidate_page(200),
    ("profiles:skill_suggest", "GET"): candidate_page(200),
    ("profiles:skill_add", "POST"): candidate_page(302),  # no skill named: back with a message
    ("profiles:skills_mapped", "POST"): candidate_page(302),
    ("profiles:skill_edit", "GET"): own_row(200),
    ("profiles:skill_edit", "POST"): own_row(200),
    ("profiles:skill_confirm", "POST"): own_row(302),
    ("profiles:skill_remove", "POST"): own_row(302),
    ("profiles:cv_upload", "GET"): candidate_page(200),
    ("profiles:cv_upload", "POST"): candidate_page(200),  # no file: the form says so
    ("profiles:cv_detail", "GET"): own_row(200),
    ("profiles:cv_reparse", "POST"): own_row(302),
    ("profiles:cv_delete", "POST"): own_row(302),
    ("profiles:cv_decide", "POST"): own_row(302),
    ("profiles:coach_profile", "GET"): coached(200),
    ("profiles:coach_comment", "POST"): coached(200),  # empty comment: the form says so
    ("profiles:coach_skill_confirm", "POST"): coached(302),
    ("api:profile_detail", "GET"): _api(candidate_page(200)),
    ("api:profile_career", "GET"): _api(candidate_page(200)),
    ("api:profile_career", "POST"): _api(candidate_page(201)),
    ("api:profile_skills", "GET"): _api(candidate_page(200)),
    # The body names a skill that is not in the taxonomy: a 400 naming the field.
    ("api:profile_skills", "POST"): _api(candidate_page(400)),
    ("api:profile_skill_confirm", "POST"): _api(own_row(200)),
    ("api:profile_skill", "DELETE"): _api(own_row(204)),
    ("api:profile_preferences", "GET"): _api(candidate_page(200)),
    ("api:profile_preferences", "PUT"): _api(candidate_page(200)),
}
# JSON bodies of non-GET API rows, by URL name.
JSON_BODIES: dict[str, dict[str, Any]] = {
    "api:profile_career": {"title": "Planner", "employer": "Nordlager", "start_year": 2019},
    "api:profile_skills": {"skill_id": "00000000-0000-4000-8000-000000000000"},
    "api:profile_skill_confirm": {"confirmed": True},
    "api:profile_preferences": {"version": 1, "regions": "Aarhus"},
}

_ROW_URLS = {"row_edit", "row_delete"}
_SKILL_URLS = {"skill_edit", "skill_confirm", "skill_remove"}
_API_SKILL_URLS = {"profile_skill_confirm", "profile_skill"}
_UPLOAD_URLS = {"cv_detail", "cv_reparse", "cv_delete", "cv_decide"}
_COACH_URLS = {"coach_profile", "coach_comment", "coach_skill_confirm"}


def _skill(key: str) -> Skill:
    uri = f"http://data.europa.eu/esco/skill/matrix-{key}"
    skill, _created = Skill.objects.get_or_create(
        uri=uri,
        defaults={
            "public_id": public_id_for(uri),
            "names": {"en": f"matrix skill {key}"},
            "updated_at": timezone.now(),
        },
    )
    return skill


def _owner(relation: str, world: World) -> Membership:
    """Whose profile the row belongs to: the viewing candidate's own (self), another candidate
    of agency A (other, and same_agency for staff), or agency B's candidate."""
    if relation == "self":
        return world.a.candidate
    if relation in {"other", "same_agency"}:
        return world.a.candidate2
    return world.b.candidate


def _profile(owner: Membership) -> Profile:
    profile = profile_ensure(owner)
    profile.membership = owner
    return profile


def _upload(profile: Profile) -> CvUpload:
    upload = CvUpload.objects.create(
        profile=profile,
        file=ContentFile(b"", name="private/cv/matrix"),
        original_name="cv.txt",
        size=10,
        state=CvStatus.DONE,
    )
    return upload


def kwargs_for(name: str, relation: str, world: World) -> dict[str, Any]:
    short = name.rsplit(":", 1)[-1]
    slug = world.b.agency.slug if relation == "other_agency" else world.a.agency.slug
    kwargs: dict[str, Any] = {"agency_slug": slug}
    if short in {"row_add", "row_edit", "row_delete"}:
        kwargs["section"] = "career"
    if short in _COACH_URLS:
        side = world.b if relation in {"other_agency", "other_agency_object"} else world.a
        candidate = side.candidate2 if relation in {"unassigned", "other"} else side.candidate
        coach = side.coach2 if relation == "unassigned" else side.coach
        programme = make_programme(side, candidate=candidate, coaches=[coach])
        kwargs["programme_id"] = programme.public_id
        if short == "coach_skill_confirm":
            profile = _profile(candidate)
            row = ProfileSkill.objects.create(profile=profile, skill=_skill("coach"))
            kwargs["skill_id"] = row.public_id
        return kwargs
    if short in _ROW_URLS | _SKILL_URLS | _API_SKILL_URLS | _UPLOAD_URLS:
        profile = _profile(_owner(relation, world))
        if short in _ROW_URLS:
            job = CareerEntry.objects.create(
                profile=profile, employer="Nordlager", title="Planner", start_year=2019
            )
            kwargs["row_id"] = job.public_id
        elif short in _SKILL_URLS | _API_SKILL_URLS:
            row = ProfileSkill.objects.create(profile=profile, skill=_skill("row"))
            kwargs["skill_id"] = row.public_id
        else:
            upload = _upload(profile)
            kwargs["upload_id"] = upload.public_id
            if short == "cv_decide":
                suggestion = CvSuggestion.objects.create(
                    upload=upload,
                    kind="career",
                    key="planner|nordlager|2019",
                    data={"title": "Planner", "employer": "Nordlager", "start_year": 2019},
                )
                kwargs["suggestion_id"] = suggestion.public_id
    return kwargs
