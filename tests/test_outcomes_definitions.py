"""The published definitions (docs/outcomes.md) on a hand-checked fixture, and their query
count, which must not grow with the number of programmes."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from springboard.outcomes.definitions import combine, measure, measure_by
from springboard.outcomes.models import OutcomeKind
from springboard.outcomes.reporting import employer_outcome_report
from springboard.programmes.models import Programme, ProgrammeStatus
from tests.factories import World
from tests.test_outcomes_fixtures import active_programme, answered, people, with_outcome


def test_definitions_on_a_hand_checked_fixture(world: World) -> None:
    a = world.a
    # Ten people: four new jobs (90, 30, 60 and 120 days in), one self-employed (45 days), one
    # drop-out, one unconfirmed new job, three without an outcome; one of them never started.
    programmes = people(a, 10)
    jobs = [
        with_outcome(programmes[0], days=90, pay="higher"),
        with_outcome(programmes[1], days=30, pay="same"),
        with_outcome(programmes[2], days=60, pay="lower"),
        with_outcome(programmes[3], days=120, pay=""),
    ]
    with_outcome(programmes[4], OutcomeKind.SELF_EMPLOYED, days=45)
    with_outcome(programmes[5], OutcomeKind.DROPPED_OUT, days=10)
    with_outcome(programmes[6], days=20, confirmed=False)
    Programme.objects.filter(pk=programmes[9].pk).update(status=ProgrammeStatus.INVITED)
    # Retention: at 6 months three placements answered, two still in work; at 12 months one.
    answered(programmes[0], 6, in_work=True, satisfaction=5)
    answered(programmes[1], 6, in_work=False, satisfaction=2)
    answered(programmes[4], 6, in_work=True)
    answered(programmes[0], 12, in_work=True, satisfaction=4)
    # A non-placement's answer never counts for retention.
    answered(programmes[5], 6, in_work=True)

    m = measure(Programme.objects.filter(agency=a.agency))
    assert m.started == 9
    assert m.confirmed == 6
    assert m.placed == 5
    assert m.placement_rate == pytest.approx(5 / 9)
    assert m.days_to_placement == (30, 45, 60, 90, 120)
    assert m.median_days_to_placement == 60
    assert (m.pay_known, m.pay_same_or_better) == (3, 2)
    assert m.same_or_better_pay_rate == pytest.approx(2 / 3)
    assert m.retention_answered == {6: 3, 12: 1}
    assert m.retention_in_work == {6: 2, 12: 1}
    assert m.retention_rate(6) == pytest.approx(2 / 3)
    assert m.retention_rate(12) == 1
    assert m.mean_satisfaction == pytest.approx((5 + 2 + 4) / 3)
    assert m.by_kind[OutcomeKind.NEW_JOB] == 4
    assert len(jobs) == 4


def test_measure_by_splits_the_same_counts(world: World) -> None:
    programmes = people(world.a, 4)
    with_outcome(programmes[0])
    with_outcome(programmes[1], OutcomeKind.RETIRED)
    other = active_programme(world.b)
    with_outcome(other)
    groups = measure_by(Programme.objects.all(), "agency_id")
    assert groups[(world.a.agency.pk,)].placed == 1
    assert groups[(world.a.agency.pk,)].by_kind[OutcomeKind.RETIRED] == 1
    assert groups[(world.b.agency.pk,)].placed == 1


def _report_queries(world: World) -> int:
    with CaptureQueriesContext(connection) as queries:
        employer_outcome_report(world.a.contact)
    return len(queries)


def test_report_query_count_is_constant_in_the_number_of_programmes(world: World) -> None:
    small = people(world.a, 3)
    for programme in small:
        with_outcome(programme)
        answered(programme, 6, in_work=True, satisfaction=3)
    few = _report_queries(world)
    more = people(world.a, 30)
    for programme in more:
        with_outcome(programme, days=40)
        answered(programme, 6, in_work=True, satisfaction=4)
        answered(programme, 12, in_work=False)
    assert _report_queries(world) == few


def test_combined_groups_measure_like_the_whole(world: World) -> None:
    programmes = people(world.a, 6)
    for index, programme in enumerate(programmes[:4]):
        with_outcome(programme, days=10 * (index + 1), pay="higher" if index else "lower")
        answered(programme, 6, in_work=bool(index), satisfaction=index + 1)
    Programme.objects.filter(pk=programmes[5].pk).update(status=ProgrammeStatus.INVITED)
    scope = Programme.objects.filter(agency=world.a.agency)
    by_programme = measure_by(scope, "pk")
    assert combine(by_programme.values()) == measure(scope)
