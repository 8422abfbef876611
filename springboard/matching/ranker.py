"""Occupation ranking: a job title as typed or exported → ranked ESCO occupation URIs.

Every label (preferred, alternative, hidden; any language) is one row of a sparse TF-IDF
matrix over two feature blocks:

* character n-grams (3-5) inside word boundaries of the folded, unstemmed words — robust to
  typos, inflection and compounds ("softwareudvikler" shares n-grams with "udvikler");
* word features: the light stem of every word plus, for nl/da/nb, the stems of compound parts
  ("salgsmedarbejder" → salg, medarbejder).

Each block is L2-normalised and weighted (``char_weight`` / ``word_weight``), so the dot
product of two rows is a weighted sum of two cosines. A query is vectorised the same way; its
score against a label is that dot product x a language weight (same language 1.0, a closely
related one 0.92, any other 0.85 — so a Danish query still finds an English label when
nothing Danish matches) x a kind weight, plus a boost when the normalised query equals the
normalised label. An occupation's score is the maximum over its labels (a title matches one
label, not the average of 40 alternatives).

Scoring one query is a gather over the inverted index (CSC postings) and ``np.bincount``;
a batch is one sparse matrix product. Features present in more than ``max_df`` of all labels
("er", " ma") are dropped: they carry almost no IDF weight but make up most of the postings.

Second stage (:mod:`.rerank`): the best ``depth`` (50) concepts of that first stage are
re-scored by a gradient-boosted tree ensemble over language-independent features (a char
2-4-gram cosine per label and per concept, word and soft coverage, head-word match, the
concept's labels in other languages, ESCO/ISCO hierarchy, …) shipped in
``data/rerank_model.json`` (fitted by ``bench/train_ranker.py``).
"""

from __future__ import annotations

import copy
import math
import os
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import NamedTuple

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from . import kernels
from .esco_files import OCCUPATION_MARKER
from .rerank import RerankIndex, RerankModel, load_default_model, word_info
from .textnorm import (
    COMPOUNDING_LANGS,
    TOKEN_RE,
    expand_short_forms,
    fold,
    normalise_lang,
    split_compound,
    stemmer_for,
    stopwords_for,
)

LabelRow = tuple[str, str, str, str]
"""``(uri, label, lang, kind)``; :class:`~springboard.matching.esco_files.Label` fits."""

KIND_WEIGHT = {"preferred": 1.0, "alt": 0.97, "hidden": 0.9}
SAME_LANG, RELATED_LANG, OTHER_LANG = 1.0, 0.92, 0.85
_RELATED = {frozenset({"da", "nb"})}
EXACT_BOOST = 0.3
NGRAM_SIZES = (3, 4, 5)
_WORD_RE = re.compile(r"\w+")
DEFAULT_TOP = 100
# Threads for rank_batch: beyond a few, the Python parts (holding the GIL) dominate.
BATCH_WORKERS = 4


class Ranked(NamedTuple):
    uri: str
    score: float


def lang_weight(query_lang: str, label_lang: str) -> float:
    """Weight of a label in ``label_lang`` for a query in ``query_lang`` ("" = any)."""
    if not query_lang or query_lang == label_lang:
        return SAME_LANG
    if frozenset({query_lang, label_lang}) in _RELATED:
        return RELATED_LANG
    return OTHER_LANG


_ISCO_URI = re.compile(r"/isco/C(\d{1,4})$")


def isco_code(uri: str, codes: Mapping[str, str] | None = None) -> str:
    """ISCO-08 code of a concept: from ``codes`` (an occupation's ``iscoGroup``), else from
    an ISCO group URI (``…/isco/C2511`` → ``2511``), else ""."""
    if codes and uri in codes:
        return "".join(ch for ch in codes[uri] if ch.isdigit())[:4]
    match = _ISCO_URI.search(uri)
    return match[1] if match else ""


