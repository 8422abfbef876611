"""The ranking core (no database): scores by hand, RIASEC congruence, the views, and the index
returning exactly what the plain loop over every occupation returns."""

from __future__ import annotations

import random

import pytest

from springboard.opportunities.ranking import (
    OccupationRecord,
    OpportunityIndex,
    Query,
    Sort,
    View,
    interest_congruence,
    interest_profile,
    rank_plain,
)
from tests.fixtures.opportunities.world import OCCUPATIONS

SOFTWARE = (2.0, 6.5, 3.0, 2.0, 3.0, 4.5)
SALES = (2.0, 1.5, 2.0, 4.5, 6.0, 4.5)


def _records(*, interests: bool = False) -> list[OccupationRecord]:
    profiles = {"developer": SOFTWARE, "junior": SOFTWARE, "shopkeeper": SALES}
    return [
        OccupationRecord(
            uri=key,
            isco_code=code,
            essential=essential,
            optional=optional,
            interests=profiles.get(key) if interests else None,
            self_employment=key in {"shopkeeper", "carpenter"},
        )
        for key, (code, _en, _nl, essential, optional, _broader) in OCCUPATIONS.items()
    ]


def _both(records: list[OccupationRecord], query: Query) -> list[tuple[str, float]]:
    ours = OpportunityIndex(records).rank(query)
    plain = rank_plain(records, query)
    assert ours == plain
    return [(r.uri, round(r.score, 4)) for r in ours]


def test_skill_fit_by_hand() -> None:
    query = Query(skills=frozenset({"python", "sql", "sales"}))
    # analyst: (1 essential + ½·1 optional) / (2 + ½·1) = 0.6
    # developer: 2 / (3 + ½) = 0.5714; junior: 1 / 2 = 0.5
    # shopkeeper: 1 / (2 + ½) = 0.4; carpenter: ½ / (2 + ½) = 0.2
    assert _both(_records(), query) == [
        ("analyst", 0.6),
        ("developer", 0.5714),
        ("junior", 0.5),
        ("shopkeeper", 0.4),
        ("carpenter", 0.2),
    ]


def test_only_occupations_sharing_a_skill_are_ranked() -> None:
    assert _both(_records(), Query(skills=frozenset({"woodwork"}))) == [("carpenter", 0.4)]
    assert _both(_records(), Query(skills=frozenset({"unknown skill"}))) == []
    assert _both(_records(), Query(skills=frozenset())) == []


def test_explanation_lists_matched_and_missing_essential_skills() -> None:
    index = OpportunityIndex(_records())
    explained = index.explain("developer", frozenset({"python", "git"}))
    assert explained.matched_essential == ("python",)
    assert explained.matched_optional == ("git",)
    # sql is essential to two occupations, testing to one: the more widely needed comes first.
    assert explained.missing_essential == ("sql", "testing")
    assert index.explain("no such occupation", frozenset()).missing_essential == ()


def test_interest_congruence() -> None:
    assert interest_congruence(SOFTWARE, SOFTWARE) == pytest.approx(1.0)
    # The same shape on another scale (the questionnaire's 0-40) is a perfect match too.
    assert interest_congruence([x * 5 for x in SOFTWARE], SOFTWARE) == pytest.approx(1.0)
    mirrored = [8 - x for x in SOFTWARE]
    assert interest_congruence(mirrored, SOFTWARE) == pytest.approx(0.0)
    assert interest_congruence((20,) * 6, SOFTWARE) is None  # a flat profile says nothing
    assert 0.0 < interest_congruence(SALES, SOFTWARE) < 0.5  # type: ignore[operator]


def test_interest_profile_reads_letters_or_names() -> None:
    scores = {"R": 5, "I": 30, "A": 10, "S": 8, "E": 12, "C": 25}
    assert interest_profile(scores) == (5, 30, 10, 8, 12, 25)
    named = {"realistic": 5, "investigative": 30, "artistic": 10, "social": 8,
             "enterprising": 12, "conventional": 25}  # fmt: skip
    assert interest_profile(named) == (5, 30, 10, 8, 12, 25)
    assert interest_profile({"R": 1}) is None
    assert interest_profile(None) is None


