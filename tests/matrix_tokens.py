"""Permission-matrix rows and URL arguments for the API token pages (accounts/api_tokens).

Relations for revoking a token:
  own_<role>           the viewer's own token (the persona of that role in agency A)
  same_agency          a token of another member of agency A (the second candidate)
  other_agency_object  agency A in the URL, a token of agency B
  other_agency         agency B in the URL (the viewer is no member there)
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from springboard.accounts.api_tokens.services import api_token_create
from springboard.accounts.models import ApiToken
from springboard.tenancy.models import Membership
from tests.factories import World
from tests.matrix_programmes import ROLES, only

Expectations = dict[str, dict[str, int]]


def every_member(ok: int) -> Expectations:
    """A page every member of the agency opens for themself."""
    table: Expectations = {role: {"own_agency": ok, "other_agency": 404} for role in ROLES}
    table["anonymous"] = {"any": 302}
    return table


def on_token() -> Expectations:
    table: Expectations = {
        role: {
            f"own_{role}": 302,
            "same_agency": 403,
            "other_agency_object": 404,
            "other_agency": 404,
        }
        for role in ROLES
    }
    table["admin"]["same_agency"] = 302
    table["anonymous"] = {"any": 302}
    return table


MATRIX: dict[tuple[str, str], Expectations] = {
    ("tokens:list", "GET"): every_member(200),
    ("tokens:create", "GET"): every_member(200),
    # An empty form is refused by its validation (200, nothing stored).
    ("tokens:create", "POST"): every_member(200),
    ("tokens:agency", "GET"): only("admin", 200),
    ("tokens:revoke", "POST"): on_token(),
}
JSON_BODIES: dict[str, dict[str, Any]] = {}


def _token_of(member: Membership) -> ApiToken:
    existing = ApiToken.objects.filter(membership=member).first()
    if existing is not None:
        return existing
    return api_token_create(
        membership=member,
        actor=member.user,
        name="Matrix script",
        scope="read",
        expires_on=timezone.localdate() + datetime.timedelta(days=30),
    ).token


def kwargs_for(name: str, relation: str, world: World) -> dict[str, Any]:
    a, b = world.a, world.b
    slug = b.agency.slug if relation == "other_agency" else a.agency.slug
    if name != "tokens:revoke":
        return {"agency_slug": slug}
    personas = {
        "own_admin": a.admin,
        "own_coach": a.coach,
        "own_employer_contact": a.contact,
        "own_candidate": a.candidate,
        "same_agency": a.candidate2,
        "other_agency_object": b.candidate,
        "other_agency": b.candidate,
        "any": a.candidate,
    }
    return {"agency_slug": slug, "public_id": _token_of(personas[relation]).public_id}
