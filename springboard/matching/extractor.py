"""Skill extraction: free text (CV, vacancy) → ESCO skill URIs with character spans.

Algorithm (see ``docs/matching.md`` for measurements):

1. Every label is folded (case, diacritics), tokenised and light-stemmed in *its own* language.
   Each distinct stem gets an integer id, so a label becomes a short tuple of ids
   (``"manage projects"`` → two ids). Compounding languages (nl, da, nb) also index the
   joined form (``"project management"`` → ``"projectmanagement"``) and the split form of
   compounds whose parts are known label words. The label keys form a trie kept as numpy
   arrays.
2. The text is cut into tokens by numpy (:func:`~springboard.matching.textnorm.scan_keys`):
   offsets, phrase breaks and a 64-bit key of every folded token, without creating a Python
   object per token. Keys map to *token types* through a numpy hash table shared by all
   languages, and types to stem ids through one array per language. A type seen for the first
   time is folded, stemmed and, for compounding languages, split in Python, once. Tokens that
   are in no label map to an "unknown" id that no label contains.
3. The trie is walked from every token position at once, one edge per step for all live
   positions (a bitmap rejects most non-edges, ``np.searchsorted`` over the sorted edge keys
   finds the rest); the longest match per start wins and a greedy left-to-right choice drops
   overlaps (leftmost-longest). Because ids are whole tokens, word boundaries hold by
   construction. A walk never continues across a phrase break (full stop, newline,
   semicolon, bullet …), so no label spans two sentences.
4. Matches map back to character offsets through the token start/end arrays (numpy), and the
   :class:`SkillMatch` tuples are built column-wise by C iterators (``zip``/``map``).

Python code runs per *new token type* and per distinct matched surface form, never per token.
"""

from __future__ import annotations

