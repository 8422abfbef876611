"""Compiled inner loops of the occupation ranker (numba).

The second stage (:mod:`.rerank`) scores 50 candidates per query with ≈ 1,500 label rows
between them. Written with numpy, every step was a dozen array calls over a few thousand
values: the calls' overhead and temporary arrays, not the arithmetic, made a query cost
≈ 6 ms (the 900-tree ensemble alone ≈ 2.8 ms). These loops do the same work in one pass
each; numba compiles them on first use and caches the machine code next to this file (or in
the user's cache directory; compiled once per process where neither is writable).

A query makes three calls: :func:`concept_scores` (first stage), :func:`candidate_features`
and :func:`cascade_scores`. Each releases the GIL for all of its work, so the threads of
``OccupationRanker.rank_batch`` overlap. The kernels are plain Python over numpy arrays,
tested against plain numpy/scipy formulations and hand-made cases
(``tests/test_matching_kernels.py``); the features were bit-identical to the numpy version's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

import numba
import numpy as np
import numpy.typing as npt

# Column numbers of a CSR matrix: two bytes when they fit (less memory to stream).
Columns = npt.NDArray[np.uint16] | npt.NDArray[np.int32]

# The reranker's features (``rerank.FEATURES``), block by block; :func:`candidate_features`
# writes them in this order. See ``rerank`` for what each one means.
BASE = (
    "first",
    "first_rr",
    "char",
    "char_rr",
    "qcov",
    "lcov",
    "head",
    "headpart",
    "lead",
    "exact",
    "kind",
    "group",
    "nlabels",
    "lendiff",
    "family",
    "members",
    "cqcov",
    "cchar",
)
CONTEXT = ("first_share", "char_gap", "top_first", "top_char", "group_top_char", "group_first")
OTHER_LANGS = ("xchar", "xchar_mean", "xnear", "xnear_rr")
HIERARCHY = ("depth", "children", "nlabels_same", "parent", "child")
SOFT = ("soft_qmean", "soft_qmin", "soft_lmean", "soft_lmin", "soft_qfirst", "soft_qlast")
# Features also given relative to their best value among the candidates ("rel_<name>").
RELATIVE = (*BASE, *OTHER_LANGS, *HIERARCHY, *SOFT)
COLUMNS: tuple[str, ...] = (
    *BASE,
    *CONTEXT,
    *OTHER_LANGS,
    *HIERARCHY,
    *SOFT,
    *(f"rel_{name}" for name in RELATIVE),
)
# Block starts and the columns the relative block is computed from: module constants, which
# numba compiles in.
_CONTEXT_AT = len(BASE)
_OTHER_AT = _CONTEXT_AT + len(CONTEXT)
_HIERARCHY_AT = _OTHER_AT + len(OTHER_LANGS)
_SOFT_AT = _HIERARCHY_AT + len(HIERARCHY)
_RELATIVE_AT = _SOFT_AT + len(SOFT)
_RELATIVE_FROM = np.array([COLUMNS.index(name) for name in RELATIVE], dtype=np.int64)


def _compiled[F: Callable[..., Any]](function: F) -> F:
    """``numba.njit`` with an on-disk cache where one can be written (a read-only install
    without a writable cache directory compiles once per process instead)."""
    try:
        return cast(F, numba.njit(cache=True, nogil=True)(function))
    except RuntimeError:  # numba: "no locator available" for the cache
        return cast(F, numba.njit(nogil=True)(function))


@_compiled
def _product(a: np.float32, b: np.float32) -> float:
    """``a * b`` rounded to float32 as numpy rounds a product of float32 arrays: sums of
    these in float64 then equal numpy's ``bincount``/sparse sums bit for bit."""
    return float(np.float32(a * b))


@_compiled
def rows_dot(
    indptr: npt.NDArray[np.int64],
    indices: Columns,
    data: npt.NDArray[np.float32],
    rows: npt.NDArray[np.int64],
    dense: npt.NDArray[np.float32],
) -> npt.NDArray[np.float32]:
    """``matrix[rows] @ dense`` for a CSR matrix given by its arrays (float64 sums)."""
    out = np.empty(len(rows), dtype=np.float32)
    for i in range(len(rows)):
        row = rows[i]
        total = 0.0
        for j in range(indptr[row], indptr[row + 1]):
            total += _product(data[j], dense[indices[j]])
        out[i] = total
    return out


