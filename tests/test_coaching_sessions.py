"""Sessions, time zones (DST weeks), the iCalendar writer and feed, reminders and notes."""

from __future__ import annotations

import datetime
import zoneinfo
from typing import Any

import icalendar
import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from springboard.coaching import ical, selectors, services
from springboard.coaching.models import (
    Availability,
    CoachProfile,
    Note,
    Session,
    SessionStatus,
)
from springboard.coaching.slots import free_slots, local_to_utc, within_availability
from springboard.lib.errors import DomainError
from springboard.programmes.models import PlanItem
from springboard.tenancy.models import Membership
from tests.factories import World
from tests.matrix_coaching import make_session, programme_with_plan

OSLO = zoneinfo.ZoneInfo("Europe/Oslo")
COPENHAGEN = zoneinfo.ZoneInfo("Europe/Copenhagen")
AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")
UTC = datetime.UTC


# --- time zones -------------------------------------------------------------------------------


@pytest.mark.parametrize("zone", [OSLO, COPENHAGEN, AMSTERDAM])
def test_monday_nine_stays_nine_across_the_spring_change(zone: zoneinfo.ZoneInfo) -> None:
    """Clocks go forward on Sunday 29 March 2026: 9:00 is 8:00 UTC before, 7:00 UTC after."""
    before = local_to_utc(datetime.date(2026, 3, 23), datetime.time(9), zone)
    after = local_to_utc(datetime.date(2026, 3, 30), datetime.time(9), zone)
    assert before == datetime.datetime(2026, 3, 23, 8, tzinfo=UTC)
    assert after == datetime.datetime(2026, 3, 30, 7, tzinfo=UTC)


def test_a_time_in_the_spring_gap_does_not_exist() -> None:
    assert local_to_utc(datetime.date(2026, 3, 29), datetime.time(2, 30), OSLO) is None
    # The autumn's repeated hour is taken once, the first time (summer time).
    first = local_to_utc(datetime.date(2026, 10, 25), datetime.time(2, 30), OSLO)
    assert first == datetime.datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


def _window(weekday: int, start: int, end: int) -> Availability:
    return Availability(
        weekday=weekday, start_time=datetime.time(start), end_time=datetime.time(end)
    )


def test_slots_in_the_autumn_dst_week_follow_local_time() -> None:
    """Clocks go back on Sunday 25 October 2026: Saturday 10:00 is 8:00 UTC, Monday 10:00 is
    9:00 UTC."""
    windows = [_window(5, 10, 11), _window(0, 10, 11)]
    now = datetime.datetime(2026, 10, 22, 12, tzinfo=UTC)
    slots = free_slots(windows, COPENHAGEN, [], now=now, days=5)
    assert slots == [
        datetime.datetime(2026, 10, 24, 8, tzinfo=UTC),
        datetime.datetime(2026, 10, 26, 9, tzinfo=UTC),
    ]
    busy = [(slots[0], slots[0] + datetime.timedelta(hours=1))]
    assert free_slots(windows, COPENHAGEN, busy, now=now, days=5) == slots[1:]


def test_within_availability_uses_the_coachs_local_day() -> None:
    windows = [_window(0, 9, 12)]
    # Monday 30 March 2026, 9:00 in Amsterdam (summer time) = 7:00 UTC.
    assert within_availability(
        windows, AMSTERDAM, datetime.datetime(2026, 3, 30, 7, tzinfo=UTC), 60
    )
    assert not within_availability(
        windows, AMSTERDAM, datetime.datetime(2026, 3, 30, 6, tzinfo=UTC), 60
    )
    assert not within_availability(
        windows, AMSTERDAM, datetime.datetime(2026, 3, 30, 10, 30, tzinfo=UTC), 60
    )


# --- booking ----------------------------------------------------------------------------------


def _available_all_week(coach: Membership, zone: str = "Europe/Oslo") -> None:
    CoachProfile.objects.update_or_create(coach=coach, defaults={"time_zone": zone})
    for weekday in range(7):
        Availability.objects.create(
            coach=coach, weekday=weekday, start_time=datetime.time(8), end_time=datetime.time(18)
        )


def test_candidate_books_within_availability_and_the_plan_task_is_ticked(world: World) -> None:
    a = world.a
    programme = programme_with_plan(a)
    _available_all_week(a.coach)
    slot = selectors.bookable_slots(programme, a.coach)[0]
    session = services.session_book(
        programme=programme, actor=a.candidate, coach=a.coach, starts_at=slot, mode="phone"
    )
    assert session.status == SessionStatus.BOOKED
    assert session.starts_at.astimezone(OSLO).hour == 8
    # The same hour is no longer free, and a second booking of it is refused.
    assert slot not in selectors.bookable_slots(programme, a.coach)
    with pytest.raises(DomainError):
        services.session_book(
            programme=programme, actor=a.candidate, coach=a.coach, starts_at=slot, mode="phone"
        )