def test_interests_move_the_ranking() -> None:
    skills = frozenset({"python", "sql", "sales"})
    likes_selling = interest_profile({"R": 8, "I": 4, "A": 8, "S": 28, "E": 38, "C": 26})
    query = Query(skills=skills, interests=likes_selling)
    ranked = OpportunityIndex(_records(interests=True)).rank(query)
    assert ranked == rank_plain(_records(interests=True), query)
    by_uri = {r.uri: r for r in ranked}
    shop, developer, analyst = by_uri["shopkeeper"], by_uri["developer"], by_uri["analyst"]
    assert shop.interest_fit is not None
    assert shop.interest_fit > 0.9
    assert developer.interest_fit is not None
    assert developer.interest_fit < 0.5
    # Without an O*NET profile the interest term is neutral (0.5) and said to be unknown.
    assert analyst.interest_fit is None
    assert analyst.score == pytest.approx(0.7 * 0.6 + 0.3 * 0.5)
    assert shop.score == pytest.approx(0.7 * 0.4 + 0.3 * shop.interest_fit)
    # Skills alone put the developer above the shopkeeper; these interests turn that round.
    assert [r.uri for r in ranked].index("shopkeeper") < [r.uri for r in ranked].index("developer")


def test_another_sector_leaves_out_the_home_groups() -> None:
    query = Query(
        skills=frozenset({"python", "sql", "sales"}),
        view=View.OTHER_SECTOR,
        home_majors=frozenset({"2"}),
    )
    assert [uri for uri, _ in _both(_records(), query)] == ["shopkeeper", "carpenter"]


def test_self_employment_view_and_group_filter() -> None:
    skills = frozenset({"python", "sql", "sales"})
    query = Query(skills=skills, view=View.SELF_EMPLOYMENT)
    assert [uri for uri, _ in _both(_records(), query)] == ["shopkeeper", "carpenter"]
    query = Query(skills=skills, major="2")
    assert [uri for uri, _ in _both(_records(), query)] == ["analyst", "developer", "junior"]


def test_gap_sort_puts_the_fewest_missing_essential_skills_first() -> None:
    query = Query(skills=frozenset({"python", "sql", "sales"}), sort=Sort.GAP)
    ranked = _both(_records(), query)
    # missing essential: analyst 1, developer 1, junior 1, shopkeeper 1, carpenter 2
    assert [uri for uri, _ in ranked] == [
        "analyst",
        "developer",
        "junior",
        "shopkeeper",
        "carpenter",
    ]


def test_index_and_plain_loop_agree_on_random_taxonomies() -> None:
    rng = random.Random(7)
    skills = [f"s{i}" for i in range(300)]
    records = []
    for o in range(400):
        chosen = rng.sample(skills, rng.randint(0, 25))
        cut = rng.randint(0, len(chosen))
        records.append(
            OccupationRecord(
                uri=f"o{o:04d}",
                isco_code=str(rng.randint(0, 9)) + "111",
                essential=tuple(chosen[:cut]),
                optional=tuple(chosen[cut:]),
                interests=tuple(rng.uniform(1, 7) for _ in range(6))  # type: ignore[arg-type]
                if rng.random() < 0.6
                else None,
                self_employment=rng.random() < 0.2,
            )
        )
    index = OpportunityIndex(records)
    for _ in range(60):
        query = Query(
            skills=frozenset(rng.sample(skills, rng.randint(0, 40))),
            interests=tuple(rng.randint(0, 40) for _ in range(6))  # type: ignore[arg-type]
            if rng.random() < 0.5
            else None,
            view=rng.choice(list(View)),
            home_majors=frozenset(rng.sample("0123456789", 2)),
            major=rng.choice(["", "3"]),
            sort=rng.choice(list(Sort)),
            only=frozenset(rng.sample([r.uri for r in records], 50))
            if rng.random() < 0.3
            else None,
        )
        assert index.rank(query) == rank_plain(records, query)
