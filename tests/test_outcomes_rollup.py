"""The employer report's stored rollup (outcomes.rollup, migration 0002_report_rollup): on
PostgreSQL every figure read from it equals the figure computed from the records, after a write
of each kind the report depends on; a write during a recomputation leaves it stale; the query
count stays constant. SQLite has no triggers and computes directly (the encoding is checked
there too)."""

from __future__ import annotations

import datetime
import random
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import connection, connections, transaction
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from springboard.employers.models import Cohort, Engagement, Enrolment, ReportingLevel
from springboard.employers.services.enrolment import enrolment_set_employer_consent
from springboard.outcomes import reporting, rollup
from springboard.outcomes.models import (
    CHECK_IN_MONTHS,
    CheckIn,
    Outcome,
    OutcomeKind,
    PayComparison,
    ReportRollup,
)
from springboard.outcomes.reporting import OutcomeReport, employer_outcome_report
from springboard.outcomes.services.outcomes import outcome_confirm
from springboard.programmes.models import Programme, ProgrammeStatus
from springboard.programmes.reporting import employer_engagements
from springboard.programmes.services import programme_transition
from springboard.tenancy.models import Membership
from tests.employer_fixtures import make_cohort, make_engagement
from tests.factories import AgencyWorld, World
from tests.test_outcomes_fixtures import people, with_outcome

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the stored rollup and its triggers exist on PostgreSQL only (SQLite computes the "
    "report directly); run with DATABASE_URL=postgres://…",
)

STATUSES = list(ProgrammeStatus)


def _randomize(side: AgencyWorld, rng: random.Random, count: int) -> list[Programme]:
    """`count` people spread over three engagements of the side's employer (one reporting
    consented status) and their cohorts, some without a cohort, with random statuses,
    outcomes, check-ins and consents."""
    made = people(side, count)
    first = Engagement.objects.get(pk=made[0].enrolment.engagement_id)
    engagements = [
        first,
        Engagement.objects.filter(employer=side.employer, name="Second").first()
        or make_engagement(side, name="Second"),
        Engagement.objects.filter(employer=side.employer, name="Named").first()
        or make_engagement(side, name="Named", reporting_level=ReportingLevel.CONSENTED_STATUS),
    ]
    cohorts = {
        e.pk: list(e.cohorts.all()) or [make_cohort(e, "North"), make_cohort(e, "South")]
        for e in engagements
    }
    for programme in made:
        engagement = rng.choice(engagements)
        cohort = rng.choice([*cohorts[engagement.pk], None])
        Enrolment.objects.filter(pk=programme.enrolment_id).update(
            engagement=engagement, cohort=cohort
        )
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
            _checkin(programme, months, answered=rng.random() < 0.7, rng=rng)
        if rng.random() < 0.4:
            enrolment = Enrolment.objects.get(pk=programme.enrolment_id)
            enrolment_set_employer_consent(
                enrolment=enrolment, actor=programme.candidate, allowed=True
            )
    return made


def _checkin(programme: Programme, months: int, *, answered: bool, rng: random.Random) -> CheckIn:
    due = programme.start_date + datetime.timedelta(days=30 * months)
    return CheckIn.objects.create(
        agency_id=programme.agency_id,
        programme=programme,
        months=months,
        due_date=due,
        expires_on=due + datetime.timedelta(days=30),
        sent_at=timezone.now(),
        answered_at=timezone.now() if answered else None,
        in_work=rng.random() < 0.6 if answered else None,
        satisfaction=rng.choice([None, 1, 2, 3, 4, 5]) if answered else None,
    )


def _ids(contact: Membership) -> list[int]:
    return [e.pk for e in employer_engagements(contact)]


def _direct_report(contact: Membership) -> list[OutcomeReport]:
    """The report with its counts computed from the records, not read from the rollup."""
    original = reporting.report_counts
    reporting.report_counts = rollup.compute
    try:
        return employer_outcome_report(contact)
    finally:
        reporting.report_counts = original


def _stale(contact: Membership) -> set[int]:
    current = set(
        ReportRollup.objects.filter(
            engagement_id__in=_ids(contact), computed_version=F("version")
        ).values_list("engagement_id", flat=True)
    )
    return set(_ids(contact)) - current


def _check(contact: Membership) -> rollup.ReportCounts:
    """Every figure through the rollup equals the one computed directly; afterwards every
    rollup of the contact's engagements is current."""
    ids = _ids(contact)
    direct = rollup.compute(contact.agency_id, ids)
    assert rollup.report_counts(contact.agency_id, ids) == direct  # recomputes stale ones
    assert _stale(contact) == set()
    assert rollup.report_counts(contact.agency_id, ids) == direct  # all read from storage
    assert employer_outcome_report(contact) == _direct_report(contact)
    return direct


def _engagement_of(programme: Programme) -> int:
    return Enrolment.objects.get(pk=programme.enrolment_id).engagement_id