def test_candidate_cannot_book_outside_availability_or_with_another_coach(world: World) -> None:
    a = world.a
    programme = programme_with_plan(a)
    _available_all_week(a.coach)
    night = (
        (timezone.now() + datetime.timedelta(days=2))
        .astimezone(OSLO)
        .replace(hour=23, minute=0, second=0, microsecond=0)
    )
    with pytest.raises(DomainError):
        services.session_book(
            programme=programme, actor=a.candidate, coach=a.coach, starts_at=night, mode="phone"
        )
    with pytest.raises(DomainError):
        services.session_book(
            programme=programme,
            actor=a.candidate,
            coach=a.coach2,
            starts_at=night.replace(hour=10),
            mode="phone",
        )


def test_coach_proposes_candidate_confirms_then_moves_and_cancels(world: World) -> None:
    a = world.a
    programme = programme_with_plan(a)
    when = timezone.now() + datetime.timedelta(days=4)
    session = services.session_book(
        programme=programme,
        actor=a.coach,
        starts_at=when,
        mode="video",
        video_link="https://meet.example.test/abc",
    )
    assert session.status == SessionStatus.PROPOSED
    session = services.session_confirm(session=session, actor=a.candidate)
    assert session.status == SessionStatus.BOOKED
    with pytest.raises(DomainError):
        services.session_reschedule(
            session=session, actor=a.coach, starts_at=when + datetime.timedelta(days=1), reason=""
        )
    moved = services.session_reschedule(
        session=session, actor=a.coach, starts_at=when + datetime.timedelta(days=1), reason="Ill"
    )
    assert moved.status == SessionStatus.PROPOSED
    assert moved.sequence == 2
    cancelled = services.session_cancel(session=moved, actor=a.candidate, reason="New job")
    assert cancelled.status == SessionStatus.CANCELLED
    assert cancelled.status_reason == "New job"


def test_video_needs_https_and_in_person_a_place(world: World) -> None:
    a = world.a
    programme = programme_with_plan(a)
    when = timezone.now() + datetime.timedelta(days=4)
    for mode, link in (("video", "javascript:alert(1)"), ("in_person", "")):
        with pytest.raises(DomainError):
            services.session_book(
                programme=programme, actor=a.coach, starts_at=when, mode=mode, video_link=link
            )


def test_attendance_and_rating(world: World) -> None:
    a = world.a
    programme = programme_with_plan(a)
    future = make_session(programme)
    with pytest.raises(DomainError):
        services.session_attendance(session=future, actor=a.coach, attended=True)
    past = make_session(programme, days=-1)
    with pytest.raises(DomainError):
        services.session_rate(session=past, actor=a.candidate, score=5)
    services.session_attendance(session=past, actor=a.coach, attended=True)
    past.refresh_from_db()
    services.session_rate(session=past, actor=a.candidate, score=4, comment="Helpful")
    assert selectors.rating_summary(a.agency) == {"count": 1, "average": 4.0}
    no_show = make_session(programme, days=-2)
    assert (
        services.session_attendance(session=no_show, actor=a.coach, attended=False).status
        == SessionStatus.NO_SHOW
    )


# --- reminders ---------------------------------------------------------------------------------


