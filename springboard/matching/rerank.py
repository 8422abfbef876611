"""Second stage of occupation ranking: a learned tree ensemble over the top candidates.

The first stage (:class:`~springboard.matching.ranker.OccupationRanker`'s TF-IDF over char
n-grams and stems) finds candidates; this stage re-scores the best ``depth`` concepts of each
query with language-independent evidence that a single cosine mixes poorly:

* ``first``: the first-stage score, and its rank among the candidates;
* ``char``: a character 2-4-gram TF-IDF cosine over whole labels (sklearn's ``char_wb``
  scheme, computed here with numpy/scipy), the strongest single signal on real titles;
* ``qcov`` / ``lcov``: IDF-weighted share of the query's word stems (and compound parts)
  found in the label, and of the label's found in the query;
* ``head`` / ``headpart`` / ``lead``: the query's last content word equals the label's (its
  stem; or the last compound part of each: where the occupation noun sits in de/sv/nl/da/nb);
  ``lead`` the same for the first content word (French and English put the noun first);
* ``exact``: normalised query equals the label; ``kind``: preferred/alternative label;
  ``group``: the concept is not an occupation (an ISCO group); ``nlabels``: log number of
  labels of the concept; ``lendiff``: difference in content words;
* ``family`` / ``members``: first-stage evidence of the candidates in the same ISCO group;
* context: each candidate's scores against the best candidate's (``first_share``,
  ``char_gap``), how good the best match is (``top_first``, ``top_char``) and those for ISCO
  groups (a group wins when no occupation matches well);
* other languages (``xchar`` …): the char cosine against the concept's labels in the
  *other* languages of the index: a Swedish title meets the Danish and Norwegian label, a
  German one the Dutch (``xnear``: languages of the same family);
* hierarchy (``depth``, ``children``, ``parent``, ``child``): ESCO's broader relations —
  how specific the occupation is, and first-stage evidence of its parent and children;
* soft coverage (``soft_*``): per query word, the share of its character 4-grams found in
  the label (and per label word, in the query) — "Zerspanungstechnik" partly covered by
  "Zerspanungsmechaniker" — averaged, at its minimum, and for the first and last word;
* ``rel_*``: the candidate-level features minus their best value among the candidates.

Label-level features are pooled per concept by their maximum over the labels in the query's
language. The score of a candidate comes from a gradient-boosted tree ensemble (LambdaRank)
trained on the MELO real-title sets (``bench/train_ranker.py`` writes
``data/rerank_model.json``); :class:`RerankModel` evaluates the trees with numpy.
"""

from __future__ import annotations

import functools
import json
import math
import warnings
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from . import kernels
from .textnorm import stemmer_for, stopwords_for

# One definition of the feature list, in the order the compiled pass writes it.
FEATURES: tuple[str, ...] = kernels.COLUMNS
# Languages close enough that a label in one is evidence for a title in another.
LANGUAGE_FAMILIES = (
    frozenset({"da", "nb", "nn", "no", "sv", "is", "fo"}),
    frozenset({"nl", "de", "af", "fy", "lb"}),
    frozenset({"fr", "es", "it", "pt", "ro", "ca", "gl"}),
)


def _family(lang: str) -> frozenset[str]:
    return next((f for f in LANGUAGE_FAMILIES if lang in f), frozenset())


CHAR_NGRAMS = (2, 3, 4)
DEFAULT_DEPTH = 50
MODEL_FILE = "rerank_model.json"
SOFT_GRAM = 4
MAX_TREE_LEVELS = 12
# The compiled tree walk stores feature numbers in one byte.
assert len(FEATURES) <= 256


