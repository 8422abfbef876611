"""Skill extraction: free text (CV, vacancy) → ESCO skill URIs with character spans.

Algorithm (see ``docs/matching.md`` for measurements):

1. Every label is folded (case, diacritics), tokenised and light-stemmed in *its own* language.
   Each distinct stem gets a one-character code, so a label becomes a short code string
   (``"manage projects"`` → two characters). Compounding languages (nl, da, nb) also index the
   joined form (``"project management"`` → ``"projectmanagement"``) and the split form of
   compounds whose parts are known label words.
2. The text is blanked (every non-token character → space, length preserved, so offsets stay
   valid), split into tokens, and each token mapped to its code through a per-language cache
   (surface form → code; misses are folded, stemmed and, for compounding languages, split).
   Tokens that are in no label map to an "unknown" code that no label contains.
3. One Aho-Corasick automaton (pyahocorasick, C) per language runs over the code string with
   ``iter_long``: leftmost-longest, non-overlapping matches. Because codes are whole tokens,
   word boundaries hold by construction. A token that follows a phrase break (full stop,
   newline, semicolon, bullet …) uses a "break" variant of its code, which a label only
   accepts in first position, so no label spans two sentences or list items.
4. Matches map back to character offsets through the token start/end arrays (numpy).

Only the steps that touch every character or token run in C (``str.translate``/numpy,
``str.split``, ``map`` over a dict, the automaton); Python code runs per *match*.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import ahocorasick
import numpy as np

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

_FIRST_CODE = 0x100
_PARENTHETICAL = re.compile(r"\s*\([^)]*\)")
_ACRONYM = re.compile(r"^[A-Z0-9]{2,5}$")
_CACHE_LIMIT = 400_000


class _CodeBook:
    """Fixed-width codes for token ids.

    pyahocorasick looks up a node's children by scanning them, so one character per token
    (an alphabet of ~20,000 stems) makes the root node a 20,000-way scan per text position
    (~2 µs a character, measured). Three characters over an alphabet of ~30 keep every node
    small and run ~10x faster. The first character comes from its own alphabet, so a label's
    code can only match at a token boundary.
    """

    WIDTH = 3

    def __init__(self, n_codes: int) -> None:
        self.base = max(2, math.ceil(n_codes ** (1 / self.WIDTH)) + 1)

    def code(self, index: int) -> str:
        digits = []
        for _ in range(self.WIDTH):
            index, digit = divmod(index, self.base)
            digits.append(digit)
        lead, *rest = reversed(digits)
        return chr(_FIRST_CODE + lead) + "".join(chr(_FIRST_CODE + self.base + d) for d in rest)


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
    n_codes: int
    requires_upper: bool
    targets: dict[str, _Target] = field(default_factory=dict)


class _TokenCodes(dict[str, str]):
    """Surface token → code string; computes and remembers misses (dict ``__missing__``)."""

    def __init__(self, index: _LangIndex) -> None:
        super().__init__()
        self._index = index

    def __missing__(self, token: str) -> str:
        if len(self) >= _CACHE_LIMIT:
            self.clear()  # bounded memory in long-running workers; refills quickly (Zipf)
        code = self._index.code_for_token(token)
        self[token] = code
        return code


class _LangIndex:
    """Vocabulary, automaton and token cache for the labels of one language."""

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
        # Frequent stems get the smallest ids; see the key ordering below for why.
        stem_ids = {stem: i for i, (stem, _) in enumerate(stem_counts.most_common())}
        n_vocab = len(stem_ids)
        # Ids: stems 0..n-1, their "break" variants n..2n-1 (a token right after a phrase
        # break), and 2n for tokens that are in no label.
        book = _CodeBook(2 * n_vocab + 1)
        self.width = book.WIDTH
        self.vocab = {stem: book.code(i) for stem, i in stem_ids.items()}
        self.break_variant = {book.code(i): book.code(n_vocab + i) for i in range(n_vocab)}
        self.unknown = book.code(2 * n_vocab)
        entries: list[_Entry] = []
        self.automaton = ahocorasick.Automaton()
        entry_of: dict[str, int] = {}
        for uri, label, kind, variants in parsed:
            upper = bool(_ACRONYM.match(label.strip()))
            phrase = normalise_phrase(label)
            for variant in variants:
                key = "".join(self.vocab[s] for s in variant)
                idx = entry_of.get(key)
                if idx is None:
                    idx = entry_of[key] = len(entries)
                    entries.append(_Entry(len(key), upper))
                entry = entries[idx]
                # A key is case-sensitive only if every label producing it is an acronym.
                entry.requires_upper = entry.requires_upper and upper
                n_tokens = min(len(variant), len(TOKEN_COUNT_WEIGHT) - 1)
                weight = KIND_WEIGHT.get(kind, 0.7) * TOKEN_COUNT_WEIGHT[n_tokens]
                old = entry.targets.get(uri)
                if old is None or weight > old.weight:
                    entry.targets[uri] = _Target(uri, label, kind, phrase, weight)
        # pyahocorasick finds a child by scanning the node's children in insertion order.
        # Inserting keys in code order puts the codes of frequent stems (small ids, small
        # digits) first in every child list, so the common lookups stop early.
        keys: list[tuple[str, int]] = []
        for key, idx in entry_of.items():
            head, tail = key[: self.width], key[self.width :]
            keys.append((key, idx))
            keys.append((self.break_variant[head] + tail, idx))
        for key, idx in sorted(keys):
            self.automaton.add_word(key, idx)
        if entries:
            self.automaton.make_automaton()
        # Flatten to tuples of str/float: the garbage collector untracks those, so hundreds of
        # thousands of label objects do not slow down every full collection in the worker.
        self.n_codes = np.array([e.n_codes for e in entries], dtype=np.intp)
        self.requires_upper = [e.requires_upper for e in entries]
        self.targets: list[tuple[tuple[str, str, str, str, float], ...]] = [
            tuple((t.uri, t.label, t.kind, t.phrase, t.weight) for t in e.targets.values())
            for e in entries
        ]
        self.n_entries = len(entries)
        self.cache = _TokenCodes(self)

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

    def code_for_token(self, token: str) -> str:
        folded = fold(token)
        stem = self._stem(folded)
        code = self.vocab.get(stem) or self.vocab.get(folded)
        if code is not None:
            return code
        if self.compounding and len(folded) >= 6:
            parts = split_compound(folded, self.known, self.lang)
            if parts:
                codes = [self.vocab.get(self._stem(p)) or self.vocab.get(p) for p in parts]
                if all(codes):
                    return "".join(c for c in codes if c)
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
        self._phrase_cache: dict[str, str] = {}

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
        codes = list(map(index.cache.__getitem__, scan.tokens))
        variant, width = index.break_variant, index.width
        for k in scan.after_break:
            code = codes[k]
            codes[k] = variant.get(code[:width], code[:width]) + code[width:]
        code_str = "".join(codes)
        # Parallel lists of ints rather than a list of tuples: no container objects for the
        # garbage collector to count, which otherwise triggers collections mid-document.
        lasts: list[int] = []
        entry_ids: list[int] = []
        add_last, add_id = lasts.append, entry_ids.append
        for last, entry_id in index.automaton.iter_long(code_str):
            add_last(last)
            add_id(entry_id)
        if not lasts:
            return _Spans(index.lang, [], [], [])
        last_code = np.array(lasts, dtype=np.intp)
        first_code = last_code - index.n_codes[entry_ids] + 1
        if len(code_str) == width * len(codes):
            first_tok, last_tok = first_code // width, last_code // width
        else:
            # Some tokens were split into several codes (compounds): map code → token index.
            lengths = np.fromiter(map(len, codes), dtype=np.intp, count=len(codes))
            token_of = np.repeat(np.arange(len(codes)), lengths)
            first_tok, last_tok = token_of[first_code], token_of[last_code]
        return _Spans(
            index.lang,
            scan.starts[first_tok].tolist(),
            scan.ends[last_tok].tolist(),
            entry_ids,
        )

    def _to_matches(self, text: str, spans: _Spans) -> list[SkillMatch]:
        out: list[SkillMatch] = []
        phrases = self._phrase_cache
        if len(phrases) > _CACHE_LIMIT:
            phrases.clear()
        index = self._indexes[spans.lang]
        langs = spans.langs or [spans.lang] * len(spans.starts)
        # tuple.__new__ skips the NamedTuple's Python-level __new__: 3x cheaper per match.
        new = tuple.__new__
        for start, end, entry_id, lang in zip(
            spans.starts, spans.ends, spans.entry_ids, langs, strict=True
        ):
            if lang != index.lang:
                index = self._indexes[lang]
            surface = text[start:end]
            if index.requires_upper[entry_id] and not surface.isupper():
                continue
            phrase = phrases.get(surface)
            if phrase is None:
                phrase = phrases[surface] = normalise_phrase(surface)
            for uri, label, kind, label_phrase, weight in index.targets[entry_id]:
                score = weight if phrase == label_phrase else weight * INEXACT_WEIGHT
                out.append(new(SkillMatch, (uri, start, end, surface, label, lang, kind, score)))
        return out

    def extract_uris(self, text: str, lang: str | None = None) -> dict[str, float]:
        """Distinct skill URIs found in ``text`` with their best score (engine input)."""
        best: dict[str, float] = {}
        for match in self.extract(text, lang):
            if match.score > best.get(match.uri, 0.0):
                best[match.uri] = match.score
        return best


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