def test_reminders_are_sent_once_per_start_time(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    a = world.a
    programme = programme_with_plan(a)
    session = make_session(
        programme, days=0, starts_at=timezone.now() + datetime.timedelta(hours=5)
    )
    make_session(
        programme,
        status=SessionStatus.CANCELLED,
        starts_at=timezone.now() + datetime.timedelta(hours=6),
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.session_reminders_enqueue(now=timezone.now()) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert services.session_reminders_enqueue(now=timezone.now()) == 0
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == sorted([a.candidate.user.email, a.coach.user.email])
    # Moved: a new reminder for the new time.
    Session.objects.filter(pk=session.pk).update(
        starts_at=session.starts_at + datetime.timedelta(hours=1)
    )
    assert services.session_reminders_enqueue(now=timezone.now()) == 1


# --- iCalendar ----------------------------------------------------------------------------------


def test_ical_lines_are_folded_escaped_and_crlf() -> None:
    start = datetime.datetime(2026, 3, 30, 7, tzinfo=UTC)
    event = ical.Event(
        uid="x@springboard",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=1),
        summary="Coaching; with, Åse Ødegård\\" + "ø" * 80,
        description="Line one\nline two",
    )
    body = ical.calendar([event], name="Test", now=start)
    assert body.endswith("\r\n")
    for line in body.split("\r\n"):
        assert len(line.encode()) <= 75
    assert "\n" not in body.replace("\r\n", "")
    parsed = icalendar.Calendar.from_ical(body)
    (vevent,) = parsed.walk("VEVENT")
    assert str(vevent["SUMMARY"]) == event.summary
    assert str(vevent["DESCRIPTION"]) == "Line one\nline two"
    assert vevent.decoded("DTSTART") == start


def _feed_events(client: Client, url: str) -> list[icalendar.cal.Component]:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return icalendar.Calendar.from_ical(response.content).walk("VEVENT")


def test_feed_has_only_the_owners_sessions_and_revoked_tokens_stop(world: World) -> None:
    a, b = world.a, world.b
    mine = programme_with_plan(a)
    other = programme_with_plan(a, candidate=a.candidate2, coaches=[a.coach2])
    elsewhere = programme_with_plan(b)
    own_session = make_session(mine)
    make_session(other)
    make_session(elsewhere)
    token = services.feed_regenerate(member=a.candidate)
    url = reverse("coaching:feed", kwargs={"agency_slug": a.agency.slug, "token": token})
    anonymous = Client()
    events = _feed_events(anonymous, url)
    assert [str(e["UID"]) for e in events] == [f"{own_session.public_id}@springboard"]
    # The token is not valid in another agency's address.
    assert anonymous.get(url.replace(a.agency.slug, b.agency.slug)).status_code == 404
    # Regenerated: the old address is dead at once.
    new_token = services.feed_regenerate(member=a.candidate)
    assert anonymous.get(url).status_code == 404
    new_url = url.replace(token, new_token)
    assert len(_feed_events(anonymous, new_url)) == 1
    services.feed_revoke(member=a.candidate)
    assert anonymous.get(new_url).status_code == 404
    # Only the hash is stored.
    from springboard.coaching.models import CalendarFeed

    assert not CalendarFeed.objects.filter(token_sha256=new_token).exists()


def test_session_ics_download(world: World, client: Client) -> None:
    a = world.a
    session = make_session(programme_with_plan(a))
    client.force_login(a.candidate.user)
    url = reverse(
        "coaching:session_ics",
        kwargs={"agency_slug": a.agency.slug, "public_id": session.public_id},
    )
    response = client.get(url)
    (vevent,) = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert vevent.decoded("DTSTART") == session.starts_at.replace(microsecond=0)


# --- notes --------------------------------------------------------------------------------------


def test_private_notes_never_reach_the_candidate_admin_or_employer(
    world: World, client: Client
) -> None:
    a = world.a
    programme = programme_with_plan(a)
    session = make_session(programme)
    services.note_add(
        programme=programme, actor=a.coach, session=session, text="PRIVATE-TEXT", shared=False
    )
    shared = services.note_add(
        programme=programme,
        actor=a.coach,
        session=session,
        text="SHARED-TEXT",
        shared=True,
        action_item="Call two recruiters",
    )
    assert PlanItem.objects.filter(
        pk=shared.action_item_id or 0, title="Call two recruiters"
    ).exists()
    assert [n.text for n in selectors.notes_for(programme, a.candidate)] == ["SHARED-TEXT"]
    assert not selectors.notes_for(programme, a.admin).exists()
    assert not selectors.notes_for(programme, a.contact).exists()
    assert selectors.notes_for(programme, a.coach).count() == 2

    pages = [
        reverse(
            "coaching:notes",
            kwargs={"agency_slug": a.agency.slug, "programme_id": programme.public_id},
        ),
        reverse(
            "coaching:session_detail",
            kwargs={"agency_slug": a.agency.slug, "public_id": session.public_id},
        ),
        reverse(
            "api:coaching_notes",
            kwargs={"agency_slug": a.agency.slug, "programme_id": programme.public_id},
        ),
        reverse(
            "coaching:session_ics",
            kwargs={"agency_slug": a.agency.slug, "public_id": session.public_id},
        ),
        reverse(
            "programmes:detail",
            kwargs={"agency_slug": a.agency.slug, "public_id": programme.public_id},
        ),
        reverse(
            "api:programme_activity",
            kwargs={"agency_slug": a.agency.slug, "programme_id": programme.public_id},
        ),
    ]
    for member in (a.candidate, a.admin, a.contact):
        client.force_login(member.user)
        for url in pages:
            body = client.get(url).content.decode()
            assert "PRIVATE-TEXT" not in body, (member.role, url)
    client.force_login(a.candidate.user)
    assert "SHARED-TEXT" in client.get(pages[0]).content.decode()
    client.force_login(a.coach.user)
    assert "PRIVATE-TEXT" in client.get(pages[0]).content.decode()


def test_only_the_programmes_coaches_write_notes(world: World) -> None:
    a = world.a
    programme = programme_with_plan(a)
    for actor in (a.coach2, a.admin, a.candidate):
        with pytest.raises(DomainError):
            services.note_add(programme=programme, actor=actor, text="x", shared=True)
    assert not Note.objects.exists()


def test_staff_reads_are_audited_and_the_candidates_own_are_not(
    world: World, client: Client
) -> None:
    from springboard.privacy.models import AuditEvent

    a = world.a
    programme = programme_with_plan(a)
    session = make_session(programme)
    url = reverse(
        "coaching:session_detail",
        kwargs={"agency_slug": a.agency.slug, "public_id": session.public_id},
    )
    budget = reverse(
        "coaching:budget",
        kwargs={"agency_slug": a.agency.slug, "programme_id": programme.public_id},
    )
    client.force_login(a.candidate.user)
    client.get(url)
    client.get(budget)
    assert not AuditEvent.objects.filter(action="coaching.read").exists()
    for staff in (a.coach, a.admin):
        client.force_login(staff.user)
        client.get(url)
        client.get(budget)
        reads = AuditEvent.objects.filter(action="coaching.read", actor=staff.user)
        assert {event.data["what"] for event in reads} >= {"session", "budget"}
