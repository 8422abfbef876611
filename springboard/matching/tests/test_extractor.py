import itertools
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from springboard.matching import extractor as extractor_module
from springboard.matching.extractor import SkillExtractor
from springboard.matching.textnorm import MAX_KEY_CHARS, scan_keys

from .conftest import FIXTURES, skill


def _uris(matches):
    return {m.uri for m in matches}


def test_english_cv_finds_expected_skills(extractor):
    text = (FIXTURES / "cv_en.txt").read_text(encoding="utf-8")
    matches = extractor.extract(text, "en")
    found = _uris(matches)
    assert {skill("pm"), skill("python"), skill("sql"), skill("team"), skill("comm")} <= found
    assert skill("cook") in found  # "cooking" alt label
    assert skill("plan") in found  # "planning"
    for m in matches:
        assert text[m.start : m.end] == m.text
        assert 0 < m.score <= 1


def test_inflected_match_scores_below_exact(extractor):
    text = "I managed projects. I manage projects."
    matches = [m for m in extractor.extract(text, "en") if m.uri == skill("pm")]
    assert [m.text for m in matches] == ["managed projects", "manage projects"]
    assert matches[0].score < matches[1].score


def test_dutch_cv_with_compounds_and_inflection(extractor):
    text = (FIXTURES / "cv_nl.txt").read_text(encoding="utf-8")
    found = _uris(extractor.extract(text, "nl"))
    # projectmanagement (one word), "beheerde projecten" is not a label form, but
    # "projecten beheren" stems meet only in order; teamwerk, voedselveiligheid, Python (en)
    assert {skill("pm"), skill("python"), skill("team"), skill("hygiene")} <= found


def test_compound_written_apart_and_together():
    ex = SkillExtractor([("urn:s:pm", "project management", "nl", "preferred")])
    assert _uris(ex.extract("Ervaring met projectmanagement.", "nl")) == {"urn:s:pm"}
    ex_joined = SkillExtractor(
        [
            ("urn:s:pm", "projectmanagement", "nl", "preferred"),
            ("urn:s:p", "project", "nl", "preferred"),
            ("urn:s:m", "management", "nl", "preferred"),
        ]
    )
    matches = ex_joined.extract("project management", "nl")
    assert [m.uri for m in matches] == ["urn:s:pm"]


def test_text_compound_split_into_known_parts():
    ex = SkillExtractor(
        [
            ("urn:s:sw", "software", "da", "preferred"),
            ("urn:s:udv", "udvikling", "da", "preferred"),
            ("urn:s:swu", "software udvikling", "da", "preferred"),
        ]
    )
    matches = ex.extract("Erfaring med softwareudvikling.", "da")
    assert [m.uri for m in matches] == ["urn:s:swu"]
    assert matches[0].text == "softwareudvikling"


def test_no_match_across_sentence_break_or_inside_words(extractor):
    assert skill("pm") not in _uris(extractor.extract("A big project. Management was fine.", "en"))
    assert extractor.extract("Pythonic sqlalchemy", "en") == []


def test_acronym_labels_are_case_sensitive():
    ex = SkillExtractor([("urn:s:it", "IT", "en", "preferred")])
    assert _uris(ex.extract("Worked in IT for years", "en")) == {"urn:s:it"}
    assert ex.extract("it was fine", "en") == []


def test_longest_match_wins_and_spans_do_not_overlap(extractor):
    matches = extractor.extract("Structured query language and SQL.", "en")
    spans = sorted((m.start, m.end) for m in matches)
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))
    assert [m.text for m in matches] == ["Structured query language", "SQL"]


def test_ambiguous_label_yields_every_concept():
    ex = SkillExtractor(
        [
            ("urn:s:a", "project management", "en", "preferred"),
            ("urn:s:b", "project management", "en", "alt"),
        ]
    )
    matches = ex.extract("project management", "en")
    assert {(m.uri, m.kind) for m in matches} == {("urn:s:a", "preferred"), ("urn:s:b", "alt")}


