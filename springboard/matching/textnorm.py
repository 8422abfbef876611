"""Text normalisation shared by the ranker and the skill extractor.

Everything here is deterministic and applied identically to taxonomy labels and to user text:
matching quality depends on both sides being normalised the same way, not on the normal form
being linguistically "right". The stemmers are therefore deliberately light suffix strippers
(no dictionaries), tuned so that the common inflections of job titles and skill phrases in
en, nl, da and nb collapse onto one form.

Supported languages: ``en``, ``nl``, ``da``, ``nb`` (``no``/``nob`` are accepted as ``nb``).
Unknown languages are normalised (case, diacritics, punctuation) but not stemmed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Collection
from functools import lru_cache
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

LANGS: tuple[str, ...] = ("en", "nl", "da", "nb")
#: Languages that write compounds as one word ("softwareontwikkelaar", "salgsmedarbejder").
COMPOUNDING_LANGS: frozenset[str] = frozenset({"nl", "da", "nb"})

_LANG_ALIASES = {"no": "nb", "nob": "nb", "nor": "nb", "dan": "da", "nld": "nl", "dut": "nl"}


def normalise_lang(lang: str | None) -> str:
    """Return the canonical language code: lower case, region dropped, ``no`` → ``nb``.

    >>> normalise_lang("NO"), normalise_lang("en-GB"), normalise_lang(None)
    ('nb', 'en', '')
    """
    if not lang:
        return ""
    code = lang.strip().lower().replace("_", "-").split("-", 1)[0]
    return _LANG_ALIASES.get(code, code)


# --- folding ---------------------------------------------------------------------------------

# Letters that do not decompose under NFKD but that people routinely type without the
# diacritic. Multi-letter replacements follow the usual transliteration (æ → ae); ø → o rather
# than "oe" because Scandinavian users on a foreign keyboard overwhelmingly drop the stroke.
_SPECIAL_FOLD = {"æ": "ae", "ø": "o", "œ": "oe", "ß": "ss", "đ": "d", "ð": "d", "þ": "th", "ł": "l"}
_SPECIAL_FOLD_TABLE = str.maketrans(_SPECIAL_FOLD)


@lru_cache(maxsize=65536)
def _fold_non_ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.translate(_SPECIAL_FOLD_TABLE))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold(text: str) -> str:
    """Case-fold and strip diacritics: ``"Lærer Sørensen Café"`` → ``"laerer sorensen cafe"``."""
    text = text.casefold()
    if text.isascii():
        return text
    return _fold_non_ascii(text)


# A token is a run of letters/digits, optionally followed by "+" or "#" so that programming
# languages such as "C++", "C#" and "F#" survive as distinct tokens.
TOKEN_RE = re.compile(r"[^\W_]+[+#]*")


def tokenize(text: str) -> list[str]:
    """Fold ``text`` and split it into word tokens (punctuation and whitespace are separators)."""
    return TOKEN_RE.findall(fold(text))


def normalise_phrase(text: str) -> str:
    """Canonical string of a whole phrase: folded tokens joined by single spaces."""
    return " ".join(tokenize(text))


# --- light stemming --------------------------------------------------------------------------

_VOWELS = frozenset("aeiouy")
_DOUBLE_CONSONANT_END = re.compile(r"([bcdfgklmnprstvz])\1$")
_NL_DOUBLE_VOWEL = re.compile(r"(aa|ee|oo|uu)(?=[^aeiou]*$)")


def _has_vowel(stem: str) -> bool:
    return any(ch in _VOWELS for ch in stem)


def _strip(word: str, suffixes: tuple[str, ...], min_stem: int) -> str:
    # Suffix lists are ordered longest first so the first hit is the longest match.
    for suffix in suffixes:
        if word.endswith(suffix):
            stem = word[: len(word) - len(suffix)]
            if len(stem) >= min_stem and _has_vowel(stem):
                return stem
    return word


def _stem_en(word: str) -> str:
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith(("ies", "ied")) and len(word) > 4:
        return word[:-3] + "i"
    if word.endswith("sses") or word.endswith(("xes", "ches", "shes", "zes")):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for suffix in ("ing", "ed"):
        if word.endswith(suffix):
            stem = word[: -len(suffix)]
            if len(stem) >= 3 and _has_vowel(stem):
                # "planning" → "plan", "running" → "run"; keeps "ss"/"ll" words intact below.
                if _DOUBLE_CONSONANT_END.search(stem) and not stem.endswith(("ss", "ll", "ff")):
                    stem = stem[:-1]
                word = stem
            break
    if word.endswith("y") and len(word) > 3:
        return word[:-1] + "i"  # apply/applies/applied → appli
    if word.endswith("e") and len(word) > 3:
        return word[:-1]  # manage/managed/managing → manag
    return word


_NL_SUFFIXES = ("heden", "ingen", "ens", "en", "'s", "s", "e")
_NB_DA_SUFFIXES = (
    "heterne",
    "hederne",
    "erne",
    "ende",
    "ene",
    "ere",
    "ede",
    "het",
    "hed",
    "er",
    "en",
    "et",
    "ne",
    "e",
    "s",
)


def _stem_nl(word: str) -> str:
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("heden"):
        word = word[:-5] + "heid"
    elif word.endswith("ingen"):
        word = word[:-2]
    else:
        word = _strip(word, _NL_SUFFIXES, 3)
    # Dutch spelling doubles vowels in closed syllables and consonants after short vowels
    # ("taal"/"talen", "bakker"/"bakken"); collapsing both makes the forms meet.
    word = _DOUBLE_CONSONANT_END.sub(r"\1", word)
    return _NL_DOUBLE_VOWEL.sub(lambda m: m.group(1)[0], word)


def _stem_nordic(word: str) -> str:
    if len(word) <= 3 or not word.isalpha():
        return word
    word = _strip(word, _NB_DA_SUFFIXES, 3)
    return _DOUBLE_CONSONANT_END.sub(r"\1", word)


_STEMMERS: dict[str, Callable[[str], str]] = {
    "en": _stem_en,
    "nl": _stem_nl,
    "da": _stem_nordic,
    "nb": _stem_nordic,
}


def stemmer_for(lang: str | None) -> Callable[[str], str]:
    """Return the (cached) light stemmer for ``lang``; identity for unsupported languages."""
    code = normalise_lang(lang)
    base = _STEMMERS.get(code)
    if base is None:
        return _identity
    return _cached_stemmers.setdefault(code, lru_cache(maxsize=200_000)(base))


def _identity(word: str) -> str:
    return word


_cached_stemmers: dict[str, Callable[[str], str]] = {}


def stem(token: str, lang: str | None) -> str:
    """Light stem of an already folded ``token`` in ``lang``.

    >>> stem("managing", "en"), stem("ontwikkelaars", "nl"), stem("udviklerne", "da")
    ('manag', 'ontwikkelar', 'udvikl')
    """
    return stemmer_for(lang)(token)


# --- compound splitting ----------------------------------------------------------------------

# Linking morphemes between compound parts: "bedrijf-s-leider", "salg-s-medarbejder",
# "kind-er-opvang" (nl), "barne-hage" (nb).
_LINKERS: dict[str, tuple[str, ...]] = {
    "nl": ("s", "en", "e", "er"),
    "da": ("s", "e"),
    "nb": ("s", "e"),
}
MIN_PART = 3


def split_compound(
    word: str,
    known: Collection[str],
    lang: str | None,
    *,
    max_parts: int = 3,
    split_known: bool = False,
) -> list[str] | None:
    """Split a folded compound into known parts, longest head first.

    ``known`` holds folded words and/or stems (for instance every token of every label in the
    language). A part is accepted when it, or its stem, is in ``known``. Returns the parts
    (as written, linkers removed) or ``None`` when the word is not a compound of known parts.

    >>> split_compound("salgsmedarbejder", {"salg", "medarbejder"}, "da")
    ['salg', 'medarbejder']
    """
    code = normalise_lang(lang)
    if code not in COMPOUNDING_LANGS or len(word) < 2 * MIN_PART or not word.isalpha():
        return None
    stem_fn = stemmer_for(code)
    linkers = _LINKERS.get(code, ())

    def is_known(part: str) -> bool:
        return part in known or stem_fn(part) in known

    def rec(rest: str, budget: int, whole_ok: bool = True) -> list[str] | None:
        if whole_ok and len(rest) >= MIN_PART and is_known(rest):
            return [rest]
        if budget <= 1:
            return None
        for cut in range(len(rest) - MIN_PART, MIN_PART - 1, -1):
            head, tail = rest[:cut], rest[cut:]
            candidates = [head] + [
                head[: -len(link)]
                for link in linkers
                if head.endswith(link) and len(head) - len(link) >= MIN_PART
            ]
            for cand in candidates:
                if is_known(cand):
                    tail_parts = rec(tail, budget - 1)
                    if tail_parts is not None:
                        return [cand, *tail_parts]
        return None

    if is_known(word) and not split_known:
        return None
    return rec(word, max_parts, whole_ok=False)


# --- vectorised scan of a whole text (used by the extractor's fast path) ----------------------

_ASCII_WORD = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+#")
#: Characters that end a phrase: a skill label never spans them.
HARD_BREAKS = "\n\r;!?|\u2022\u00b7\u25aa\u25cf\u25e6\u25a0\u2013\u2014"  # bullets, dashes
#: Characters that end a phrase only when followed by whitespace ("node.js", "e.g.", "3.5").
SOFT_BREAKS = ".:"

# Character classes for the vectorised scan.
_SEP, _WORD, _HARD, _SOFT = 0, 1, 2, 3


def _build_class_table() -> npt.NDArray[np.uint8]:
    """Class of every Basic Multilingual Plane code point: separator/word/hard/soft break."""
    table = np.zeros(0x10000, dtype=np.uint8)
    for cp in range(0x10000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        ch = chr(cp)
        if ch.isalnum() or unicodedata.category(ch).startswith("M") or ch in "+#":
            table[cp] = _WORD
    table[ord("_")] = _SEP
    table[[ord(c) for c in HARD_BREAKS]] = _HARD
    table[[ord(c) for c in SOFT_BREAKS]] = _SOFT
    return table


_CLASS_TABLE: npt.NDArray[np.uint8] | None = None


def _class_table() -> npt.NDArray[np.uint8]:
    # Built lazily (~50 ms) so that importing the module stays cheap for the ranker.
    global _CLASS_TABLE
    if _CLASS_TABLE is None:
        _CLASS_TABLE = _build_class_table()
    return _CLASS_TABLE


_ASCII_BLANK_TABLE = str.maketrans({chr(c): " " for c in range(128) if chr(c) not in _ASCII_WORD})
# ASCII char → its class as a control character; str.translate + frombuffer is ~4x faster
# than a numpy gather through the class table.
_ASCII_CLASS_TABLE = str.maketrans(
    {
        chr(c): chr(_WORD if chr(c) in _ASCII_WORD else _SEP)
        for c in range(128)
        if chr(c) not in HARD_BREAKS + SOFT_BREAKS
    }
    | {c: chr(_HARD) for c in HARD_BREAKS if c.isascii()}
    | {c: chr(_SOFT) for c in SOFT_BREAKS}
)


def _scan_mostly_ascii(text: str) -> tuple[str, npt.NDArray[np.uint8]]:
    """Blanked text and classes for a text with some non-ASCII characters.

    ``str.translate`` loses its ASCII fast path on such strings (8 MB/s instead of 2 GB/s),
    so the text is encoded with every non-ASCII character replaced by "?" (one byte per
    character, so offsets hold), classified on the fast path, and only the non-ASCII
    positions are patched in Python.
    """
    replaced = text.encode("ascii", "replace")
    marks = np.flatnonzero(np.frombuffer(replaced, dtype=np.uint8) == ord("?")).tolist()
    positions = [i for i in marks if text[i] != "?"]
    ascii_text = replaced.decode("ascii")
    classes = np.frombuffer(ascii_text.translate(_ASCII_CLASS_TABLE).encode("ascii"), np.uint8)
    classes = classes.copy()
    points = np.array([ord(text[i]) for i in positions], dtype=np.int64)
    patched = np.where(points < 0x10000, _class_table()[points & 0xFFFF], _SEP)
    classes[positions] = patched
    blanked = ascii_text.translate(_ASCII_BLANK_TABLE)
    letters = [i for i, c in zip(positions, patched.tolist(), strict=True) if c == _WORD]
    if letters:
        pieces: list[str] = []
        previous = 0
        for i in letters:
            pieces.append(blanked[previous:i])
            pieces.append(text[i])
            previous = i + 1
        pieces.append(blanked[previous:])
        blanked = "".join(pieces)
    return blanked, classes


class TextScan(NamedTuple):
    """A text cut into tokens without losing character offsets."""

    tokens: list[str]  # surface tokens, original case
    starts: npt.NDArray[np.intp]  # char offset of each token
    ends: npt.NDArray[np.intp]  # char offset just past each token
    after_break: list[int]  # indices of tokens that follow a phrase break


def scan_text(text: str) -> TextScan:
    """Tokenise ``text`` keeping offsets, in C/numpy only (no per-character Python code).

    Every non-token character is blanked to a space (length preserved), ``str.split`` yields
    the tokens and numpy the offsets and phrase breaks. ASCII text uses ``str.translate``'s
    ASCII fast path; other text a numpy lookup table, because ``str.translate`` with a dict is
    ~100x slower on non-ASCII strings (measured: 8 MB/s).
    """
    if text.isascii():
        blanked = text.translate(_ASCII_BLANK_TABLE)
        classes = np.frombuffer(text.translate(_ASCII_CLASS_TABLE).encode("ascii"), np.uint8)
    else:
        blanked, classes = _scan_mostly_ascii(text)
    tokens = blanked.split()
    if not tokens:
        empty = np.zeros(0, dtype=np.intp)
        return TextScan([], empty, empty, [])
    is_word = classes == _WORD
    edges = np.flatnonzero(is_word[1:] != is_word[:-1]) + 1
    if is_word[0]:
        edges = np.concatenate(([0], edges))
    if is_word[-1]:
        edges = np.concatenate((edges, [len(is_word)]))
    starts, ends = edges[0::2], edges[1::2]
    breaks = np.flatnonzero(classes >= _HARD)
    soft = np.flatnonzero(classes[breaks] == _SOFT)
    if soft.size:
        # Breaks are rare (about one per sentence), so a Python check per soft break is cheap.
        n = len(text)
        real = [i + 1 >= n or text[i + 1].isspace() for i in breaks[soft].tolist()]
        breaks = np.delete(breaks, soft[~np.array(real, dtype=np.bool_)])
    after = np.unique(np.searchsorted(starts, breaks))
    after = after[(after > 0) & (after < len(tokens))]
    return TextScan(tokens, starts, ends, after.tolist())