import gc
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from .textnorm import (
    COMPOUNDING_LANGS,
    HARD_BREAKS,
    TOKEN_RE,
    TokenKeys,
    fold,
    normalise_lang,
    normalise_phrase,
    prepare_scan,
    scan_keys,
    split_compound,
    stemmer_for,
    uncached_stemmer_for,
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
_CACHE_LIMIT = 400_000  # token types remembered before every cache is reset
_PIECE_CHARS = 256_000  # long texts are matched in pieces of about this size (see _pieces)
_HARD_BREAK = re.compile(f"[{re.escape(HARD_BREAKS)}]")
_FIB = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing: slot = (key * _FIB) >> (64 - bits)


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


class _TokenTypes:
    """Every token type seen so far: 64-bit token key → type number, with one surface each.

    The keys sit in an open-addressing hash table (linear probing) of two numpy arrays, so a
    whole text's keys are looked up with a few vectorised gathers. Key 0 marks an empty slot
    (:func:`~springboard.matching.textnorm.scan_keys` never gives a token key 0).
    """

    def __init__(self) -> None:
        # A dict of int → str stays untracked by the garbage collector (a list would not).
        self.surfaces: dict[int, str] = {}
        self._resize(1 << 12)

    def __len__(self) -> int:
        return len(self.surfaces)

    def clear(self) -> None:
        self.surfaces = {}
        self._resize(1 << 12)

    def _resize(self, size: int) -> None:
        self._slot_keys = np.zeros(size, dtype=np.uint64)
        self._slot_types = np.full(size, -1, dtype=np.int64)
        self._shift = np.uint64(64 - size.bit_length() + 1)

    def lookup(
        self, keys: npt.NDArray[np.uint64]
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.intp]]:
        """``(types, missing)``: the type number of every key (-1 where not seen yet), and the
        indices of the keys not seen yet."""
        mask = len(self._slot_keys) - 1
        slots = (keys * _FIB) >> self._shift
        found = self._slot_keys[slots]
        types = self._slot_types[slots]  # -1 in empty slots
        todo = np.flatnonzero(found != keys)
        missing = [todo[found[todo] == 0]]
        todo = todo[found[todo] != 0]
        while todo.size:  # collisions: follow the probe sequence of the few keys concerned
            slots_todo = (slots[todo] + 1) & mask
            slots[todo] = slots_todo
            found_todo = self._slot_keys[slots_todo]
            hit = found_todo == keys[todo]
            types[todo[hit]] = self._slot_types[slots_todo[hit]]
            missing.append(todo[found_todo == 0])
            todo = todo[~hit & (found_todo != 0)]
        return types, np.sort(np.concatenate(missing))

    def add(self, keys: npt.NDArray[np.uint64], surfaces: list[str]) -> None:
        """Register new, distinct ``keys`` as the next type numbers."""
        first = len(self.surfaces)
        self.surfaces.update(zip(range(first, first + len(surfaces)), surfaces, strict=True))
        if 2 * len(self.surfaces) > len(self._slot_keys):  # keep the load factor <= 1/2
            self.reserve(len(self.surfaces), load=2)
        self._place(keys, np.arange(first, first + len(keys), dtype=np.int64))

    def reserve(self, n_types: int, load: int = 4) -> None:
        """Grow the table (a power of two) to at least ``load`` slots per type for
        ``n_types`` types, re-placing the types registered so far."""
        size = len(self._slot_keys)
        if load * n_types <= size:
            return
        while load * n_types > size:
            size *= 2
        used = np.flatnonzero(self._slot_keys)
        old_keys, old_types = self._slot_keys[used], self._slot_types[used]
        self._resize(size)
        self._place(old_keys, old_types)

    def _place(self, keys: npt.NDArray[np.uint64], types: npt.NDArray[np.int64]) -> None:
        mask = len(self._slot_keys) - 1
        slots = (keys * _FIB) >> self._shift
        todo = np.arange(len(keys))
        while todo.size:
            slots_todo = slots[todo]
            free = self._slot_keys[slots_todo] == 0
            # Of several keys wanting the same free slot, the first gets it; all others probe on.
            _, first = np.unique(slots_todo[free], return_index=True)
            won = todo[np.flatnonzero(free)[first]]
            self._slot_keys[slots[won]] = keys[won]
            self._slot_types[slots[won]] = types[won]
            placed = np.zeros(len(keys), dtype=np.bool_)
            placed[won] = True
            todo = todo[~placed[todo]]
            slots[todo] = (slots[todo] + 1) & mask


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
        self._stem_once = uncached_stemmer_for(lang)  # same output, for words stemmed once
        self.compounding = lang in COMPOUNDING_LANGS
        self._words: set[str] = set()
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
        # Folded label words as written (before stemming): registered as token types when
        # the extractor is built (``SkillExtractor._prime``).
        self.words = frozenset(self._words)
        del self._words
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
        # Flatten to (exact) tuples of str/float and numpy: the garbage collector untracks such
        # tuples and never tracks arrays, so hundreds of thousands of label objects do not slow
        # down every full collection in the worker (a list stays tracked, and a full collection
        # visits every item: measured 25 ms with the lists, per collection).
        # Entries that match upper-case text only (acronyms: a few hundred). A set membership
        # test costs far less than reading one numpy element (which makes a numpy scalar).
        self.upper_only = frozenset(i for i, e in enumerate(entries) if e.requires_upper)
        self.targets: tuple[tuple[tuple[str, str, str, str, float], ...], ...] = tuple(
            tuple((t.uri, t.label, t.kind, t.phrase, t.weight) for t in e.targets.values())
            for e in entries
        )
        self.n_entries = len(entries)
        self.cache = _TokenIds(self)  # for tokens without a key (non-ASCII, very long)
        # Stem id of every token type (see ``_TokenTypes``), computed for the first ``n_typed``.
        self.type_ids = np.zeros(1024, dtype=np.int64)
        self.n_typed = 0
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
        # The first step of a walk, per stem id: the label entry of the one-token key (or -1)
        # and the node to continue from (or -1 when no longer label starts with the stem).
        root = np.maximum(self.root_child, 0)
        self.root_entry = np.where(self.root_child >= 0, self.node_entry[root], -1)
        self.root_inner = np.where(
            (self.root_child >= 0) & self.has_children[root], self.root_child, -1
        )
        # A bitmap over hashed edge keys (~16 bits per edge) rejects most (node, stem) pairs
        # that are no edge before the binary search: after the first token of a text position
        # most walks die, and the bitmap gather is cheaper than np.searchsorted.
        bits = min(max((16 * len(inner)).bit_length(), 10), 24)
        self.filter_shift = np.uint64(64 - bits)
        self.edge_filter = np.zeros(1 << bits, dtype=np.bool_)
        self.edge_filter[self._filter_slots(self.edge_keys[self.edge_keys >= 0])] = True

    def _filter_slots(self, keys: npt.NDArray[np.int64]) -> npt.NDArray[np.uint64]:
        return (keys.view(np.uint64) * _FIB) >> self.filter_shift

    def follow(
        self, node: npt.NDArray[np.int64], stem_ids: npt.NDArray[np.int64]
    ) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.int64]]:
        """Follow the edge ``stem_ids[i]`` from inner node ``node[i]`` where one exists:
        returns the indices ``i`` that have the edge and the child nodes."""
        keys = node * self.stride + stem_ids
        maybe = np.flatnonzero(self.edge_filter[self._filter_slots(keys)])
        keys = keys[maybe]
        at = np.searchsorted(self.edge_keys, keys)
        np.minimum(at, len(self.edge_keys) - 1, out=at)
        found = np.flatnonzero(self.edge_keys[at] == keys)
        return maybe[found], self.edge_child[at[found]]

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
            self._words.update(tokens)
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
        if entry_id in self.upper_only and not surface.isupper():
            return ()
        targets = self.targets[entry_id]
        if len(targets) == 1:  # nearly every entry: no generator needed
            ((uri, label, kind, label_phrase, weight),) = targets
            # An ASCII surface whose lower case *is* the label's normal form normalises to it
            # (normal forms are fixed points of normalise_phrase): skip the regex then.
            exact = (surface.isascii() and surface.lower() == label_phrase) or (
                normalise_phrase(surface) == label_phrase
            )
            return ((uri, label, kind, weight if exact else weight * INEXACT_WEIGHT),)
        phrase = normalise_phrase(surface)
        return tuple(
            (uri, label, kind, weight if phrase == label_phrase else weight * INEXACT_WEIGHT)
            for uri, label, kind, label_phrase, weight in targets
        )

    def id_for_token(self, token: str) -> int:
        folded = fold(token)
        stem_id = self.vocab.get(self._stem(folded))
        if stem_id is None:
            stem_id = self.vocab.get(folded)
        if stem_id is not None:
            return stem_id
        return self._compound_id(folded)

    def ids_for_new_tokens(self, tokens: list[str]) -> list[int]:
        """:meth:`id_for_token` of each of ``tokens`` (each seen for the first time).

        ASCII tokens (every keyed token type) are folded by one ``lower`` of the joined text
        and stemmed by the uncached stemmer; the vocabulary lookups run as C-level ``map``
        calls, so Python code runs only for the stemming and, in compounding languages, the
        compound split of tokens in no label.
        """
        joined = "\n".join(tokens)
        if not joined.isascii():
            return [self.id_for_token(token) for token in tokens]
        folded = joined.lower().split("\n")  # == fold() for ASCII; tokens hold no newline
        get = self.vocab.get
        stems = map(self._stem_once, folded)
        if not self.compounding:
            return list(map(get, stems, map(get, folded, repeat(self.unknown))))
        ids: list[int | None] = list(map(get, stems, map(get, folded)))
        return [self._compound_id(f) if i is None else i for i, f in zip(ids, folded, strict=True)]

    def _compound_id(self, folded: str) -> int:
        """Id of a folded token that is no label word: a compound of label words in
        compounding languages (``-1 - k``), else :attr:`unknown`."""
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
        self._types = _TokenTypes()
        prepare_scan()  # a per-process table, built now rather than by the first text
        self._prime()

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
        overlapping candidates the leftmost-longest wins (across languages, the text's
        language first on equal spans). A span matching a label shared by several concepts
        yields one :class:`SkillMatch` per concept.

        Score = kind weight (preferred 1.0, alt 0.9, hidden 0.7) x length weight
        (1 token 0.8, 2 tokens 0.9, 3+ tokens 1.0) x 0.9 if the match needed stemming or
        compound handling (1.0 when letter-for-letter equal after case/diacritics folding).
        """
        if not text:
            return []
        indexes = [self._indexes[code] for code in self._langs_for(lang)]
        indexes = [index for index in indexes if index.n_entries]
        if not indexes:
            return []
        self._limit_caches()
        # Everything made during a call is a tuple of strings and numbers, so no reference
        # cycle can arise: the cyclic garbage collector is paused meanwhile. Otherwise the
        # tens of thousands of match tuples trigger collections that re-scan the growing
        # result list and, in a web or worker process, the whole heap (see docs/matching.md).
        paused = gc.isenabled()
        if paused:
            gc.disable()
        try:
            return self._extract(text, indexes)
        finally:
            if paused:
                gc.enable()

    def _extract(self, text: str, indexes: list[_LangIndex]) -> list[SkillMatch]:
        matches: list[SkillMatch] = []
        for start, end in _pieces(text):
            piece = text[start:end]  # the text itself when it is one piece
            scan = scan_keys(piece)
            if not len(scan.starts):
                continue
            types = self._token_types(piece, scan)
            spans = [self._scan(index, piece, scan, types) for index in indexes]
            merged = _longest_non_overlapping(spans) if len(spans) > 1 else spans[0]
            if start:
                merged = merged._replace(starts=merged.starts + start, ends=merged.ends + start)
            matches.extend(self._to_matches(text, merged, [index.lang for index in indexes]))
        return matches

    def _prime(self) -> None:
        """Register every label word as a token type and compute its stem id in every
        language now, so that a text's first pass computes (in Python) only the words that are
        in no label. The same code path as a text: the caches end up as if a text made of the
        label words had been extracted first, which never changes a result."""
        words = sorted(set().union(*(index.words for index in self._indexes.values())))
        if not words:
            return
        text = "\n".join(words)
        scan = scan_keys(text)
        types = self._token_types(text, scan)
        for index in self._indexes.values():
            if index.n_entries:
                self._stem_ids(index, text, scan, types)
        # Room for as many new types as there are label words at a load of at most 1/4:
        # fewer collisions to follow in every lookup, and no re-placing during the first texts.
        self._types.reserve(2 * len(self._types))

    def _limit_caches(self) -> None:
        """Bounded memory in long-running workers; the caches refill quickly (Zipf). Cleared
        between texts only: the compound ids handed out during a text index ``compounds``."""
        if len(self._types) < _CACHE_LIMIT and all(
            len(index.cache) < _CACHE_LIMIT for index in self._indexes.values()
        ):
            return
        self._types.clear()
        for index in self._indexes.values():
            index.cache.clear()
            index.compounds.clear()
            index.n_typed = 0
        self._prime()

    def _token_types(self, text: str, scan: TokenKeys) -> npt.NDArray[np.int64]:
        """Type number of every token (0 for tokens without a key); registers new types."""
        types, missing = self._types.lookup(scan.keys)
        types[scan.special] = 0
        new = missing[scan.keys[missing] != 0]
        if new.size:
            keys, first, inverse = np.unique(scan.keys[new], return_index=True, return_inverse=True)
            at = new[first]
            surfaces = [
                text[s:e]
                for s, e in zip(scan.starts[at].tolist(), scan.ends[at].tolist(), strict=True)
            ]
            types[new] = len(self._types) + inverse
            self._types.add(keys, surfaces)
        return types

    def _stem_ids(
        self, index: _LangIndex, text: str, scan: TokenKeys, types: npt.NDArray[np.int64]
    ) -> npt.NDArray[np.int64]:
        """Stem id of every token in ``index``'s language (compounds: ``-1 - k``)."""
        n_types = len(self._types)
        if index.n_typed < n_types:  # types new since this language was last searched
            if len(index.type_ids) < n_types:
                grown = np.zeros(max(n_types, 2 * len(index.type_ids)), dtype=np.int64)
                grown[: index.n_typed] = index.type_ids[: index.n_typed]
                index.type_ids = grown
            surfaces = self._types.surfaces
            index.type_ids[index.n_typed : n_types] = index.ids_for_new_tokens(
                list(map(surfaces.__getitem__, range(index.n_typed, n_types)))
            )
            index.n_typed = n_types
        ids = index.type_ids[types]
        if scan.special.size:
            starts, ends = scan.starts[scan.special].tolist(), scan.ends[scan.special].tolist()
            surfaces_special = [text[s:e] for s, e in zip(starts, ends, strict=True)]
            ids[scan.special] = list(map(index.cache.__getitem__, surfaces_special))
        return ids

    def _scan(
        self, index: _LangIndex, text: str, scan: TokenKeys, types: npt.NDArray[np.int64]
    ) -> _Spans:
        """Leftmost-longest, non-overlapping label matches in one language.

        The label trie is walked from every token position at once: step ``L`` follows one
        edge for each position whose first ``L - 1`` tokens are a label prefix (all positions
        in a few numpy operations). The number of live positions falls quickly (most words
        start no label), so the walk costs a few passes over the token array whatever the
        number of labels.
        """
        n_tokens = len(scan.starts)
        ids = self._stem_ids(index, text, scan, types)
        first_unit: npt.NDArray[np.intp] | None = None
        if index.compounding and ids.min() < 0:
            ids, first_unit = _expand_compounds(ids, index.compounds)
        n_units = len(ids)
        # Continuing a walk reads ``following``: the same ids, except that a unit right after a
        # phrase break, and the end of the text, read as "unknown", on which no edge exists.
        # So a label may start right after a break but never continue across one.
        following = np.empty(n_units + 1, dtype=np.int64)
        following[:n_units] = ids
        following[n_units] = index.unknown
        after = scan.after_break
        following[after if first_unit is None else first_unit[after]] = index.unknown
        entry = index.root_entry[ids]
        hit = np.flatnonzero(entry >= 0)
        hit_starts: list[npt.NDArray[np.intp]] = [hit]
        hit_entries: list[npt.NDArray[np.int32]] = [entry[hit]]
        hit_lengths: list[int] = [1]
        node = index.root_inner[ids]
        starts = np.flatnonzero(node >= 0)
        node = node[starts]
        length = 1
        while starts.size:
            found, node = index.follow(node, following[starts + length])
            starts = starts[found]
            length += 1
            entry = index.node_entry[node]
            hit = np.flatnonzero(entry >= 0)
            if hit.size:
                hit_starts.append(starts[hit])
                hit_entries.append(entry[hit])
                hit_lengths.append(length)
            live = np.flatnonzero(index.has_children[node])
            starts, node = starts[live], node[live]
        if sum(map(len, hit_starts)) == 0:
            return _Spans.empty()
        # Hits were recorded shortest first: the last hit of each start is its longest match.
        first = np.concatenate(hit_starts)
        lengths = np.repeat(hit_lengths, [len(h) for h in hit_starts])
        entries = np.concatenate(hit_entries)
        order = np.argsort(first, kind="stable")
        first, lengths, entries = first[order], lengths[order], entries[order]
        longest = np.ones(len(first), dtype=np.bool_)
        longest[:-1] = first[1:] != first[:-1]
        first, entries = first[longest], entries[longest]
        last = first + lengths[longest] - 1
        keep = _leftmost_longest(first, last)
        first, last, entries = first[keep], last[keep], entries[keep]
        if first_unit is not None:
            token_of = np.repeat(np.arange(n_tokens), np.diff(np.append(first_unit, n_units)))
            first, last = token_of[first], token_of[last]
        return _Spans(scan.starts[first], scan.ends[last], entries, None)

    def _to_matches(self, text: str, spans: _Spans, langs: list[str]) -> list[SkillMatch]:
        """One :class:`SkillMatch` per (span, concept).

        The concept rows of a match depend only on (label entry, surface text): they are
        computed once per distinct pair and remembered (``_LangIndex.matched_rows``), so the
        loop below only slices the text and builds tuples. (Measured: a plain loop beats
        building the columns with ``zip``/``map``, which needs more temporary objects.)
        """
        starts, ends = spans.starts.tolist(), spans.ends.tolist()
        surfaces = [text[start:end] for start, end in zip(starts, ends, strict=True)]
        entry_ids = spans.entry_ids.tolist()
        caches = [self._indexes[code].matched_rows for code in langs]
        for cache in caches:
            if len(cache) > _CACHE_LIMIT:
                cache.clear()
        lang_of = None if spans.langs is None else spans.langs.tolist()
        rows: list[tuple[tuple[str, str, str, float], ...] | None]
        if lang_of is None:
            rows = list(map(caches[0].get, zip(entry_ids, surfaces, strict=True)))
        else:
            rows = [
                caches[k].get((e, t)) for k, e, t in zip(lang_of, entry_ids, surfaces, strict=True)
            ]
        if None in rows:
            i = rows.index(None)  # a C-level search for the next miss
            while True:
                k = 0 if lang_of is None else lang_of[i]
                key = (entry_ids[i], surfaces[i])
                found = caches[k].get(key)  # the same span twice in this piece
                if found is None:
                    found = caches[k][key] = self._indexes[langs[k]].rows_for(*key)
                rows[i] = found
                try:
                    i = rows.index(None, i + 1)
                except ValueError:
                    break
        names: Iterable[str] = (
            repeat(langs[0]) if lang_of is None else map(langs.__getitem__, lang_of)
        )
        out: list[SkillMatch] = []
        append = out.append
        # tuple.__new__ skips the NamedTuple's Python-level __new__ (3x cheaper per match).
        new = tuple.__new__
        for start, end, surface, found, lang in zip(
            starts, ends, surfaces, rows, names, strict=False
        ):
            for uri, label, kind, score in found or ():
                append(new(SkillMatch, (uri, start, end, surface, label, lang, kind, score)))
        return out

    def extract_uris(self, text: str, lang: str | None = None) -> dict[str, float]:
        """Distinct skill URIs found in ``text`` with their best score (engine input)."""
        best: dict[str, float] = {}
        for match in self.extract(text, lang):
            if match.score > best.get(match.uri, 0.0):
                best[match.uri] = match.score
        return best


