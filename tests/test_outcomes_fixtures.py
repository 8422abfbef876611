"""Builders for the outcomes tests (no tests here): outcomes and answered check-ins."""

from __future__ import annotations

import datetime

from django.utils import timezone

from springboard.employers.models import Cohort, Enrolment
from springboard.outcomes.models import CheckIn, Outcome, OutcomeKind, OutcomeSource
from springboard.programmes.models import Programme, ProgrammeStatus
from springboard.tenancy.roles import Role
from tests.factories import AgencyWorld, make_member, make_programme

START = datetime.date(2026, 1, 5)


def active_programme(side: AgencyWorld, **kwargs: object) -> Programme:
    programme = make_programme(side, start_date=kwargs.pop("start_date", START), **kwargs)  # type: ignore[arg-type]
    Programme.objects.filter(pk=programme.pk).update(status=ProgrammeStatus.ACTIVE)
    programme.refresh_from_db()
    return programme


def with_outcome(
    programme: Programme,
    kind: str = OutcomeKind.NEW_JOB,
    *,
    days: int = 90,
    pay: str = "same",
    confirmed: bool = True,
    note: str = "",
) -> Outcome:
    return Outcome.objects.create(
        agency_id=programme.agency_id,
        programme=programme,
        kind=kind,
        start_date=programme.start_date + datetime.timedelta(days=days),
        employer_name="Acme" if kind == OutcomeKind.NEW_JOB else "",
        contract="permanent" if kind == OutcomeKind.NEW_JOB else "",
        pay_compared=pay if kind == OutcomeKind.NEW_JOB else "",
        note=note,
        source=OutcomeSource.STAFF,
        recorded_at=timezone.now(),
        confirmed_at=timezone.now() if confirmed else None,
    )


def answered(
    programme: Programme, months: int, *, in_work: bool, satisfaction: int | None = None
) -> CheckIn:
    due = programme.start_date + datetime.timedelta(days=30 * months)
    return CheckIn.objects.create(
        agency_id=programme.agency_id,
        programme=programme,
        months=months,
        due_date=due,
        expires_on=due + datetime.timedelta(days=30),
        sent_at=timezone.now(),
        answered_at=timezone.now(),
        in_work=in_work,
        satisfaction=satisfaction,
    )


def people(side: AgencyWorld, count: int, *, cohort: Cohort | None = None) -> list[Programme]:
    """`count` active programmes of new candidates, filed under `cohort` when given."""
    programmes = []
    for _ in range(count):
        programme = active_programme(side, candidate=make_member(side.agency, Role.CANDIDATE))
        if cohort is not None:
            Enrolment.objects.filter(pk=programme.enrolment_id).update(cohort=cohort)
        programmes.append(programme)
    return programmes
