"""The occupation ranker's second stage (springboard/matching/rerank.py): features, the
shipped tree model and how the ranker applies it. Small made-up labels only."""

from __future__ import annotations

import json
from importlib import resources

import numpy as np
import pytest

from springboard.matching.ranker import OccupationRanker, isco_code
from springboard.matching.rerank import (
    FEATURES,
    MODEL_FILE,
    RerankModel,
    char_ngrams,
    load_default_model,
)

OCC = "http://data.europa.eu/esco/occupation/"
ISCO = "http://data.europa.eu/esco/isco/C"

LABELS = [
    (OCC + "rail", "Betriebsleiter Eisenbahn", "de", "preferred"),
    (OCC + "rail", "Eisenbahnbetriebsleiter", "de", "alt"),
    (OCC + "civil", "Bauingenieur", "de", "preferred"),
    (OCC + "civil", "Ingenieur Tiefbau", "de", "alt"),
    (OCC + "electro", "Ingenieur Elektronik", "de", "preferred"),
    (OCC + "baker", "Bäcker", "de", "preferred"),
    (OCC + "baker", "Feinbäcker", "de", "alt"),
    (OCC + "pastry", "Konditor", "de", "preferred"),
    (ISCO + "7512", "Bäcker, Konditoren und Süßwarenhersteller", "de", "preferred"),
]
CODES = {OCC + "baker": "7512", OCC + "pastry": "7512", OCC + "civil": "2142"}


def column(name: str) -> int:
    return FEATURES.index(name)


def step_model(feature: str, threshold: float, below: float, above: float, depth: int = 20):
    """One tree, one split: ``below`` when the feature is <= threshold, else ``above``."""
    return RerankModel(
        np.array([column(feature), -1, -1], dtype=np.int32),
        np.array([threshold, 0.0, 0.0]),
        np.array([1, -1, -1], dtype=np.int32),
        np.array([2, -1, -1], dtype=np.int32),
        np.array([0.0, below, above]),
        np.array([0], dtype=np.int32),
        depth,
    )


@pytest.fixture(scope="module")
def ranker() -> OccupationRanker:
    return OccupationRanker(
        LABELS, occupations_only=False, max_df=1.0, word_max_df=1.0, concept_codes=CODES
    )


def features_by_uri(ranker: OccupationRanker, title: str) -> dict[str, np.ndarray]:
    candidates, feats = ranker.candidate_features(title, "de", 20)
    return {ranker.uris[c]: row for c, row in zip(candidates.tolist(), feats, strict=True)}


def test_shipped_model_matches_the_feature_list():
    text = resources.files("springboard.matching").joinpath("data", MODEL_FILE)
    data = json.loads(text.read_text("utf-8"))
    assert data["features"] == list(FEATURES)
    model = load_default_model()
    assert model is not None
    assert len(model.roots) >= 100
    assert model.feature.max() < len(FEATURES)
    assert model.depth >= 20
    assert "bench/train_ranker.py" in data["method"]


def test_feature_names_are_unique():
    assert len(set(FEATURES)) == len(FEATURES)


def test_models_for_other_features_or_malformed_trees_are_refused():
    model = step_model("first", 0.5, 0.0, 1.0, 7)
    data = model.to_dict()
    with pytest.raises(ValueError, match="expected"):
        RerankModel.from_dict({**data, "features": ["first"]})
    broken = {**data, "trees": {**data["trees"], "left": [5, -1, -1]}}
    with pytest.raises(ValueError, match="malformed"):
        RerankModel.from_dict(broken)
    again = RerankModel.from_dict({**data, "note": "x"})
    assert again.depth == 7
    assert again.meta == {"note": "x"}
    rows = np.zeros((2, len(FEATURES)), dtype=np.float32)
    rows[1, column("first")] = 0.7
    assert again.score(rows).tolist() == [0.0, 1.0]


def test_tree_scores_equal_lightgbm():
    lightgbm = pytest.importorskip("lightgbm")
    from bench.train_ranker import export

    rng = np.random.default_rng(7)
    x = rng.random((600, len(FEATURES))).astype(np.float32)
    x[:, 3] = np.round(x[:, 3])  # a binary feature: thresholds between two values
    y = (x[:, 0] + x[:, 3] > 1.1).astype(int) + (x[:, 5] > 0.8).astype(int)
    boosters = []
    for seed in (1, 2):
        model = lightgbm.LGBMRanker(
            objective="lambdarank",
            n_estimators=20,
            num_leaves=7,
            min_child_samples=5,
            random_state=seed,
            verbose=-1,
        )
        model.fit(x, y, group=[20] * 30)
        boosters.append(model.booster_)
    ours = export(boosters, {})
    expected = np.mean([b.predict(x) for b in boosters], axis=0)
    assert np.allclose(ours.score(x), expected, atol=1e-9)
    again = RerankModel.from_dict(json.loads(json.dumps(ours.to_dict())))
    assert np.allclose(again.score(x), expected, atol=1e-9)