@_compiled
def score_trees(
    feature: npt.NDArray[np.uint8],
    threshold: npt.NDArray[np.float32],
    value: npt.NDArray[np.float64],
    levels: int,
    rows: npt.NDArray[np.float32],
) -> npt.NDArray[np.float64]:
    """Sum over trees of the leaf each row reaches. The trees are complete binary trees in
    heap order (``feature``/``threshold``: trees x inner nodes, ``value``: trees x leaves);
    a row goes right when its value is above the node's threshold."""
    n_rows = rows.shape[0]
    n_trees = feature.shape[0]
    first_leaf = np.uint32(2**levels - 1)
    out = np.zeros(n_rows, dtype=np.float64)
    if levels == 0:
        for t in range(n_trees):
            out += value[t, 0]
        return out
    # Features by column, positions unsigned (no negative-index wraparound test): the inner
    # loop is then a plain gather-compare-step the processor overlaps across rows.
    by_feature = np.ascontiguousarray(rows.T)
    position = np.zeros(n_rows, dtype=np.uint32)
    one, two = np.uint32(1), np.uint32(2)
    # Tree by tree (its nodes stay in the first-level cache), one level at a time for all
    # the rows: the rows' steps are independent, unlike one row's chain of dependent loads.
    for t in range(n_trees):
        tree_feature = feature[t]
        tree_threshold = threshold[t]
        tree_value = value[t]
        root_values = by_feature[tree_feature[0]]
        for r in range(n_rows):
            position[r] = one + np.uint32(root_values[r] > tree_threshold[0])
        for _ in range(levels - 1):
            for r in range(n_rows):
                node = position[r]
                right = np.uint32(by_feature[tree_feature[node], r] > tree_threshold[node])
                position[r] = two * node + one + right
        for r in range(n_rows):
            out[r] += tree_value[position[r] - first_leaf]
    return out


# Columns of label_evidence's pooled output, in this order.
LABEL_COLUMNS = ("char", "qcov", "lcov", "head", "headpart", "lead", "exact", "kind", "lendiff")