@dataclass(frozen=True)
class RerankModel:
    """A tree ensemble (sum of regression trees) over :data:`FEATURES`.

    The trees are flat arrays over all nodes: an inner node sends a row to ``left`` when its
    feature value is ``<= threshold`` (LightGBM's rule for numeric splits), else ``right``;
    a leaf (``feature == -1``) holds ``value``. ``roots`` are the first node of each tree.

    Cascade (:meth:`ranking_scores`): the first ``cascade_trees`` trees (one of the averaged
    fits) score every candidate, and all the trees only the best ``cascade_depth`` of them.
    """

    feature: npt.NDArray[np.int32]
    threshold: npt.NDArray[np.float64]
    left: npt.NDArray[np.int32]
    right: npt.NDArray[np.int32]
    value: npt.NDArray[np.float64]
    roots: npt.NDArray[np.int32]
    depth: int = DEFAULT_DEPTH
    meta: dict[str, Any] | None = None
    cascade_trees: int = 0
    cascade_depth: int = 0
    levels: int = field(init=False)
    # The trees padded to complete binary trees of ``levels`` levels in heap order (node i
    # has children 2i+1 and 2i+2): a row's path is then pure arithmetic, with no per-node
    # "is this a leaf" test. A leaf above the last level becomes a split that always goes
    # left (threshold +inf) with the leaf's value at every descendant leaf.
    _heap_feature: npt.NDArray[np.uint8] = field(init=False, repr=False)
    _heap_threshold: npt.NDArray[np.float32] = field(init=False, repr=False)
    _heap_value: npt.NDArray[np.float64] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if not 0 <= self.cascade_trees <= len(self.roots) or self.cascade_depth < 0:
            raise ValueError("cascade outside the ensemble")
        deepest = 0
        stack = [(int(r), 0) for r in self.roots]
        while stack:
            node, at = stack.pop()
            deepest = max(deepest, at)
            if self.feature[node] >= 0:
                stack.append((int(self.left[node]), at + 1))
                stack.append((int(self.right[node]), at + 1))
        if deepest > MAX_TREE_LEVELS:
            raise ValueError(f"trees deeper than {MAX_TREE_LEVELS} levels")
        object.__setattr__(self, "levels", deepest)
        n_inner, n_leaves = 2**deepest - 1, 2**deepest
        heap_feature = np.zeros((len(self.roots), max(n_inner, 1)), dtype=np.int32)
        heap_threshold = np.full((len(self.roots), max(n_inner, 1)), np.inf)
        heap_value = np.zeros((len(self.roots), n_leaves), dtype=np.float64)
        for t, root in enumerate(self.roots.tolist()):
            todo = [(root, 0, 0)]  # (node, heap position, level)
            while todo:
                node, position, at = todo.pop()
                if at == deepest:
                    heap_value[t, position - n_inner] = self.value[node]
                elif self.feature[node] >= 0:
                    heap_feature[t, position] = self.feature[node]
                    heap_threshold[t, position] = self.threshold[node]
                    todo.append((int(self.left[node]), 2 * position + 1, at + 1))
                    todo.append((int(self.right[node]), 2 * position + 2, at + 1))
                else:
                    # A leaf above the last level: both children repeat it.
                    todo.append((node, 2 * position + 1, at + 1))
                    todo.append((node, 2 * position + 2, at + 1))
        # Features are float32, so each threshold becomes the largest float32 not above it:
        # for a float32 x, x > t exactly when x > that value (the same path as LightGBM's
        # float64 comparison, with half the memory traffic).
        threshold32 = heap_threshold.astype(np.float32)
        above = threshold32.astype(np.float64) > heap_threshold
        threshold32[above] = np.nextafter(threshold32[above], np.float32(-np.inf))
        object.__setattr__(self, "_heap_feature", heap_feature.astype(np.uint8))
        object.__setattr__(self, "_heap_threshold", threshold32)
        object.__setattr__(self, "_heap_value", heap_value)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RerankModel:
        names = list(data["features"])
        if names != list(FEATURES):
            raise ValueError(f"model is for features {names}, expected {list(FEATURES)}")
        trees = data["trees"]
        feature = np.asarray(trees["feature"], dtype=np.int32)
        n = len(feature)
        arrays = [np.asarray(trees[k]) for k in ("threshold", "left", "right", "value")]
        if any(len(x) != n for x in arrays) or feature.max(initial=-1) >= len(FEATURES):
            raise ValueError("malformed tree arrays")
        left, right = (x.astype(np.int32) for x in arrays[1:3])
        inner = feature >= 0
        if np.any(inner & ((left < 0) | (left >= n) | (right < 0) | (right >= n))):
            raise ValueError("malformed tree arrays")
        return cls(
            feature,
            arrays[0].astype(np.float64),
            left,
            right,
            arrays[3].astype(np.float64),
            np.asarray(trees["roots"], dtype=np.int32),
            int(data.get("depth", DEFAULT_DEPTH)),
            {k: v for k, v in data.items() if k not in {"features", "trees", "depth", "cascade"}},
            int(data.get("cascade", {}).get("trees", 0)),
            int(data.get("cascade", {}).get("depth", 0)),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            **(self.meta or {}),
            "features": list(FEATURES),
            "depth": self.depth,
            "cascade": {"trees": self.cascade_trees, "depth": self.cascade_depth},
            "trees": {
                "roots": self.roots.tolist(),
                "feature": self.feature.tolist(),
                "threshold": self.threshold.tolist(),
                "left": self.left.tolist(),
                "right": self.right.tolist(),
                "value": self.value.tolist(),
            },
        }

    def score(self, features: npt.NDArray[np.floating[Any]]) -> npt.NDArray[np.float64]:
        """Sum of the trees' leaf values for each row of ``features`` (float32, as
        :meth:`RerankIndex.features` makes them)."""
        return self._evaluate(features, 0, 0)

    def ranking_scores(self, features: npt.NDArray[np.floating[Any]]) -> npt.NDArray[np.float64]:
        """Scores that order the rows as the ranker returns them: :meth:`score` for the best
        ``cascade_depth`` rows by the first ``cascade_trees`` trees, and for the others
        values just below those, in that first order (the whole ensemble when the model
        has no cascade or there are few rows)."""
        return self._evaluate(features, self.cascade_trees, self.cascade_depth)

    def _evaluate(
        self, features: npt.NDArray[np.floating[Any]], first_trees: int, depth: int
    ) -> npt.NDArray[np.float64]:
        if not features.shape[0] or not len(self.roots):
            return np.zeros(features.shape[0], dtype=np.float64)
        return kernels.cascade_scores(
            self._heap_feature,
            self._heap_threshold,
            self._heap_value,
            self.levels,
            np.ascontiguousarray(features, dtype=np.float32),
            first_trees,
            depth,
        )


