"""Ranking in languages beyond the UI's four (de, sv, fr), without the reference data."""

import pytest

from springboard.matching.ranker import OccupationRanker
from springboard.matching.textnorm import expand_short_forms, stem, stopwords_for

OCC = "http://data.europa.eu/esco/occupation/"


@pytest.mark.parametrize(
    ("forms", "lang"),
    [
        (("techniker", "technikerin", "technikerinnen"), "de"),
        (("sjukskoterska", "sjukskoterskor"), "sv"),
        (("larare", "lararen", "lararna"), "sv"),
        (("vendeur", "vendeuse", "vendeuses"), "fr"),
        (("directeur", "directrice"), "fr"),
        (("technicien", "technicienne", "techniciens"), "fr"),
    ],
)
def test_gender_and_plural_forms_meet(forms, lang):
    assert len({stem(word, lang) for word in forms}) == 1


@pytest.mark.parametrize(
    ("text", "expanded"),
    [
        ("Facharbeiter/in Gartenbau", "Facharbeiter/Facharbeiterin Gartenbau"),
        ("Techniker/-in", "Techniker/Technikerin"),
        ("Lehrer(in)", "Lehrer/Lehrerin"),
        ("Kaufmann/-frau", "Kaufmann/Kauffrau"),
        ("(Softwareentwickler/in) (DI)", "(Softwareentwickler/Softwareentwicklerin) (DI)"),
        ("Accrocheur / Accrocheuse", "Accrocheur / Accrocheuse"),
    ],
)
def test_short_forms_are_written_out(text, expanded):
    assert expand_short_forms(text) == expanded


def test_unknown_language_has_no_stopwords_and_no_stemming():
    assert stopwords_for("xx") == frozenset()
    assert stem("technikerin", "xx") == "technikerin"


def _ranker(rows, **kwargs):
    return OccupationRanker(
        [(OCC + uri, label, lang, kind) for uri, label, lang, kind in rows],
        max_df=1.0,
        word_max_df=1.0,
        **kwargs,
    )


def test_short_form_query_meets_the_gendered_label_not_a_bare_group():
    # "Augenoptiker/in" is the label "Augenoptiker/Augenoptikerin" written short; a concept
    # whose only label is the bare masculine form must not win.
    ranker = _ranker(
        [
            ("optician", "Augenoptiker/Augenoptikerin", "de", "preferred"),
            ("optician", "Augenoptiker", "de", "alt"),
            ("group", "Augenoptiker", "de", "preferred"),
        ]
    )
    assert ranker.rank("Augenoptiker/in", "de", 2)[0].uri == OCC + "optician"


def test_german_compound_label_is_split_for_a_phrase_query():
    ranker = _ranker(
        [
            ("rail", "Eisenbahnbetriebsleiter", "de", "preferred"),
            ("plant", "Betriebsleiter Landwirtschaft", "de", "preferred"),
            ("tracks", "Eisenbahn Gleisbauer", "de", "preferred"),
        ]
    )
    assert ranker.rank("Betriebsleiter für Eisenbahnen", "de", 1)[0].uri == OCC + "rail"


def test_swedish_and_french_titles_rank_in_their_language():
    ranker = _ranker(
        [
            ("nurse", "sjuksköterska", "sv", "preferred"),
            ("nurse", "infirmier/infirmière", "fr", "preferred"),
            ("teacher", "lärare", "sv", "preferred"),
            ("teacher", "enseignant/enseignante", "fr", "preferred"),
        ]
    )
    assert ranker.rank("Sjuksköterskor", "sv", 1)[0].uri == OCC + "nurse"
    assert ranker.rank("Lärarna", "sv", 1)[0].uri == OCC + "teacher"
    assert ranker.rank("Infirmières", "fr", 1)[0].uri == OCC + "nurse"
    assert ranker.rank("Enseignante", "fr", 1)[0].uri == OCC + "teacher"
    assert set(ranker.langs) == {"sv", "fr"}


def test_group_weight_only_touches_non_occupation_concepts():
    rows = [
        ("http://data.europa.eu/esco/isco/C2512", "software developers", "en", "preferred"),
        (OCC + "dev", "software developer", "en", "preferred"),
    ]
    ranker = OccupationRanker(
        rows,
        occupations_only=False,
        max_df=1.0,
        word_max_df=1.0,
        group_weight=0.5,
        rerank=False,  # a first-stage parameter; the reranker weighs exact matches itself
    )
    ranked = ranker.rank("software developers", "en", 2)
    assert [r.uri for r in ranked] == [OCC + "dev", rows[0][0]]
