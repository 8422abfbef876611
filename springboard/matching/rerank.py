"""Second stage of occupation ranking: a small learned linear model over the top candidates.

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
  labels of the concept; ``lendiff``: difference in content words.

Label-level features are pooled per concept by their maximum. The score of a candidate is the
dot product of its features with coefficients learned on the development halves of the MELO
real-title sets (``bench/train_ranker.py`` writes ``data/rerank_coefficients.json``).
"""

from __future__ import annotations

import json
import math
import warnings
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from .textnorm import stemmer_for

FEATURES: tuple[str, ...] = (
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
CHAR_NGRAMS = (2, 3, 4)
DEFAULT_DEPTH = 20
COEFFICIENTS_FILE = "rerank_coefficients.json"


@dataclass(frozen=True)
class RerankModel:
    """Linear scorer: ``score = features · weights`` (features in :data:`FEATURES` order)."""

    weights: npt.NDArray[np.float64]
    depth: int = DEFAULT_DEPTH
    meta: dict[str, Any] | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RerankModel:
        names = list(data["features"])
        if names != list(FEATURES):
            raise ValueError(f"coefficients are for features {names}, expected {list(FEATURES)}")
        return cls(
            np.asarray(data["weights"], dtype=np.float64),
            int(data.get("depth", DEFAULT_DEPTH)),
            {k: v for k, v in data.items() if k not in {"features", "weights", "depth"}},
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            **(self.meta or {}),
            "features": list(FEATURES),
            "weights": [round(float(w), 6) for w in self.weights],
            "depth": self.depth,
        }


def load_default_model() -> RerankModel | None:
    """The shipped coefficients, or ``None`` when the file is missing."""
    try:
        text = resources.files(__package__).joinpath("data", COEFFICIENTS_FILE).read_text("utf-8")
    except (FileNotFoundError, OSError):
        return None
    try:
        return RerankModel.from_dict(json.loads(text))
    except ValueError as exc:
        # Coefficients from an older feature list: rank with the first stage alone rather
        # than fail (a test checks that the shipped file matches FEATURES).
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
    ) -> None:
        n = len(phrases)
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
        self.label_idf_sum = np.asarray(self.word_matrix @ self.word_idf, dtype=np.float32).ravel()
        # Concept documents: the union of a concept's label words, and the L2-normalised sum
        # of its labels' char vectors (evidence spread over several alternative labels).
        owner = sp.csr_matrix(
            (np.ones(n, dtype=np.float32), (label_occ, np.arange(n))), shape=(n_concepts, n)
        )
        concept_words = sp.csr_matrix(owner @ self.word_matrix)
        concept_words.data[:] = 1.0
        self.concept_words = concept_words
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
        self.head = self._ids([c[-1] if c else "" for c in content])
        self.lead = self._ids([c[0] if c else "" for c in content])
        self.headpart = self._ids(heads)

    def _ids(self, words: Sequence[str]) -> npt.NDArray[np.int32]:
        return np.array([self.word_vocab.get(w, -1) if w else -1 for w in words], dtype=np.int32)

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
        label_ok: npt.NDArray[np.bool_] | None = None,
    ) -> npt.NDArray[np.float32]:
        """Feature matrix (candidates x :data:`FEATURES`) for one query.

        ``candidates`` are concept indices in first-stage order with ``first_scores``; each
        concept's labels are ``label_starts[c]:label_ends[c]``. ``label_ok`` limits the
        label-level evidence to some labels (the query's language): the others score 0.
        """
        k = len(candidates)
        out = np.zeros((k, len(FEATURES)), dtype=np.float32)
        if not k:
            return out
        starts, ends = label_starts[candidates], label_ends[candidates]
        lengths = ends - starts
        offsets = np.repeat(starts - np.cumsum(np.r_[0, lengths[:-1]]), lengths)
        rows = np.arange(int(lengths.sum())) + offsets
        seg = np.r_[0, np.cumsum(lengths)[:-1]].astype(np.intp)

        qchar = self.char_vector(phrase)
        ok = None if label_ok is None else label_ok[rows]
        use = rows if ok is None else rows[ok]
        char = _scatter(ok, _rows_dot(self.char_matrix, use, qchar))
        qwords = list(dict.fromkeys([*content, *parts]))
        qcols = [self.word_vocab[w] for w in qwords if w in self.word_vocab]
        q_total = float(self.word_idf[qcols].sum()) + self.oov_idf * (len(qwords) - len(qcols))
        hit = np.zeros(len(self.word_vocab), dtype=np.float32)
        hit[qcols] = self.word_idf[qcols]
        common = _scatter(ok, _rows_dot(self.word_matrix, use, hit))
        qcov = common / q_total if q_total > 0 else np.zeros_like(common)
        lsum = self.label_idf_sum[rows]
        lcov = np.divide(common, lsum, out=np.zeros_like(common), where=lsum > 0)

        q_head = self.word_vocab.get(content[-1], -2) if content else -2
        q_lead = self.word_vocab.get(content[0], -2) if content else -2
        q_headpart = self.word_vocab.get(headpart, -2) if headpart else -2
        head = (self.head[rows] == q_head).astype(np.float32)
        lead = (self.lead[rows] == q_lead).astype(np.float32)
        headpart = ((self.headpart[rows] == q_headpart) | (self.headpart[rows] == q_head)).astype(
            np.float32
        )
        exact = np.zeros(len(rows), dtype=np.float32)
        for label in exact_labels:
            exact[rows == label] = 1.0
        lendiff = np.abs(self.label_len[rows] - len(content)).astype(np.float32)

        label_feats = np.stack(
            [char, qcov, lcov, head, headpart, lead, exact, self.kind_preferred[rows], -lendiff],
            axis=1,
        )
        pooled = np.maximum.reduceat(label_feats, seg, axis=0)
        char_c = pooled[:, 0]
        order = np.argsort(-char_c, kind="stable")
        char_rank = np.empty(k, dtype=np.float32)
        char_rank[order] = np.arange(1, k + 1, dtype=np.float32)

        out[:, 0] = first_scores
        out[:, 1] = 1.0 / np.arange(1, k + 1, dtype=np.float32)
        out[:, 2] = char_c
        out[:, 3] = 1.0 / char_rank
        out[:, 4:10] = pooled[:, 1:7]
        out[:, 10] = pooled[:, 7]
        out[:, 11] = self.concept_group[candidates]
        out[:, 12] = self.concept_nlabels[candidates]
        out[:, 13] = pooled[:, 8]
        out[:, 14:16] = self._hierarchy(candidates, first_scores)
        if q_total > 0:
            out[:, 16] = _rows_dot(self.concept_words, candidates, hit) / q_total
        out[:, 17] = np.add.reduceat(char, seg) / self.concept_char_norm[candidates]
        return out

    def _hierarchy(
        self, candidates: npt.NDArray[np.intp], first: npt.NDArray[np.float32]
    ) -> npt.NDArray[np.float32]:
        """``family``: first-stage evidence for the other candidates of the same ISCO unit
        group (sum, relative to the best score); ``members``: for an ISCO group, the best
        first-stage score of a candidate below it (relative)."""
        k = len(candidates)
        out = np.zeros((k, 2), dtype=np.float32)
        top = float(first.max()) if k else 0.0
        if top <= 0:
            return out
        rel = first / top
        level = self.level[candidates]
        unit = self.prefix[4, candidates]
        same = (unit[:, None] == unit[None, :]) & (unit[:, None] >= 0)
        np.fill_diagonal(same, False)
        out[:, 0] = same.astype(np.float32) @ rel
        for length in (1, 2, 3, 4):
            groups = np.flatnonzero(level == length)
            if not len(groups):
                continue
            ids = self.prefix[length, candidates]
            below = (ids[None, :] == ids[groups][:, None]) & (level[None, :] > length)
            out[groups, 1] = np.where(below, rel[None, :], 0.0).max(axis=1)
        return out


