"""Permission-matrix rows and URL arguments for the jobs app (pages and API).

Relations: see tests/matrix_programmes.py (self, other, assigned, unassigned, own_agency,
other_agency, other_agency_object, missing_object).
"""

from __future__ import annotations

from typing import Any

from tests.factories import World

Expectations = dict[str, dict[str, int]]

# (URL name, method) → role → relation → status; pages "jobs:…", API "api:…".
MATRIX: dict[tuple[str, str], Expectations] = {}
# JSON bodies of non-GET API rows, by URL name.
JSON_BODIES: dict[str, dict[str, Any]] = {}


def kwargs_for(name: str, relation: str, world: World) -> dict[str, Any]:
    raise KeyError(name)
