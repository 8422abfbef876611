"""Permission-matrix rows and URL arguments for the privacy app's erasure pages.

Relations, beside own_agency / other_agency (tests/permission_matrix.py):
  same_agency          an open erasure request of agency A (of its second candidate)
  other_agency_object  agency A in the URL, the id of a request of agency B → 404
"""

from __future__ import annotations

from typing import Any

from springboard.privacy.erasure.services import erasure_request_create
from springboard.privacy.models.erasure import ErasureRequest
from tests.factories import AgencyWorld, World
from tests.matrix_programmes import ROLES, only, staff_page

Expectations = dict[str, dict[str, int]]


def on_request(admin: int) -> Expectations:
    """An erasure request of agency A (same_agency) or of B under A's URL; admins only."""
    table: Expectations = {
        role: {"same_agency": 403, "other_agency_object": 404, "other_agency": 404}
        for role in ROLES
    }
    table["admin"] = {"same_agency": admin, "other_agency_object": 404, "other_agency": 404}
    table["anonymous"] = {"any": 302}
    return table


MATRIX: dict[tuple[str, str], Expectations] = {
    ("erasure:mine", "GET"): only("candidate", 200),
    # An unticked confirmation is refused by the form (200, nothing stored).
    ("erasure:mine", "POST"): only("candidate", 200),
    ("erasure:settings", "GET"): staff_page(200, 403),
    # An empty form is refused (200, nothing stored).
    ("erasure:settings", "POST"): staff_page(200, 403),
    ("erasure:requests", "GET"): staff_page(200, 403),
    ("erasure:request_detail", "GET"): on_request(200),
    # Without the confirmation (erase) or a reason (refuse) the form is shown again.
    ("erasure:request_erase", "POST"): on_request(200),
    ("erasure:request_refuse", "POST"): on_request(200),
}
JSON_BODIES: dict[str, dict[str, Any]] = {}

_BY_ID = {"request_detail", "request_erase", "request_refuse"}


def _request_of(side: AgencyWorld) -> ErasureRequest:
    """The open request of the side's second candidate; made once (asked again per role)."""
    return erasure_request_create(membership=side.candidate2, actor=side.candidate2.user)


def kwargs_for(name: str, relation: str, world: World) -> dict[str, Any]:
    short = name.rsplit(":", 1)[-1]
    slug = world.b.agency.slug if relation == "other_agency" else world.a.agency.slug
    kwargs: dict[str, Any] = {"agency_slug": slug}
    if short in _BY_ID:
        side = world.b if relation in {"other_agency", "other_agency_object"} else world.a
        kwargs["public_id"] = _request_of(side).public_id
    return kwargs