def _scatter(
    mask: npt.NDArray[np.bool_] | None, values: npt.NDArray[np.float32]
) -> npt.NDArray[np.float32]:
    """Values computed for the rows where ``mask`` holds, spread back with 0 elsewhere."""
    if mask is None:
        return values
    out = np.zeros(len(mask), dtype=np.float32)
    out[mask] = values
    return out


def _ranges(starts: npt.NDArray[np.int64], ends: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Concatenation of ``range(s, e)`` for each pair, without a Python loop."""
    lengths = ends - starts
    offsets = np.repeat(starts - np.cumsum(np.r_[0, lengths[:-1]]), lengths)
    return np.arange(int(lengths.sum())) + offsets


def _rows_dot(
    matrix: sp.csr_matrix, rows: npt.NDArray[np.intp], dense: npt.NDArray[np.float32]
) -> npt.NDArray[np.float32]:
    """``matrix[rows] @ dense`` without building the row subset (scipy's fancy indexing
    costs more than the product for a few hundred rows)."""
    starts = matrix.indptr[rows]
    ends = matrix.indptr[rows + 1]
    positions = _ranges(starts, ends)
    values = matrix.data[positions] * dense[matrix.indices[positions]]
    owner = np.repeat(np.arange(len(rows)), ends - starts)
    return np.bincount(owner, weights=values, minlength=len(rows)).astype(np.float32)


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
