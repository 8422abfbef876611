"""Checks against the real ESCO/MELO data in ../shared/data (skipped when it is absent)."""

import pytest

from springboard.matching import esco_files as ef
from springboard.matching.cli import (
    build_engine_from_files,
    build_extractor_from_files,
    build_ranker_from_files,
)

pytestmark = pytest.mark.reference_data

SKILL = "http://data.europa.eu/esco/skill/"


@pytest.fixture(scope="module")
def real_extractor(reference_data):
    return build_extractor_from_files(reference_data / "esco" / "v1.1.1")


@pytest.fixture(scope="module")
def real_ranker(reference_data):
    return build_ranker_from_files(reference_data)


def test_reference_counts(reference_data):
    files = ef.discover(reference_data)
    occ = ef.latest(files, "occupations", "en")
    assert occ is not None
    assert occ.version == (1, 2, 0)
    assert sum(1 for _ in ef.iter_occupations(occ.path)) == 3039
    rels = ef.latest(files, "occupation_skill_relations")
    assert rels is not None
    assert sum(1 for _ in ef.iter_occupation_skill_relations(rels.path)) == 123855
    langs = {f.lang for f in files if f.kind == "melo_corpus"}
    assert langs == {"da", "en", "nb", "nl"}


def test_short_english_cv_finds_real_skills(real_extractor):
    cv = (
        "Data analyst. Five years of Python and SQL; led project management for a "
        "customer service team. Fluent in English and Dutch."
    )
    matches = real_extractor.extract(cv, "en")
    found = {m.text.casefold() for m in matches}
    assert {"python", "sql", "project management", "customer service", "english", "dutch"} <= found
    python = next(m for m in matches if m.text == "Python")
    assert python.label == "Python (computer programming)"  # real preferred label
    uris = real_extractor.extract_uris(cv, "en")
    assert all(u.startswith(SKILL) for u in uris)


def test_real_titles_rank_sensibly(real_ranker):
    def top_label(title, lang):
        return real_ranker.rank(title, lang, 1)[0].uri

    software = top_label("software developer", "en")
    assert top_label("softwareudvikler", "da") == software
    assert top_label("software developer", "da") == software  # English typed in Danish
    nurse = top_label("nurse responsible for general care", "en")
    assert top_label("sykepleier", "no") == nurse
    assert len(real_ranker.langs) == 4


def test_real_engine_explains(reference_data):
    engine = build_engine_from_files(reference_data)
    assert len(engine.occupation_uris) > 3000
    assert len(engine.skill_uris) > 13000
    occ = 0
    ess = engine._ess_idx[engine._ess_ptr[occ] : engine._ess_ptr[occ + 1]]
    cand = [engine.skill_uris[i] for i in ess.tolist()]
    best = engine.rank_occupations(cand, top=5)[0]
    assert best.uri == engine.occupation_uris[occ]
    assert best.share_covered == 1.0