def test_spans_with_several_or_no_concepts_keep_their_offsets():
    ex = SkillExtractor(
        [
            ("urn:s:it", "IT", "en", "preferred"),
            ("urn:s:a", "project management", "en", "preferred"),
            ("urn:s:b", "project management", "en", "alt"),
            ("urn:s:py", "Python", "en", "preferred"),
        ]
    )
    matches = ex.extract("It was project management in IT with Python", "en")
    assert [(m.uri, m.start, m.text) for m in matches] == [
        ("urn:s:a", 7, "project management"),
        ("urn:s:b", 7, "project management"),
        ("urn:s:it", 29, "IT"),
        ("urn:s:py", 37, "Python"),
    ]


def test_hidden_labels_can_be_excluded():
    rows = [("urn:s:x", "teamwork", "en", "hidden")]
    assert SkillExtractor(rows).extract("teamwork", "en")
    assert SkillExtractor(rows, include_hidden=False).extract("teamwork", "en") == []


def test_empty_and_punctuation_only_text(extractor):
    assert extractor.extract("", "en") == []
    assert extractor.extract(" ... !!! \n", "en") == []


def test_extract_uris_keeps_best_score(extractor):
    scores = extractor.extract_uris("Python. Python (computer programming).", "en")
    assert scores[skill("python")] == 1.0  # preferred, 3+ tokens, letter for letter
    assert extractor.extract_uris("Python", "en")[skill("python")] == pytest.approx(0.9 * 0.8)


def test_languages_and_fallback(extractor):
    assert set(extractor.langs) == {"en", "nl"}
    # Danish text: no Danish labels, English fallback still finds "Python".
    assert skill("python") in _uris(extractor.extract("Erfaring med Python", "da"))


def test_overlapping_runs_choose_leftmost_longest_then_continue():
    ex = SkillExtractor(
        [
            ("urn:s:dat", "data analysis tools", "en", "preferred"),
            ("urn:s:att", "analysis tools training", "en", "preferred"),
            ("urn:s:tt", "tools training", "en", "preferred"),
            ("urn:s:t", "training", "en", "preferred"),
            ("urn:s:pmo", "project management office", "en", "preferred"),
            ("urn:s:m", "management", "en", "preferred"),
        ]
    )
    text = "data analysis tools training; project management skills"
    assert [m.text for m in ex.extract(text, "en")] == [
        "data analysis tools",
        "training",
        "management",  # found although the longer "project management office" failed
    ]


def test_compound_token_right_after_a_break_starts_a_match():
    ex = SkillExtractor(
        [
            ("urn:s:sw", "software", "da", "preferred"),
            ("urn:s:udv", "udvikling", "da", "preferred"),
            ("urn:s:swu", "software udvikling", "da", "preferred"),
        ]
    )
    matches = ex.extract("Erfaring.\nSoftwareudvikling og software. Udvikling", "da")
    assert [(m.uri, m.text) for m in matches] == [
        ("urn:s:swu", "Softwareudvikling"),
        ("urn:s:sw", "software"),
        ("urn:s:udv", "Udvikling"),
    ]


def test_text_language_wins_on_equal_spans():
    ex = SkillExtractor(
        [
            ("urn:s:py-en", "Python", "en", "alt"),
            ("urn:s:py-nl", "Python", "nl", "preferred"),
        ]
    )
    assert [(m.uri, m.lang) for m in ex.extract("Ervaring met Python.", "nl")] == [
        ("urn:s:py-nl", "nl")
    ]
    assert [(m.uri, m.lang) for m in ex.extract("Experience with Python.", "en")] == [
        ("urn:s:py-en", "en")
    ]


