"""The reranker's compiled loops (springboard/matching/kernels.py) against plain numpy/scipy
formulations of the same quantities, on seeded random inputs and hand-made cases."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from springboard.matching import kernels
from springboard.matching.rerank import RerankModel


def random_csr(rng: np.random.Generator, rows: int, cols: int, density: float) -> sp.csr_matrix:
    matrix = sp.random(rows, cols, density=density, format="csr", random_state=rng)
    matrix.data = matrix.data.astype(np.float32)
    matrix.sort_indices()
    return matrix


def arrays(matrix: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return (
        matrix.indptr.astype(np.int64),
        matrix.indices.astype(np.int32),
        matrix.data.astype(np.float32),
    )


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_rows_dot_equals_the_sparse_product(seed):
    rng = np.random.default_rng(seed)
    matrix = random_csr(rng, 300, 90, 0.1)
    matrix = sp.csr_matrix(matrix.multiply((np.arange(300) != 7)[:, None]))  # row 7 empty
    dense = rng.random(90).astype(np.float32)
    rows = rng.integers(0, 300, 120).astype(np.int64)
    rows[0] = 7
    expected = matrix[rows] @ dense.astype(np.float64)
    got = kernels.rows_dot(*arrays(matrix), rows, dense)
    assert got.dtype == np.float32
    assert np.allclose(got, expected, rtol=1e-6)
    assert got[0] == 0.0


@pytest.mark.parametrize("seed", [0, 1])
def test_concept_scores_are_the_best_weighted_label_score(seed):
    rng = np.random.default_rng(seed)
    postings = random_csr(rng, 40, 500, 0.05)  # features x labels
    columns = np.array([3, 17, 4, 39], dtype=np.int64)
    weights = rng.random(4).astype(np.float32)
    label_concept = np.sort(rng.integers(0, 60, 500)).astype(np.int32)
    label_weights = rng.random(500).astype(np.float32)
    boosted = np.array([2, 499], dtype=np.int64)
    label_scores = (weights.astype(np.float64) @ postings[columns].toarray()).astype(np.float32)
    label_scores[boosted] += np.float32(0.3)
    weighted = label_scores * label_weights
    expected = np.zeros(62, dtype=np.float32)  # concepts 60, 61 have no labels: 0
    np.maximum.at(expected, label_concept, weighted)
    got = kernels.concept_scores(
        arrays(postings), columns, weights, boosted, 0.3, label_weights, label_concept, 62
    )
    assert np.allclose(got, expected, rtol=1e-6)
    assert got[label_concept[499]] >= np.float32(0.3) * label_weights[499] * (1 - 1e-6)
    nothing = kernels.concept_scores(
        arrays(postings),
        columns[:0],
        weights[:0],
        boosted[:0],
        0.3,
        label_weights,
        label_concept,
        62,
    )
    assert not nothing.any()


def test_concept_context_family_members_and_relatives():
    # Concepts: 0 = ISCO group "75", 1 = unit group "7512", 2 and 3 = occupations in 7512,
    # 4 = an occupation in 2142; 3 is narrower than 2 (ESCO broader relation).
    level = np.array([2, 4, 5, 5, 5], dtype=np.int8)
    codes = ["75", "7512", "7512", "7512", "2142"]
    ids: dict[str, int] = {}
    prefix = np.full((5, 5), -1, dtype=np.int32)
    for c, code in enumerate(codes):
        for length in range(1, len(code) + 1):
            prefix[length, c] = ids.setdefault(code[:length], len(ids))
    parents = sp.csr_matrix(([1.0], ([3], [2])), shape=(5, 5))
    candidates = np.array([2, 3, 0, 4, 1], dtype=np.int64)
    first = np.array([1.0, 0.5, 0.4, 0.25, 0.2], dtype=np.float32)
    out = kernels.concept_context(
        candidates,
        first,
        level,
        prefix,
        (parents.indptr.astype(np.int64), parents.indices.astype(np.int32)),
    )
    family, members, parent, child = out.T
    # 2 and 3 share unit group 7512 with each other and with the unit group 1 itself.
    assert family.tolist() == pytest.approx([0.5 + 0.2, 1.0 + 0.2, 0.0, 0.0, 1.5])
    # The groups 75 and 7512 see their best member (occupation 2, relative score 1).
    assert members.tolist() == pytest.approx([0.0, 0.0, 1.0, 0.0, 1.0])
    assert parent.tolist() == pytest.approx([0.0, 1.0, 0.0, 0.0, 0.0])
    assert child.tolist() == pytest.approx([0.5, 0.0, 0.0, 0.0, 0.0])


def naive_tree_sum(model: RerankModel, row: np.ndarray) -> float:
    """Walk every tree from its root through the unpadded node arrays."""
    total = 0.0
    for root in model.roots:
        node = int(root)
        while model.feature[node] >= 0:
            go_left = np.float32(row[model.feature[node]]) <= model.threshold[node]
            node = int(model.left[node] if go_left else model.right[node])
        total += float(model.value[node])
    return total


def random_model(rng: np.random.Generator, n_trees: int, n_features: int) -> RerankModel:
    """Unbalanced random trees (leaves at different depths, some single-leaf trees)."""
    feature: list[int] = []
    threshold: list[float] = []
    left: list[int] = []
    right: list[int] = []
    value: list[float] = []
    roots: list[int] = []

    def grow(level: int) -> int:
        node = len(feature)
        feature.append(-1)
        threshold.append(0.0)
        left.append(-1)
        right.append(-1)
        value.append(float(rng.normal()))
        if level < 5 and rng.random() < 0.7:
            feature[node] = int(rng.integers(0, n_features))
            threshold[node] = float(rng.random())
            left[node] = grow(level + 1)
            right[node] = grow(level + 1)
        return node

    for _ in range(n_trees):
        roots.append(grow(0))
    return RerankModel(
        np.array(feature, dtype=np.int32),
        np.array(threshold),
        np.array(left, dtype=np.int32),
        np.array(right, dtype=np.int32),
        np.array(value),
        np.array(roots, dtype=np.int32),
    )


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_compiled_tree_walk_equals_a_naive_walk(seed):
    rng = np.random.default_rng(seed)
    model = random_model(rng, 40, 68)
    rows = rng.random((23, 68)).astype(np.float32)
    # Values exactly on a threshold go left, as in LightGBM.
    rows[0, model.feature[model.roots[0]]] = np.float32(model.threshold[model.roots[0]])
    expected = [naive_tree_sum(model, row) for row in rows]
    assert np.allclose(model.score(rows), expected, atol=1e-12)


def test_single_leaf_trees_and_no_rows():
    stump = RerankModel(
        np.array([-1, -1], dtype=np.int32),
        np.zeros(2),
        np.array([-1, -1], dtype=np.int32),
        np.array([-1, -1], dtype=np.int32),
        np.array([0.25, 0.5]),
        np.array([0, 1], dtype=np.int32),
    )
    assert stump.levels == 0
    assert stump.score(np.zeros((3, 68), dtype=np.float32)).tolist() == [0.75] * 3
    assert stump.score(np.zeros((0, 68), dtype=np.float32)).tolist() == []


def test_label_evidence_pools_labels_per_candidate():
    # Four labels: candidate 0 owns labels 0-2 (0 and 1 in language 0, 2 in language 1),
    # candidate 1 owns label 3 (language 0). Char rows over 3 n-grams, word rows over 2 words.
    char = sp.csr_matrix(
        np.array([[1, 0, 0], [0.6, 0.8, 0], [0, 0, 1], [0, 1, 0]], dtype=np.float32)
    )
    word = sp.csr_matrix(np.array([[1, 0], [1, 1], [0, 1], [0, 1]], dtype=np.float32))
    qchar = np.array([0.6, 0.0, 0.8], dtype=np.float32)
    hit = np.array([2.0, 0.0], dtype=np.float32)  # the query has word 0 (idf 2) only
    label_idf_sum = np.array([2.0, 5.0, 3.0, 3.0], dtype=np.float32)
    ids = np.array([0, 1, 0, 1], dtype=np.int32)

    def evidence(query_lang: int, exact_labels: list[int]) -> tuple[np.ndarray, ...]:
        return kernels.label_evidence(
            np.array([0, 3], dtype=np.int64),
            np.array([3, 4], dtype=np.int64),
            np.array([0, 0, 1, 0], dtype=np.int16),
            query_lang,
            2,
            arrays(char),
            qchar,
            arrays(word),
            hit,
            4.0,
            label_idf_sum,
            (ids, ids, ids),
            (0, 1, 7),
            np.array(exact_labels, dtype=np.int64),
            np.array([0, 1, 1, 1], dtype=np.float32),
            np.array([1, 2, 1, 3], dtype=np.float32),
            2,
        )

    pooled, char_sum, n_same, per_lang = evidence(0, [1])
    char_col, qcov, lcov, head, headpart, lead, exact, kind, lendiff = pooled.T
    # Candidate 0: cosines 0.6 and 0.36 in the query's language; label 2 (0.8) is evidence
    # for language 1 only.
    assert char_col.tolist() == pytest.approx([0.6, 0.0])
    assert char_sum.tolist() == pytest.approx([0.96, 0.0])
    assert np.allclose(per_lang, [[0.0, 0.8], [0.0, 0.0]])
    assert n_same.tolist() == [2.0, 1.0]
    assert qcov.tolist() == pytest.approx([0.5, 0.0])
    assert lcov.tolist() == pytest.approx([1.0, 0.0])
    # Word ids: head matches id 0 (labels 0, 2), lead id 1 (labels 1, 3), head part id 7
    # never, but a label head part equal to the query's head counts.
    assert head.tolist() == [1.0, 0.0]
    assert lead.tolist() == [1.0, 1.0]
    assert headpart.tolist() == [1.0, 0.0]
    assert exact.tolist() == [1.0, 0.0]
    assert kind.tolist() == [1.0, 1.0]
    assert lendiff.tolist() == [0.0, -1.0]

    # query_lang -1: every label is in the query's language.
    pooled_all, _, n_all, per_lang_all = evidence(-1, [])
    assert pooled_all[:, 0].tolist() == pytest.approx([0.8, 0.0])
    assert n_all.tolist() == [3.0, 1.0]
    assert not per_lang_all.any()


def test_soft_coverage_shares_of_query_and_label_grams():
    # Gram ids 0-5. Query words: A = {0, 1, 2} (3 grams, one unknown to the index: length
    # 4), B = {3}. Label 0 (language 0) has words {0, 1} and {3, 5}; label 1 (language 1)
    # would cover everything but is in another language; label 2 has no soft words.
    label_grams = sp.csr_matrix(
        (np.ones(5), np.array([0, 1, 3, 5, 0]), np.array([0, 4, 5, 5])), shape=(3, 6)
    )
    word_grams = sp.csr_matrix(
        (np.ones(5), np.array([0, 1, 3, 5, 0]), np.array([0, 2, 4, 5])), shape=(3, 6)
    )
    slot = np.array([0, 1, 2, 3, -1, -1], dtype=np.int32)
    member = np.array([[1, 0], [1, 0], [1, 0], [0, 1]], dtype=np.float64)

    def coverage(member: np.ndarray) -> np.ndarray:
        return kernels.soft_coverage(
            np.array([0], dtype=np.int64),
            np.array([3], dtype=np.int64),
            np.array([0, 1, 0], dtype=np.int16),
            0,
            (label_grams.indptr.astype(np.int64), label_grams.indices.astype(np.int32)),
            (word_grams.indptr.astype(np.int64), word_grams.indices.astype(np.int32)),
            (np.array([0, 2, 3], dtype=np.int64), np.array([2, 1, 0], dtype=np.int64)),
            slot,
            member,
            np.array([4.0, 1.0]),
        )

    # Query side: A 2/4, B 1/1 → mean 0.75, min 0.5, first 0.5, last 1.0. Label side:
    # {0, 1} fully found, {3, 5} half → mean 0.75, min 0.5.
    assert coverage(member).tolist() == [pytest.approx([0.75, 0.5, 0.75, 0.5, 0.5, 1.0])]
    assert not coverage(np.zeros((0, 2))).any()  # no query 4-gram known to the index


def with_cascade(model: RerankModel, trees: int, depth: int) -> RerankModel:
    return RerankModel(
        model.feature,
        model.threshold,
        model.left,
        model.right,
        model.value,
        model.roots,
        model.depth,
        model.meta,
        trees,
        depth,
    )


def test_cascade_scores_the_best_rows_with_every_tree():
    rng = np.random.default_rng(7)
    model = random_model(rng, 30, 68)
    rows = rng.random((25, 68)).astype(np.float32)
    assert np.array_equal(model.ranking_scores(rows), model.score(rows))  # no cascade

    cascaded = with_cascade(model, 10, 6)
    first = with_cascade(model, 0, 0)
    first_only = RerankModel(
        model.feature,
        model.threshold,
        model.left,
        model.right,
        model.value,
        model.roots[:10],
    ).score(rows)
    order = np.argsort(-first_only, kind="stable")
    scores = cascaded.ranking_scores(rows)
    best, rest = order[:6], order[6:]
    assert np.allclose(scores[best], first.score(rows)[best], atol=1e-12)
    assert scores[rest].max() < scores[best].min()
    assert list(np.argsort(-scores[rest], kind="stable")) == list(range(len(rest)))
    # Few rows: the whole ensemble scores them all.
    assert np.allclose(cascaded.ranking_scores(rows[:6]), model.score(rows[:6]), atol=1e-12)


def test_cascade_survives_the_model_file_and_is_checked():
    model = with_cascade(random_model(np.random.default_rng(3), 12, 68), 4, 20)
    again = RerankModel.from_dict(model.to_dict())
    assert (again.cascade_trees, again.cascade_depth) == (4, 20)
    with pytest.raises(ValueError, match="cascade"):
        with_cascade(model, 13, 20)


def test_without_a_writable_cache_the_loops_compile_per_process(monkeypatch):
    import numba

    real = numba.njit

    def no_cache_locator(**options):
        if options.get("cache"):
            raise RuntimeError("cannot cache function: no locator available")
        return real(**options)

    monkeypatch.setattr(numba, "njit", no_cache_locator)

    def add_one(x: int) -> int:
        return x + 1

    compiled = kernels._compiled(add_one)
    assert compiled(41) == 42
    assert isinstance(compiled, numba.core.registry.CPUDispatcher)
