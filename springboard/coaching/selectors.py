"""Reads about coaching; each starts from the viewer's scope.

Scope: sessions follow the programmes (programmes.selectors.programmes_visible_to): an admin
reaches the agency's, a coach those of the programmes they coach, a candidate their own, an
employer contact none. Note text is read only through `notes_for`: the programme's coaches get
every note, the candidate the shared ones, nobody else any.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, Q, QuerySet, Sum
from django.utils import timezone

from springboard.coaching.models import (
    UPCOMING_STATUSES,
    Availability,
    BudgetCategory,
    BudgetEntry,
    CalendarFeed,
    CoachChangeRequest,
    CoachChoicePolicy,
    CoachProfile,
    Note,
    RequestStatus,
    SeatStatus,
    Session,
    SessionStatus,
    TrainingRequest,
    Workshop,
    WorkshopDate,
    WorkshopSeat,
)
from springboard.coaching.slots import free_slots
from springboard.coaching.tokens import token_hash
from springboard.privacy.services import audit_record
from springboard.programmes.models import RUNNING_STATUSES, Programme
from springboard.programmes.reporting import MIN_GROUP
from springboard.programmes.selectors import current_programme_of, programmes_visible_to
from springboard.tenancy.models import Agency, Membership
from springboard.tenancy.roles import Role

SPEND_CATEGORIES = (BudgetCategory.COACHING, BudgetCategory.WORKSHOP, BudgetCategory.TRAINING)


def audit_staff_read(viewer: Membership, target: Any, what: str) -> None:
    """Record a staff member's read of a candidate's coaching data (sessions, budget); the
    candidate's own reads are not audited."""
    if viewer.role in (Role.ADMIN, Role.COACH):
        audit_record(
            agency=viewer.agency,
            actor=viewer.user,
            action="coaching.read",
            target=target,
            data={"what": what},
        )


def sessions_visible_to(viewer: Membership) -> QuerySet[Session]:
    return Session.objects.filter(
        agency_id=viewer.agency_id, programme__in=programmes_visible_to(viewer)
    )


def sessions_list(viewer: Membership, *, upcoming: bool) -> QuerySet[Session]:
    sessions = sessions_visible_to(viewer).select_related("programme__candidate__user", "coach")
    now = timezone.now()
    if upcoming:
        return sessions.filter(starts_at__gte=now - datetime.timedelta(hours=2)).order_by(
            "starts_at", "pk"
        )
    return sessions.filter(starts_at__lt=now - datetime.timedelta(hours=2)).order_by(
        "-starts_at", "-pk"
    )


def sessions_of_member(member: Membership) -> QuerySet[Session]:
    """The calendar of one person in one agency: the candidate's sessions, or the sessions a coach
    runs (whoever booked them)."""
    sessions = Session.objects.filter(agency_id=member.agency_id).select_related(
        "programme__candidate", "coach"
    )
    if member.role == Role.CANDIDATE:
        return sessions.filter(programme__candidate=member)
    if member.role == Role.COACH:
        return sessions.filter(coach=member)
    return sessions.none()


def feed_member(*, agency: Agency, token: str) -> Membership | None:
    """Whose feed the token opens in this agency; None for an unknown, revoked or replaced token
    or an inactive member."""
    if not token or len(token) > 100:
        return None
    feed = (
        CalendarFeed.objects.select_related("member__user")
        .filter(token_sha256=token_hash(token), member__agency=agency, member__is_active=True)
        .first()
    )
    return feed.member if feed else None


def has_calendar_feed(member: Membership) -> bool:
    return CalendarFeed.objects.filter(member=member, token_sha256__isnull=False).exists()


def notes_for(programme: Programme, viewer: Membership) -> QuerySet[Note]:
    """The notes `viewer` may read: the coaches of the programme all, its candidate the shared."""
    notes = Note.objects.filter(programme=programme).select_related("author", "session")
    if viewer.role == Role.COACH and programme.coaches.filter(pk=viewer.pk).exists():
        return notes
    if viewer.role == Role.CANDIDATE and programme.candidate_id == viewer.pk:
        return notes.filter(shared_with_candidate=True)
    return notes.none()


def may_read_notes(programme: Programme, viewer: Membership) -> bool:
    if viewer.role == Role.COACH:
        return programme.coaches.filter(pk=viewer.pk).exists()
    return viewer.role == Role.CANDIDATE and programme.candidate_id == viewer.pk


# --- coaches ----------------------------------------------------------------------------------


def profile_of(coach: Membership) -> CoachProfile:
    """The coach's profile; an unsaved default one until they fill it in."""
    profile = CoachProfile.objects.filter(coach=coach).first()
    return profile or CoachProfile(coach=coach)


def availability_of(coach: Membership) -> list[Availability]:
    return list(Availability.objects.filter(coach=coach))


def caseload_count(coach: Membership) -> int:
    return Programme.objects.filter(coaches=coach, status__in=RUNNING_STATUSES).count()


@dataclass
class CoachCard:
    coach: Membership
    profile: CoachProfile
    caseload: int

    @property
    def free(self) -> int:
        return max(self.profile.capacity - self.caseload, 0)


def coach_cards(agency: Agency, *, language: str | None = None) -> list[CoachCard]:
    """The agency's active coaches with their profile and caseload, most free capacity first
    (coaches who speak `language` ahead of the rest)."""
    coaches = list(
        Membership.objects.filter(agency=agency, role=Role.COACH, is_active=True)
        .select_related("user")
        .annotate(
            running=Count(
                "coached_programmes",
                filter=Q(coached_programmes__status__in=RUNNING_STATUSES),
            )
        )
    )
    profiles = {p.coach_id: p for p in CoachProfile.objects.filter(coach__in=coaches)}
    cards = [
        CoachCard(coach=c, profile=profiles.get(c.pk) or CoachProfile(coach=c), caseload=c.running)
        for c in coaches
    ]
    cards.sort(
        key=lambda card: (
            language is not None and language not in card.profile.language_list,
            -card.free,
            card.coach.display_name,
        )
    )
    return cards


