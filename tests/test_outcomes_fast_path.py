"""The grouped queries of `definitions.measure_by` equal the definitions computed the
straightforward way, one programme at a time, on a randomized fixture (docs/outcomes.md)."""

from __future__ import annotations

import datetime
import random
import statistics

import pytest
from django.utils import timezone

from springboard.outcomes.definitions import RETENTION_MONTHS, Measures, measure, measure_by
from springboard.outcomes.models import (
    CHECK_IN_MONTHS,
    PLACEMENT_KINDS,
    CheckIn,
    Outcome,
    OutcomeKind,
    PayComparison,
)
from springboard.programmes.models import Programme, ProgrammeStatus
from tests.factories import World
from tests.test_outcomes_fixtures import people, with_outcome

STATUSES = [ProgrammeStatus.INVITED, ProgrammeStatus.ACTIVE, ProgrammeStatus.AFTERCARE]


def _randomize(programmes: list[Programme], rng: random.Random) -> None:
    for programme in programmes:
        Programme.objects.filter(pk=programme.pk).update(status=rng.choice(STATUSES))
        if rng.random() < 0.7:
            with_outcome(
                programme,
                rng.choice(list(OutcomeKind)),
                days=rng.randint(0, 200),
                pay=rng.choice(["", *PayComparison.values]),
                confirmed=rng.random() < 0.8,
            )
        for months in rng.sample(CHECK_IN_MONTHS, rng.randint(0, len(CHECK_IN_MONTHS))):
            due = programme.start_date + datetime.timedelta(days=30 * months)
            is_answered = rng.random() < 0.7
            CheckIn.objects.create(
                agency_id=programme.agency_id,
                programme=programme,
                months=months,
                due_date=due,
                expires_on=due + datetime.timedelta(days=30),
                sent_at=timezone.now(),
                answered_at=timezone.now() if is_answered else None,
                in_work=rng.random() < 0.6 if is_answered else None,
                satisfaction=rng.choice([None, 1, 2, 3, 4, 5]) if is_answered else None,
            )


def _straightforward(programmes: list[Programme]) -> Measures:
    """The definitions of docs/outcomes.md, one programme and one check-in at a time."""
    started = confirmed = placed = pay_known = pay_better = satisfaction_n = satisfaction_sum = 0
    by_kind = {kind.value: 0 for kind in OutcomeKind}
    answered = dict.fromkeys(RETENTION_MONTHS, 0)
    in_work = dict.fromkeys(RETENTION_MONTHS, 0)
    days: list[int] = []
    for programme in Programme.objects.filter(pk__in=[p.pk for p in programmes]):
        started += programme.status != ProgrammeStatus.INVITED
        outcome = Outcome.objects.filter(programme=programme, confirmed_at__isnull=False).first()
        is_placed = outcome is not None and outcome.kind in PLACEMENT_KINDS
        if outcome is not None:
            confirmed += 1
            by_kind[outcome.kind] += 1
            if outcome.kind == OutcomeKind.NEW_JOB and outcome.pay_compared:
                pay_known += 1
                pay_better += outcome.pay_compared in (PayComparison.SAME, PayComparison.HIGHER)
        if is_placed and outcome is not None:
            placed += 1
            days.append(max(0, (outcome.start_date - programme.start_date).days))
        for checkin in CheckIn.objects.filter(programme=programme, answered_at__isnull=False):
            if checkin.satisfaction is not None:
                satisfaction_n += 1
                satisfaction_sum += checkin.satisfaction
            if is_placed and checkin.months in RETENTION_MONTHS:
                answered[checkin.months] += 1
                in_work[checkin.months] += bool(checkin.in_work)
    return Measures(
        started=started,
        confirmed=confirmed,
        placed=placed,
        by_kind=by_kind,
        pay_known=pay_known,
        pay_same_or_better=pay_better,
        retention_answered=answered,
        retention_in_work=in_work,
        days_to_placement=tuple(sorted(days)),
        satisfaction_count=satisfaction_n,
        satisfaction_sum=satisfaction_sum,
    )


@pytest.mark.parametrize("seed", [1, 2])
def test_grouped_queries_equal_the_per_programme_computation(world: World, seed: int) -> None:
    rng = random.Random(seed)
    ours, theirs = people(world.a, 30), people(world.b, 10)
    _randomize(ours + theirs, rng)

    whole = measure(Programme.objects.filter(agency=world.a.agency))
    assert whole == _straightforward(ours)
    if whole.days_to_placement:
        assert whole.median_days_to_placement == statistics.median(whole.days_to_placement)
    by_status = measure_by(Programme.objects.all(), "agency_id", "status")
    status_of = dict(Programme.objects.values_list("pk", "status"))
    groups: dict[tuple[object, ...], list[Programme]] = {}
    for programme in ours + theirs:
        groups.setdefault((programme.agency_id, status_of[programme.pk]), []).append(programme)
    assert by_status.keys() == groups.keys()
    for key, group in groups.items():
        assert by_status[key] == _straightforward(group)