def _pieces(text: str) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of consecutive pieces of about :data:`_PIECE_CHARS` characters, each
    ending with a hard phrase break (newline, ``;``, bullet …) where the text has one.

    No label spans a hard break, so the pieces are matched independently with exactly the
    same result, while every array of a piece stays in the CPU's L2 cache (measured on a
    4 MB text: 70 ms in 256 kB pieces instead of 100 ms in one piece, which also touched
    25 MB of fresh memory pages per call).
    """
    n = len(text)
    start = 0
    while n - start > _PIECE_CHARS:
        found = _HARD_BREAK.search(text, start + _PIECE_CHARS)
        if found is None:
            break
        yield start, found.end()
        start = found.end()
    if start < n:
        yield start, n


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
) -> npt.NDArray[np.intp]:
    """Indices of the greedy left-to-right choice among spans sorted by start (one per start;
    ``last`` inclusive).

    A span that starts after every earlier span has ended ("clear") is always chosen. After a
    clear span, the choice jumps to the first span starting after the chosen one ends, until
    it reaches the next clear span; all runs are followed at once, one jump per step.
    """
    n = len(first)
    if n < 2:
        return np.arange(n)
    reach = np.maximum.accumulate(last)
    clear = np.ones(n, dtype=np.bool_)
    clear[1:] = first[1:] > reach[:-1]
    if clear.all():
        return np.arange(n)
    keep = clear.copy()
    following = np.searchsorted(first, last, side="right")  # first span after each span
    heads = np.flatnonzero(clear[:-1] & ~clear[1:])  # clear spans followed by overlaps
    while heads.size:
        heads = following[heads]
        heads = heads[heads < n]
        heads = heads[~clear[heads]]
        keep[heads] = True
    return np.flatnonzero(keep)


class _Spans(NamedTuple):
    """Matches of one scan as parallel arrays (char start, char end, entry id)."""

    starts: npt.NDArray[np.intp]
    ends: npt.NDArray[np.intp]
    entry_ids: npt.NDArray[np.int32]
    langs: npt.NDArray[np.intp] | None  # per match, the language's position; after merging

    @staticmethod
    def empty() -> _Spans:
        nothing = np.zeros(0, dtype=np.intp)
        return _Spans(nothing, nothing, np.zeros(0, dtype=np.int32), None)


def _longest_non_overlapping(results: list[_Spans]) -> _Spans:
    """Greedy leftmost-longest selection across the results of several language passes;
    on equal spans the earlier language (the text's own) wins."""
    starts = np.concatenate([r.starts for r in results])
    ends = np.concatenate([r.ends for r in results])
    entry_ids = np.concatenate([r.entry_ids for r in results])
    langs = np.repeat(np.arange(len(results)), [len(r.starts) for r in results])
    order = np.lexsort((langs, -ends, starts))  # by start, longest first, then language
    starts, ends, entry_ids, langs = starts[order], ends[order], entry_ids[order], langs[order]
    one = np.ones(len(starts), dtype=np.bool_)
    one[1:] = starts[1:] != starts[:-1]  # the longest span of each start
    keep = np.flatnonzero(one)
    keep = keep[_leftmost_longest(starts[keep], ends[keep] - 1)]
    return _Spans(starts[keep], ends[keep], entry_ids[keep], langs[keep])
