"""The P2 and P3 baselines find what ours finds, and the speed-only changes keep results."""

from __future__ import annotations

import gc
import random

import pytest

from bench.common import reference_data
from bench.p2_skill_extraction import (
    MEGABYTES,
    AhoCorasickBaseline,
    FlashTextBaseline,
    corpus,
    paragraphs,
)
from bench.p3_vacancy_matching import _generated_engine, _profile, same_hits, sparse_baseline_rank
from springboard.matching import esco_files
from springboard.matching.extractor import SkillExtractor

from .conftest import FIXTURES

# Every English label as written (lowercased), one per sentence, plus a line of prose: the
# text on which ours and the letter-for-letter baselines must agree.
SAMPLE = (
    "Experience with project management and python.\n"
    "We need nursing care, food safety and teamwork.\n"
    "You drive trucks; structured query language is a plus.\n"
    "Cooking and planning, communication with everyone.\n"
    "Our team values work in teams and food hygiene.\n"
)


@pytest.fixture(scope="module")
def english_labels():
    return [tuple(lab) for lab in esco_files.skill_labels_from_dir(FIXTURES) if lab.lang == "en"]


def _spans(found):
    return {(uri, start, end) for uri, start, end in found}


def test_baselines_and_ours_find_the_same_skills_on_verbatim_labels(english_labels):
    ours = SkillExtractor(english_labels)
    our_spans = {(m.uri, m.start, m.end) for m in ours.extract(SAMPLE, "en")}
    aho = _spans(AhoCorasickBaseline(english_labels).extract(SAMPLE))
    flash = _spans(FlashTextBaseline(english_labels).extract(SAMPLE))
    assert aho == flash
    assert aho == our_spans
    assert len(aho) == 12


def test_documented_differences(english_labels):
    """Ours stems and treats acronyms case-sensitively; the baselines match letters."""
    ours = SkillExtractor(english_labels)
    aho = AhoCorasickBaseline(english_labels)
    text = "I managed projects. Managing projects. The sql of it."
    ours_found = {(m.text, m.uri.rsplit("-", 1)[1]) for m in ours.extract(text, "en")}
    aho_found = {(text[s:e], uri.rsplit("-", 1)[1]) for uri, s, e in aho.extract(text)}
    assert ("managed projects", "pm") in ours_found - aho_found  # inflection
    assert ("Managing projects", "pm") in ours_found & aho_found
    assert ("sql", "sql") in aho_found - ours_found  # acronym label "SQL" needs capitals


def test_baseline_respects_word_boundaries(english_labels):
    aho = AhoCorasickBaseline(english_labels)
    assert aho.extract("pythonic cooking2 xplanning") == []
    assert [("Python!")[s:e] for _, s, e in aho.extract("Python!")] == ["Python"]


def test_priming_and_paused_gc_do_not_change_results(english_labels, monkeypatch):
    text = (FIXTURES / "cv_en.txt").read_text(encoding="utf-8") + SAMPLE
    primed = SkillExtractor(english_labels)
    assert len(primed._types) > 0  # label words registered at build time
    monkeypatch.setattr(SkillExtractor, "_prime", lambda self: None)
    unprimed = SkillExtractor(english_labels)
    assert len(unprimed._types) == 0
    assert gc.isenabled()
    first = primed.extract(text, "en")
    assert gc.isenabled()  # restored after the call
    assert first == unprimed.extract(text, "en") == primed.extract(text, "en")


def test_sparse_baseline_returns_the_engine_top_k():
    engine = _generated_engine()
    rng = random.Random(3)
    vacancies = [_profile(engine, rng, rng.randint(0, 2)) for _ in range(2_000)]
    index = engine.vacancy_index([f"v{i}" for i in range(len(vacancies))], vacancies)
    for _ in range(20):
        candidate = _profile(engine, rng, rng.randint(5, 15))
        assert same_hits(index.rank(candidate, 20), sparse_baseline_rank(index, candidate))


def test_same_hits_detects_a_different_result():
    from springboard.matching.engine import VacancyHit

    a = [VacancyHit("a", 0.9), VacancyHit("b", 0.5)]
    assert same_hits(a, [VacancyHit("a", 0.9), VacancyHit("b", 0.5)])
    assert not same_hits(a, [VacancyHit("c", 0.9), VacancyHit("b", 0.5)])
    assert not same_hits(a, [VacancyHit("a", 0.8), VacancyHit("b", 0.5)])


def test_p2_corpus_is_large_and_never_repeats():
    data = reference_data()
    if data is None or not (data / "esco").is_dir():
        pytest.skip("needs the reference data (../shared/data)")
    distinct = paragraphs(data)
    assert len(distinct) == len(set(distinct))
    text = corpus(data, MEGABYTES)
    assert len(text.encode("utf-8")) >= MEGABYTES * 1_000_000
    lines = text.split("\n")
    assert len(lines) == len(set(lines))
