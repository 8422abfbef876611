"""The scoring rules against answer sheets worked out by hand (no database)."""

from __future__ import annotations

import pytest

from springboard.assessments.scoring import (
    AnswerError,
    ItemKey,
    band,
    holland_code,
    parse_answer_string,
    score_big_five,
    score_riasec,
    score_work_values,
)

# The IP Short Form order: two items per area, cycling R, I, A, S, E, C.
IP_KEYS = [ItemKey(scale="RIASEC"[(i // 2) % 6]) for i in range(60)]


def test_interest_profiler_by_hand() -> None:
    # R items answered 5 (4 points x 10 = 40), I 4 (30), A 3 (20), S 2 (10), E 1 (0), C 3 (20).
    per_area = {"R": 5, "I": 4, "A": 3, "S": 2, "E": 1, "C": 3}
    answers = [per_area[key.scale] for key in IP_KEYS]
    result = score_riasec(IP_KEYS, answers)
    assert result["scores"] == {"R": 40, "I": 30, "A": 20, "S": 10, "E": 0, "C": 20}
    # A and C tie at 20 for third place: A comes first in RIASEC order, the tie is reported.
    assert result["holland_code"] == "RIA"
    assert result["ties"] == [["A", "C"]]


def test_interest_profiler_answer_minus_one() -> None:
    answers = [1] * 60
    answers[0] = 5  # item 1 is R: +4
    answers[3] = 2  # item 4 is I: +1
    result = score_riasec(IP_KEYS, answers)
    assert result["scores"] == {"R": 4, "I": 1, "A": 0, "S": 0, "E": 0, "C": 0}
    assert result["holland_code"] == "RIA"
    assert result["ties"] == [["A", "S", "E", "C"]]


def test_no_ties_when_top_three_distinct() -> None:
    code, ties = holland_code({"R": 1, "I": 2, "A": 3, "S": 4, "E": 5, "C": 5})
    assert code == "ECS"
    assert ties == [["E", "C"]]
    code, ties = holland_code({"R": 10, "I": 20, "A": 30, "S": 0, "E": 0, "C": 0})
    assert (code, ties) == ("AIR", [])


def test_tie_below_the_top_three_does_not_count() -> None:
    code, ties = holland_code({"R": 40, "I": 30, "A": 25, "S": 10, "E": 10, "C": 0})
    assert (code, ties) == ("RIA", [])


def test_big_five_reverse_keys_by_hand() -> None:
    keys = [
        ItemKey("N", "N1"),
        ItemKey("N", "N1", reversed=True),
        ItemKey("E", "E1"),
        ItemKey("E", "E2", reversed=True),
    ]
    # N: 4 + (6 - 2) = 8; E1: 5; E2: 6 - 5 = 1; E = 6.
    result = score_big_five(keys, [4, 2, 5, 5])
    assert result["domains"] == {"N": 8, "E": 6}
    assert result["facets"] == {"N1": 8, "E1": 5, "E2": 1}


def test_big_five_full_form_ranges() -> None:
    keys = [ItemKey("NEOAC"[i % 5], f"{'NEOAC'[i % 5]}{(i // 5) % 6 + 1}") for i in range(120)]
    result = score_big_five(keys, [1] * 120)
    assert set(result["domains"].values()) == {24}
    assert len(result["facets"]) == 30
    assert set(result["facets"].values()) == {4}


def test_work_values_mean_and_ranking() -> None:
    keys = [ItemKey("a"), ItemKey("a"), ItemKey("b"), ItemKey("c"), ItemKey("c"), ItemKey("c")]
    result = score_work_values(keys, [5, 4, 2, 3, 4, 4])
    assert result["values"] == {"a": 4.5, "b": 2.0, "c": 3.67}
    assert result["ranking"] == ["a", "c", "b"]


@pytest.mark.parametrize(
    ("text", "position"),
    [("1234", 0), ("12345" + "6", 6), ("0" + "1" * 4, 1), ("12x45", 3), ("1234567", 6)],
)
def test_answer_string_errors_name_the_position(text: str, position: int) -> None:
    with pytest.raises(AnswerError) as error:
        parse_answer_string(text, 5)
    assert error.value.position == position


def test_wrong_answers_refused() -> None:
    with pytest.raises(AnswerError):
        score_riasec(IP_KEYS, [3] * 59)
    with pytest.raises(AnswerError):
        score_riasec(IP_KEYS, [3] * 59 + [6])


def test_bands() -> None:
    assert band(24, 24) == "low"
    assert band(72, 24) == "average"
    assert band(120, 24) == "high"
