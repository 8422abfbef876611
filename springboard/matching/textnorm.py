"""Text normalisation shared by the ranker and the skill extractor.

Everything here is deterministic and applied identically to taxonomy labels and to user text:
matching quality depends on both sides being normalised the same way, not on the normal form
being linguistically "right". The stemmers are therefore deliberately light suffix strippers
(no dictionaries), tuned so that the common inflections of job titles and skill phrases in
en, nl, da and nb collapse onto one form.

Supported languages: ``en``, ``nl``, ``da``, ``nb`` (``no``/``nob`` are accepted as ``nb``), plus
light stemmers for ``de``, ``sv`` and ``fr`` (the ranker is developed on Swedish, German and French
job titles). Unknown languages are normalised (case, diacritics, punctuation) but not stemmed.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Callable, Collection
from functools import lru_cache
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

LANGS: tuple[str, ...] = ("en", "nl", "da", "nb")
#: Languages that write compounds as one word ("softwareontwikkelaar", "salgsmedarbejder").
COMPOUNDING_LANGS: frozenset[str] = frozenset({"nl", "da", "nb", "de", "sv"})

_LANG_ALIASES = {
    "no": "nb",
    "nob": "nb",
    "nor": "nb",
    "dan": "da",
    "nld": "nl",
    "dut": "nl",
    "deu": "de",
    "ger": "de",
    "swe": "sv",
    "fra": "fr",
    "fre": "fr",
}


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


# Gender-neutral short forms of job titles, mostly German: "Techniker/in", "Techniker/-in",
# "TechnikerIn", "Kaufmann/-frau", "Fachassistent(in)". Written out in full ("Techniker/
# Technikerin") they meet labels such as "Techniker/Technikerin" word for word.
_SHORT_FEMININE = re.compile(r"(\w{3,})(?:/-?(in|innen)\b|\((in|innen)\))")
_SHORT_FRAU = re.compile(r"(\w{2,})mann/-?frau\b")
_PAREN_INFIX = re.compile(r"(\w{3,})\((?:e|er|r|n|en|e\)\(in)\)(\w*)")


def expand_short_forms(text: str) -> str:
    """Write out gender short forms: ``"Techniker/in"`` → ``"Techniker/Technikerin"``.

    >>> expand_short_forms("Facharbeiter/in Gartenbau"), expand_short_forms("Kaufmann/-frau")
    ('Facharbeiter/Facharbeiterin Gartenbau', 'Kaufmann/Kauffrau')
    """
    if "/" not in text and "(" not in text:
        return text
    text = _SHORT_FEMININE.sub(lambda m: f"{m[1]}/{m[1]}{m[2] or m[3]}", text)
    text = _SHORT_FRAU.sub(lambda m: f"{m[1]}mann/{m[1]}frau", text)
    return _PAREN_INFIX.sub(lambda m: m[1] + m[2], text)


def normalise_phrase(text: str) -> str:
    """Canonical string of a whole phrase: folded tokens joined by single spaces."""
    return " ".join(tokenize(text))


# --- light stemming --------------------------------------------------------------------------

_VOWELS = frozenset("aeiouy")
_DOUBLE_CONSONANT_END = re.compile(r"([bcdfgklmnprstvz])\1$")
_NL_DOUBLE_VOWEL = re.compile(r"(aa|ee|oo|uu)(?=[^aeiou]*$)")


def _has_vowel(stem: str) -> bool:
    return not _VOWELS.isdisjoint(stem)  # any(ch in _VOWELS for ch in stem), in C


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
    if word[-1] not in "sdgye":  # every rule below needs one of these last letters
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


# German: the feminine -in/-innen after an agent suffix first ("Technikerin" → "techniker"),
# then one inflection suffix ("Techniker" → "technik", so both genders and plurals meet).
_DE_FEMININE = re.compile(r"(er|or|ist|ent|ant|eur|og|at|ot|ar|al|ur)in(?:nen)?$")
_DE_SUFFIXES = ("ern", "em", "en", "er", "es", "e", "s", "n")
# Swedish: plural/definite endings first, then agent and feminine endings, so that
# "sjuksköterskor", "sjuksköterska", "lärarna", "lärare" and "städerska"/"städare" meet.
_SV_INFLECTION = (
    "arnas",
    "ernas",
    "ornas",
    "heten",
    "arna",
    "erna",
    "orna",
    "aren",
    "or",
    "ar",
    "er",
    "en",
    "et",
    "s",
)
_SV_DERIVATION = ("erska", "ersk", "ska", "are", "ande", "ende", "het", "a", "e")
# French: feminine and plural forms onto the masculine singular ("vendeuses" → "vendeur",
# "directrice" → "directeur", "technicienne" → "technicien", "infirmiere" → "infirmier").
_FR_ENDINGS = (
    ("euses", "eur"),
    ("euse", "eur"),
    ("trices", "teur"),
    ("trice", "teur"),
    ("iennes", "ien"),
    ("ienne", "ien"),
    ("ennes", "en"),
    ("enne", "en"),
    ("eres", "er"),
    ("ere", "er"),
    ("ives", "if"),
    ("ive", "if"),
    ("aux", "al"),
)


def _stem_de(word: str) -> str:
    if len(word) <= 4 or not word.isalpha():
        return word
    word = _DE_FEMININE.sub(r"\1", word)
    return _strip(word, _DE_SUFFIXES, 4)


def _stem_sv(word: str) -> str:
    if len(word) <= 3 or not word.isalpha():
        return word
    return _strip(_strip(word, _SV_INFLECTION, 3), _SV_DERIVATION, 3)


def _stem_fr(word: str) -> str:
    if len(word) <= 3 or not word.isalpha():
        return word
    for ending, replacement in _FR_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            return word[: -len(ending)] + replacement
    if word.endswith(("s", "x")) and len(word) > 4:
        word = word[:-1]
    if word.endswith("e") and len(word) > 4:
        word = word[:-1]  # agente → agent, employee → employe
    return word


_STEMMERS: dict[str, Callable[[str], str]] = {
    "en": _stem_en,
    "nl": _stem_nl,
    "da": _stem_nordic,
    "nb": _stem_nordic,
    "de": _stem_de,
    "sv": _stem_sv,
    "fr": _stem_fr,
}


def stemmer_for(lang: str | None) -> Callable[[str], str]:
    """Return the (cached) light stemmer for ``lang``; identity for unsupported languages."""
    code = normalise_lang(lang)
    base = _STEMMERS.get(code)
    if base is None:
        return _identity
    return _cached_stemmers.setdefault(code, lru_cache(maxsize=200_000)(base))


def uncached_stemmer_for(lang: str | None) -> Callable[[str], str]:
    """The light stemmer for ``lang`` without the process-wide cache of :func:`stemmer_for`
    (same output): for callers that stem each word once and remember the result themselves,
    where the cache would only add its bookkeeping and fill up with one-off words."""
    return _STEMMERS.get(normalise_lang(lang), _identity)


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
    "de": ("s", "es", "en", "n", "er", "e"),
    "sv": ("s", "a", "e", "o", "u"),
}
MIN_PART = 3

#: Function words of job titles ("Lehrer für Mathematik", "chef de projet", "lärare i
#: svenska"): they carry no meaning of their own, so the ranker gives them no word feature.
_STOPWORD_TEXT = {
    "en": "a an and at for in of on or the to with",
    "nl": "de den der en het in met of op te van voor",
    "da": "af eller en et for i med og pa til ved",
    "nb": "av eller en et for i med og pa til ved",
    "sv": "av eller en ett for i inom med mfl och pa till vid",
    "de": "am an bei das dem den der des die fur im in mit oder und vom von zum zur",
    "fr": "a au aux d de des du en et l la le les ou par pour sur",
}
STOPWORDS: dict[str, frozenset[str]] = {
    lang: frozenset(words.split(" ")) for lang, words in _STOPWORD_TEXT.items()
}


def stopwords_for(lang: str | None) -> frozenset[str]:
    """Folded function words of ``lang`` (empty for languages without a list)."""
    return STOPWORDS.get(normalise_lang(lang), frozenset())


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

# Character classes of the Basic Multilingual Plane (for non-ASCII characters).
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


def prepare_scan() -> None:
    """Build :func:`scan_keys`'s table of non-ASCII character classes now (≈ 25-50 ms once
    per process) rather than during the first text with a non-ASCII character: long-lived
    users such as the skill extractor call it when they are built."""
    _class_table()


# One byte per character ("code"): 0 separator, 1 hard break, 2 soft break, and for a word
# character its folded ASCII byte (>= 35), or _NON_ASCII for a non-ASCII letter/digit/mark.
_CODE_HARD, _CODE_SOFT, _CODE_WORD_MIN = 1, 2, 3
_NON_ASCII = 0x80


def _build_byte_codes() -> bytes:
    codes = bytearray(256)
    for c in range(128):
        ch = chr(c)
        if ch in _ASCII_WORD:
            codes[c] = ord(ch.lower())
        elif ch in HARD_BREAKS:
            codes[c] = _CODE_HARD
        elif ch in SOFT_BREAKS:
            codes[c] = _CODE_SOFT
    return bytes(codes)


_BYTE_CODES = _build_byte_codes()
# The code of each class for non-ASCII characters (indexed by _SEP, _WORD, _HARD, _SOFT).
_CLASS_CODES = np.array([0, _NON_ASCII, _CODE_HARD, _CODE_SOFT], dtype=np.uint8)
_ASCII_SPACE = np.array([chr(c).isspace() for c in range(256)], dtype=np.bool_)
_ASCII_SPACE[128:] = False
_PAD = 24  # zero bytes after the codes, so that 8-byte reads past a token stay in the buffer
#: Tokens longer than this are looked up by their text rather than by key (see ``TokenKeys``).
MAX_KEY_CHARS = 24
_LOW_BYTES = np.array([(1 << (8 * k)) - 1 for k in range(8)] + [(1 << 64) - 1], dtype=np.uint64)
_MIX1 = np.uint64(0x9E3779B97F4A7C15)
_MIX2 = np.uint64(0xBF58476D1CE4E5B9)
_MIX3 = np.uint64(0x94D049BB133111EB)
_TOP_BIT = np.uint64(1 << 63)


class TokenKeys(NamedTuple):
    """A text cut into tokens, each with a 64-bit key of its folded form; no token strings.

    ``keys[i]`` identifies the case-folded token ``i`` for ASCII tokens of up to
    :data:`MAX_KEY_CHARS` characters: up to 8 characters it *is* the token's bytes (exact),
    9 to 24 characters a 63-bit hash of all of them with the top bit set (so it never equals
    a short key). Tokens with a non-ASCII letter or longer than that are listed in
    ``special`` (their key is 0): callers look those up by text, ``text[starts[i]:ends[i]]``.
    """

    starts: npt.NDArray[np.intp]  # char offset of each token
    ends: npt.NDArray[np.intp]  # char offset just past each token
    keys: npt.NDArray[np.uint64]
    special: npt.NDArray[np.intp]  # indices of tokens without a key
    after_break: npt.NDArray[np.intp]  # indices of tokens that follow a phrase break


def _non_ascii_as_del(error: UnicodeError) -> tuple[str, int]:
    """Encoding error handler: every non-ASCII character becomes DEL (one byte each)."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    return "\x7f" * (error.end - error.start), error.end


