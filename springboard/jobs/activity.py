"""Applications and interviews as a source of the job-search activity log (network app), so the
candidate's export for Jobnet, NAV or UWV lists them without typing them twice."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.utils import timezone

from springboard.jobs.models import ApplicationStage, Interview, Status
from springboard.network.activity_log import LogRow
from springboard.network.models import ActivityKind
from springboard.tenancy.models import Membership


def _day_range(first: datetime.date, last: datetime.date) -> tuple[datetime.datetime, ...]:
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(first, datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(
        last + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
    )
    return start, end


def job_search_rows(
    owner: Membership, first: datetime.date, last: datetime.date
) -> Iterator[LogRow]:
    """Each day an application was sent (its "applied" stage) and each interview."""
    start, end = _day_range(first, last)
    applied = ApplicationStage.objects.filter(
        application__owner=owner, status=Status.APPLIED, at__gte=start, at__lt=end
    ).select_related("application")
    for stage in applied:
        application = stage.application
        yield LogRow(
            date=timezone.localdate(stage.at),
            kind=ActivityKind.APPLICATION if application.vacancy_id else ActivityKind.UNSOLICITED,
            employer=application.employer,
            job_title=application.title,
            how_applied="",
            result=str(application.get_status_display()),
            source="jobs",
        )
    interviews = Interview.objects.filter(
        application__owner=owner, starts_at__gte=start, starts_at__lt=end
    ).select_related("application")
    for interview in interviews:
        yield LogRow(
            date=timezone.localdate(interview.starts_at),
            kind=ActivityKind.INTERVIEW,
            employer=interview.application.employer,
            job_title=interview.application.title,
            how_applied="",
            result=str(interview.get_outcome_display()),
            source="jobs",
        )
