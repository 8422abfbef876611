import pytest

from springboard.matching.ranker import OccupationRanker, WordTfidfBaseline, lang_weight

from .conftest import occupation


@pytest.mark.parametrize(
    ("title", "lang", "expected"),
    [
        ("Software Engineer", "en", "dev"),
        ("softwareontwikkelaars", "nl", "dev"),
        ("Senior Softwareudvikler (m/k)", "da", "dev"),
        ("programvareutvikler", "no", "dev"),
        ("sygeplejersker", "da", "nurse"),
        ("verpleegkundige", "nl", "nurse"),
        ("TRUCK DRIVER", "en", "driver"),
        ("lastebilsjafor", "nb", "driver"),  # typed without ø/å
        ("projektleder", "da", "pm"),
        ("projectleider", "nl", "pm"),
        ("sofware develper", "en", "dev"),  # typos
    ],
)
def test_titles_rank_their_occupation_first(ranker, title, lang, expected):
    assert ranker.rank(title, lang, 3)[0].uri == occupation(expected)


def test_cross_language_fallback(ranker):
    # An English title typed in a Danish session still finds the occupation.
    assert ranker.rank("project manager", "da", 1)[0].uri == occupation("pm")


def test_exact_label_outscores_partial(ranker):
    exact = ranker.rank("cook", "en", 1)[0]
    partial = ranker.rank("cook assistant", "en", 1)[0]
    assert exact.uri == partial.uri == occupation("cook")
    assert exact.score > partial.score


def test_batch_equals_single(ranker):
    titles = ["truck driver", "verpleger", "kokk", "line cook", "xyzzy"]
    # Twice over, on two threads: results come back in order (and equal one thread's).
    titles = titles * 2
    batch = ranker.rank_batch(titles, "en", 5, workers=2)
    assert batch == ranker.rank_batch(titles, "en", 5, workers=1)
    for title, ranked in zip(titles, batch, strict=True):
        single = ranker.rank(title, "en", 5)
        assert [r.uri for r in ranked] == [r.uri for r in single]
        assert [round(r.score, 4) for r in ranked] == [round(r.score, 4) for r in single]


def test_unknown_words_rank_nothing(ranker):
    assert ranker.rank("qqqq zzzz", "en") == []
    assert ranker.rank("", "en") == []


def test_only_occupations_are_ranked(ranker):
    assert all("/occupation/" in uri for uri in ranker.uris)
    assert ranker.version == "fixture"


def test_lang_weights():
    assert lang_weight("da", "da") > lang_weight("da", "nb") > lang_weight("da", "en")
    assert lang_weight("", "en") == 1.0


def test_baseline_ranks_plain_words(fixture_dir):
    from springboard.matching.esco_files import occupation_labels_from_dir

    base = WordTfidfBaseline(occupation_labels_from_dir(fixture_dir))
    assert base.rank("truck driver")[0].uri == occupation("driver")
    assert base.rank("softwareudviklere") == []  # no stemming, no n-grams


def test_top_limits_results():
    rows = [(f"http://x/occupation/{i}", f"welder {i}", "en", "preferred") for i in range(30)]
    ranker = OccupationRanker(rows, max_df=1.0, word_max_df=1.0)
    assert len(ranker.rank("welder", "en", top=7)) == 7


def test_a_ranker_without_labels_ranks_nothing() -> None:
    ranker = OccupationRanker([])
    assert ranker.rank("lagerchef", "da") == []
    assert ranker.rank_batch(["lagerchef"], "da") == [[]]