_NON_ASCII_HANDLER = "springboard.matching.textnorm.del"
codecs.register_error(_NON_ASCII_HANDLER, _non_ascii_as_del)
_FRONT, _BACK = b"\0", b"\0" * _PAD


def _codes(text: str) -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.uint8], npt.NDArray[np.intp]]:
    """``(raw, codes, non_ascii)``: the text as ASCII bytes (other characters as DEL), the
    code of every character at ``codes[1 : n + 1]`` (zero padding on both sides), and the
    positions of non-ASCII characters.

    ``bytes.translate`` does the ASCII characters at memory speed; non-ASCII characters are
    classified through a table of the Basic Multilingual Plane (astral characters separate),
    and only letters and breaks among them need patching (DEL is a separator).
    """
    n = len(text)
    raw = text.encode("ascii", _NON_ASCII_HANDLER)
    codes = np.frombuffer(b"".join((_FRONT, raw, _BACK)).translate(_BYTE_CODES), dtype=np.uint8)
    raw_bytes = np.frombuffer(raw, dtype=np.uint8)
    non_ascii = np.zeros(0, dtype=np.intp)
    if not text.isascii():
        marks = np.flatnonzero(raw_bytes == 0x7F)
        if marks.size * 16 < n:
            points = np.array([ord(text[i]) for i in marks.tolist()], dtype=np.int64)
        else:
            wide = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
            points = wide[marks].astype(np.int64)
        other = points >= 128
        non_ascii, points = marks[other], points[other]
        classes = np.where(points < 0x10000, _class_table()[points & 0xFFFF], _SEP)
        patch = np.flatnonzero(classes != _SEP)
        if patch.size:
            codes = codes.copy()
            codes[non_ascii[patch] + 1] = _CLASS_CODES[classes[patch]]
    return raw_bytes, codes, non_ascii