class _Featurizer:
    """Text → (char n-gram features, word features), shared by index and queries."""

    def __init__(self, split_known: bool = True) -> None:
        self.known_words: dict[str, set[str]] = {}  # per language, for compound splitting
        self.split_known = split_known
        self._splits: dict[tuple[str, str], list[str] | None] = {}

    def split(self, word: str, lang: str) -> list[str] | None:
        key = (word, lang)
        if key not in self._splits:
            known = self.known_words.get(lang)
            self._splits[key] = (
                split_compound(word, known, lang, split_known=self.split_known)
                if known and lang in COMPOUNDING_LANGS
                else None
            )
        return self._splits[key]

    def words(self, text: str) -> list[str]:
        return TOKEN_RE.findall(fold(expand_short_forms(text)))

    def char_features(self, words: list[str]) -> list[str]:
        feats: list[str] = []
        for word in words:
            padded = f" {word} "
            for n in NGRAM_SIZES:
                feats.extend(padded[i : i + n] for i in range(len(padded) - n + 1))
        return feats

    def word_features(self, words: list[str], lang: str) -> list[str]:
        stem = stemmer_for(lang)
        stop = stopwords_for(lang)
        content = [w for w in words if w not in stop] or words
        # Stems match inflected forms within a language; the unstemmed words keep matching
        # across languages ("developer" is stemmed differently by the da and en stemmers).
        feats = [stem(w) for w in content] + ["=" + w for w in content]
        for word in content:
            parts = self.split(word, lang)
            if parts:
                feats.extend(stem(p) for p in parts)
        return feats


class _Block:
    """One TF-IDF feature block (vocabulary, IDF, pruning of very common features)."""

    def __init__(self, docs: list[list[str]], max_df: float, weight: float) -> None:
        df: Counter[str] = Counter()
        for doc in docs:
            df.update(set(doc))
        n_docs = max(len(docs), 1)
        limit = max(2, int(max_df * n_docs))
        kept = sorted(f for f, c in df.items() if c <= limit)
        self.vocab = {f: i for i, f in enumerate(kept)}
        self.idf = np.array([math.log(n_docs / df[f]) + 1.0 for f in kept], dtype=np.float32)
        # Features seen in a query but not in the index still count towards the query norm
        # (with the highest IDF), so "xyzzy developer" does not score like "developer".
        self.oov_idf = float(math.log(n_docs) + 1.0)
        self.dropped = {f for f, c in df.items() if c > limit}
        self.scale = math.sqrt(weight)

    def vector(self, feats: list[str]) -> tuple[list[int], list[float]]:
        counts = Counter(f for f in feats if f not in self.dropped)
        cols: list[int] = []
        vals: list[float] = []
        norm2 = 0.0
        for feat, count in counts.items():
            col = self.vocab.get(feat)
            idf = self.oov_idf if col is None else float(self.idf[col])
            value = (1.0 + math.log(count)) * idf
            norm2 += value * value
            if col is not None:
                cols.append(col)
                vals.append(value)
        if norm2 > 0:
            factor = self.scale / math.sqrt(norm2)
            vals = [v * factor for v in vals]
        return cols, vals