@_compiled
def label_evidence(
    starts: npt.NDArray[np.int64],
    ends: npt.NDArray[np.int64],
    label_lang: npt.NDArray[np.int16],
    query_lang: int,
    n_langs: int,
    char: tuple[npt.NDArray[np.int64], Columns, npt.NDArray[np.float32]],
    qchar: npt.NDArray[np.float32],
    word: tuple[npt.NDArray[np.int64], Columns, npt.NDArray[np.float32]],
    hit: npt.NDArray[np.float32],
    q_total: float,
    label_idf_sum: npt.NDArray[np.float32],
    words: tuple[npt.NDArray[np.int32], npt.NDArray[np.int32], npt.NDArray[np.int32]],
    query_words: tuple[int, int, int],
    exact_labels: npt.NDArray[np.int64],
    kind_preferred: npt.NDArray[np.float32],
    label_len: npt.NDArray[np.float32],
    n_content: int,
) -> tuple[
    npt.NDArray[np.float32],
    npt.NDArray[np.float32],
    npt.NDArray[np.float32],
    npt.NDArray[np.float32],
]:
    """Label-level evidence of one query against the labels ``starts[c]:ends[c]`` of each
    candidate ``c``, pooled per candidate by the maximum over its labels.

    A label counts as the query's language when ``query_lang`` is -1 or its language;
    ``char``/``qcov``/``lcov`` are 0 for the others, whose char cosine instead goes to the
    per-language maxima. ``char`` and ``word`` are CSR arrays (indptr, indices, data) of
    the labels' char TF-IDF rows and word 0/1 rows; ``words`` the head, lead and head-part
    word ids of every label and ``query_words`` the query's (head, lead, head part).

    Returns the pooled :data:`LABEL_COLUMNS` (``lendiff`` negated: larger is better), the
    sum of the query-language char cosines, the number of query-language labels and the
    best char cosine per other language (candidates x languages).
    """
    k = len(starts)
    pooled = np.full((k, len(LABEL_COLUMNS)), -np.inf, dtype=np.float32)
    char_sum = np.zeros(k, dtype=np.float32)
    n_same = np.zeros(k, dtype=np.float32)
    per_lang = np.zeros((k, max(n_langs, 1)), dtype=np.float32)
    char_indptr, char_indices, char_data = char
    word_indptr, word_indices, word_data = word
    head, lead, headpart = words
    q_head, q_lead, q_headpart = query_words
    total_idf = np.float32(q_total)
    values = np.zeros(len(LABEL_COLUMNS), dtype=np.float32)
    for c in range(k):
        summed = 0.0
        for row in range(starts[c], ends[c]):
            dot = 0.0
            for j in range(char_indptr[row], char_indptr[row + 1]):
                dot += _product(char_data[j], qchar[char_indices[j]])
            cosine = np.float32(dot)
            values[:] = 0.0
            if query_lang < 0 or label_lang[row] == query_lang:
                n_same[c] += 1.0
                summed += float(cosine)
                values[0] = cosine
                common = 0.0
                for j in range(word_indptr[row], word_indptr[row + 1]):
                    common += _product(word_data[j], hit[word_indices[j]])
                shared = np.float32(common)
                if total_idf > 0:
                    values[1] = shared / total_idf
                if label_idf_sum[row] > 0:
                    values[2] = shared / label_idf_sum[row]
            elif cosine > per_lang[c, label_lang[row]]:
                per_lang[c, label_lang[row]] = cosine
            values[3] = head[row] == q_head
            values[4] = headpart[row] == q_headpart or headpart[row] == q_head
            values[5] = lead[row] == q_lead
            for label in exact_labels:
                if label == row:
                    values[6] = 1.0
            values[7] = kind_preferred[row]
            values[8] = -abs(label_len[row] - np.float32(n_content))
            for f in range(len(LABEL_COLUMNS)):
                if values[f] > pooled[c, f]:
                    pooled[c, f] = values[f]
        char_sum[c] = summed
    return pooled, char_sum, n_same, per_lang


@_compiled
def soft_coverage(
    starts: npt.NDArray[np.int64],
    ends: npt.NDArray[np.int64],
    label_lang: npt.NDArray[np.int16],
    query_lang: int,
    label_grams: tuple[npt.NDArray[np.int64], Columns],
    word_grams: tuple[npt.NDArray[np.int64], Columns],
    label_words: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]],
    slot: npt.NDArray[np.int32],
    member: npt.NDArray[np.float64],
    query_word_len: npt.NDArray[np.float64],
) -> npt.NDArray[np.float32]:
    """Soft coverage of the query-language labels of each candidate, pooled by the maximum
    (0 when it has none): per query word, the share of its 4-grams found in the label —
    mean, minimum, for the first and for the last word — and per label word, the share of
    its 4-grams found in the query (mean, minimum); a label without soft words scores 0.

    ``label_grams``/``word_grams``: CSR (indptr, indices) of the 4-grams of each label and
    of each label word; ``label_words``: (first word row, word count) per label;
    ``slot``: per 4-gram id, its row in ``member`` when the query has it (else -1), and
    ``member[g, w]`` 1 when that 4-gram is in query word ``w``, whose number of 4-grams
    is ``query_word_len[w]``.
    """
    k = len(starts)
    out = np.zeros((k, 6), dtype=np.float32)
    n_words = member.shape[1]
    if n_words == 0 or member.shape[0] == 0:
        return out
    label_indptr, label_indices = label_grams
    word_indptr, word_indices = word_grams
    first_word, word_count = label_words
    covered = np.zeros(n_words, dtype=np.float64)
    values = np.zeros(6, dtype=np.float64)
    for c in range(k):
        for row in range(starts[c], ends[c]):
            if (query_lang >= 0 and label_lang[row] != query_lang) or word_count[row] == 0:
                continue
            covered[:] = 0.0
            for j in range(label_indptr[row], label_indptr[row + 1]):
                g = slot[label_indices[j]]
                if g >= 0:
                    for w in range(n_words):
                        covered[w] += member[g, w]
            total = 0.0
            lowest = np.inf
            for w in range(n_words):
                covered[w] /= query_word_len[w]
                total += covered[w]
                lowest = min(lowest, covered[w])
            values[0] = total / n_words
            values[1] = lowest
            values[4] = covered[0]
            values[5] = covered[n_words - 1]
            share_sum = 0.0
            share_min = np.inf
            for word_row in range(first_word[row], first_word[row] + word_count[row]):
                found = 0
                for j in range(word_indptr[word_row], word_indptr[word_row + 1]):
                    if slot[word_indices[j]] >= 0:
                        found += 1
                share = found / (word_indptr[word_row + 1] - word_indptr[word_row])
                share_sum += share
                share_min = min(share_min, share)
            values[2] = share_sum / word_count[row]
            values[3] = share_min
            for f in range(6):
                if values[f] > out[c, f]:
                    out[c, f] = values[f]
    return out


