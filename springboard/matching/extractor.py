"""Skill extraction: free text (CV, vacancy) → ESCO skill URIs with character spans.

Algorithm (see ``docs/matching.md`` for measurements):

1. Every label is folded (case, diacritics), tokenised and light-stemmed in *its own* language.
   Each distinct stem gets an integer id, so a label becomes a short tuple of ids
   (``"manage projects"`` → two ids). Compounding languages (nl, da, nb) also index the
   joined form (``"project management"`` → ``"projectmanagement"``) and the split form of
   compounds whose parts are known label words. The label keys form a trie kept as numpy
   arrays.
2. The text is blanked (every non-token character → space, length preserved, so offsets stay
   valid), split into tokens, and each token mapped to its id through a per-language cache
   (surface form → id; misses are folded, stemmed and, for compounding languages, split).
   Tokens that are in no label map to an "unknown" id that no label contains.
3. The trie is walked from every token position at once, one edge per step for all live
   positions (``np.searchsorted`` over the sorted edge keys); the longest match per start
   wins and a greedy left-to-right choice drops overlaps (leftmost-longest). Because ids are
   whole tokens, word boundaries hold by construction. A walk never continues across a
   phrase break (full stop, newline, semicolon, bullet …), so no label spans two sentences.
4. Matches map back to character offsets through the token start/end arrays (numpy).

Only the steps that touch every character or token run in C (``str.translate``/numpy,
``str.split``, ``map`` over a dict, the trie walk); Python code runs per *match*.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from .textnorm import (
    COMPOUNDING_LANGS,
    TOKEN_RE,
    TextScan,
    fold,
    normalise_lang,
    normalise_phrase,
    scan_text,
    split_compound,
    stemmer_for,
)

LabelRow = tuple[str, str, str, str]
"""``(uri, label, lang, kind)`` with kind ``preferred`` | ``alt`` | ``hidden``."""

KIND_WEIGHT: dict[str, float] = {"preferred": 1.0, "alt": 0.9, "hidden": 0.7}
# Single words ("guide", "sales") are far more often used in a non-skill sense than
# multi-word labels, so their matches get a lower score.
TOKEN_COUNT_WEIGHT: tuple[float, ...] = (0.0, 0.8, 0.9, 1.0)
INEXACT_WEIGHT = 0.9  # matched only after stemming/compound handling, not letter for letter

_PARENTHETICAL = re.compile(r"\s*\([^)]*\)")
_ACRONYM = re.compile(r"^[A-Z0-9]{2,5}$")
_CACHE_LIMIT = 400_000


class SkillMatch(NamedTuple):
    """One extracted skill: ``text[start:end]`` matched ``label`` of concept ``uri``."""

    uri: str
    start: int
    end: int
    text: str
    label: str
    lang: str
    kind: str
    score: float


@dataclass(slots=True)
class _Target:
    uri: str
    label: str
    kind: str
    phrase: str  # normalised label, for the exact-match check
    weight: float


@dataclass(slots=True)
class _Entry:
    requires_upper: bool
    targets: dict[str, _Target] = field(default_factory=dict)


class _TokenIds(dict[str, int]):
    """Surface token → stem id; computes and remembers misses (dict ``__missing__``).

    A text compound split into known parts maps to ``-1 - k``, where ``k`` indexes the
    tuple of part ids in ``index.compounds``; a token in no label maps to ``index.unknown``.
    """

    def __init__(self, index: _LangIndex) -> None:
        super().__init__()
        self._index = index

    def __missing__(self, token: str) -> int:
        token_id = self._index.id_for_token(token)
        self[token] = token_id
        return token_id


class _LangIndex:
    """Vocabulary, label trie (as numpy arrays) and token cache for one language's labels.

    The trie's edges are stem ids. Root edges are a dense array indexed by stem id; the other
    edges are the sorted keys ``node * stride + stem id``, so one ``np.searchsorted`` follows
    the edge for every position of a text at once (see ``SkillExtractor._scan``).
    """

    def __init__(self, lang: str, labels: Sequence[tuple[str, str, str]], min_chars: int) -> None:
        self.lang = lang
        self._stem = stemmer_for(lang)
        self.compounding = lang in COMPOUNDING_LANGS
        parsed: list[tuple[str, str, str, list[list[str]]]] = []
        known: set[str] = set()
        for uri, label, kind in labels:
            variants = self._label_variants(label)
            if not variants or len(" ".join(variants[0])) < min_chars:
                continue
            parsed.append((uri, label, kind, variants))
            for variant in variants:
                known.update(variant)
        self.known = frozenset(known)
        if self.compounding:
            for _, _, _, variants in parsed:
                variants.extend(self._split_variants(variants[0]))
        stem_counts: Counter[str] = Counter()
        for _, _, _, variants in parsed:
            for variant in variants:
                stem_counts.update(variant)
        self.vocab = {stem: i for i, (stem, _) in enumerate(stem_counts.most_common())}
        self.unknown = len(self.vocab)  # the id of tokens that are in no label
        self.stride = self.unknown + 1
        self.compounds: list[tuple[int, ...]] = []
        entries: list[_Entry] = []
        entry_of: dict[tuple[int, ...], int] = {}
        for uri, label, kind, variants in parsed:
            upper = bool(_ACRONYM.match(label.strip()))
            phrase = normalise_phrase(label)
            for variant in variants:
                key = tuple(self.vocab[s] for s in variant)
                idx = entry_of.get(key)
                if idx is None:
                    idx = entry_of[key] = len(entries)
                    entries.append(_Entry(upper))
                entry = entries[idx]
                # A key is case-sensitive only if every label producing it is an acronym.
                entry.requires_upper = entry.requires_upper and upper
                n_tokens = min(len(variant), len(TOKEN_COUNT_WEIGHT) - 1)
                weight = KIND_WEIGHT.get(kind, 0.7) * TOKEN_COUNT_WEIGHT[n_tokens]
                old = entry.targets.get(uri)
                if old is None or weight > old.weight:
                    entry.targets[uri] = _Target(uri, label, kind, phrase, weight)
        self._build_trie(entry_of)
        # Flatten to tuples of str/float: the garbage collector untracks those, so hundreds of
        # thousands of label objects do not slow down every full collection in the worker.
        self.requires_upper = [e.requires_upper for e in entries]
        self.targets: list[tuple[tuple[str, str, str, str, float], ...]] = [
            tuple((t.uri, t.label, t.kind, t.phrase, t.weight) for t in e.targets.values())
            for e in entries
        ]
        self.n_entries = len(entries)
        self.cache = _TokenIds(self)
        self.matched_rows: dict[tuple[int, str], tuple[tuple[str, str, str, float], ...]] = {}

    def _build_trie(self, entry_of: dict[tuple[int, ...], int]) -> None:
        edges: dict[tuple[int, int], int] = {}
        node_entry = [-1]
        for key, idx in entry_of.items():
            node = 0
            for stem_id in key:
                child = edges.get((node, stem_id))
                if child is None:
                    child = edges[(node, stem_id)] = len(node_entry)
                    node_entry.append(-1)
                node = child
            node_entry[node] = idx
        n_nodes = len(node_entry)
        self.node_entry = np.array(node_entry, dtype=np.int32)
        self.has_children = np.zeros(n_nodes, dtype=np.bool_)
        self.root_child = np.full(self.stride, -1, dtype=np.int64)
        inner: list[tuple[int, int]] = []
        for (parent, stem_id), child in edges.items():
            self.has_children[parent] = True
            if parent == 0:
                self.root_child[stem_id] = child
            else:
                inner.append((parent * self.stride + stem_id, child))
        inner.sort()
        self.edge_keys = np.array([k for k, _ in inner], dtype=np.int64)
        self.edge_child = np.array([c for _, c in inner], dtype=np.int64)
        if not inner:  # searchsorted needs one element to compare with
            self.edge_keys = np.array([-1], dtype=np.int64)
            self.edge_child = np.array([0], dtype=np.int64)

    def _label_variants(self, label: str) -> list[list[str]]:
        forms = [label]
        bare = _PARENTHETICAL.sub("", label).strip()
        if bare and bare != label:
            forms.append(bare)  # "Python (computer programming)" → "Python"
        variants: list[list[str]] = []
        for form in forms:
            tokens = TOKEN_RE.findall(fold(form))
            if not tokens:
                continue
            variants.append([self._stem(t) for t in tokens])
            if self.compounding and len(tokens) > 1:
                variants.append([self._stem("".join(tokens))])  # "project management" joined
        return variants

    def _split_variants(self, stems: list[str]) -> list[list[str]]:
        out: list[str] = []
        changed = False
        for stem in stems:
            parts = split_compound(stem, self.known, self.lang, split_known=True)
            if parts:
                out.extend(self._stem(p) for p in parts)
                changed = True
            else:
                out.append(stem)
        return [out] if changed else []

    def rows_for(self, entry_id: int, surface: str) -> tuple[tuple[str, str, str, float], ...]:
        """``(uri, label, kind, score)`` of every concept that ``surface`` matches as
        ``entry_id``; remembered per (entry, surface) in :attr:`matched_rows`."""
        if self.requires_upper[entry_id] and not surface.isupper():
            return ()
        phrase = normalise_phrase(surface)
        return tuple(
            (uri, label, kind, weight if phrase == label_phrase else weight * INEXACT_WEIGHT)
            for uri, label, kind, label_phrase, weight in self.targets[entry_id]
        )

    def id_for_token(self, token: str) -> int:
        folded = fold(token)
        stem_id = self.vocab.get(self._stem(folded))
        if stem_id is None:
            stem_id = self.vocab.get(folded)
        if stem_id is not None:
            return stem_id
        if self.compounding and len(folded) >= 6:
            parts = split_compound(folded, self.known, self.lang)
            if parts:
                ids = [self.vocab.get(self._stem(p), self.vocab.get(p)) for p in parts]
                if all(i is not None for i in ids):
                    self.compounds.append(tuple(i for i in ids if i is not None))
                    return -len(self.compounds)
        return self.unknown


class SkillExtractor:
    """Find ESCO skills in free text.

    Build once per process from label rows (``(uri, label, lang, kind)``; an
    :class:`~springboard.matching.esco_files.Label` fits) and reuse; ``extract`` is
    thread-compatible but not thread-safe (the token caches are plain dicts).

    :param labels: skill labels in any number of languages.
    :param include_hidden: also index ESCO hidden labels (search aids such as misspellings).
    :param fallback_langs: label languages always searched in addition to the text's language;
        CVs in Dutch or Danish routinely name skills in English ("project management").
    :param min_label_chars: labels whose normalised form is shorter are ignored ("C", "R").
    """

    def __init__(
        self,
        labels: Iterable[LabelRow],
        *,
        include_hidden: bool = True,
        fallback_langs: Sequence[str] = ("en",),
        min_label_chars: int = 2,
        version: str = "",
    ) -> None:
        by_lang: dict[str, list[tuple[str, str, str]]] = {}
        for uri, label, lang, kind in labels:
            if kind == "hidden" and not include_hidden:
                continue
            by_lang.setdefault(normalise_lang(lang), []).append((uri, label, kind))
        self._indexes = {
            lang: _LangIndex(lang, rows, min_label_chars) for lang, rows in sorted(by_lang.items())
        }
        self.fallback_langs = tuple(normalise_lang(x) for x in fallback_langs)
        self.version = version

    @property
    def langs(self) -> tuple[str, ...]:
        """Languages that have labels in this extractor."""
        return tuple(self._indexes)

    def _langs_for(self, lang: str | None) -> list[str]:
        if not lang:
            return list(self._indexes)
        wanted = [normalise_lang(lang), *self.fallback_langs]
        return [x for x in dict.fromkeys(wanted) if x in self._indexes]

    def extract(self, text: str, lang: str | None = None) -> list[SkillMatch]:
        """Skills mentioned in ``text``, in text order.

        ``lang`` is the text's language; labels of that language and of ``fallback_langs``
        are searched (all languages when ``lang`` is ``None``). Spans never overlap: among
        overlapping candidates the leftmost-longest wins. A span matching a label shared by
        several concepts yields one :class:`SkillMatch` per concept.

        Score = kind weight (preferred 1.0, alt 0.9, hidden 0.7) x length weight
        (1 token 0.8, 2 tokens 0.9, 3+ tokens 1.0) x 0.9 if the match needed stemming or
        compound handling (1.0 when letter-for-letter equal after case/diacritics folding).
        """
        if not text:
            return []
        scan = scan_text(text)
        if not scan.tokens:
            return []
        langs = self._langs_for(lang)
        spans: list[_Spans] = [
            self._scan(self._indexes[code], scan) for code in langs if self._indexes[code].n_entries
        ]
        if len(spans) > 1:
            spans = [_longest_non_overlapping(spans)]
        return self._to_matches(text, spans[0]) if spans else []

    def _scan(self, index: _LangIndex, scan: TextScan) -> _Spans:
        """Leftmost-longest, non-overlapping label matches in one language.

        The text becomes an array of stem ids (one dict lookup per token, in C through
        ``map``); then the label trie is walked from every position at once: step ``L``
        follows one edge for each position whose first ``L - 1`` tokens are a label prefix,
        with one ``np.searchsorted`` over the sorted edge keys. The number of live positions
        falls quickly (most words start no label), so the walk costs a few passes over the
        token array whatever the number of labels.
        """
        if len(index.cache) >= _CACHE_LIMIT:
            # Bounded memory in long-running workers; refills quickly (Zipf). Cleared between
            # texts only: the compound ids handed out during a text index ``compounds``.
            index.cache.clear()
            index.compounds.clear()
        n_tokens = len(scan.tokens)
        ids = np.fromiter(map(index.cache.__getitem__, scan.tokens), np.int64, count=n_tokens)
        first_unit: npt.NDArray[np.intp] | None = None
        if ids.min() < 0:
            ids, first_unit = _expand_compounds(ids, index.compounds)
        n_units = len(ids)
        # A label may start right after a phrase break but never continue across one.
        breaks = np.zeros(n_units + 1, dtype=np.bool_)
        after = np.asarray(scan.after_break, dtype=np.intp)
        breaks[after if first_unit is None else first_unit[after]] = True
        breaks[n_units] = True  # the end of the text stops every walk
        best_len = np.zeros(n_units, dtype=np.intp)
        best_entry = np.zeros(n_units, dtype=np.int32)
        node = index.root_child[ids]
        starts = np.flatnonzero(node >= 0)
        node = node[starts]
        ids = np.append(ids, index.unknown)
        length = 1
        while starts.size:
            entry = index.node_entry[node]
            hit = entry >= 0
            best_len[starts[hit]] = length  # longer matches overwrite shorter ones
            best_entry[starts[hit]] = entry[hit]
            live = index.has_children[node] & ~breaks[starts + length]
            starts, node = starts[live], node[live]
            keys = node * index.stride + ids[starts + length]
            at = np.searchsorted(index.edge_keys, keys)
            np.minimum(at, len(index.edge_keys) - 1, out=at)
            found = index.edge_keys[at] == keys
            starts, node = starts[found], index.edge_child[at[found]]
            length += 1
        first = np.flatnonzero(best_len)
        if not first.size:
            return _Spans(index.lang, [], [], [])
        lengths = best_len[first]
        last = first + lengths - 1
        if first.size > 1:
            first, last = _leftmost_longest(first, last)
        entry_ids = best_entry[first].tolist()
        if first_unit is not None:
            token_of = np.repeat(np.arange(n_tokens), np.diff(np.append(first_unit, n_units)))
            first, last = token_of[first], token_of[last]
        return _Spans(index.lang, scan.starts[first].tolist(), scan.ends[last].tolist(), entry_ids)

    def _to_matches(self, text: str, spans: _Spans) -> list[SkillMatch]:
        out: list[SkillMatch] = []
        append = out.append
        langs = spans.langs or [spans.lang] * len(spans.starts)
        # tuple.__new__ skips the NamedTuple's Python-level __new__: 3x cheaper per match.
        new = tuple.__new__
        index = self._indexes[spans.lang]
        rows_of = index.matched_rows
        if len(rows_of) > _CACHE_LIMIT:
            rows_of.clear()
        for start, end, entry_id, lang in zip(
            spans.starts, spans.ends, spans.entry_ids, langs, strict=True
        ):
            if lang != index.lang:
                index = self._indexes[lang]
                rows_of = index.matched_rows
            surface = text[start:end]
            rows = rows_of.get((entry_id, surface))
            if rows is None:
                rows = rows_of[(entry_id, surface)] = index.rows_for(entry_id, surface)
            for uri, label, kind, score in rows:
                append(new(SkillMatch, (uri, start, end, surface, label, lang, kind, score)))
        return out

    def extract_uris(self, text: str, lang: str | None = None) -> dict[str, float]:
        """Distinct skill URIs found in ``text`` with their best score (engine input)."""
        best: dict[str, float] = {}
        for match in self.extract(text, lang):
            if match.score > best.get(match.uri, 0.0):
                best[match.uri] = match.score
        return best


def _expand_compounds(
    ids: npt.NDArray[np.int64], compounds: list[tuple[int, ...]]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.intp]]:
    """Replace each compound token (id ``-1 - k``) by its parts' ids.

    Returns the per-unit ids and the index of every token's first unit.
    """
    sizes = np.ones(len(ids), dtype=np.intp)
    split = np.flatnonzero(ids < 0)
    parts = [compounds[-1 - int(ids[i])] for i in split]
    sizes[split] = [len(p) for p in parts]
    first_unit = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    units = np.repeat(ids, sizes)
    for i, part in zip(split.tolist(), parts, strict=True):
        start = int(first_unit[i])
        units[start : start + len(part)] = part
    return units, first_unit


def _leftmost_longest(
    first: npt.NDArray[np.intp], last: npt.NDArray[np.intp]
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """The greedy left-to-right choice among spans sorted by start (one per start).

    A span that starts after every earlier span has ended is always chosen; Python only
    decides inside runs of overlapping spans.
    """
    reach = np.maximum.accumulate(last)
    clear = np.ones(len(first), dtype=np.bool_)
    clear[1:] = first[1:] > reach[:-1]
    if clear.all():
        return first, last
    keep = clear.copy()
    # Runs of overlapping spans: each starts at a "clear" span; walk only those runs.
    crowded = np.flatnonzero(~clear)
    run_heads = np.unique(np.searchsorted(np.flatnonzero(clear), crowded, side="right") - 1)
    heads = np.flatnonzero(clear)
    firsts, lasts = first.tolist(), last.tolist()
    n = len(firsts)
    for head in heads[run_heads].tolist():
        end = lasts[head]
        i = head + 1
        while i < n and not clear[i]:
            if firsts[i] > end:
                keep[i] = True
                end = lasts[i]
            i += 1
    return first[keep], last[keep]


class _Spans(NamedTuple):
    """Matches of one scan as parallel lists (char start, char end, entry id)."""

    lang: str
    starts: list[int]
    ends: list[int]
    entry_ids: list[int]
    langs: list[str] | None = None  # per match, only after merging several languages


def _longest_non_overlapping(results: list[_Spans]) -> _Spans:
    """Greedy leftmost-longest selection across the results of several language passes."""
    spans = sorted(
        (start, start - end, end, entry_id, r.lang)
        for r in results
        for start, end, entry_id in zip(r.starts, r.ends, r.entry_ids, strict=True)
    )
    merged = _Spans(results[0].lang, [], [], [], [])
    reach = -1
    for start, _, end, entry_id, lang in spans:
        if start >= reach:
            merged.starts.append(start)
            merged.ends.append(end)
            merged.entry_ids.append(entry_id)
            assert merged.langs is not None
            merged.langs.append(lang)
            reach = end
    return merged
