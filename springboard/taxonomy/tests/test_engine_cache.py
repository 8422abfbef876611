"""Matchers come from the database once per process and follow the taxonomy version."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from springboard.matching.rerank import FEATURES
from springboard.taxonomy import engine_cache
from springboard.taxonomy.services import reference_data_import
from springboard.taxonomy.tests.conftest import ESCO, FIXTURES


@pytest.mark.usefixtures("imported")
def test_matchers_are_built_once_per_version(
    tmp_path: Path, django_assert_num_queries: Any
) -> None:
    ranker = engine_cache.get_ranker()
    extractor = engine_cache.get_extractor()
    engine = engine_cache.get_engine()
    with django_assert_num_queries(3):  # one version check each, nothing rebuilt
        assert engine_cache.get_ranker() is ranker
        assert engine_cache.get_extractor() is extractor
        assert engine_cache.get_engine() is engine
    assert ranker.rank("lorry driver", "en")[0].uri == f"{ESCO}occupation/0003-driver"
    assert f"{ESCO}skill/s-python" in extractor.extract_uris("Python and SQL", "en")
    top = engine.rank_occupations({f"{ESCO}skill/s-care", f"{ESCO}skill/s-comm"}, top=1)
    assert top[0].uri == f"{ESCO}occupation/0002-nurse"

    for source in FIXTURES.iterdir():
        shutil.copy(source, tmp_path)
    skills = tmp_path / "skills_en.csv"
    skills.write_text(
        skills.read_text().replace("work in teams,teamwork,", 'work in teams,"teamwork\nkanban",')
    )
    reference_data_import(path=tmp_path)

    rebuilt = engine_cache.get_extractor()
    assert rebuilt is not extractor
    assert f"{ESCO}skill/s-team" in rebuilt.extract_uris("We use kanban.", "en")
    assert engine_cache.get_ranker() is not ranker


@pytest.mark.usefixtures("imported")
def test_ranker_gets_the_hierarchy_from_the_database() -> None:
    pairs = set(engine_cache.broader_pairs())
    # From the fixture's broader relations and iscoGroup column.
    assert (f"{ESCO}occupation/0001-dev", f"{ESCO}isco/C2512") in pairs
    assert all(narrower != wider for narrower, wider in pairs)
    ranker = engine_cache.get_ranker()
    dev = ranker.uris.index(f"{ESCO}occupation/0001-dev")
    candidates, features = ranker.candidate_features("software developer", "en")
    row = features[list(candidates).index(dev)]
    assert row[FEATURES.index("depth")] == 1.0  # directly below its unit group
