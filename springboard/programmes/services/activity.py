"""The programme's activity log: one entry per thing that happened, and the last-activity stamp
the caseload sorts on. Used by every other service module; imports none of them."""

from __future__ import annotations

from typing import Any

from springboard.programmes.models import ActivityEntry, Programme
from springboard.tenancy.models import Membership


def log_activity(
    programme: Programme, kind: str, actor: Membership | None, data: dict[str, Any] | None = None
) -> ActivityEntry:
    entry = ActivityEntry.objects.create(
        programme=programme,
        kind=kind,
        actor=actor.user if actor is not None else None,
        data=data or {},
    )
    Programme.objects.filter(pk=programme.pk).update(last_activity_at=entry.created_at)
    programme.last_activity_at = entry.created_at
    return entry
