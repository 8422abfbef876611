"""The occupation ranker's second stage (springboard/matching/rerank.py): features, the
shipped coefficients and how the ranker applies them. Small made-up labels only."""

from __future__ import annotations

import json
from importlib import resources

import numpy as np
import pytest

from springboard.matching.ranker import OccupationRanker, isco_code
from springboard.matching.rerank import (
    COEFFICIENTS_FILE,
    FEATURES,
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


@pytest.fixture(scope="module")
def ranker() -> OccupationRanker:
    return OccupationRanker(
        LABELS, occupations_only=False, max_df=1.0, word_max_df=1.0, concept_codes=CODES
    )


def features_by_uri(ranker: OccupationRanker, title: str) -> dict[str, np.ndarray]:
    candidates, feats = ranker.candidate_features(title, "de", 20)
    return {ranker.uris[c]: row for c, row in zip(candidates.tolist(), feats, strict=True)}


def test_shipped_coefficients_match_the_feature_list():
    text = resources.files("springboard.matching").joinpath("data", COEFFICIENTS_FILE)
    data = json.loads(text.read_text("utf-8"))
    assert data["features"] == list(FEATURES)
    model = load_default_model()
    assert model is not None
    assert model.weights.shape == (len(FEATURES),)
    assert model.depth >= 10
    assert "bench/train_ranker.py" in data["method"]


def test_coefficients_for_other_features_are_refused():
    with pytest.raises(ValueError, match="expected"):
        RerankModel.from_dict({"features": ["first"], "weights": [1.0]})
    model = RerankModel(np.arange(len(FEATURES), dtype=float), 7, {"note": "x"})
    again = RerankModel.from_dict(model.to_dict())
    assert again.depth == 7
    assert again.meta == {"note": "x"}
    assert np.allclose(again.weights, model.weights)


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
    weights = np.zeros(len(FEATURES))
    weights[column("lendiff")] = -1.0  # the feature is minus the difference in words
    longer = OccupationRanker(
        rows, max_df=1.0, word_max_df=1.0, rerank_model=RerankModel(weights, 20)
    )
    shorter = OccupationRanker(
        rows, max_df=1.0, word_max_df=1.0, rerank_model=RerankModel(-weights, 20)
    )
    assert [r.uri for r in longer.rank("data engineer", "en")] == [OCC + "b", OCC + "a"]
    assert [r.uri for r in shorter.rank("data engineer", "en")] == [OCC + "a", OCC + "b"]
    plain = OccupationRanker(rows, max_df=1.0, word_max_df=1.0, rerank=False)
    assert plain.rank("data engineer", "en")[0].uri == OCC + "a"
    with pytest.raises(ValueError, match="rerank=False"):
        plain.candidate_features("data engineer", "en")


def test_results_below_the_reranked_depth_keep_the_first_stage_order():
    rows = [(f"{OCC}{i:02d}", f"welder grade {i}", "en", "preferred") for i in range(12)]
    model = RerankModel(np.eye(len(FEATURES))[column("first")], 5)
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
    batch = ranker.rank_batch(titles, "de", 5, chunk=2)
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