def test_non_ascii_and_very_long_tokens():
    ex = SkillExtractor(
        [
            ("urn:s:l", "lærer", "nb", "preferred"),
            ("urn:s:bh", "barnehage", "nb", "preferred"),
            ("urn:s:c", "café management", "en", "preferred"),
        ]
    )
    text = "Lærerne i barnehagene. Cafe MANAGEMENT, " + "x" * 40 + " lærer"
    assert [(m.uri, m.text) for m in ex.extract(text, "nb")] == [
        ("urn:s:l", "Lærerne"),
        ("urn:s:bh", "barnehagene"),
        ("urn:s:c", "Cafe MANAGEMENT"),
        ("urn:s:l", "lærer"),
    ]


def test_long_text_is_matched_in_pieces_with_the_same_result(extractor, monkeypatch):
    text = (FIXTURES / "cv_en.txt").read_text(encoding="utf-8")
    text = "\n".join([text, "I managed projects; project management!", text] * 20)
    whole = extractor.extract(text, "en")
    monkeypatch.setattr(extractor_module, "_PIECE_CHARS", 50)
    assert len(list(extractor_module._pieces(text))) > 20
    assert extractor.extract(text, "en") == whole
    assert all(text[m.start : m.end] == m.text for m in whole)


def test_token_caches_reset_without_changing_results(monkeypatch):
    rows = [
        ("urn:s:swu", "software udvikling", "da", "preferred"),
        ("urn:s:sw", "software", "da", "preferred"),
        ("urn:s:udv", "udvikling", "da", "preferred"),
        ("urn:s:pm", "project management", "en", "preferred"),
    ]
    texts = [
        "Erfaring med softwareudvikling og project management.",
        "Softwareudviklingen; managing projects, Software. Udvikling",
        "Ærlig softwareudvikling og lærerne",
    ]
    expected = [SkillExtractor(rows).extract(t, "da") for t in texts]
    monkeypatch.setattr(extractor_module, "_CACHE_LIMIT", 3)
    ex = SkillExtractor(rows)
    for _ in range(3):
        assert [ex.extract(t, "da") for t in texts] == expected


def test_many_distinct_tokens():
    ex = SkillExtractor([("urn:s:pm", "project management", "en", "preferred")])
    rng = random.Random(1)
    words = [
        "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randrange(1, 30)))
        for _ in range(20_000)
    ]
    text = " ".join(words) + ". Project management."
    for _ in range(2):  # cold (types are new) and warm (hash table grown)
        matches = ex.extract(text, "en")
        assert [m.text for m in matches][-1] == "Project management"


@given(
    st.lists(
        st.text(alphabet="abcdefghijXYZ0189+#", min_size=1, max_size=30), min_size=1, max_size=40
    )
)
def test_token_keys_identify_folded_tokens(words):
    text = " ".join(words)
    scan = scan_keys(text)
    tokens = [text[s:e] for s, e in zip(scan.starts.tolist(), scan.ends.tolist(), strict=True)]
    special = set(scan.special.tolist())
    assert special == {i for i, t in enumerate(tokens) if len(t) > MAX_KEY_CHARS}
    folded: dict[int, str] = {}
    for i, (token, key) in enumerate(zip(tokens, scan.keys.tolist(), strict=True)):
        if i not in special:
            assert key != 0
            assert folded.setdefault(key, token.casefold()) == token.casefold()
    distinct = {t.casefold() for i, t in enumerate(tokens) if i not in special}
    assert len(distinct) == len(folded)


def test_mostly_non_ascii_text():
    ex = SkillExtractor(
        [("urn:s:l", "lærer", "nb", "preferred"), ("urn:s:g", "Ελληνικά", "en", "preferred")]
    )
    text = "Ελληνικά; ærlig lærer \ud800 øø " * 20  # a lone surrogate is a separator
    matches = ex.extract(text, "nb")
    assert [m.text for m in matches[:2]] == ["Ελληνικά", "lærer"]
    assert len(matches) == 40
    assert all(text[m.start : m.end] == m.text for m in matches)
