"""Permission-matrix rows and URL arguments for the privacy app's myaudit pages and API."""

from __future__ import annotations

from typing import Any

from tests.factories import World

Expectations = dict[str, dict[str, int]]

MATRIX: dict[tuple[str, str], Expectations] = {}
JSON_BODIES: dict[str, dict[str, Any]] = {}


def kwargs_for(name: str, relation: str, world: World) -> dict[str, Any]:
    raise KeyError(name)
