"""Permission-matrix rows and URL arguments for the privacy app's consents pages.

"My consents" is every member's own page (most staff simply have none). A consent is reached
only by its own person:
  self                 the viewing candidate's own consent
  other                the consent of another member of agency A → 404
  other_agency_object  agency A in the URL, the id of a consent held in agency B → 404
"""

from __future__ import annotations

from typing import Any

from springboard.privacy.consents import services
from springboard.privacy.models.consents import Consent, ConsentPurpose
from springboard.tenancy.models import Membership
from tests.factories import World

Expectations = dict[str, dict[str, int]]
ROLES = ("admin", "coach", "employer_contact", "candidate")


def own_page(ok: int) -> Expectations:
    """Every member's own page (tests/permission_matrix.py imports this module, so its
    `every_member` cannot be imported here)."""
    table: Expectations = {role: {"own_agency": ok, "other_agency": 404} for role in ROLES}
    table["anonymous"] = {"any": 302}
    return table


def own_consent(ok: int) -> Expectations:
    table: Expectations = {role: {"other": 404, "other_agency": 404} for role in ROLES}
    table["candidate"] = {
        "self": ok,
        "other": 404,
        "other_agency_object": 404,
        "other_agency": 404,
    }
    table["anonymous"] = {"any": 302}
    return table


MATRIX: dict[tuple[str, str], Expectations] = {
    ("consents:mine", "GET"): own_page(200),
    ("consents:grant", "POST"): own_consent(302),
    ("consents:withdraw", "POST"): own_consent(302),
}
JSON_BODIES: dict[str, dict[str, Any]] = {}


def _shared_network(person: Membership) -> Consent:
    return services.grant(actor=person, purpose=ConsentPurpose.SHARE_NETWORK)


def kwargs_for(name: str, relation: str, world: World) -> dict[str, Any]:
    slug = world.b.agency.slug if relation == "other_agency" else world.a.agency.slug
    kwargs: dict[str, Any] = {"agency_slug": slug}
    if name == "consents:mine":
        return kwargs
    owner = {
        "self": world.a.candidate,
        "any": world.a.candidate,
        "other": world.a.candidate2,
    }.get(relation, world.b.candidate)
    kwargs["public_id"] = _shared_network(owner).public_id
    return kwargs