def test_char_ngrams_are_padded_word_grams():
    assert char_ngrams("ab cde") == [
        " a",
        "ab",
        "b ",
        " ab",
        "ab ",
        " ab ",
        " c",
        "cd",
        "de",
        "e ",
        " cd",
        "cde",
        "de ",
        " cde",
        "cde ",
    ]


def test_char_cosine_equals_scikit_learn_char_wb():
    sklearn_text = pytest.importorskip("sklearn.feature_extraction.text")
    labels = ["lorry driver", "bus driver", "baker", "pastry chef", "driving instructor"]
    rows = [(f"{OCC}{i}", text, "en", "preferred") for i, text in enumerate(labels)]
    ours = OccupationRanker(rows, max_df=1.0, word_max_df=1.0)
    vectorizer = sklearn_text.TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4))
    matrix = vectorizer.fit_transform(labels)
    query = "truck driver"
    expected = (matrix @ vectorizer.transform([query]).T).toarray().ravel()
    candidates, feats = ours.candidate_features(query, "en", 10)
    got = {int(c): float(f) for c, f in zip(candidates, feats[:, column("char")], strict=True)}
    for concept, value in got.items():
        assert value == pytest.approx(expected[concept], abs=1e-5)


def test_coverage_head_and_exact_features(ranker):
    feats = features_by_uri(ranker, "Eisenbahn Betriebsleiter")
    rail = feats[OCC + "rail"]
    assert rail[column("qcov")] == pytest.approx(1.0)  # every query stem is in a rail label
    assert rail[column("lcov")] == pytest.approx(1.0)
    # The query's last word is the last compound part of "Eisenbahnbetriebsleiter".
    assert rail[column("headpart")] == 1.0
    assert rail[column("exact")] == 0.0
    exact = features_by_uri(ranker, "Bauingenieur")[OCC + "civil"]
    assert exact[column("exact")] == 1.0
    assert exact[column("char")] == pytest.approx(1.0, abs=1e-5)


def test_compound_parts_meet_separate_label_words(ranker):
    # "Elektronikingenieur" is no label; its parts are the words of "Ingenieur Elektronik".
    feats = features_by_uri(ranker, "Elektronikingenieur")
    assert feats[OCC + "electro"][column("cqcov")] > feats[OCC + "civil"][column("cqcov")]
    assert ranker.rank("Elektronikingenieur", "de", 1)[0].uri == OCC + "electro"


def test_isco_hierarchy_features(ranker):
    feats = features_by_uri(ranker, "Bäcker")
    group = feats[ISCO + "7512"]
    assert group[column("group")] == 1.0
    assert group[column("members")] == pytest.approx(1.0)  # the best candidate is a member
    assert feats[OCC + "baker"][column("members")] == 0.0
    # The baker's family (same unit group 7512) includes the group's own evidence.
    assert feats[OCC + "baker"][column("family")] > 0.0
    assert all(row[column("family")] == 0.0 for uri, row in feats.items() if "civil" in uri)


def test_isco_code_from_mapping_or_uri():
    assert isco_code(ISCO + "2511") == "2511"
    assert isco_code(OCC + "x", {OCC + "x": "2511"}) == "2511"
    assert isco_code(OCC + "x") == ""


def test_the_model_decides_the_order():
    rows = [
        (OCC + "a", "data engineer", "en", "preferred"),
        (OCC + "b", "data engineering manager", "en", "preferred"),
    ]
    # lendiff is minus the difference in words: -1 for "data engineering manager".
    longer = OccupationRanker(
        rows, max_df=1.0, word_max_df=1.0, rerank_model=step_model("lendiff", -0.5, 1.0, 0.0)
    )
    shorter = OccupationRanker(
        rows, max_df=1.0, word_max_df=1.0, rerank_model=step_model("lendiff", -0.5, 0.0, 1.0)
    )
    assert [r.uri for r in longer.rank("data engineer", "en")] == [OCC + "b", OCC + "a"]
    assert [r.uri for r in shorter.rank("data engineer", "en")] == [OCC + "a", OCC + "b"]
    plain = OccupationRanker(rows, max_df=1.0, word_max_df=1.0, rerank=False)
    assert plain.rank("data engineer", "en")[0].uri == OCC + "a"
    with pytest.raises(ValueError, match="rerank=False"):
        plain.candidate_features("data engineer", "en")


