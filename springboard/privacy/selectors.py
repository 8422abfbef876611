from __future__ import annotations

from datetime import date, datetime, time

from django.db.models import QuerySet
from django.utils import timezone

from springboard.privacy.models import AuditEvent
from springboard.tenancy.models import Agency


def audit_events(
    agency: Agency,
    *,
    action: str = "",
    actor: str = "",
    since: date | None = None,
    until: date | None = None,
) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.select_related("actor").filter(agency=agency)
    if action:
        events = events.filter(action__startswith=action)
    if actor:
        events = events.filter(actor__email__icontains=actor)
    tz = timezone.get_current_timezone()
    if since:
        events = events.filter(created_at__gte=datetime.combine(since, time.min, tzinfo=tz))
    if until:
        events = events.filter(created_at__lte=datetime.combine(until, time.max, tzinfo=tz))
    return events.order_by("-created_at", "-id")


def recent_events(agency: Agency, *, limit: int) -> list[AuditEvent]:
    return list(audit_events(agency)[:limit])


def audit_actions(agency: Agency) -> list[str]:
    return list(
        AuditEvent.objects.filter(agency=agency)
        .order_by("action")
        .values_list("action", flat=True)
        .distinct()
    )