class OccupationRanker:
    """Rank ESCO occupations for job titles in en, nl, da, nb (``no`` accepted as nb).

    Build once per process from label rows and reuse; ranking is read-only and thread-safe.

    :param labels: ``(uri, label, lang, kind)`` rows, e.g. from the ESCO occupation CSVs
        and MELO TSVs or from the taxonomy tables.
    :param occupations_only: keep only URIs containing ``/occupation/`` (MELO also maps
        labels to ISCO groups).
    :param char_weight: weight of the character n-gram cosine.
    :param word_weight: weight of the word/stem cosine.
    :param max_df: drop character n-grams found in more than this share of labels.
    :param word_max_df: the same for word features (their posting lists are short).
    :param rerank: build the second stage (:mod:`~springboard.matching.rerank`); it is used
        when a model exists (``rerank_model`` or the shipped file).
    :param concept_codes: occupation URI → ISCO-08 code (ESCO ``iscoGroup``), for the
        reranker's hierarchy features; ISCO group URIs carry their code already.
    :param evidence_labels: labels that never make a concept a candidate but are evidence
        for the second stage (other-language labels of the ranked concepts; labels of
        concepts not in ``labels`` are ignored). Labels of every language in ``labels``
        already serve as such evidence for a query in another language.
    :param broader: ``(narrower uri, broader uri)`` pairs (ESCO's broader relations between
        occupations and ISCO groups) for the second stage's hierarchy features.
    :param version: taxonomy version the ranker was built from (for reload checks).
    """

    def __init__(
        self,
        labels: Iterable[LabelRow],
        *,
        occupations_only: bool = True,
        char_weight: float = 0.6,
        word_weight: float = 0.4,
        max_df: float = 0.02,
        word_max_df: float = 0.2,
        split_known: bool = True,
        group_weight: float = 1.0,
        rerank: bool = True,
        rerank_model: RerankModel | None = None,
        concept_codes: Mapping[str, str] | None = None,
        evidence_labels: Iterable[LabelRow] = (),
        broader: Iterable[tuple[str, str]] = (),
        version: str = "",
    ) -> None:
        self.version = version
        # (uri, phrase, lang, kind, evidence only)
        rows: dict[tuple[str, str, str], tuple[str, str, str, str, bool]] = {}
        kind_rank = {"preferred": 0, "alt": 1, "hidden": 2}

        def add(uri: str, label: str, lang: str, kind: str, evidence: bool) -> None:
            if occupations_only and OCCUPATION_MARKER not in uri:
                return
            code = normalise_lang(lang)
            phrase = " ".join(TOKEN_RE.findall(fold(expand_short_forms(label))))
            if not phrase:
                return
            key = (uri, code, phrase)
            old = rows.get(key)
            # A ranking label replaces an evidence-only one; otherwise the strongest kind stays.
            stronger = old is not None and kind_rank.get(kind, 3) < kind_rank.get(old[3], 3)
            if old is None or (old[4] and not evidence) or (old[4] == evidence and stronger):
                rows[key] = (uri, phrase, code, kind, evidence)

        for uri, label, lang, kind in labels:
            add(uri, label, lang, kind, False)
        ranked_uris = {r[0] for r in rows.values()}
        for uri, label, lang, kind in evidence_labels:
            if uri in ranked_uris:
                add(uri, label, lang, kind, True)
        # Sorted by occupation so that per-occupation maxima are one np.maximum.reduceat.
        ordered = sorted(rows.values())
        self._n_ranked_labels = sum(1 for r in ordered if not r[4])
        self.uris: list[str] = sorted({r[0] for r in ordered})
        uri_index = {u: i for i, u in enumerate(self.uris)}
        self.langs: tuple[str, ...] = tuple(sorted({r[2] for r in ordered}))
        self._label_occ = np.array([uri_index[r[0]] for r in ordered], dtype=np.int32)
        self._label_lang = np.array([self.langs.index(r[2]) for r in ordered], dtype=np.int8)
        self._label_text = [r[1] for r in ordered]
        self._kind_weight = np.array(
            [
                0.0
                if r[4]
                else KIND_WEIGHT.get(r[3], 0.9)
                * (1.0 if OCCUPATION_MARKER in r[0] else group_weight)
                for r in ordered
            ],
            np.float32,
        )
        self._occ_starts = np.flatnonzero(
            np.r_[True, self._label_occ[1:] != self._label_occ[:-1]]
        ).astype(np.intp)
        self._exact: dict[str, list[int]] = {}
        for i, r in enumerate(ordered):
            if not r[4]:
                self._exact.setdefault(r[1], []).append(i)

        self._feat = _Featurizer(split_known)
        words = [r[1].split() for r in ordered]
        for r, w in zip(ordered, words, strict=True):
            if not r[4]:
                self._feat.known_words.setdefault(r[2], set()).update(w)
        for lang, known in self._feat.known_words.items():
            stem = stemmer_for(lang)
            known.update({stem(w) for w in known})
        # Evidence-only labels (other languages for the second stage) have no first-stage
        # features: they neither find candidates nor change the first stage's IDF.
        pairs = list(zip(ordered, words, strict=True))
        char_docs = [[] if r[4] else self._feat.char_features(w) for r, w in pairs]
        word_docs = [[] if r[4] else self._feat.word_features(w, r[2]) for r, w in pairs]
        ranked_char = [d for (r, _), d in zip(pairs, char_docs, strict=True) if not r[4]]
        ranked_word = [d for (r, _), d in zip(pairs, word_docs, strict=True) if not r[4]]
        self._char = _Block(ranked_char, max_df, char_weight)
        self._word = _Block(ranked_word, word_max_df, word_weight)
        self._n_char = len(self._char.vocab)
        n_features = self._n_char + len(self._word.vocab)
        matrix = self._matrix(
            [self._vector(c, w) for c, w in zip(char_docs, word_docs, strict=True)], n_features
        )
        # Inverted index: features x labels in CSR, i.e. one posting list per feature.
        self._postings = matrix.T.tocsr()
        self._postings.sort_indices()
        self._posting_arrays = (
            self._postings.indptr.astype(np.int64),
            self._postings.indices.astype(np.int32),
            self._postings.data.astype(np.float32),
        )
        self._rerank_index: RerankIndex | None = None
        self._rerank_model: RerankModel | None = None
        if rerank:
            self._rerank_model = rerank_model or load_default_model()
            infos = [
                word_info(w, r[2], stopwords_for(r[2]), self._feat.split)
                for r, w in zip(ordered, words, strict=True)
            ]
            self._rerank_index = RerankIndex(
                self._label_text,
                [i[0] for i in infos],
                [i[1] for i in infos],
                [i[2] for i in infos],
                self._label_occ,
                np.array([r[3] == "preferred" for r in ordered], dtype=np.float32),
                np.array([OCCUPATION_MARKER not in u for u in self.uris], dtype=np.float32),
                [isco_code(u, concept_codes) for u in self.uris],
                [r[2] for r in ordered],
                [
                    (uri_index[narrower], uri_index[wider])
                    for narrower, wider in broader
                    if narrower in uri_index and wider in uri_index
                ],
            )
        self._occ_ends = np.r_[self._occ_starts[1:], len(ordered)].astype(np.intp)
        self._lang_weights = {
            lang: np.array(
                [lang_weight(lang, label_lang) for label_lang in self.langs], dtype=np.float32
            )[self._label_lang]
            * self._kind_weight
            for lang in ("", *self.langs)
        }

    # -- vectorising --------------------------------------------------------------------------

    def _vector(
        self, char_feats: list[str], word_feats: list[str]
    ) -> tuple[list[int], list[float]]:
        c_cols, c_vals = self._char.vector(char_feats)
        w_cols, w_vals = self._word.vector(word_feats)
        return c_cols + [self._n_char + c for c in w_cols], c_vals + w_vals

    @staticmethod
    def _matrix(vectors: list[tuple[list[int], list[float]]], n_features: int) -> sp.csr_matrix:
        indptr = np.zeros(len(vectors) + 1, dtype=np.int64)
        indptr[1:] = np.cumsum([len(c) for c, _ in vectors])
        indices = np.fromiter((i for c, _ in vectors for i in c), dtype=np.int32)
        data = np.fromiter((v for _, vals in vectors for v in vals), dtype=np.float32)
        return sp.csr_matrix((data, indices, indptr), shape=(len(vectors), n_features))

    def _query_vector(self, title: str, lang: str) -> tuple[list[int], list[float]]:
        words = self._feat.words(title)
        return self._vector(self._feat.char_features(words), self._feat.word_features(words, lang))

    def _weights_for(self, lang: str) -> npt.NDArray[np.float32]:
        weights = self._lang_weights.get(lang)
        # A language without labels: every label is "other language", uniformly.
        return weights if weights is not None else self._lang_weights[""]

    # -- ranking ------------------------------------------------------------------------------

    def _top(self, scores: npt.NDArray[np.float32], top: int) -> list[Ranked]:
        best = self._best(scores, top)
        return [Ranked(self.uris[i], float(scores[i])) for i in best.tolist()]

    @staticmethod
    def _best(scores: npt.NDArray[np.float32], top: int) -> npt.NDArray[np.intp]:
        """The ``top`` concepts with a positive score, best first (the reranker was fitted
        on this order of tied candidates)."""
        positive = int(np.count_nonzero(scores > 0))
        k = min(top, positive)
        if k <= 0:
            return np.zeros(0, dtype=np.intp)
        best = np.argpartition(-scores, k - 1)[:k]
        return best[np.argsort(-scores[best], kind="stable")]

    def candidate_features(
        self, title: str, lang: str | None = None, depth: int = 50
    ) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.float32]]:
        """The first stage's best ``depth`` concept indices (best first) and their
        second-stage features (rows in :data:`~springboard.matching.rerank.FEATURES` order);
        used to train the reranker (``bench/train_ranker.py``)."""
        code = normalise_lang(lang)
        return self._features(self._first_stage(title, code), title, code, depth)

    def reranked_by(self, model: RerankModel) -> OccupationRanker:
        """This index with another second-stage model (the benchmark ranks each query with
        a model fitted without it); the index itself is shared, not copied."""
        if self._rerank_index is None:
            raise ValueError("built with rerank=False")
        other = copy.copy(self)
        other._rerank_model = model
        return other

    def _features(
        self, scores: npt.NDArray[np.float32], title: str, code: str, depth: int
    ) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.float32]]:
        if self._rerank_index is None:
            raise ValueError("built with rerank=False")
        best = self._best(scores, depth)
        words = self._feat.words(title)
        phrase = " ".join(words)
        content, parts, head = word_info(words, code, stopwords_for(code), self._feat.split)
        feats = self._rerank_index.features(
            phrase,
            content,
            parts,
            head,
            best,
            scores[best],
            self._occ_starts,
            self._occ_ends,
            self._exact.get(phrase, []),
            code,
        )
        return best, feats

    def _ranked(
        self, scores: npt.NDArray[np.float32], title: str, code: str, top: int
    ) -> list[Ranked]:
        model = self._rerank_model
        if model is None or self._rerank_index is None:
            return self._top(scores, top)
        best, feats = self._features(scores, title, code, max(model.depth, 1))
        if not len(best):
            return []
        learned = model.ranking_scores(feats)
        order = np.argsort(-learned, kind="stable")
        out = [
            Ranked(self.uris[i], float(learned[j]))
            for j, i in zip(order.tolist(), best[order].tolist(), strict=True)
        ]
        if top > len(best) and len(best) == model.depth:
            # Below the reranked depth the first stage's order stands, scored just below.
            floor = float(learned.min())
            tail = self._best(scores, top)[len(best) :]
            out.extend(
                Ranked(self.uris[i], floor - 1e-3 * (n + 1)) for n, i in enumerate(tail.tolist())
            )
        return out[:top]

    def _first_stage(self, title: str, code: str) -> npt.NDArray[np.float32]:
        cols, vals = self._query_vector(title, code)
        return kernels.concept_scores(
            self._posting_arrays,
            np.asarray(cols, dtype=np.int64),
            np.asarray(vals, dtype=np.float32),
            np.asarray(self._exact.get(" ".join(self._feat.words(title)), ()), dtype=np.int64),
            EXACT_BOOST,
            self._weights_for(code),
            self._label_occ,
            len(self.uris),
        )

    def rank(self, title: str, lang: str | None = None, top: int = 10) -> list[Ranked]:
        """Best ``top`` occupations for one job title, best first, with scores.

        ``lang`` is the query's language (``None``: treat every language alike). Scores are
        comparable across queries only roughly; with the reranker they are the learned
        model's scores (higher is better), without it 1.0 ≈ identical to a label in the
        query's language (1.3 with the exact-match boost).
        """
        code = normalise_lang(lang)
        return self._ranked(self._first_stage(title, code), title, code, top)

    def rank_batch(
        self,
        titles: Sequence[str],
        lang: str | None = None,
        top: int = 10,
        workers: int | None = None,
    ) -> list[list[Ranked]]:
        """:meth:`rank` for many titles, in order, on ``workers`` threads (default: one per
        processor, at most :data:`BATCH_WORKERS`): the compiled loops release the GIL, so
        the threads overlap them."""
        code = normalise_lang(lang)

        def one(title: str) -> list[Ranked]:
            return self._ranked(self._first_stage(title, code), title, code, top)

        threads = min(workers or os.cpu_count() or 1, BATCH_WORKERS)
        if threads <= 1 or len(titles) < 4 * threads:
            return [one(title) for title in titles]
        with ThreadPoolExecutor(threads) as pool:
            return list(pool.map(one, titles, chunksize=16))

    @property
    def n_labels(self) -> int:
        """Labels that rank (evidence-only labels not counted)."""
        return self._n_ranked_labels


