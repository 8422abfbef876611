"""Bookable times from a coach's weekly availability.

Availability is in the coach's local time; a slot is turned into UTC for its own date, so the
week of a change to or from summer time gives the right instants (Monday 9:00 in Oslo is 8:00
UTC in winter and 7:00 UTC in summer). Wall-clock times that do not exist on a spring-forward
night, or occur twice in autumn, are skipped and taken once (the first) respectively.
"""

from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Iterable, Sequence

from springboard.coaching.models import Availability

SLOT_MINUTES = 60
HORIZON_DAYS = 21


def local_to_utc(
    day: datetime.date, time: datetime.time, zone: zoneinfo.ZoneInfo
) -> datetime.datetime | None:
    """The instant of a wall-clock time on a day in `zone`, or None when it does not exist."""
    local = datetime.datetime.combine(day, time, tzinfo=zone)
    as_utc = local.astimezone(datetime.UTC)
    # A time in the spring-forward gap does not survive the round trip.
    if as_utc.astimezone(zone).replace(tzinfo=None) != local.replace(tzinfo=None):
        return None
    return as_utc


def free_slots(
    windows: Sequence[Availability],
    zone: zoneinfo.ZoneInfo,
    busy: Iterable[tuple[datetime.datetime, datetime.datetime]],
    *,
    now: datetime.datetime,
    days: int = HORIZON_DAYS,
    minutes: int = SLOT_MINUTES,
) -> list[datetime.datetime]:
    """Slot start times (UTC) from tomorrow on within the windows that overlap nothing busy."""
    taken = list(busy)
    today = now.astimezone(zone).date()
    slots: list[datetime.datetime] = []
    length = datetime.timedelta(minutes=minutes)
    for offset in range(1, days + 1):
        day = today + datetime.timedelta(days=offset)
        for window in windows:
            if window.weekday != day.weekday():
                continue
            start = datetime.datetime.combine(day, window.start_time)
            end = datetime.datetime.combine(day, window.end_time)
            while start + length <= end:
                instant = local_to_utc(day, start.time(), zone)
                if instant is not None and not any(
                    instant < busy_end and busy_start < instant + length
                    for busy_start, busy_end in taken
                ):
                    slots.append(instant)
                start += length
    return sorted(set(slots))


def within_availability(
    windows: Sequence[Availability],
    zone: zoneinfo.ZoneInfo,
    starts_at: datetime.datetime,
    minutes: int,
) -> bool:
    """Does [starts_at, +minutes) lie inside one window, on the coach's local calendar?"""
    local_start = starts_at.astimezone(zone).replace(tzinfo=None)
    local_end = (
        (starts_at + datetime.timedelta(minutes=minutes)).astimezone(zone).replace(tzinfo=None)
    )
    day = local_start.date()
    return any(
        window.weekday == day.weekday()
        and datetime.datetime.combine(day, window.start_time) <= local_start
        and local_end <= datetime.datetime.combine(day, window.end_time)
        for window in windows
    )