def scan_keys(text: str) -> TokenKeys:
    """Tokenise ``text`` into offsets and keys with numpy only (no per-token Python object).

    Tokens are runs of letters/digits (any script, with combining marks) and ``+``/``#``,
    as in :data:`TOKEN_RE`. Phrase breaks: :data:`HARD_BREAKS`, and :data:`SOFT_BREAKS`
    followed by whitespace or the end of the text.
    """
    n = len(text)
    raw, codes, non_ascii = _codes(text)
    word = codes[: n + 2] >= _CODE_WORD_MIN
    edges = np.flatnonzero(word[1:] != word[:-1])
    starts, ends = edges[0::2], edges[1::2]
    n_tokens = len(starts)
    empty = np.zeros(0, dtype=np.intp)
    if not n_tokens:
        return TokenKeys(empty, empty, np.zeros(0, dtype=np.uint64), empty, empty)
    # 8 bytes of codes from every character: reading 8 bytes at a token's start gives its
    # first 8 (folded) characters plus whatever follows, which the length mask removes.
    words = np.ndarray((n + 16,), dtype="<u8", buffer=codes, offset=1, strides=(1,))
    lengths = ends - starts
    keys = words[starts] & _LOW_BYTES[np.minimum(lengths, 8)]
    long = np.flatnonzero(lengths > 8)
    if long.size:
        sizes, first = lengths[long], starts[long]
        second = words[first + 8] & _LOW_BYTES[np.minimum(sizes - 8, 8)]
        third = np.where(sizes > 16, words[ends[long] - 8], np.uint64(0))
        mixed = (keys[long] ^ sizes.astype(np.uint64)) * _MIX1
        mixed ^= second
        mixed *= _MIX2
        mixed ^= third
        mixed *= _MIX3
        mixed ^= mixed >> np.uint64(32)
        keys[long] = mixed | _TOP_BIT
    special = long[lengths[long] > MAX_KEY_CHARS]
    if non_ascii.size:
        letters = non_ascii[codes[non_ascii + 1] == _NON_ASCII]
        if letters.size:
            # What np.union1d computes, without the import of numpy.ma that np.union1d and
            # np.unique make on first use (≈ 25 ms, paid by the first text with a non-ASCII
            # letter): sort, then drop repeats.
            within = np.searchsorted(starts, letters, side="right") - 1
            merged = np.sort(np.concatenate((special, within)))
            first = np.ones(len(merged), dtype=np.bool_)
            first[1:] = merged[1:] != merged[:-1]
            special = merged[first]
    keys[special] = 0
    after = _after_breaks(text, raw, codes, starts)
    return TokenKeys(starts, ends, keys, special, after)