@functools.cache
def load_default_model() -> RerankModel | None:
    """The shipped model, or ``None`` when the file is missing. Read once per process (≈ 0.3 s
    to parse and pad 900 trees); the model is immutable, so every ranker shares it."""
    try:
        text = resources.files(__package__).joinpath("data", MODEL_FILE).read_text("utf-8")
    except (FileNotFoundError, OSError):
        return None
    try:
        return RerankModel.from_dict(json.loads(text))
    except (ValueError, KeyError) as exc:
        # A model for an older feature list: rank with the first stage alone rather than
        # fail (a test checks that the shipped file matches FEATURES).
        warnings.warn(f"reranker disabled: {exc}", RuntimeWarning, stacklevel=2)
        return None


def char_ngrams(phrase: str) -> list[str]:
    """2-4-grams of each space-padded word of an already normalised phrase."""
    feats: list[str] = []
    for word in phrase.split():
        padded = f" {word} "
        size = len(padded)
        for n in CHAR_NGRAMS:
            if size >= n:
                feats.extend(padded[i : i + n] for i in range(size - n + 1))
    return feats


class RerankIndex:
    """Per-label evidence for the second stage, built once next to the first-stage index.

    :param phrases: normalised label texts (folded tokens joined by spaces), one per label.
    :param langs: language code of each label.
    :param content: per label, the content-word stems in order (stopwords removed).
    :param parts: per label, the extra compound-part stems of its words.
    :param heads: per label, the stem of the last compound part of its last content word.
    :param label_occ: concept index of each label (labels sorted by concept).
    :param kind_preferred: 1.0 for preferred labels, else 0.0.
    :param concept_group: per concept, 1.0 when it is not an occupation.
    :param concept_codes: per concept, its ISCO-08 code: the 4-digit unit group of an
        occupation, the code of an ISCO group ("" when unknown).
    :param label_langs: language code of each label.
    :param broader: (narrower concept index, broader concept index) pairs: ESCO's broader
        relations between the concepts (occupation → occupation or ISCO group, group → group).
    """

    def __init__(
        self,
        phrases: Sequence[str],
        content: Sequence[Sequence[str]],
        parts: Sequence[Sequence[str]],
        heads: Sequence[str],
        label_occ: npt.NDArray[np.int32],
        kind_preferred: npt.NDArray[np.float32],
        concept_group: npt.NDArray[np.float32],
        concept_codes: Sequence[str] | None = None,
        label_langs: Sequence[str] | None = None,
        broader: Sequence[tuple[int, int]] = (),
    ) -> None:
        n = len(phrases)
        langs = list(label_langs) if label_langs is not None else [""] * n
        self.langs = sorted(set(langs))
        self.label_lang = np.array([self.langs.index(x) for x in langs], dtype=np.int16)
        # With one language every label is in the query's language.
        self._per_language = len(self.langs) > 1
        self.label_occ = label_occ
        self.kind_preferred = kind_preferred
        self.concept_group = concept_group
        n_concepts = len(concept_group)
        self.concept_nlabels = np.log1p(
            np.bincount(label_occ, minlength=n_concepts).astype(np.float32)
        )
        # Character block, scikit-learn's TfidfVectorizer defaults: raw tf, smooth idf
        # ln((1 + n) / (1 + df)) + 1, rows L2-normalised.
        char_docs = [Counter(char_ngrams(p)) for p in phrases]
        self.char_matrix, self.char_vocab, self.char_idf = _tfidf(char_docs, n)
        self._char_rows = _Rows.of(self.char_matrix)
        # Word block: binary sets of stems and compound-part stems, idf ln(n / df) + 1.
        word_docs = [Counter(set(c) | set(p)) for c, p in zip(content, parts, strict=True)]
        df: Counter[str] = Counter()
        for doc in word_docs:
            df.update(doc.keys())
        self.word_vocab = {w: i for i, w in enumerate(sorted(df))}
        self.word_idf = np.array(
            [math.log(max(n, 1) / df[w]) + 1.0 for w in sorted(df)], dtype=np.float32
        )
        self.oov_idf = float(math.log(max(n, 1)) + 1.0)
        indptr = np.zeros(n + 1, dtype=np.int64)
        indptr[1:] = np.cumsum([len(d) for d in word_docs])
        indices = np.fromiter(
            (self.word_vocab[w] for d in word_docs for w in d),
            dtype=np.int32,
            count=int(indptr[-1]),
        )
        self.word_matrix = sp.csr_matrix(
            (np.ones(len(indices), dtype=np.float32), indices, indptr),
            shape=(n, len(self.word_vocab)),
        )
        # Columns in order: the sums below then do not depend on set iteration order (string
        # hashing differs between processes, and float32 sums with it).
        self.word_matrix.sort_indices()
        self.label_idf_sum = np.asarray(self.word_matrix @ self.word_idf, dtype=np.float32).ravel()
        # Concept documents: the union of a concept's label words, and the L2-normalised sum
        # of its labels' char vectors (evidence spread over several alternative labels).
        owner = sp.csr_matrix(
            (np.ones(n, dtype=np.float32), (label_occ, np.arange(n))), shape=(n_concepts, n)
        )
        concept_words = sp.csr_matrix(owner @ self.word_matrix)
        concept_words.data[:] = 1.0
        self.concept_words = concept_words
        self._word_rows = _Rows.of(self.word_matrix)
        self._concept_word_rows = _Rows.of(concept_words)
        # q · (sum of label vectors) / |sum| is the sum of the label cosines over that norm.
        concept_char = sp.csr_matrix(owner @ self.char_matrix)
        norms = np.sqrt(np.asarray(concept_char.multiply(concept_char).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        self.concept_char_norm = norms.astype(np.float32)
        codes = list(concept_codes) if concept_codes is not None else [""] * n_concepts
        # ISCO hierarchy as prefix ids: prefix[L][c] identifies the first L digits of the code
        # of concept c (-1 when shorter); occupations sit at level 5, below their unit group.
        self.level = np.array(
            [
                (5 if g == 0 else len(code)) if code else 0
                for code, g in zip(codes, concept_group, strict=True)
            ],
            dtype=np.int8,
        )
        prefix_ids: dict[str, int] = {}
        self.prefix = np.full((5, n_concepts), -1, dtype=np.int32)
        for c, code in enumerate(codes):
            for length in range(1, min(len(code), 4) + 1):
                self.prefix[length, c] = prefix_ids.setdefault(code[:length], len(prefix_ids))
        self.label_len = np.array([len(c) for c in content], dtype=np.float32)
        self._hierarchy_arrays(n_concepts, broader)
        self._soft_index(phrases, langs)
        self.head = self._ids([c[-1] if c else "" for c in content])
        self.lead = self._ids([c[0] if c else "" for c in content])
        self.headpart = self._ids(heads)
        # What the compiled feature pass reads, grouped as kernels.candidate_features takes it.
        self._label_arrays = (
            self.label_lang,
            tuple(self._char_rows),
            tuple(self._word_rows),
            self.label_idf_sum,
            (self.head, self.lead, self.headpart),
            self.kind_preferred,
            self.label_len,
        )
        self._concept_arrays = (
            self.concept_group,
            self.concept_nlabels,
            self.concept_char_norm,
            self.depth,
            self.children,
            self.level,
            self.prefix,
            self._parent_rows,
            tuple(self._concept_word_rows),
        )
        self._soft_arrays = (
            tuple(self._soft_label_rows[:2]),
            tuple(self._soft_word_rows[:2]),
            (self.soft_word_start, self.soft_word_count),
        )

    def _ids(self, words: Sequence[str]) -> npt.NDArray[np.int32]:
        return np.array([self.word_vocab.get(w, -1) if w else -1 for w in words], dtype=np.int32)

    def _hierarchy_arrays(self, n_concepts: int, broader: Sequence[tuple[int, int]]) -> None:
        """Parent links as a sparse 0/1 matrix (child x parent), the number of narrower
        concepts and each concept's depth below the ISCO groups (an occupation directly
        under its unit group is 1; ISCO groups are 0)."""
        pairs = sorted({(c, p) for c, p in broader if c != p})
        child = np.array([c for c, _ in pairs], dtype=np.int64)
        parent = np.array([p for _, p in pairs], dtype=np.int64)
        self.parents = sp.csr_matrix(
            (np.ones(len(pairs), dtype=np.float32), (child, parent)),
            shape=(n_concepts, n_concepts),
        )
        self._parent_rows = (
            self.parents.indptr.astype(np.int64),
            self.parents.indices.astype(np.int32),
        )
        self.children = np.log1p(np.bincount(parent, minlength=n_concepts)).astype(np.float32)
        parents_of: dict[int, list[int]] = {}
        for c, p in pairs:
            parents_of.setdefault(c, []).append(p)
        depth = np.zeros(n_concepts, dtype=np.float32)
        for c in range(n_concepts):
            if self.concept_group[c]:
                continue
            # Walk up through occupations (ESCO's occupation tree has no cycles; the bound
            # guards against a malformed import).
            steps, node, seen = 1, c, {c}
            while steps < 20:
                above = [p for p in parents_of.get(node, []) if not self.concept_group[p]]
                if not above or above[0] in seen:
                    break
                node = above[0]
                seen.add(node)
                steps += 1
            depth[c] = steps
        self.depth = depth

    def _soft_index(self, phrases: Sequence[str], langs: Sequence[str]) -> None:
        """Character 4-grams of the labels' content words (3+ letters, no stopwords): one
        0/1 row per label (all its words) and one per label word, for soft coverage."""
        grams: dict[str, int] = {}
        label_rows: list[list[int]] = []
        word_rows: list[list[int]] = []
        word_counts: list[int] = []
        for phrase, lang in zip(phrases, langs, strict=True):
            words = soft_words(phrase.split(), stopwords_for(lang))
            union: set[int] = set()
            for word in words:
                ids = {grams.setdefault(g, len(grams)) for g in _grams(word)}
                word_rows.append(sorted(ids))
                union |= ids
            label_rows.append(sorted(union))
            word_counts.append(len(words))
        self.soft_grams = grams
        self.soft_labels = _binary_rows(label_rows, len(grams))
        self.soft_words = _binary_rows(word_rows, len(grams))
        self.soft_word_len = np.diff(self.soft_words.indptr).astype(np.float32)
        self._soft_label_rows = _Rows.of(self.soft_labels)
        self._soft_word_rows = _Rows.of(self.soft_words)
        counts = np.array(word_counts, dtype=np.int64)
        self.soft_word_start = np.r_[0, np.cumsum(counts)[:-1]].astype(np.int64)
        self.soft_word_count = counts

    def char_vector(self, phrase: str) -> npt.NDArray[np.float32]:
        """Dense L2-normalised char TF-IDF vector of a query (unknown n-grams dropped, as
        scikit-learn does)."""
        vec = np.zeros(len(self.char_vocab), dtype=np.float32)
        counts = Counter(char_ngrams(phrase))
        cols = [self.char_vocab[g] for g in counts if g in self.char_vocab]
        if cols:
            vals = (
                np.array([counts[g] for g in counts if g in self.char_vocab], dtype=np.float32)
                * self.char_idf[cols]
            )
            vec[cols] = vals / float(np.linalg.norm(vals))
        return vec

    def features(
        self,
        phrase: str,
        content: Sequence[str],
        parts: Sequence[str],
        headpart: str,
        candidates: npt.NDArray[np.intp],
        first_scores: npt.NDArray[np.float32],
        label_starts: npt.NDArray[np.intp],
        label_ends: npt.NDArray[np.intp],
        exact_labels: Sequence[int],
        query_lang: str = "",
    ) -> npt.NDArray[np.float32]:
        """Feature matrix (candidates x :data:`FEATURES`) for one query.

        ``candidates`` are concept indices in first-stage order with ``first_scores``; each
        concept's labels are ``label_starts[c]:label_ends[c]``. When the index holds several
        languages and ``query_lang`` is one of them, the label-level evidence comes from the
        labels in that language; the others score 0 there and count as other-language
        evidence.
        """
        if not len(candidates):
            return np.zeros((0, len(FEATURES)), dtype=np.float32)
        starts = label_starts[candidates].astype(np.int64)
        ends = label_ends[candidates].astype(np.int64)
        lang = (
            self.langs.index(query_lang) if self._per_language and query_lang in self.langs else -1
        )
        qwords = list(dict.fromkeys([*content, *parts]))
        qcols = [self.word_vocab[w] for w in qwords if w in self.word_vocab]
        q_total = float(self.word_idf[qcols].sum()) + self.oov_idf * (len(qwords) - len(qcols))
        hit = np.zeros(len(self.word_vocab), dtype=np.float32)
        hit[qcols] = self.word_idf[qcols]
        q_head = self.word_vocab.get(content[-1], -2) if content else -2
        q_lead = self.word_vocab.get(content[0], -2) if content else -2
        q_headpart = self.word_vocab.get(headpart, -2) if headpart else -2
        word_slot, word_member, word_len = self._soft_query(phrase, query_lang)
        query = (
            lang,
            np.array([x != query_lang for x in self.langs], dtype=np.int64),
            np.array(
                [x != query_lang and x in _family(query_lang) for x in self.langs], dtype=np.int64
            ),
            self.char_vector(phrase),
            hit,
            q_total,
            (q_head, q_lead, q_headpart),
            np.asarray(exact_labels, dtype=np.int64),
            len(content),
            word_slot,
            word_member,
            word_len,
        )
        return kernels.candidate_features(
            candidates.astype(np.int64, copy=False),
            first_scores,
            starts,
            ends,
            query,
            self._label_arrays,
            self._concept_arrays,
            self._soft_arrays,
        )

    def _soft_query(
        self, phrase: str, query_lang: str
    ) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        """The query's side of soft coverage (:func:`.kernels.soft_coverage`): its content
        words (3+ letters; all words when every one is a stopword) as a slot per known
        4-gram, the 4-gram x word membership and each word's number of 4-grams."""
        words = list(
            dict.fromkeys(
                soft_words(phrase.split(), stopwords_for(query_lang))
                or soft_words(phrase.split(), frozenset())
            )
        )
        word_grams = [[self.soft_grams.get(g, -1) for g in _grams(w)] for w in words]
        known = np.array(sorted({g for ids in word_grams for g in ids if g >= 0}), dtype=np.int64)
        # member[j, i]: the query's j-th known 4-gram occurs in its i-th word.
        member = np.zeros((len(known), len(words)), dtype=np.float64)
        for i, ids in enumerate(word_grams):
            member[np.searchsorted(known, [g for g in ids if g >= 0]), i] = 1.0
        slot = np.full(len(self.soft_grams), -1, dtype=np.int32)
        slot[known] = np.arange(len(known), dtype=np.int32)
        return slot, member, np.array([len(ids) for ids in word_grams], dtype=np.float64)


def soft_words(words: Sequence[str], stop: frozenset[str]) -> list[str]:
    """Words that count for soft coverage: 3+ characters and not a stopword."""
    return [w for w in words if len(w) >= 3 and w not in stop]


def _grams(word: str) -> list[str]:
    """Character 4-grams of a space-padded word ("ab" → [" ab "])."""
    padded = f" {word} "
    return [padded[i : i + SOFT_GRAM] for i in range(max(len(padded) - SOFT_GRAM + 1, 1))]


class _Rows(NamedTuple):
    """A CSR matrix's arrays in the dtypes the compiled kernels take. Column numbers take
    two bytes when they fit (the kernels stream the rows of 50 candidates' labels: memory
    traffic, not arithmetic, is their cost)."""

    indptr: npt.NDArray[np.int64]
    indices: kernels.Columns
    data: npt.NDArray[np.float32]

    @classmethod
    def of(cls, matrix: sp.csr_matrix) -> _Rows:
        narrow = matrix.shape[1] <= np.iinfo(np.uint16).max + 1
        return cls(
            matrix.indptr.astype(np.int64),
            matrix.indices.astype(np.uint16 if narrow else np.int32),
            matrix.data.astype(np.float32),
        )


def _binary_rows(rows: Sequence[Sequence[int]], n_cols: int) -> sp.csr_matrix:
    indptr = np.zeros(len(rows) + 1, dtype=np.int64)
    indptr[1:] = np.cumsum([len(r) for r in rows])
    indices = np.fromiter((i for r in rows for i in r), dtype=np.int32, count=int(indptr[-1]))
    data = np.ones(len(indices), dtype=np.float32)
    return sp.csr_matrix((data, indices, indptr), shape=(len(rows), n_cols))


def _tfidf(
    docs: list[Counter[str]], n: int
) -> tuple[sp.csr_matrix, dict[str, int], npt.NDArray[np.float32]]:
    df: Counter[str] = Counter()
    for doc in docs:
        df.update(doc.keys())
    vocab = {g: i for i, g in enumerate(sorted(df))}
    idf = np.array([math.log((1 + n) / (1 + df[g])) + 1.0 for g in sorted(df)], dtype=np.float32)
    indptr = np.zeros(n + 1, dtype=np.int64)
    indptr[1:] = np.cumsum([len(d) for d in docs])
    total = int(indptr[-1])
    indices = np.fromiter((vocab[g] for d in docs for g in d), dtype=np.int32, count=total)
    data = np.fromiter((c for d in docs for c in d.values()), dtype=np.float32, count=total)
    data *= idf[indices]
    matrix = sp.csr_matrix((data, indices, indptr), shape=(n, len(vocab)))
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    matrix = sp.csr_matrix(sp.diags(1.0 / norms).astype(np.float32) @ matrix)
    return matrix, vocab, idf


def word_info(
    words: Sequence[str],
    lang: str,
    stop: frozenset[str],
    split: Callable[[str, str], list[str] | None],
) -> tuple[list[str], list[str], str]:
    """(content-word stems in order, compound-part stems, head part) of folded words.

    The head part is the stem of the last compound part of the last content word ("head" of
    "Eisenbahnbetriebsleiter" is "leiter" when "leiter" is a known word), else its stem.
    """
    stem = stemmer_for(lang)
    content_words = [w for w in words if w not in stop] or list(words)
    content = [stem(w) for w in content_words]
    parts: list[str] = []
    head = content[-1] if content else ""
    for i, word in enumerate(content_words):
        split_parts = split(word, lang)
        if split_parts:
            parts.extend(stem(p) for p in split_parts)
            if i == len(content_words) - 1:
                head = stem(split_parts[-1])
    return content, parts, head