def test_results_below_the_reranked_depth_keep_the_first_stage_order():
    rows = [(f"{OCC}{i:02d}", f"welder grade {i}", "en", "preferred") for i in range(12)]
    # The best candidate scores 1, the others tie at 0 and keep the first stage's order.
    model = step_model("first_share", 0.999, 0.0, 1.0, 5)
    ranker = OccupationRanker(rows, max_df=1.0, word_max_df=1.0, rerank_model=model)
    ranked = ranker.rank("welder grade 3", "en", 12)
    assert len(ranked) == 12
    assert ranked[0].uri == OCC + "03"
    scores = [r.score for r in ranked]
    assert scores == sorted(scores, reverse=True)
    batch = ranker.rank_batch(["welder grade 3"], "en", 12)[0]
    assert [r.uri for r in batch] == [r.uri for r in ranked]


def test_reranked_batch_equals_single(ranker):
    titles = ["Bäcker", "Tiefbauingenieur", "Betriebsleiter Eisenbahn", "Konditorin", "xyz"]
    # Twice over, on two threads: results come back in order (and equal one thread's).
    titles = titles * 2
    batch = ranker.rank_batch(titles, "de", 5, workers=2)
    assert batch == ranker.rank_batch(titles, "de", 5, workers=1)
    for title, result in zip(titles, batch, strict=True):
        single = ranker.rank(title, "de", 5)
        assert [r.uri for r in result] == [r.uri for r in single]
        assert np.allclose([r.score for r in result], [r.score for r in single], atol=1e-5)


def test_label_evidence_comes_from_the_query_language():
    rows = [
        (OCC + "baker", "baker", "en", "preferred"),
        (OCC + "baker", "bager", "da", "preferred"),
        (OCC + "cook", "cook", "en", "preferred"),
        (OCC + "cook", "kok", "da", "preferred"),
    ]
    ranker = OccupationRanker(rows, max_df=1.0, word_max_df=1.0)
    baker = ranker.uris.index(OCC + "baker")

    def char_of(lang: str) -> float:
        candidates, feats = ranker.candidate_features("baker", lang)
        return float(feats[list(candidates).index(baker), column("char")])

    assert char_of("en") == pytest.approx(1.0, abs=1e-5)
    assert char_of("da") < 0.9  # only "bager" counts for a Danish query
    # The English label still finds the occupation for a Danish query (first stage fallback).
    assert ranker.rank("baker", "da", 1)[0].uri == OCC + "baker"


def test_other_languages_are_evidence_for_the_second_stage():
    rows = [
        (OCC + "baker", "bager", "da", "preferred"),
        (OCC + "baker", "baker", "nb", "preferred"),
        (OCC + "baker", "baker", "en", "preferred"),
        (OCC + "cook", "kok", "da", "preferred"),
        (OCC + "cook", "cook", "en", "preferred"),
    ]
    ranker = OccupationRanker(rows, max_df=1.0, word_max_df=1.0)
    candidates, feats = ranker.candidate_features("bagere", "da")
    by_uri = {ranker.uris[c]: row for c, row in zip(candidates.tolist(), feats, strict=True)}
    baker = by_uri[OCC + "baker"]
    # Norwegian is Danish's family (xnear); English only counts for xchar.
    assert baker[column("xnear")] > 0.0
    assert baker[column("xchar")] >= baker[column("xnear")]
    assert baker[column("xnear_rr")] == 1.0
    assert 0.0 < baker[column("xchar_mean")] <= baker[column("xchar")]
    # A query in a language without labels has every label as its own evidence.
    _, german = ranker.candidate_features("Bäcker", "de")
    assert not german[:, column("xchar")].any()


