from hypothesis import given
from hypothesis import strategies as st

from springboard.matching import textnorm as tn


def test_normalise_lang_maps_norwegian_and_regions():
    assert tn.normalise_lang("no") == "nb"
    assert tn.normalise_lang("NB") == "nb"
    assert tn.normalise_lang("en-GB") == "en"
    assert tn.normalise_lang("nl_BE") == "nl"
    assert tn.normalise_lang(None) == ""


def test_fold_strips_case_and_diacritics():
    assert tn.fold("Lærer SØRENSEN Café Straße") == "laerer sorensen cafe strasse"


def test_tokenize_keeps_programming_languages():
    assert tn.tokenize("C++ / C# developer (m/v), node.js") == [
        "c++",
        "c#",
        "developer",
        "m",
        "v",
        "node",
        "js",
    ]


def test_english_inflections_meet():
    forms = {"manage", "manages", "managed", "managing"}
    assert {tn.stem(f, "en") for f in forms} == {"manag"}
    assert tn.stem("applies", "en") == tn.stem("apply", "en") == tn.stem("applied", "en")
    assert tn.stem("planning", "en") == tn.stem("plan", "en")


def test_dutch_and_nordic_inflections_meet():
    assert tn.stem("ontwikkelaars", "nl") == tn.stem("ontwikkelaar", "nl")
    assert tn.stem("talen", "nl") == tn.stem("taal", "nl")
    assert tn.stem("udviklere", "da") == tn.stem("udvikler", "da") == tn.stem("udviklerne", "da")
    assert tn.stem("lærerne", "no") == tn.stem("lærer", "nb")


def test_unknown_language_is_not_stemmed():
    assert tn.stem("managing", "fr") == "managing"


def test_split_compound_with_linking_s():
    known = {"salg", "medarbejder"}
    parts = tn.split_compound("salgsmedarbejder", known, "da")
    assert parts is not None
    assert [tn.stem(p, "da") for p in parts] == ["salg", "medarbejd"]


def test_split_compound_only_for_compounding_languages():
    assert tn.split_compound("softwaredeveloper", {"software", "developer"}, "en") is None
    assert tn.split_compound("softwareontwikkelaar", {"software", "ontwikkelaar"}, "nl") == [
        "software",
        "ontwikkelaar",
    ]
    assert tn.split_compound("software", {"software"}, "nl") is None  # already a word


def test_scan_text_offsets_and_breaks():
    text = "Projektleder. Skal kunne: Python; node.js \u2013 e.g. Café-ejer 😀 ok"
    scan = tn.scan_text(text)
    assert [text[s:e] for s, e in zip(scan.starts, scan.ends, strict=True)] == scan.tokens
    assert scan.tokens[:3] == ["Projektleder", "Skal", "kunne"]
    assert "Café" in scan.tokens
    # breaks after "Projektleder." "kunne:" "Python;" "js -" "g." but not inside node.js / e.g
    following = [scan.tokens[i] for i in scan.after_break]
    assert following == ["Skal", "Python", "node", "e", "Café"]


@given(st.text(max_size=200))
def test_scan_text_tokens_match_offsets_for_any_text(text):
    scan = tn.scan_text(text)
    assert len(scan.tokens) == len(scan.starts) == len(scan.ends)
    assert [text[s:e] for s, e in zip(scan.starts, scan.ends, strict=True)] == scan.tokens
    assert all(0 < i < len(scan.tokens) for i in scan.after_break)