@_compiled
def concept_scores(
    postings: tuple[npt.NDArray[np.int64], npt.NDArray[np.int32], npt.NDArray[np.float32]],
    columns: npt.NDArray[np.int64],
    weights: npt.NDArray[np.float32],
    boosted: npt.NDArray[np.int64],
    boost: float,
    label_weights: npt.NDArray[np.float32],
    label_concept: npt.NDArray[np.int32],
    n_concepts: int,
) -> npt.NDArray[np.float32]:
    """First-stage score of every concept: the best over its labels of (query · label +
    ``boost`` for the ``boosted`` labels) x the label's weight; 0 for a concept none of
    whose labels shares a feature with the query.

    ``postings`` is the inverted index in CSR (indptr, indices, data: one posting list per
    feature), ``columns``/``weights`` the query's features. A label's dot product is summed
    in float64 in posting order and rounded to float32. Only the labels the query reaches
    are visited, not all of them.
    """
    indptr, indices, data = postings
    total = np.zeros(len(label_concept), dtype=np.float64)
    touched = np.empty(len(label_concept), dtype=np.int64)
    n_touched = 0
    for i in range(len(columns)):
        column = columns[i]
        weight = weights[i]
        for j in range(indptr[column], indptr[column + 1]):
            label = indices[j]
            if total[label] == 0.0:
                touched[n_touched] = label
                n_touched += 1
            total[label] += _product(data[j], weight)
    scores = np.zeros(n_concepts, dtype=np.float32)
    for label in boosted:
        if total[label] == 0.0:
            touched[n_touched] = label
            n_touched += 1
    boost32 = np.float32(boost)
    for i in range(n_touched):
        label = touched[i]
        score = np.float32(total[label])
        for other in boosted:
            if other == label:
                score += boost32
        score *= label_weights[label]
        concept = label_concept[label]
        if score > scores[concept]:
            scores[concept] = score
    return scores


@_compiled
def concept_context(
    candidates: npt.NDArray[np.int64],
    first: npt.NDArray[np.float32],
    level: npt.NDArray[np.int8],
    prefix: npt.NDArray[np.int32],
    parents: tuple[npt.NDArray[np.int64], npt.NDArray[np.int32]],
) -> npt.NDArray[np.float32]:
    """First-stage evidence around each candidate, relative to the best first-stage score
    (candidates x 4):

    * ``family``: the sum for the other candidates of the same ISCO unit group;
    * ``members``: for an ISCO group, the best of the candidates below it;
    * ``parent``/``child``: the best of its broader / narrower concepts among the candidates.

    ``level``: 1-4 for ISCO groups (code length), 5 for occupations, 0 unknown; ``prefix``:
    id of the first 1-4 digits of each concept's code (-1 when shorter); ``parents``: CSR
    (indptr, indices) of each concept's broader concepts.
    """
    k = len(candidates)
    out = np.zeros((k, 4), dtype=np.float32)
    if k == 0:
        return out
    top = first.max()
    if top <= 0:
        return out
    rel = first / top
    for a in range(k):
        ca = candidates[a]
        unit = prefix[4, ca]
        family = np.float32(0.0)
        for b in range(k):
            cb = candidates[b]
            if b != a and unit >= 0 and prefix[4, cb] == unit:
                family += rel[b]
            # Is b below the ISCO group a?
            length = level[ca]
            if 1 <= length <= 4 and level[cb] > length and prefix[length, cb] == prefix[length, ca]:
                out[a, 1] = max(out[a, 1], rel[b])
        out[a, 0] = family
    parent_indptr, parent_indices = parents
    for a in range(k):
        ca = candidates[a]
        for j in range(parent_indptr[ca], parent_indptr[ca + 1]):
            above = parent_indices[j]
            for b in range(k):
                if candidates[b] == above:
                    out[a, 2] = max(out[a, 2], rel[b])
                    out[b, 3] = max(out[b, 3], rel[a])
    return out