@postgresql_only
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_figure_follows_every_kind_of_write(world: World, seed: int) -> None:
    rng = random.Random(seed)
    contact = world.a.contact
    made = _randomize(world.a, rng, 40)
    _randomize(world.b, rng, 8)  # another agency's writes never touch ours
    before = _check(contact)
    ids = _ids(contact)
    candidates = {p.pk: p.candidate for p in made}

    def pick() -> Programme:
        return Programme.objects.get(pk=rng.choice([p.pk for p in made]))

    def write(description: str, action: Callable[[], set[int]], *, changes: bool = True) -> None:
        nonlocal before
        touched = action()
        assert _stale(contact) == touched, description
        after = _check(contact)
        if changes:
            assert after != before, description
        before = after

    def new_enrolment() -> set[int]:
        (programme,) = people(world.a, 1)  # enrolled in the first engagement
        made.append(programme)
        candidates[programme.pk] = programme.candidate
        first = _engagement_of(programme)
        cohort = Cohort.objects.filter(engagement_id=ids[1]).first()
        Enrolment.objects.filter(pk=programme.enrolment_id).update(
            engagement_id=ids[1], cohort=cohort
        )
        return {first, ids[1]}

    write("new enrolment", new_enrolment)

    def status_change() -> set[int]:
        programme = Programme.objects.filter(
            pk__in=[p.pk for p in made], status=ProgrammeStatus.ACTIVE
        ).first()
        assert programme is not None
        programme_transition(
            programme=programme,
            actor=world.a.admin,
            to_status=ProgrammeStatus.DROPPED_OUT,
            reason="moved away",
        )
        return {_engagement_of(programme)}

    write("status change", status_change)

    def bulk_update() -> set[int]:
        # Only rows whose status changes bump their engagement.
        open_ = Programme.objects.filter(pk__in=[p.pk for p in made]).exclude(
            status=ProgrammeStatus.CLOSED
        )
        chosen = rng.sample(list(open_), 6)
        Programme.objects.filter(pk__in=[p.pk for p in chosen]).update(
            status=ProgrammeStatus.CLOSED
        )
        return {_engagement_of(p) for p in chosen}

    write("bulk status update", bulk_update)

    def outcome_recorded_and_confirmed() -> set[int]:
        programme = Programme.objects.filter(
            pk__in=[p.pk for p in made], outcome__isnull=True
        ).first()
        assert programme is not None
        Programme.objects.filter(pk=programme.pk).update(status=ProgrammeStatus.ACTIVE)
        outcome = with_outcome(programme, days=45, pay="higher", confirmed=False)
        outcome_confirm(outcome=outcome, candidate=candidates[programme.pk])
        return {_engagement_of(programme)}

    write("outcome recorded and confirmed", outcome_recorded_and_confirmed)

    def checkin_answered() -> set[int]:
        placed = Programme.objects.filter(
            pk__in=[p.pk for p in made],
            outcome__confirmed_at__isnull=False,
            outcome__kind=OutcomeKind.NEW_JOB,
        ).exclude(aftercare_checkins__months=6)
        programme = placed.first()
        assert programme is not None
        checkin = _checkin(programme, 6, answered=False, rng=rng)
        checkin.answered_at = timezone.now()
        checkin.in_work = True
        checkin.satisfaction = 5
        checkin.save()
        return {_engagement_of(programme)}

    write("check-in answered", checkin_answered)

    def consent_given() -> set[int]:
        enrolment = Enrolment.objects.filter(
            pk__in=[p.enrolment_id for p in made], engagement_id__in=ids
        ).exclude(public_id__in=_granted_scopes())[0]
        enrolment_set_employer_consent(enrolment=enrolment, actor=enrolment.candidate, allowed=True)
        return {enrolment.engagement_id}

    write("consent given", consent_given)

    def consent_withdrawn() -> set[int]:
        enrolment = Enrolment.objects.filter(
            public_id__in=_granted_scopes(), agency=world.a.agency
        )[0]
        enrolment_set_employer_consent(
            enrolment=enrolment, actor=enrolment.candidate, allowed=False
        )
        return {enrolment.engagement_id}

    write("consent withdrawn", consent_withdrawn)

    def cohort_moved() -> set[int]:
        programme = pick()
        enrolment = Enrolment.objects.get(pk=programme.enrolment_id)
        cohorts = Cohort.objects.filter(engagement_id=enrolment.engagement_id)
        other = cohorts.exclude(pk=enrolment.cohort_id or 0)[0]
        enrolment.cohort = other
        enrolment.save()
        return {enrolment.engagement_id}

    write("enrolment moved to another cohort", cohort_moved)

    def programme_deleted() -> set[int]:
        programme = Programme.objects.filter(
            pk__in=[p.pk for p in made], aftercare_checkins__answered_at__isnull=False
        ).first()
        assert programme is not None
        engagement = _engagement_of(programme)
        made.remove(next(p for p in made if p.pk == programme.pk))
        programme.delete()  # its outcome and check-ins go with it
        return {engagement}

    write("programme deleted", programme_deleted)

    def nothing_the_report_reads() -> set[int]:
        CheckIn.objects.filter(programme__in=made).update(reminded_at=timezone.now())
        Outcome.objects.filter(programme__in=made).update(note="agency only")
        return set()

    write("writes the report does not read", nothing_the_report_reads, changes=False)


