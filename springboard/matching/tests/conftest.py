"""Fixtures for the matching tests: small made-up ESCO/MELO files, and the reference data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from springboard.matching import esco_files
from springboard.matching.engine import MatchingEngine
from springboard.matching.extractor import SkillExtractor
from springboard.matching.ranker import OccupationRanker

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).resolve().parents[3]
ESCO = "http://data.europa.eu/esco/"


def occupation(key: str) -> str:
    return {
        "dev": f"{ESCO}occupation/0001-dev",
        "nurse": f"{ESCO}occupation/0002-nurse",
        "driver": f"{ESCO}occupation/0003-driver",
        "pm": f"{ESCO}occupation/0004-pm",
        "cook": f"{ESCO}occupation/0005-cook",
    }[key]


def skill(key: str) -> str:
    return f"{ESCO}skill/s-{key}"


@pytest.fixture(scope="session")
def fixture_dir() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def ranker() -> OccupationRanker:
    # max_df=1: with five occupations every n-gram is "common"; pruning is for real data.
    labels = esco_files.occupation_labels_from_dir(FIXTURES)
    return OccupationRanker(labels, max_df=1.0, word_max_df=1.0, version="fixture")


@pytest.fixture(scope="session")
def extractor() -> SkillExtractor:
    return SkillExtractor(esco_files.skill_labels_from_dir(FIXTURES), version="fixture")


@pytest.fixture(scope="session")
def engine() -> MatchingEngine:
    relations = (
        (r.occupation_uri, r.skill_uri, r.relation)
        for r in esco_files.occupation_skill_relations_from_dir(FIXTURES)
    )
    return MatchingEngine.from_relations(relations, version="fixture")


@pytest.fixture(scope="session")
def reference_data() -> Path:
    """The shared reference data, or skip: it is never copied into the repository."""
    path = Path(os.environ.get("SPRINGBOARD_REFERENCE_DATA") or REPO.parent / "shared" / "data")
    if not (path / "esco").is_dir():
        pytest.skip(f"reference data not found at {path} (set SPRINGBOARD_REFERENCE_DATA)")
    return path