def test_evidence_labels_never_rank_and_leave_the_first_stage_alone():
    rows = [
        (OCC + "welder", "Schweißer", "de", "preferred"),
        (OCC + "baker", "Bäcker", "de", "preferred"),
    ]
    evidence = [
        (OCC + "welder", "lasser", "nl", "preferred"),
        (OCC + "baker", "bakker", "nl", "preferred"),
        (OCC + "baker", "qqzz", "nl", "alt"),
        (OCC + "unknown", "lasser", "nl", "preferred"),  # not ranked: ignored
    ]
    plain = OccupationRanker(rows, max_df=1.0, word_max_df=1.0)
    helped = OccupationRanker(rows, max_df=1.0, word_max_df=1.0, evidence_labels=evidence)
    assert helped.uris == plain.uris
    assert helped.n_labels == plain.n_labels == 2
    assert helped.rank("qqzz", "de") == []  # an evidence label finds nothing by itself
    c_plain, f_plain = plain.candidate_features("Bäckerin", "de")
    c_helped, f_helped = helped.candidate_features("Bäckerin", "de")
    assert c_plain.tolist() == c_helped.tolist()
    assert np.allclose(f_plain[:, column("first")], f_helped[:, column("first")])
    _, feats = helped.candidate_features("Bäckerin Bakker", "de")
    assert feats[:, column("xnear")].max() > 0.0  # Dutch is German's family


def test_hierarchy_features():
    rows = [
        (OCC + "engineer", "engineer", "en", "preferred"),
        (OCC + "civil", "civil engineer", "en", "preferred"),
        (OCC + "bridge", "bridge engineer", "en", "preferred"),
        (ISCO + "2142", "civil engineers", "en", "preferred"),
    ]
    broader = [
        (OCC + "civil", ISCO + "2142"),
        (OCC + "engineer", ISCO + "2142"),
        (OCC + "bridge", OCC + "civil"),
        (OCC + "bridge", OCC + "nowhere"),  # unknown concepts are ignored
    ]
    ranker = OccupationRanker(
        rows, occupations_only=False, max_df=1.0, word_max_df=1.0, broader=broader
    )
    candidates, feats = ranker.candidate_features("civil engineer", "en")
    by_uri = {ranker.uris[c]: row for c, row in zip(candidates.tolist(), feats, strict=True)}
    assert by_uri[OCC + "civil"][column("depth")] == 1.0
    assert by_uri[OCC + "bridge"][column("depth")] == 2.0
    assert by_uri[ISCO + "2142"][column("depth")] == 0.0
    assert by_uri[OCC + "civil"][column("children")] == pytest.approx(np.log1p(1))
    assert by_uri[ISCO + "2142"][column("children")] == pytest.approx(np.log1p(2))
    # "civil engineer" is the best first-stage candidate: its child sees it as parent.
    assert by_uri[OCC + "bridge"][column("parent")] == pytest.approx(1.0)
    assert by_uri[OCC + "civil"][column("child")] == pytest.approx(
        by_uri[OCC + "bridge"][column("first_share")]
    )


def test_soft_coverage_counts_shared_character_grams():
    rows = [
        (OCC + "cutting", "Zerspanungsmechaniker", "de", "preferred"),
        (OCC + "precision", "Feinwerkmechaniker", "de", "preferred"),
        (OCC + "cook", "Koch", "de", "preferred"),
    ]
    ranker = OccupationRanker(rows, max_df=1.0, word_max_df=1.0)
    candidates, feats = ranker.candidate_features(
        "Feinwerkmechaniker Schwerpunkt Zerspanungstechnik", "de"
    )
    by_uri = {ranker.uris[c]: row for c, row in zip(candidates.tolist(), feats, strict=True)}
    cutting, precision = by_uri[OCC + "cutting"], by_uri[OCC + "precision"]
    # Every 4-gram of "Feinwerkmechaniker" is in its label; "zerspanungstechnik" partly.
    assert precision[column("soft_lmean")] == pytest.approx(1.0)
    assert 0.0 < cutting[column("soft_qmean")] < 1.0
    assert cutting[column("soft_qmin")] == 0.0  # "Schwerpunkt" is in no label
    assert 0.0 < cutting[column("soft_lmean")] < 1.0
    _, exact = ranker.candidate_features("Koch", "de")
    assert exact[0, column("soft_qmean")] == pytest.approx(1.0)
    assert exact[0, column("soft_lmin")] == pytest.approx(1.0)


def test_relative_features_are_zero_at_the_best_candidate(ranker):
    _, feats = ranker.candidate_features("Bäcker Konditor", "de")
    names = [n for n in FEATURES if n.startswith("rel_")]
    assert names
    for name in names:
        base = feats[:, column(name[4:])]
        assert np.allclose(feats[:, column(name)], base - base.max())
    assert feats[:, column("top_first")].tolist() == [feats[:, column("first")].max()] * len(feats)