def _granted_scopes() -> Any:
    from springboard.privacy.models.consents import Consent

    return Consent.objects.filter(purpose="employer_named_reporting", granted=True).values_list(
        "scope", flat=True
    )


@postgresql_only
def test_a_write_during_the_recomputation_leaves_the_rollup_stale(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(7)
    contact = world.a.contact
    made = _randomize(world.a, rng, 20)
    victim = made[0]
    Programme.objects.filter(pk=victim.pk).update(status=ProgrammeStatus.ACTIVE)
    _check(contact)
    Programme.objects.filter(pk=victim.pk).update(status=ProgrammeStatus.INVITED)
    engagement = _engagement_of(victim)
    assert _stale(contact) == {engagement}
    compute = rollup.compute

    def racing(agency_id: int, engagement_ids: list[int]) -> rollup.ReportCounts:
        counted = compute(agency_id, engagement_ids)
        # Lands after the counting, before the counts are stored.
        Programme.objects.filter(pk=victim.pk).update(status=ProgrammeStatus.CLOSED)
        return counted

    monkeypatch.setattr(rollup, "compute", racing)
    rollup.report_counts(contact.agency_id, _ids(contact))
    monkeypatch.setattr(rollup, "compute", compute)
    assert _stale(contact) == {engagement}  # never taken as current
    _check(contact)


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_an_unfinished_writer_is_not_waited_for_and_its_write_is_counted_after_commit() -> None:
    from tests.factories import make_world

    world = make_world()
    rng = random.Random(11)
    contact = world.a.contact
    made = _randomize(world.a, rng, 12)
    victim = made[0]
    engagement = _engagement_of(victim)
    Programme.objects.filter(pk=victim.pk).update(status=ProgrammeStatus.INVITED)
    _check(contact)
    Programme.objects.filter(pk=victim.pk).update(status=ProgrammeStatus.ACTIVE)  # stale now
    written, release, done = threading.Event(), threading.Event(), threading.Event()

    def writer() -> None:
        try:
            with transaction.atomic():
                Programme.objects.filter(pk=victim.pk).update(status=ProgrammeStatus.DROPPED_OUT)
                written.set()
                release.wait(30)
        finally:
            connections.close_all()
            done.set()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert written.wait(30)
        # The writer holds its engagement's rollup row: the report counts what is committed
        # (the programme still active) and leaves the row stale instead of waiting.
        assert rollup.report_counts(contact.agency_id, _ids(contact)) == rollup.compute(
            contact.agency_id, _ids(contact)
        )
        assert engagement in _stale(contact)
    finally:
        release.set()
        thread.join(30)
    assert done.is_set()
    assert Programme.objects.get(pk=victim.pk).status == ProgrammeStatus.DROPPED_OUT
    assert engagement in _stale(contact)
    _check(contact)


def _queries(contact: Membership) -> int:
    with CaptureQueriesContext(connection) as queries:
        employer_outcome_report(contact)
    return len(queries)


@postgresql_only
def test_query_count_is_constant_with_current_and_with_stale_rollups(world: World) -> None:
    rng = random.Random(3)
    contact = world.a.contact
    made = _randomize(world.a, rng, 10)

    def counts() -> tuple[int, int, int]:
        ReportRollup.objects.update(version=F("version") + 1)  # every engagement stale
        cold = _queries(contact)
        warm = _queries(contact)
        status = Programme.objects.get(pk=made[0].pk).status
        other = ProgrammeStatus.ACTIVE if status == ProgrammeStatus.INVITED else "invited"
        Programme.objects.filter(pk=made[0].pk).update(status=other)  # one engagement stale
        one_stale = _queries(contact)
        return cold, warm, one_stale

    few = counts()
    made += _randomize(world.a, rng, 30)
    assert counts() == few
    cold, warm, one_stale = few
    # Current rollups: the engagements, the rollups, the cohorts and the consented names.
    assert warm == 4
    assert one_stale == cold


def test_stored_counts_decode_to_the_computed_ones(world: World) -> None:
    """On any database: what the rollup stores of each engagement reads back equal."""
    rng = random.Random(5)
    contact = world.a.contact
    _randomize(world.a, rng, 25)
    ids = _ids(contact)
    direct = rollup.compute(contact.agency_id, ids)
    assert direct.measures  # something to encode
    parts = [rollup.decode(e, rollup.encode(e, direct)) for e in ids]
    assert rollup._merge(parts) == direct
    assert rollup.report_counts(contact.agency_id, ids) == direct


@pytest.fixture(autouse=True)
def _no_leftover_patch() -> Iterator[None]:
    original = reporting.report_counts
    yield
    reporting.report_counts = original