def policy_of(programme: Programme) -> CoachChoicePolicy | None:
    return CoachChoicePolicy.objects.filter(engagement_id=programme.enrolment.engagement_id).first()


def shortlist_for(programme: Programme) -> list[CoachCard]:
    """Coaches the candidate may choose from: only when the engagement allows it, only coaches
    with free capacity, at most the policy's number."""
    policy = policy_of(programme)
    if policy is None or not policy.candidates_choose:
        return []
    cards = [c for c in coach_cards(programme.agency, language=programme.language) if c.free > 0]
    return cards[: policy.shortlist_size]


def open_change_request(programme: Programme) -> CoachChangeRequest | None:
    return CoachChangeRequest.objects.filter(programme=programme, status=RequestStatus.OPEN).first()


def change_requests_of(agency: Agency) -> QuerySet[CoachChangeRequest]:
    return CoachChangeRequest.objects.filter(programme__agency=agency).select_related(
        "programme__candidate__user", "wanted_coach__user", "decided_by"
    )


def bookable_slots(programme: Programme, coach: Membership) -> list[datetime.datetime]:
    profile = profile_of(coach)
    busy = [
        (s.starts_at, s.ends_at)
        for s in Session.objects.filter(
            coach=coach,
            status__in=UPCOMING_STATUSES,
            starts_at__gte=timezone.now() - datetime.timedelta(days=1),
        )
    ]
    return free_slots(availability_of(coach), profile.zone, busy, now=timezone.now())


def rating_summary(agency: Agency) -> dict[str, Any]:
    """Session ratings of the agency in aggregate only: count and average, no comments."""
    result = Session.objects.filter(agency=agency, rating__isnull=False).aggregate(
        count=Count("rating"), average=Avg("rating__score")
    )
    return {"count": result["count"], "average": result["average"]}


# --- workshops --------------------------------------------------------------------------------


def workshops_of(agency: Agency) -> QuerySet[Workshop]:
    return Workshop.objects.filter(agency=agency)


def dates_of(workshop: Workshop, *, upcoming_only: bool = False) -> list[WorkshopDate]:
    dates = WorkshopDate.objects.filter(workshop=workshop).annotate(
        booked=Count("seats", filter=Q(seats__status=SeatStatus.BOOKED)),
        waiting=Count("seats", filter=Q(seats__status=SeatStatus.WAITLISTED)),
    )
    if upcoming_only:
        dates = dates.filter(starts_at__gte=timezone.now())
    return list(dates)


def seats_of(date: WorkshopDate) -> QuerySet[WorkshopSeat]:
    return WorkshopSeat.objects.filter(date=date).select_related("programme__candidate__user")


def seats_for_programme(programme: Programme) -> QuerySet[WorkshopSeat]:
    return (
        WorkshopSeat.objects.filter(programme=programme)
        .exclude(status=SeatStatus.CANCELLED)
        .select_related("date__workshop")
    )


# --- budget -----------------------------------------------------------------------------------


def balance_of(programme: Programme) -> Decimal:
    total = BudgetEntry.objects.filter(programme=programme).aggregate(total=Sum("amount"))["total"]
    return (total or Decimal(0)).quantize(Decimal("0.01"))


def ledger_of(programme: Programme) -> QuerySet[BudgetEntry]:
    return BudgetEntry.objects.filter(programme=programme).select_related("created_by")


def training_requests_of(programme: Programme) -> QuerySet[TrainingRequest]:
    return TrainingRequest.objects.filter(programme=programme)


def open_training_requests(agency: Agency) -> QuerySet[TrainingRequest]:
    return TrainingRequest.objects.filter(
        programme__agency=agency, status=RequestStatus.OPEN
    ).select_related("programme__candidate__user")


@dataclass(frozen=True)
class SpendAggregate:
    """What an employer contact sees: spend of an engagement, only over ≥ MIN_GROUP people."""

    engagement: str
    people: int
    spent: Decimal | None

    @property
    def suppressed(self) -> bool:
        return self.spent is None


def employer_spend(contact: Membership) -> list[SpendAggregate]:
    """Budget spent per engagement of the contact's employer; fewer than MIN_GROUP candidates
    with a programme → the amount is withheld (one person's spending is their business)."""
    if contact.role != Role.EMPLOYER_CONTACT or contact.employer_id is None:
        return []
    rows = (
        Programme.objects.filter(
            agency_id=contact.agency_id, enrolment__engagement__employer_id=contact.employer_id
        )
        .values("enrolment__engagement__name")
        .annotate(
            people=Count("pk", distinct=True),
            # Spending and its corrections; grants (and their corrections) are not spend.
            spent=Sum(
                "budget_entries__amount",
                filter=Q(budget_entries__category__in=SPEND_CATEGORIES)
                | Q(
                    budget_entries__category=BudgetCategory.CORRECTION, budget_entries__amount__gt=0
                ),
            ),
        )
        .order_by("enrolment__engagement__name")
    )
    return [
        SpendAggregate(
            engagement=row["enrolment__engagement__name"],
            people=row["people"],
            spent=(-(row["spent"] or Decimal(0))) if row["people"] >= MIN_GROUP else None,
        )
        for row in rows
    ]


def candidate_programme(candidate: Membership) -> Programme | None:
    return current_programme_of(candidate)


SESSION_DONE_STATUSES = frozenset({SessionStatus.ATTENDED, SessionStatus.NO_SHOW})
