"""Fixtures for the taxonomy tests: the matching engine's small ESCO files, the sample, a world."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.test import Client

from springboard.taxonomy import engine_cache
from springboard.taxonomy.importing import ImportReport
from springboard.taxonomy.services import reference_data_import
from tests.factories import World, make_world

FIXTURES = Path(__file__).resolve().parents[2] / "matching" / "tests" / "fixtures"
REPO = Path(__file__).resolve().parents[3]
ESCO = "http://data.europa.eu/esco/"


@pytest.fixture(autouse=True)
def _fresh_engine_cache() -> None:
    # Database rows are rolled back between tests; matchers cached in the process must not
    # outlive them.
    engine_cache.clear()


@pytest.fixture
def fixture_dir() -> Path:
    return FIXTURES


@pytest.fixture
def imported(db: None) -> ImportReport:
    return reference_data_import(path=FIXTURES)


@pytest.fixture
def world(db: None) -> World:
    return make_world()


@pytest.fixture
def client() -> Client:
    return Client()


@pytest.fixture(scope="session")
def reference_data() -> Path:
    """The shared reference data, or skip: it is never copied into the repository."""
    path = Path(os.environ.get("SPRINGBOARD_REFERENCE_DATA") or REPO.parent / "shared" / "data")
    if not (path / "esco").is_dir():
        pytest.skip(f"reference data not found at {path} (set SPRINGBOARD_REFERENCE_DATA)")
    return path