class WordTfidfBaseline:
    """Plain word-level TF-IDF over one document per occupation (the benchmark baseline).

    Lower-cased ``\\w+`` tokens, no stemming, folding or n-grams; raw term frequency x
    ``log(N/df) + 1``; cosine similarity. Same ``rank``/``rank_batch`` interface as
    :class:`OccupationRanker`; ``lang`` is accepted and ignored.
    """

    def __init__(self, labels: Iterable[LabelRow], *, occupations_only: bool = True) -> None:
        docs: dict[str, list[str]] = {}
        for uri, label, _lang, _kind in labels:
            if occupations_only and OCCUPATION_MARKER not in uri:
                continue
            docs.setdefault(uri, []).extend(self._tokens(label))
        self.uris = sorted(docs)
        df: Counter[str] = Counter()
        for uri in self.uris:
            df.update(set(docs[uri]))
        self.vocab = {t: i for i, t in enumerate(sorted(df))}
        n = len(self.uris)
        self.idf = np.array([math.log(n / df[t]) + 1.0 for t in sorted(df)], dtype=np.float32)
        self.matrix = self._vectors([docs[u] for u in self.uris]).T.tocsr()

    @staticmethod
    def _tokens(text: str) -> list[str]:
        return _WORD_RE.findall(text.lower())

    def _vectors(self, docs: list[list[str]]) -> sp.csr_matrix:
        rows, cols, vals = [], [], []
        for r, doc in enumerate(docs):
            for tok, cnt in Counter(doc).items():
                col = self.vocab.get(tok)
                if col is not None:
                    rows.append(r)
                    cols.append(col)
                    vals.append(cnt * float(self.idf[col]))
        m = sp.csr_matrix(
            (np.asarray(vals, np.float32), (rows, cols)), shape=(len(docs), len(self.vocab))
        )
        norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        return sp.csr_matrix(sp.diags(1.0 / norms) @ m)

    def rank(self, title: str, lang: str | None = None, top: int = 10) -> list[Ranked]:
        return self.rank_batch([title], lang, top)[0]

    def rank_batch(
        self, titles: Sequence[str], lang: str | None = None, top: int = 10, chunk: int = 256
    ) -> list[list[Ranked]]:
        out: list[list[Ranked]] = []
        for begin in range(0, len(titles), chunk):
            part = titles[begin : begin + chunk]
            scores = (self._vectors([self._tokens(t) for t in part]) @ self.matrix).toarray()
            for row in scores:
                k = min(top, int(np.count_nonzero(row > 0)))
                if k == 0:
                    out.append([])
                    continue
                best = np.argpartition(-row, k - 1)[:k]
                best = best[np.argsort(-row[best], kind="stable")]
                out.append([Ranked(self.uris[i], float(row[i])) for i in best.tolist()])
        return out
