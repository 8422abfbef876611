"""One-to-one sessions: a candidate books within the coach's availability, or a coach proposes a
time the candidate confirms; either moves or cancels one with a reason; the coach records
attendance; the candidate rates it. Reminders are claimed once per start time."""

from __future__ import annotations

import datetime
from functools import partial
from urllib.parse import urlsplit

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from springboard.coaching.models import (
    UPCOMING_STATUSES,
    Availability,
    CoachProfile,
    Session,
    SessionMode,
    SessionRating,
    SessionStatus,
)
from springboard.coaching.slots import within_availability
from springboard.coaching.tasks import send_session_reminder
from springboard.lib.errors import DomainError
from springboard.privacy.services import audit_record
from springboard.programmes.models import RUNNING_STATUSES, Programme
from springboard.programmes.services import plan_tasks_complete_for_tool
from springboard.tenancy.models import Membership
from springboard.tenancy.roles import Role

REMINDER_AHEAD = datetime.timedelta(hours=24)
# Furthest ahead anyone may book: keeps date arithmetic and calendars sane.
MAX_AHEAD = datetime.timedelta(days=366)


def _check_where(mode: str, place: str, video_link: str) -> None:
    if mode not in SessionMode.values:
        raise DomainError(_("Choose in person, video or phone."), field="mode")
    if mode == SessionMode.IN_PERSON and not place.strip():
        raise DomainError(_("Say where you will meet."), field="place")
    if mode == SessionMode.VIDEO:
        parts = urlsplit(video_link)
        if parts.scheme != "https" or not parts.netloc:
            raise DomainError(_("Enter the https link of the video call."), field="video_link")


def _check_time(coach: Membership, starts_at: datetime.datetime, minutes: int) -> None:
    now = timezone.now()
    if starts_at <= now:
        raise DomainError(_("Choose a time in the future."), field="starts_at")
    if starts_at > now + MAX_AHEAD:
        raise DomainError(_("Choose a time within the next year."), field="starts_at")
    if not 15 <= minutes <= 240:
        raise DomainError(_("A session lasts 15 to 240 minutes."), field="duration_minutes")
    ends_at = starts_at + datetime.timedelta(minutes=minutes)
    overlapping = Session.objects.filter(
        coach=coach,
        status__in=UPCOMING_STATUSES,
        starts_at__lt=ends_at,
        starts_at__gt=starts_at - datetime.timedelta(minutes=240),
    )
    if any(other.ends_at > starts_at for other in overlapping):
        raise DomainError(_("The coach already has a session at that time."), field="starts_at")


def _lock_coach(coach: Membership) -> None:
    """Serialise bookings per coach, so two bookings never take the same hour."""
    Membership.objects.select_for_update().filter(pk=coach.pk).first()


def _check_programme(programme: Programme) -> None:
    if programme.status not in RUNNING_STATUSES:
        raise DomainError(_("This programme is not running."))


@transaction.atomic
def session_book(
    *,
    programme: Programme,
    actor: Membership,
    starts_at: datetime.datetime,
    mode: str,
    coach: Membership | None = None,
    duration_minutes: int = 60,
    place: str = "",
    video_link: str = "",
    phone: str = "",
) -> Session:
    """The candidate books (inside availability → booked) or a coach proposes (→ proposed)."""
    _check_programme(programme)
    coaches = list(programme.coaches.all())
    if actor.role == Role.CANDIDATE:
        if programme.candidate_id != actor.pk:
            raise DomainError(_("You can only book your own sessions."))
        if coach is None or coach not in coaches:
            raise DomainError(_("Choose one of your coaches."), field="coach")
    elif actor.role == Role.COACH:
        if actor not in coaches:
            raise DomainError(_("You do not coach this candidate."))
        coach = actor
    else:
        raise DomainError(_("Only the candidate or their coach can plan a session."))
    _check_where(mode, place, video_link)
    _lock_coach(coach)
    _check_time(coach, starts_at, duration_minutes)
    if actor.role == Role.CANDIDATE:
        profile = CoachProfile.objects.filter(coach=coach).first() or CoachProfile(coach=coach)
        windows = list(Availability.objects.filter(coach=coach))
        if not within_availability(windows, profile.zone, starts_at, duration_minutes):
            raise DomainError(_("Choose a time when your coach is available."), field="starts_at")
    session = Session.objects.create(
        agency_id=programme.agency_id,
        programme=programme,
        coach=coach,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        mode=mode,
        place=place.strip(),
        video_link=video_link.strip(),
        phone=phone.strip(),
        status=SessionStatus.BOOKED if actor.role == Role.CANDIDATE else SessionStatus.PROPOSED,
        created_by=actor,
    )
    audit_record(
        agency=actor.agency,
        actor=actor.user,
        action="coaching.session_book",
        target=session,
        data={"status": session.status},
    )
    if session.status == SessionStatus.BOOKED:
        plan_tasks_complete_for_tool(
            candidate=programme.candidate, tool="coaching-sessions", actor=actor
        )
    return session


def _locked(session: Session) -> Session:
    locked = Session.objects.select_for_update().get(pk=session.pk)
    locked.programme = session.programme
    return locked


@transaction.atomic
def session_confirm(*, session: Session, actor: Membership) -> Session:
    """The candidate accepts a time their coach proposed."""
    locked = _locked(session)
    if locked.programme.candidate_id != actor.pk:
        raise DomainError(_("Only the candidate can confirm a proposed session."))
    if locked.status != SessionStatus.PROPOSED:
        raise DomainError(_("This session is not waiting for your confirmation."))
    if locked.starts_at <= timezone.now():
        raise DomainError(_("This proposal has passed; ask your coach for a new time."))
    locked.status = SessionStatus.BOOKED
    locked.sequence += 1
    locked.save(update_fields=["status", "sequence", "updated_at"])
    audit_record(
        agency=actor.agency, actor=actor.user, action="coaching.session_confirm", target=locked
    )
    plan_tasks_complete_for_tool(
        candidate=locked.programme.candidate, tool="coaching-sessions", actor=actor
    )
    return locked


