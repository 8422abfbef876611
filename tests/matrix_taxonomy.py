"""Permission-matrix rows and URL arguments for the taxonomy (occupations and skills).

The taxonomy is global reference data read through the agency's URL, so every member may
browse it and a non-member gets the agency's 404. Relations used here:
  own_agency      the viewer's own agency in the URL (with an existing concept id)
  other_agency    agency B in the URL: the viewer is not a member
  missing_object  the viewer's own agency, an id no concept has → 404
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from springboard.taxonomy.models import Occupation, Skill, public_id_for
from tests.factories import World

Expectations = dict[str, dict[str, int]]
ROLES = ("admin", "coach", "employer_contact", "candidate")


def every_member_page(ok: int) -> Expectations:
    table: Expectations = {role: {"own_agency": ok, "other_agency": 404} for role in ROLES}
    table["anonymous"] = {"any": 302}
    return table


def every_member_object(ok: int) -> Expectations:
    table: Expectations = {
        role: {"own_agency": ok, "missing_object": 404, "other_agency": 404} for role in ROLES
    }
    table["anonymous"] = {"any": 302}
    return table


MATRIX: dict[tuple[str, str], Expectations] = {
    ("taxonomy:occupation_search", "GET"): every_member_page(200),
    ("taxonomy:occupation_suggest", "GET"): every_member_page(200),
    ("taxonomy:occupation_detail", "GET"): every_member_object(200),
    ("taxonomy:skill_detail", "GET"): every_member_object(200),
}

_MODEL_OF_URL: dict[str, type[Occupation] | type[Skill]] = {
    "occupation_detail": Occupation,
    "skill_detail": Skill,
}


def kwargs_for(name: str, relation: str, world: World) -> dict[str, Any]:
    short = name.split(":", 1)[1]
    slug = world.b.agency.slug if relation == "other_agency" else world.a.agency.slug
    model = _MODEL_OF_URL.get(short)
    if model is None:
        return {"agency_slug": slug}
    if relation == "missing_object":
        return {"agency_slug": slug, "public_id": public_id_for("http://example.invalid/none")}
    uri = f"http://example.invalid/{model.__name__.lower()}/matrix"
    concept, _ = model.objects.get_or_create(
        uri=uri,
        defaults={
            "public_id": public_id_for(uri),
            "names": {"en": "matrix concept"},
            "updated_at": timezone.now(),
        },
    )
    return {"agency_slug": slug, "public_id": concept.public_id}
