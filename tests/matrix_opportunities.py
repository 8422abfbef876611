"""Permission-matrix rows and URL arguments for the opportunities app (pages and API).

Relations: see tests/matrix_programmes.py (self, other, assigned, unassigned, own_agency,
other_agency, other_agency_object, same_agency).

The candidate's list has no object in its URL: only candidates have the capability. The coach's
pages go through a programme: scope first (another coach's candidate, another agency → 404),
then the capability (admins and the candidate themself → 403).
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from springboard.programmes.models import Programme
from springboard.taxonomy.models import Skill, public_id_for
from tests.factories import AgencyWorld, World, make_programme
from tests.fixtures.opportunities.world import with_plan

Expectations = dict[str, dict[str, int]]
ROLES = ("admin", "coach", "employer_contact", "candidate")
# The skill the training-need rows send; the row's setup creates it (public ids derive from URIs).
MATRIX_SKILL_URI = "http://springboard.invalid/matrix/skill/training-need"


def candidates_only(ok: int, *, anonymous: int) -> Expectations:
    table: Expectations = {role: {"own_agency": 403, "other_agency": 404} for role in ROLES}
    table["candidate"] = {"own_agency": ok, "other_agency": 404}
    table["anonymous"] = {"any": anonymous}
    return table


def coaches_on_programme(coach: int, *, anonymous: int) -> Expectations:
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


# (URL name, method) → role → relation → status; pages "opportunities:…", API "api:…".
MATRIX: dict[tuple[str, str], Expectations] = {
    ("opportunities:list", "GET"): candidates_only(200, anonymous=302),
    ("opportunities:coach", "GET"): coaches_on_programme(200, anonymous=302),
    # An empty form: back to the coach's page with a message, nothing written.
    ("opportunities:training_need", "POST"): coaches_on_programme(302, anonymous=302),
    ("api:opportunity_list", "GET"): candidates_only(200, anonymous=401),
    ("api:opportunity_coach_list", "GET"): coaches_on_programme(200, anonymous=401),
    ("api:opportunity_training_need", "POST"): coaches_on_programme(200, anonymous=401),
}
# JSON bodies of non-GET API rows, by URL name.
JSON_BODIES: dict[str, dict[str, Any]] = {
    "api:opportunity_training_need": {"skill": str(public_id_for(MATRIX_SKILL_URI))},
}

_PROGRAMME_URLS = {
    "opportunities:coach",
    "opportunities:training_need",
    "api:opportunity_coach_list",
    "api:opportunity_training_need",
}


def _programme_for(relation: str, world: World) -> Programme:
    side: AgencyWorld = world.b if relation in {"other_agency", "other_agency_object"} else world.a
    if relation in {"unassigned", "other"}:
        return with_plan(make_programme(side, candidate=side.candidate2, coaches=[side.coach2]),
                         side.coach2)  # fmt: skip
    return with_plan(
        make_programme(side, candidate=side.candidate, coaches=[side.coach]), side.coach
    )


def _matrix_skill() -> Skill:
    skill, _created = Skill.objects.get_or_create(
        uri=MATRIX_SKILL_URI,
        defaults={
            "public_id": public_id_for(MATRIX_SKILL_URI),
            "names": {"en": "matrix skill"},
            "updated_at": timezone.now(),
        },
    )
    return skill


def kwargs_for(name: str, relation: str, world: World) -> dict[str, Any]:
    slug = world.b.agency.slug if relation == "other_agency" else world.a.agency.slug
    kwargs: dict[str, Any] = {"agency_slug": slug}
    if name in _PROGRAMME_URLS:
        key = "programme_id" if name.startswith("api:") else "public_id"
        kwargs[key] = _programme_for(relation, world).public_id
        _matrix_skill()
    return kwargs
