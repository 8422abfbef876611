"""Demo attempts for the demo agency: a finished Interest Profiler and work values, strengths in
progress, and a half-done Interest Profiler, so every results page has something to show.

Runs only when the instruments were imported (`springboard import-reference-data`); running it
twice changes nothing (a candidate who already has an attempt is left alone).
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from springboard.assessments import services
from springboard.assessments.models import Attempt, Instrument
from springboard.tenancy.models import Agency, Membership

# A plausible profile: strong Social and Enterprising interests, some Conventional.
_INTEREST_LEANING = {"R": 2, "I": 3, "A": 2, "S": 5, "E": 4, "C": 3}


def _answers(attempt: Attempt, rng: random.Random) -> dict[str, int]:
    answers = {}
    for item in attempt.version.items:
        centre = _INTEREST_LEANING.get(item["scale"], 3)
        answers[item["key"]] = min(5, max(1, centre + rng.choice((-1, 0, 0, 1))))
    return answers


def _finished(candidate: Membership, instrument: Instrument, rng: random.Random) -> None:
    attempt = services.attempt_start(candidate=candidate, instrument=instrument)
    services.attempt_save_answers(attempt=attempt, answers=_answers(attempt, rng))
    services.attempt_finish(attempt=attempt, actor=candidate)


def assessments_demo(agency: Agency, candidates: Sequence[Membership]) -> None:
    instruments = {i.key: i for i in Instrument.objects.filter(versions__isnull=False).distinct()}
    if not instruments:
        return
    for index, candidate in enumerate(candidates[:2]):
        if candidate.agency_id != agency.pk or Attempt.objects.filter(candidate=candidate).exists():
            continue
        rng = random.Random(candidate.pk)
        profiler = instruments.get("interest-profiler-60")
        if index == 0:
            if profiler:
                _finished(candidate, profiler, rng)
            if "work-values" in instruments:
                _finished(candidate, instruments["work-values"], rng)
            if "strengths" in instruments:
                attempt = services.attempt_start(
                    candidate=candidate, instrument=instruments["strengths"]
                )
                services.attempt_entry_add(
                    attempt=attempt,
                    section="strength",
                    text="Calm under pressure",
                    example="Kept the warehouse running during the 2024 system migration.",
                )
                services.attempt_entry_add(
                    attempt=attempt,
                    section="weakness",
                    text="Saying no to extra work",
                    example="Took on two projects at once last spring.",
                )
        elif profiler:
            attempt = services.attempt_start(candidate=candidate, instrument=profiler)
            first_half = dict(list(_answers(attempt, rng).items())[:30])
            services.attempt_save_answers(attempt=attempt, answers=first_half)
