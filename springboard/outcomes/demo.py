"""Demo outcomes for `springboard demo-data`: some of the agency's programmes get a confirmed
new job (with answered check-ins), one a recorded but unconfirmed new job, one a drop-out, so the
dashboards and the employer report have figures to show. Writes the records directly (no status
transitions, no e-mails); safe to run twice."""

from __future__ import annotations

import datetime

from django.utils import timezone

from springboard.outcomes.models import (
    CHECK_IN_MONTHS,
    CheckIn,
    Contract,
    FoundVia,
    Outcome,
    OutcomeKind,
    OutcomeSource,
    PayComparison,
)
from springboard.outcomes.services.aftercare import LINK_DAYS, months_after
from springboard.programmes.models import Programme
from springboard.tenancy.models import Agency

_EMPLOYERS = ("Nordlys ApS", "Havnens Logistik", "Grøn Energi A/S", "Byens Bageri")
_PAY = (PayComparison.HIGHER, PayComparison.SAME, PayComparison.LOWER, PayComparison.SAME)
_VIA = (FoundVia.NETWORK, FoundVia.VACANCY, FoundVia.RECRUITER, FoundVia.NETWORK)


def outcomes_demo(agency: Agency) -> int:
    """Give outcomes to about half of the agency's programmes; returns how many. Does nothing
    when the agency already has outcomes (a second run)."""
    if Outcome.objects.filter(agency=agency).exists():
        return 0
    today = timezone.localdate()
    now = timezone.now()
    programmes = list(
        Programme.objects.filter(agency=agency, outcome__isnull=True)
        .exclude(status="invited")
        .order_by("start_date", "pk")
    )
    made = 0
    for index, programme in enumerate(programmes[::2]):
        # Six weeks in and later for each next person, never in the future.
        start = min(programme.start_date + datetime.timedelta(days=45 + 7 * index), today)
        kind = OutcomeKind.DROPPED_OUT if index % 7 == 6 else OutcomeKind.NEW_JOB
        job = kind == OutcomeKind.NEW_JOB
        Outcome.objects.create(
            agency=agency,
            programme=programme,
            kind=kind,
            start_date=start,
            employer_name=_EMPLOYERS[index % len(_EMPLOYERS)] if job else "",
            contract=Contract.PERMANENT if job else "",
            hours_per_week=37 if job else None,
            pay_compared=_PAY[index % len(_PAY)] if job else "",
            found_via=_VIA[index % len(_VIA)] if job else "",
            source=OutcomeSource.STAFF,
            recorded_by=programme.coaches.first(),
            recorded_at=now,
            confirmed_at=None if index % 5 == 4 else now,
        )
        made += 1
        if job and index % 5 != 4:
            for months in CHECK_IN_MONTHS:
                due = months_after(start, months)
                if due > today:
                    break
                CheckIn.objects.create(
                    agency=agency,
                    programme=programme,
                    months=months,
                    due_date=due,
                    expires_on=due + datetime.timedelta(days=LINK_DAYS),
                    sent_at=now,
                    answered_at=now,
                    in_work=months < 12 or index % 4 != 1,
                    same_employer=True,
                    satisfaction=4 + index % 2,
                )
    return made
