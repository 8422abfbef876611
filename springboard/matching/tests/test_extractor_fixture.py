"""The extractor's output on a fixed, varied text is pinned to what the implementation before
the cold-pass speed-up (issue 12, P2) returned, and the batch paths agree with the per-token
ones they replace."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from springboard.matching import esco_files, textnorm
from springboard.matching.extractor import LabelRow, SkillExtractor

from .conftest import FIXTURES

# Apart from FIXTURES: the taxonomy import tests count the files in that folder.
EXTRACT_FIXTURES = Path(__file__).parent / "fixtures_extract"
TEXT = (EXTRACT_FIXTURES / "extract_varied.txt").read_text(encoding="utf-8")
# Output of the previous implementation (git 9191dde) on TEXT, generated before the change.
EXPECTED = json.loads(
    (EXTRACT_FIXTURES / "extract_varied_expected.json").read_text(encoding="utf-8")
)

# Labels in several languages beside the fixture files: compounds (da, nb, nl), acronyms,
# symbols, non-ASCII and a token longer than the scanner's key length.
SYNTHETIC: list[LabelRow] = [
    ("urn:s:swu", "software udvikling", "da", "preferred"),
    ("urn:s:sw", "software", "da", "preferred"),
    ("urn:s:udv", "udvikling", "da", "preferred"),
    ("urn:s:pl", "projektledelse", "da", "alt"),
    ("urn:s:salg", "salg", "da", "preferred"),
    ("urn:s:l", "lærer", "nb", "preferred"),
    ("urn:s:bh", "barnehage", "nb", "preferred"),
    ("urn:s:pm", "project management", "nl", "preferred"),
    ("urn:s:tw", "teamwerk", "nl", "hidden"),
    ("urn:s:vv", "voedselveiligheid", "nl", "preferred"),
    ("urn:s:bp", "projecten beheren", "nl", "alt"),
    ("urn:s:gk", "Grundkenntnisse", "de", "preferred"),
    ("urn:s:fr", "français", "fr", "preferred"),
    ("urn:s:gr", "Ελληνικά", "en", "preferred"),
    ("urn:s:cafe", "café management", "en", "preferred"),
    ("urn:s:it", "IT", "en", "preferred"),
    ("urn:s:cpp", "C++", "en", "preferred"),
    ("urn:s:cs", "C#", "en", "alt"),
    ("urn:s:node", "Node.js", "en", "preferred"),
    ("urn:s:iso", "ISO 9001", "en", "preferred"),
    ("urn:s:fin", "finance", "en", "preferred"),
    ("urn:s:long", "supercalifragilisticexpialidociousprojectmanagement", "en", "preferred"),
]


def _dump(matches):
    return [
        [m.uri, m.start, m.end, m.text, m.label, m.lang, m.kind, round(m.score, 6)] for m in matches
    ]


def _fixture_labels() -> list[LabelRow]:
    return list(esco_files.skill_labels_from_dir(FIXTURES))


def test_fixture_text_is_the_one_the_expectations_were_made_from():
    assert len(TEXT) == EXPECTED["text_chars"]


@pytest.mark.parametrize("lang", ["en", "nl", "da", None])
def test_fixture_labels_give_the_previous_matches(lang):
    extractor = SkillExtractor(_fixture_labels())
    assert _dump(extractor.extract(TEXT, lang)) == EXPECTED["fixture_labels"][str(lang)]


@pytest.mark.parametrize("lang", ["en", "nl", "da", "nb", "de", "fr", None])
def test_synthetic_labels_give_the_previous_matches(lang):
    extractor = SkillExtractor(SYNTHETIC + _fixture_labels())
    expected = EXPECTED["synthetic_labels"][str(lang)]
    assert expected  # every language finds something in the text
    assert _dump(extractor.extract(TEXT, lang)) == expected


def test_results_do_not_depend_on_what_was_cached_before():
    extractor = SkillExtractor(SYNTHETIC + _fixture_labels())
    # Warm the caches with other text first, then reverse the order of the languages.
    extractor.extract(TEXT[::-1], None)
    for lang in [None, "fr", "de", "nb", "da", "nl", "en"]:
        assert _dump(extractor.extract(TEXT, lang)) == EXPECTED["synthetic_labels"][str(lang)]


def _words(seed: int) -> list[str]:
    rng = random.Random(seed)
    words = [w for line in TEXT.splitlines() for w in line.split()]
    words += [
        "".join(rng.choice("abcdeghilnorstuyæøéß+#0") for _ in range(rng.randrange(1, 14)))
        for _ in range(3000)
    ]
    return [w.strip(".,;:!?()'\"") or "x" for w in words]


@pytest.mark.parametrize("lang", ["en", "nl", "da", "nb", "de", "sv", "fr", "xx"])
def test_uncached_stemmer_equals_the_cached_one(lang):
    cached, uncached = textnorm.stemmer_for(lang), textnorm.uncached_stemmer_for(lang)
    for word in _words(1):
        folded = textnorm.fold(word)
        assert uncached(folded) == cached(folded), folded


@pytest.mark.parametrize("lang", ["en", "da", "nl", "nb"])
def test_batch_token_ids_equal_single_token_ids(lang):
    extractor = SkillExtractor(SYNTHETIC + _fixture_labels())
    index = extractor._indexes.get(lang) or extractor._indexes["en"]
    words = [w for w in _words(2) if w.isascii()] + ["softwareudvikling", "Projectmanagement"]
    batch = index.ids_for_new_tokens(words)
    single = [index.id_for_token(w) for w in words]

    # Compound ids index ``compounds`` in order of discovery: compare what they stand for.
    def meaning(i):
        return ("compound", index.compounds[-1 - i]) if i < 0 else i

    assert list(map(meaning, batch)) == list(map(meaning, single))
    assert index.ids_for_new_tokens(["Lærer", "x"]) == [index.id_for_token("Lærer"), index.unknown]


def test_english_stemmer_shortcut_keeps_every_rule():
    stem = textnorm.uncached_stemmer_for("en")
    # One word per rule of the English stemmer, each ending in one of the shortcut's letters.
    assert [stem(w) for w in ["studies", "boxes", "projects", "planning", "managed", "apply"]] == [
        "studi",
        "box",
        "project",
        "plan",
        "manag",
        "appli",
    ]
    assert stem("management") == "management"  # no rule for a final "t"


def test_class_table_is_built_with_the_extractor():
    textnorm._CLASS_TABLE = None
    SkillExtractor([("urn:s:x", "x ray", "en", "preferred")])
    assert textnorm._CLASS_TABLE is not None
