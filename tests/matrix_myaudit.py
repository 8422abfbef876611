"""Permission-matrix rows and URL arguments for the privacy app's myaudit pages and API.

"Who looked at my data" is the candidate's own page: staff roles lack the capability (403),
another agency's URL is a 404 like for every tenant page.
"""

from __future__ import annotations

from typing import Any

from tests.factories import World
from tests.matrix_programmes import only

Expectations = dict[str, dict[str, int]]

MATRIX: dict[tuple[str, str], Expectations] = {
    ("myaudit:log", "GET"): only("candidate", 200),
}
JSON_BODIES: dict[str, dict[str, Any]] = {}


def kwargs_for(name: str, relation: str, world: World) -> dict[str, Any]:
    if name not in {url_name for url_name, _method in MATRIX}:
        raise KeyError(name)
    side = world.b if relation == "other_agency" else world.a
    return {"agency_slug": side.agency.slug}
