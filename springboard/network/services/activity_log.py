"""Activities the candidate records directly in their job-search log."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

from springboard.lib.errors import DomainError
from springboard.network.models import ActivityKind, HowApplied, LoggedActivity
from springboard.tenancy.models import Membership


def logged_activity_record(
    *,
    owner: Membership,
    date: datetime.date,
    kind: str,
    employer: str = "",
    job_title: str = "",
    how_applied: str = "",
    result: str = "",
) -> LoggedActivity:
    if kind not in ActivityKind.values:
        raise DomainError(_("Choose the kind of activity."), field="kind")
    if how_applied not in HowApplied.values:
        raise DomainError(_("Choose how you applied."), field="how_applied")
    activity = LoggedActivity(
        owner=owner,
        date=date,
        kind=kind,
        employer=employer.strip(),
        job_title=job_title.strip(),
        how_applied=how_applied,
        result=result.strip(),
    )
    activity.full_clean()
    activity.save()
    return activity


def logged_activity_delete(*, activity: LoggedActivity, actor: Membership) -> None:
    if activity.owner_id != actor.pk:
        raise DomainError(_("Only the candidate can change their log."))
    activity.delete()