def _require_party(session: Session, actor: Membership) -> None:
    is_candidate = session.programme.candidate_id == actor.pk
    is_coach = actor.role == Role.COACH and session.programme.coaches.filter(pk=actor.pk).exists()
    if not (is_candidate or is_coach):
        raise DomainError(_("Only the candidate or their coach can change this session."))


def _require_reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Give a reason."), field="reason")
    if len(reason) > 500:
        raise DomainError(_("Keep the reason under 500 characters."), field="reason")
    return reason


@transaction.atomic
def session_reschedule(
    *, session: Session, actor: Membership, starts_at: datetime.datetime, reason: str
) -> Session:
    """Move an upcoming session; the candidate stays inside the coach's availability, a coach
    may choose any free time (the candidate then confirms it again)."""
    _require_party(session, actor)
    reason = _require_reason(reason)
    _lock_coach(session.coach)
    locked = _locked(session)
    if locked.status not in UPCOMING_STATUSES:
        raise DomainError(_("Only an upcoming session can be moved."))
    # Checked without the session itself, which may keep part of its own time.
    original = locked.status
    locked.status = SessionStatus.CANCELLED
    locked.save(update_fields=["status"])
    _check_time(locked.coach, starts_at, locked.duration_minutes)
    if actor.role == Role.CANDIDATE:
        profile = CoachProfile.objects.filter(coach=locked.coach).first() or CoachProfile(
            coach=locked.coach
        )
        windows = list(Availability.objects.filter(coach=locked.coach))
        if not within_availability(windows, profile.zone, starts_at, locked.duration_minutes):
            raise DomainError(_("Choose a time when your coach is available."), field="starts_at")
        new_status = original
    else:
        new_status = SessionStatus.PROPOSED
    previous = locked.starts_at
    locked.starts_at = starts_at
    locked.status = new_status
    locked.status_reason = reason
    locked.sequence += 1
    locked.save(update_fields=["starts_at", "status", "status_reason", "sequence", "updated_at"])
    audit_record(
        agency=actor.agency,
        actor=actor.user,
        action="coaching.session_reschedule",
        target=locked,
        data={"from": previous.isoformat(), "to": starts_at.isoformat()},
    )
    return locked


@transaction.atomic
def session_cancel(*, session: Session, actor: Membership, reason: str) -> Session:
    _require_party(session, actor)
    reason = _require_reason(reason)
    locked = _locked(session)
    if locked.status not in UPCOMING_STATUSES:
        raise DomainError(_("Only an upcoming session can be cancelled."))
    locked.status = SessionStatus.CANCELLED
    locked.status_reason = reason
    locked.sequence += 1
    locked.save(update_fields=["status", "status_reason", "sequence", "updated_at"])
    audit_record(
        agency=actor.agency, actor=actor.user, action="coaching.session_cancel", target=locked
    )
    return locked


@transaction.atomic
def session_attendance(*, session: Session, actor: Membership, attended: bool) -> Session:
    """The coach records whether the candidate came; only once the session has begun."""
    if actor.role != Role.COACH or not session.programme.coaches.filter(pk=actor.pk).exists():
        raise DomainError(_("Only the candidate's coach records attendance."))
    locked = _locked(session)
    if locked.status == SessionStatus.CANCELLED or locked.status == SessionStatus.PROPOSED:
        raise DomainError(_("This session did not take place."))
    if locked.starts_at > timezone.now():
        raise DomainError(_("Record attendance once the session has begun."))
    locked.status = SessionStatus.ATTENDED if attended else SessionStatus.NO_SHOW
    locked.save(update_fields=["status", "updated_at"])
    audit_record(
        agency=actor.agency,
        actor=actor.user,
        action="coaching.session_attendance",
        target=locked,
        data={"attended": attended},
    )
    return locked


@transaction.atomic
def session_rate(
    *, session: Session, actor: Membership, score: int, comment: str = ""
) -> SessionRating:
    if session.programme.candidate_id != actor.pk:
        raise DomainError(_("Only the candidate rates a session."))
    if session.status != SessionStatus.ATTENDED:
        raise DomainError(_("You can rate a session once it has taken place."))
    if not 1 <= score <= 5:
        raise DomainError(_("Choose 1 to 5 stars."), field="score")
    rating, _created = SessionRating.objects.update_or_create(
        session=session, defaults={"score": score, "comment": comment.strip()[:1000]}
    )
    return rating


def session_reminders_enqueue(*, now: datetime.datetime) -> int:
    """Claim the reminders of booked sessions starting within a day and queue their e-mails.

    A claim is `reminder_sent_for` set to the start time by a conditional UPDATE: a second run (or
    worker) claims nothing, and a session moved to a new time gets a new reminder."""
    due = Session.objects.filter(
        status=SessionStatus.BOOKED, starts_at__gt=now, starts_at__lte=now + REMINDER_AHEAD
    ).filter(Q(reminder_sent_for__isnull=True) | ~Q(reminder_sent_for=F("starts_at")))
    claimed = 0
    for session_id in due.values_list("pk", flat=True):
        with transaction.atomic():
            taken = (
                Session.objects.filter(pk=session_id)
                .filter(Q(reminder_sent_for__isnull=True) | ~Q(reminder_sent_for=F("starts_at")))
                .update(reminder_sent_for=F("starts_at"))
            )
            if taken:
                claimed += 1
                transaction.on_commit(partial(send_session_reminder.enqueue, session_id=session_id))
    return claimed