@_compiled
def candidate_features(
    candidates: npt.NDArray[np.int64],
    first: npt.NDArray[np.float32],
    starts: npt.NDArray[np.int64],
    ends: npt.NDArray[np.int64],
    query: tuple[Any, ...],
    labels: tuple[Any, ...],
    concepts: tuple[Any, ...],
    soft: tuple[Any, ...],
) -> npt.NDArray[np.float32]:
    """The reranker's feature matrix (candidates x :data:`COLUMNS`) for one query, in one
    call (one release of the GIL): :func:`label_evidence`, :func:`soft_coverage` and
    :func:`concept_context`, then the per-candidate and relative columns.

    ``query``: (language number or -1, other languages as a 0/1 array over the index's
    languages, languages of the query's family likewise, dense char TF-IDF vector, dense
    word-IDF vector of the query's words, their IDF total, head/lead/head-part word ids,
    exact-match label numbers, number of content words, soft 4-gram slots, membership and
    word lengths). ``labels``: the label arrays of :func:`label_evidence` and
    :func:`soft_coverage`. ``concepts``: per concept, group flag, log label count, char
    norm, depth, log children, ISCO level and prefixes, parents CSR, words CSR.
    """
    (
        lang,
        other_langs,
        near_langs,
        qchar,
        hit,
        q_total,
        query_words,
        exact_labels,
        n_content,
        slot,
        member,
        word_len,
    ) = query
    (
        label_lang,
        char,
        word,
        label_idf_sum,
        words,
        kind_preferred,
        label_len,
    ) = labels
    (
        group,
        nlabels,
        char_norm,
        depth,
        children,
        level,
        prefix,
        parents,
        concept_words,
    ) = concepts
    label_grams, word_grams, label_words = soft
    k = len(candidates)
    n_langs = len(other_langs)
    out = np.zeros((k, len(COLUMNS)), dtype=np.float32)
    if k == 0:
        return out
    pooled, char_sum, n_same, per_lang = label_evidence(
        starts,
        ends,
        label_lang,
        lang,
        n_langs,
        char,
        qchar,
        word,
        hit,
        q_total,
        label_idf_sum,
        words,
        query_words,
        exact_labels,
        kind_preferred,
        label_len,
        n_content,
    )
    soft_values = soft_coverage(
        starts, ends, label_lang, lang, label_grams, word_grams, label_words, slot, member, word_len
    )
    context = concept_context(candidates, first, level, prefix, parents)
    cqcov = rows_dot(concept_words[0], concept_words[1], concept_words[2], candidates, hit)
    char_order = np.argsort(-pooled[:, 0], kind="mergesort")
    top_first = np.float32(first.max())
    top_char = np.float32(pooled[:, 0].max())
    share_base = top_first if top_first > 1e-6 else np.float32(1e-6)
    total_idf = np.float32(q_total)
    for position in range(k):
        row = char_order[position]
        out[row, 3] = 1.0 / np.float32(position + 1)
    for i in range(k):
        c = candidates[i]
        out[i, 0] = first[i]
        out[i, 1] = 1.0 / np.float32(i + 1)
        out[i, 2] = pooled[i, 0]
        for f in range(6):  # qcov, lcov, head, headpart, lead, exact
            out[i, 4 + f] = pooled[i, 1 + f]
        out[i, 10] = pooled[i, 7]
        out[i, 11] = group[c]
        out[i, 12] = nlabels[c]
        out[i, 13] = pooled[i, 8]
        out[i, 14] = context[i, 0]
        out[i, 15] = context[i, 1]
        if total_idf > 0:
            out[i, 16] = cqcov[i] / total_idf
        out[i, 17] = char_sum[i] / char_norm[c]
        out[i, _CONTEXT_AT] = first[i] / share_base
        out[i, _CONTEXT_AT + 1] = pooled[i, 0] - top_char
        out[i, _CONTEXT_AT + 2] = top_first
        out[i, _CONTEXT_AT + 3] = top_char
        out[i, _CONTEXT_AT + 4] = group[c] * top_char
        out[i, _CONTEXT_AT + 5] = group[c] * first[i]
        out[i, _HIERARCHY_AT] = depth[c]
        out[i, _HIERARCHY_AT + 1] = children[c]
        out[i, _HIERARCHY_AT + 2] = np.log1p(np.float64(n_same[i]))
        out[i, _HIERARCHY_AT + 3] = context[i, 2]
        out[i, _HIERARCHY_AT + 4] = context[i, 3]
        for f in range(6):
            out[i, _SOFT_AT + f] = soft_values[i, f]
    if lang >= 0:
        n_other = 0
        n_near = 0
        for language in range(n_langs):
            n_other += other_langs[language]
            n_near += near_langs[language]
        for i in range(k):
            best = np.float32(0.0)
            summed = np.float32(0.0)
            near = np.float32(0.0)
            for language in range(n_langs):
                value = per_lang[i, language]
                best = max(best, value)
                if other_langs[language]:
                    summed += value
                if near_langs[language]:
                    near = max(near, value)
            out[i, _OTHER_AT] = best
            if n_other:
                out[i, _OTHER_AT + 1] = summed / np.float32(n_other)
            out[i, _OTHER_AT + 2] = near
        if n_near:
            near_order = np.argsort(-out[:, _OTHER_AT + 2], kind="mergesort")
            for position in range(k):
                row = near_order[position]
                if out[row, _OTHER_AT + 2] > 0:
                    out[row, _OTHER_AT + 3] = 1.0 / np.float32(position + 1)
    for r in range(len(_RELATIVE_FROM)):
        source = _RELATIVE_FROM[r]
        best = out[0, source]
        for i in range(1, k):
            best = max(best, out[i, source])
        for i in range(k):
            out[i, _RELATIVE_AT + r] = out[i, source] - best
    return out


