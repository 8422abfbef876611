"""The benchmark helpers that decide what the numbers mean."""

import random

from bench.common import percentile, row
from bench.p1_occupation_ranking import evaluate, holdout_split, noisy
from bench.run import discover
from springboard.matching.esco_files import occupation_labels_from_dir
from springboard.matching.ranker import Ranked
from springboard.matching.textnorm import normalise_phrase


def test_runner_discovers_benchmarks_in_order():
    ids = list(discover())
    assert ids[:3] == ["P1", "P2", "P3"]


def test_row_ok_and_ratio():
    fast = row("PX", "p95 ms", 1.0, baseline=4.0, at_most=2.0, higher_is_better=False)
    assert fast["ok"]
    assert fast["ratio"] == 4.0
    assert not row("PX", "MB/s", 10.0, baseline=5.0, at_least=20.0)["ok"]
    assert not row("PX", "MB/s", 30.0, baseline=10.0, ratio_at_least=5.0)["ok"]


def test_percentile_nearest_rank():
    values = list(range(1, 101))
    assert percentile(values, 95) == 95
    assert percentile(values, 50) == 50


def test_holdout_split_has_no_leakage(fixture_dir):
    labels = list(occupation_labels_from_dir(fixture_dir))
    index, queries = holdout_split(labels, per_lang=5, seed=1)
    assert queries
    held = {q.uri for q in queries}
    index_pairs = {(lab.uri, normalise_phrase(lab.label)) for lab in index}
    removed = [lab for lab in labels if lab not in index]
    assert removed
    for lab in removed:
        assert lab.uri in held
        assert (lab.uri, normalise_phrase(lab.label)) not in index_pairs
    # every queried occupation keeps labels in the query language
    for q in queries:
        assert any(lab.uri == q.uri and lab.lang == q.lang for lab in index)


def test_noise_is_seeded():
    a = [noisy("softwareudvikler", "da", random.Random(3)) for _ in range(3)]
    b = [noisy("softwareudvikler", "da", random.Random(3)) for _ in range(3)]
    assert a == b


def test_evaluate_mrr():
    from bench.p1_occupation_ranking import Query

    queries = [Query("1", "x", "en", "a", "clean"), Query("2", "y", "en", "b", "clean")]
    results = [[Ranked("z", 1.0), Ranked("a", 0.5)], [Ranked("c", 1.0)]]
    assert evaluate(results, queries) == {"mrr": 0.25, "recall_at_10": 0.5}
