import math

import numpy as np
import pytest

from springboard.matching.engine import MatchingEngine, Preferences, riasec_similarity

from .conftest import occupation, skill


def test_candidate_ranks_matching_occupation_first_with_explanation(engine):
    cand = [skill("python"), skill("sql"), skill("team")]
    best = engine.rank_occupations(cand, top=3)[0]
    assert best.uri == occupation("dev")
    assert set(best.matched_essential) == {skill("python"), skill("sql")}
    assert best.matched_optional == (skill("team"),)
    assert best.missing_essential == ()
    assert best.share_covered == 1.0


def test_gap_list_orders_by_demand(engine):
    best = engine.rank_occupations([skill("pm")], top=5)[0]
    assert best.uri == occupation("pm")
    # communication is essential for two occupations, planning for one
    assert best.missing_essential == (skill("comm"), skill("plan"))
    assert best.share_covered == pytest.approx(1 / 3)
    gaps = engine.skill_gaps(engine.rank_occupations([skill("pm"), skill("team")], top=5))
    assert gaps[0][0] == skill("comm")


def test_scores_equal_straightforward_cosine(engine):
    cand = [skill("cook"), skill("team"), skill("comm")]
    scores = engine.occupation_scores(cand)
    n_occ = len(engine.occupation_uris)
    users: dict[str, int] = {}
    profiles: dict[str, dict[str, float]] = {}
    for o, s, ess in zip(
        engine.rel_occupation, engine.rel_skill, engine.rel_essential, strict=True
    ):
        users[engine.skill_uris[s]] = users.get(engine.skill_uris[s], 0) + 1
        profiles.setdefault(engine.occupation_uris[o], {})[engine.skill_uris[s]] = (
            1.0 if ess else 0.5
        )
    idf = {s: math.log1p(n_occ / users[s]) for s in users}
    for i, uri in enumerate(engine.occupation_uris):
        prof = {s: w * idf[s] for s, w in profiles[uri].items()}
        c = {s: idf[s] for s in cand}
        dot = sum(w * c.get(s, 0.0) for s, w in prof.items())
        expected = (
            dot
            / math.sqrt(sum(w * w for w in prof.values()))
            / math.sqrt(sum(w * w for w in c.values()))
        )
        assert scores[i] == pytest.approx(expected, rel=1e-5)


def test_confidences_and_unknown_skills(engine):
    weak = engine.occupation_scores({skill("cook"): 0.2, skill("hygiene"): 1.0})
    strong = engine.occupation_scores({skill("cook"): 1.0, skill("hygiene"): 1.0})
    cook = engine.occupation_uris.index(occupation("cook"))
    assert strong[cook] > weak[cook]
    assert engine.rank_occupations(["urn:unknown"]) == []


def test_riasec_similarity():
    assert riasec_similarity("SEC", "SEC") == 1.0
    assert riasec_similarity("SEC", "ESC") == pytest.approx(13 / 14)
    assert riasec_similarity("SEC", "RIA") == 0.0
    assert riasec_similarity("", "RIA") == 0.0


def test_riasec_and_preferences_reorder(engine):
    cand = [skill("team"), skill("hygiene")]
    plain = [m.uri for m in engine.rank_occupations(cand)]
    assert plain[0] == occupation("cook")
    riasec = MatchingEngine.from_relations(
        zip(
            [engine.occupation_uris[i] for i in engine.rel_occupation],
            [engine.skill_uris[i] for i in engine.rel_skill],
            engine.rel_essential.tolist(),
            strict=True,
        ),
        occupation_riasec={occupation("nurse"): "SIC", occupation("cook"): "RCE"},
        occupation_isco={occupation("nurse"): "2221", occupation("cook"): "5120"},
    )
    prefs = Preferences(riasec_weight=0.6)
    top = riasec.rank_occupations(cand, riasec="SIA", preferences=prefs)
    assert top[0].uri == occupation("nurse")
    assert top[0].riasec_similarity is not None
    excluded = riasec.rank_occupations(
        cand, preferences=Preferences(exclude_occupations=frozenset({occupation("cook")}))
    )
    assert occupation("cook") not in [m.uri for m in excluded]
    boosted = riasec.rank_occupations(
        cand, preferences=Preferences(prefer_isco_prefixes=("22",), prefer_boost=3.0)
    )
    assert boosted[0].uri == occupation("nurse")


def test_vacancy_index_ranks_and_matches_dense(engine):
    vac_skills = [
        [skill("python"), skill("sql")],
        [skill("cook"), skill("hygiene")],
        {skill("pm"): 1.0, skill("comm"): 0.5},
        [],
    ]
    index = engine.vacancy_index(["v1", "v2", "v3", "v4"], vac_skills, version="7")
    hits = index.rank([skill("python"), skill("team")], top=10)
    assert [h.vacancy_id for h in hits] == ["v1"]
    cand = [skill("pm"), skill("python")]
    rows, weights = engine.candidate_vector(cand)
    dense_c = np.zeros(len(engine.skill_uris), dtype=np.float32)
    dense_c[rows] = weights
    np.testing.assert_allclose(index.scores(cand), index.matrix.toarray() @ dense_c, rtol=1e-5)
    assert len(index) == 4
    assert index.version == "7"


def test_save_and_load_round_trip(engine, tmp_path):
    path = tmp_path / "engine.npz"
    engine.save(path)
    loaded = MatchingEngine.load(path)
    assert loaded.version == "fixture"
    cand = [skill("cook"), skill("comm")]
    np.testing.assert_allclose(loaded.occupation_scores(cand), engine.occupation_scores(cand))