@_compiled
def cascade_scores(
    feature: npt.NDArray[np.uint8],
    threshold: npt.NDArray[np.float32],
    value: npt.NDArray[np.float64],
    levels: int,
    rows: npt.NDArray[np.float32],
    first_trees: int,
    depth: int,
) -> npt.NDArray[np.float64]:
    """Scores that order ``rows`` as a cascade does: the first ``first_trees`` trees score
    every row, all the trees the best ``depth`` of them; the others get values just below
    the lowest of those, in the first trees' order. Without a cascade (``first_trees`` 0)
    or with at most ``depth`` rows, every tree scores every row."""
    n_rows = rows.shape[0]
    if first_trees == 0 or n_rows <= depth:
        return score_trees(feature, threshold, value, levels, rows)
    first = score_trees(
        feature[:first_trees], threshold[:first_trees], value[:first_trees], levels, rows
    )
    order = np.argsort(-first, kind="mergesort")
    best_rows = np.empty((depth, rows.shape[1]), dtype=np.float32)
    for i in range(depth):
        best_rows[i] = rows[order[i]]
    rest = score_trees(
        feature[first_trees:], threshold[first_trees:], value[first_trees:], levels, best_rows
    )
    out = np.empty(n_rows, dtype=np.float64)
    floor = np.inf
    for i in range(depth):
        score = first[order[i]] + rest[i]
        out[order[i]] = score
        floor = min(floor, score)
    for i in range(depth, n_rows):
        out[order[i]] = floor - 1e-3 * (i - depth + 1)
    return out
