"""Times of coaching sessions, shown in the coach's time zone with the zone named (a session
has one place in time; the zone makes it unambiguous for a candidate elsewhere)."""

from __future__ import annotations

import datetime
import zoneinfo

from django import template
from django.core.exceptions import ObjectDoesNotExist
from django.utils import formats, timezone

register = template.Library()


def _zone_of(coach: object) -> zoneinfo.ZoneInfo:
    try:
        return coach.coach_profile.zone  # type: ignore[attr-defined]
    except (ObjectDoesNotExist, AttributeError):
        return timezone.get_default_timezone()


@register.filter
def coach_time(moment: datetime.datetime | None, coach: object) -> str:
    if moment is None:
        return ""
    zone = _zone_of(coach)
    local = moment.astimezone(zone)
    return f"{formats.date_format(local, 'D j M Y, H:i')} ({zone.key})"


@register.filter
def in_zone(moment: datetime.datetime | None, zone: zoneinfo.ZoneInfo) -> str:
    if moment is None:
        return ""
    return f"{formats.date_format(moment.astimezone(zone), 'D j M Y, H:i')} ({zone.key})"