def _after_breaks(
    text: str,
    raw: npt.NDArray[np.uint8],
    codes: npt.NDArray[np.uint8],
    starts: npt.NDArray[np.intp],
) -> npt.NDArray[np.intp]:
    """Indices of the tokens that follow a phrase break (never 0)."""
    n = len(text)
    # codes 1 and 2 (hard, soft break): subtracting 1 wraps separators (0) round to 255.
    breaks = np.flatnonzero((codes[1 : n + 1] - np.uint8(1)) < np.uint8(2))
    soft = np.flatnonzero(codes[breaks + 1] == _CODE_SOFT)
    if soft.size:
        at = breaks[soft]
        following = np.minimum(at + 1, n - 1)
        real = _ASCII_SPACE[raw[following]] | (at + 1 >= n)
        unsure = np.flatnonzero(~real & (raw[following] == 0x7F))
        for i in unsure.tolist():  # a non-ASCII character after "." (rare): ask Python
            real[i] = text[int(at[i]) + 1].isspace()
        breaks = np.delete(breaks, soft[~real])
    after = np.searchsorted(starts, breaks)  # sorted: drop repeats without np.unique
    first = np.ones(len(after), dtype=np.bool_)
    first[1:] = after[1:] != after[:-1]
    after = after[first]
    return after[(after > 0) & (after < len(starts))]


class TextScan(NamedTuple):
    """A text cut into tokens without losing character offsets."""

    tokens: list[str]  # surface tokens, original case
    starts: npt.NDArray[np.intp]  # char offset of each token
    ends: npt.NDArray[np.intp]  # char offset just past each token
    after_break: list[int]  # indices of tokens that follow a phrase break


def scan_text(text: str) -> TextScan:
    """:func:`scan_keys` with the surface token strings instead of keys."""
    scan = scan_keys(text)
    tokens = list(map(text.__getitem__, map(slice, scan.starts.tolist(), scan.ends.tolist())))
    return TextScan(tokens, scan.starts, scan.ends, scan.after_break.tolist())
