"""The coaching app over the API (mounted under /api/v1/): sessions, notes, coaches, workshops
and the personal budget, with the same scope and capabilities as the pages (access.py)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Annotated, Literal
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from ninja.security import django_auth
from pydantic import AwareDatetime, Field

from springboard.coaching import access, selectors, services
from springboard.coaching.models import Note, Session, SessionMode
from springboard.employers.api import TextIn
from springboard.lib.api_errors import ERRORS, WRITE_ERRORS
from springboard.lib.errors import DomainError
from springboard.programmes import access as programme_access
from springboard.programmes.models import Programme
from springboard.tenancy.access import current_membership, require
from springboard.tenancy.roles import Cap, Role

router = Router(auth=django_auth, tags=["coaching"])

CANDIDATE_OR_COACH = (Cap.OWN_CANDIDATE_WORK, Cap.REVIEW_CANDIDATE_WORK)
PROGRAMME_PEOPLE = (Cap.OWN_CANDIDATE_WORK, Cap.REVIEW_CANDIDATE_WORK, Cap.MANAGE_PROGRAMMES)
Money = Annotated[Decimal, Field(gt=0, le=99999999, max_digits=10, decimal_places=2)]


def _checked[T](lookup: Callable[[], T]) -> T:
    """Run an access lookup; a missing capability is a JSON 403 like every other API error."""
    try:
        return lookup()
    except PermissionDenied as error:
        raise HttpError(403, "Forbidden") from error


def _programme(request: HttpRequest, programme_id: UUID, *need: Cap) -> Programme:
    def lookup() -> Programme:
        programme = programme_access.get_programme(request, programme_id, need=Cap.VIEW_PROGRAMME)
        access.require_any(request, *need)
        return programme

    return _checked(lookup)


def _write[T](action: Callable[[], T]) -> T:
    try:
        return action()
    except DomainError as error:
        raise HttpError(400, error.message) from error


class SessionOut(Schema):
    id: UUID
    programme: UUID
    candidate: str
    coach: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    mode: str
    place: str
    video_link: str
    phone: str
    status: str
    status_reason: str

    @staticmethod
    def of(session: Session) -> SessionOut:
        return SessionOut(
            id=session.public_id,
            programme=session.programme.public_id,
            candidate=session.programme.candidate.display_name,
            coach=session.coach.display_name,
            starts_at=session.starts_at,
            ends_at=session.ends_at,
            mode=session.mode,
            place=session.place,
            video_link=session.video_link,
            phone=session.phone,
            status=session.status,
            status_reason=session.status_reason,
        )


class SessionIn(TextIn):
    starts_at: AwareDatetime
    mode: SessionMode
    coach: UUID | None = None
    duration_minutes: int = Field(60, ge=15, le=240)
    place: str = Field("", max_length=200)
    video_link: str = Field("", max_length=500)
    phone: str = Field("", max_length=40)


class ReasonIn(TextIn):
    reason: str = Field(min_length=1, max_length=500)


class RescheduleIn(ReasonIn):
    starts_at: AwareDatetime


class AttendanceIn(Schema):
    attended: bool


class RatingIn(TextIn):
    score: int = Field(ge=1, le=5)
    comment: str = Field("", max_length=1000)


class RatingOut(Schema):
    score: int
    comment: str


class NoteOut(Schema):
    id: UUID
    session: UUID | None
    author: str | None
    text: str
    shared_with_candidate: bool
    created_at: datetime.datetime

    @staticmethod
    def of(note: Note) -> NoteOut:
        return NoteOut(
            id=note.public_id,
            session=note.session.public_id if note.session else None,
            author=note.author.display_name if note.author else None,
            text=note.text,
            shared_with_candidate=note.shared_with_candidate,
            created_at=note.created_at,
        )


class NoteIn(TextIn):
    text: str = Field(min_length=1, max_length=5000)
    shared_with_candidate: bool = False
    action_item: str = Field("", max_length=200)


class CoachOut(Schema):
    id: UUID
    name: str
    languages: list[str]
    specialties: str
    sectors: str
    location: str
    bio: str
    free_places: int


class WorkshopDateOut(Schema):
    id: UUID
    starts_at: datetime.datetime
    place: str
    capacity: int
    booked: int
    waiting: int


class WorkshopOut(Schema):
    id: UUID
    key: str
    title: str
    description: str
    format: str
    duration_minutes: int
    price_per_seat: Decimal
    dates: list[WorkshopDateOut]


class SignupIn(Schema):
    # A coach names the candidate's programme; a candidate signs up for their own.
    programme: UUID | None = None


class SeatOut(Schema):
    id: UUID
    status: str


class EntryOut(Schema):
    id: UUID
    category: str
    amount: Decimal
    description: str
    created_at: datetime.datetime


class TrainingOut(Schema):
    id: UUID
    title: str
    provider: str
    quote_amount: Decimal
    status: str


class BudgetOut(Schema):
    balance: Decimal
    currency: str
    entries: list[EntryOut]
    training_requests: list[TrainingOut]


class TrainingIn(TextIn):
    title: str = Field(min_length=1, max_length=200)
    provider: str = Field(min_length=1, max_length=200)
    quote_amount: Money
    quote_reference: str = Field("", max_length=300)
    motivation: str = Field("", max_length=2000)


class DecisionIn(TextIn):
    approve: bool
    note: str = Field("", max_length=500)
    allow_overdraft: bool = False


class EntryIn(TextIn):
    category: Literal["grant", "coaching", "workshop", "training"]
    # A grant without an amount is the engagement's budget per candidate.
    amount: Money | None = None
    description: str = Field("", max_length=300)
    allow_overdraft: bool = False


class CancelOut(Schema):
    cancelled: UUID
    promoted: UUID | None


class SpendOut(Schema):
    engagement: str
    spent: Decimal | None
    suppressed: bool


def _training_out(training: object) -> TrainingOut:
    return TrainingOut(
        id=training.public_id,  # type: ignore[attr-defined]
        title=training.title,  # type: ignore[attr-defined]
        provider=training.provider,  # type: ignore[attr-defined]
        quote_amount=training.quote_amount,  # type: ignore[attr-defined]
        status=training.status,  # type: ignore[attr-defined]
    )


@router.get(
    "/a/{agency_slug}/coaching/sessions",
    response={200: list[SessionOut], **ERRORS},
    url_name="coaching_sessions",
)
def session_list(request: HttpRequest, agency_slug: str, past: bool = False) -> list[SessionOut]:
    viewer = _checked(lambda: access.require_any(request, *PROGRAMME_PEOPLE))
    sessions = selectors.sessions_list(viewer, upcoming=not past)[:200]
    selectors.audit_staff_read(viewer, None, "sessions")
    return [SessionOut.of(s) for s in sessions]


@router.post(
    "/a/{agency_slug}/coaching/programmes/{programme_id}/sessions",
    response={201: SessionOut, **WRITE_ERRORS},
    url_name="coaching_session_book",
)
def session_book(
    request: HttpRequest, agency_slug: str, programme_id: UUID, payload: SessionIn
) -> Status[SessionOut]:
    """A candidate books inside their coach's availability (`coach` required); a coach proposes
    a time (the candidate confirms it on the session's page)."""
    programme = _programme(request, programme_id, *CANDIDATE_OR_COACH)
    viewer = current_membership(request)
    coach = None
    if payload.coach is not None:
        coach = programme.coaches.filter(public_id=payload.coach).first()
        if coach is None:
            raise HttpError(400, "Choose one of the candidate's coaches.")
    session = _write(
        lambda: services.session_book(
            programme=programme,
            actor=viewer,
            coach=coach,
            starts_at=payload.starts_at,
            mode=payload.mode,
            duration_minutes=payload.duration_minutes,
            place=payload.place,
            video_link=payload.video_link,
            phone=payload.phone,
        )
    )
    return Status(201, SessionOut.of(session))


@router.get(
    "/a/{agency_slug}/coaching/sessions/{session_id}",
    response={200: SessionOut, **ERRORS},
    url_name="coaching_session_detail",
)
def session_detail(request: HttpRequest, agency_slug: str, session_id: UUID) -> SessionOut:
    session = _checked(lambda: access.get_session(request, session_id, *PROGRAMME_PEOPLE))
    selectors.audit_staff_read(current_membership(request), session, "session")
    return SessionOut.of(session)


@router.post(
    "/a/{agency_slug}/coaching/sessions/{session_id}/cancel",
    response={200: SessionOut, **WRITE_ERRORS},
    url_name="coaching_session_cancel",
)
def session_cancel(
    request: HttpRequest, agency_slug: str, session_id: UUID, payload: ReasonIn
) -> SessionOut:
    session = _checked(lambda: access.get_session(request, session_id, *CANDIDATE_OR_COACH))
    viewer = current_membership(request)
    return SessionOut.of(
        _write(
            lambda: services.session_cancel(session=session, actor=viewer, reason=payload.reason)
        )
    )


@router.post(
    "/a/{agency_slug}/coaching/sessions/{session_id}/confirm",
    response={200: SessionOut, **WRITE_ERRORS},
    url_name="coaching_session_confirm",
)
def session_confirm(request: HttpRequest, agency_slug: str, session_id: UUID) -> SessionOut:
    """The candidate accepts a time their coach proposed."""
    session = _checked(lambda: access.get_session(request, session_id, Cap.OWN_CANDIDATE_WORK))
    viewer = current_membership(request)
    return SessionOut.of(_write(lambda: services.session_confirm(session=session, actor=viewer)))


@router.post(
    "/a/{agency_slug}/coaching/sessions/{session_id}/reschedule",
    response={200: SessionOut, **WRITE_ERRORS},
    url_name="coaching_session_reschedule",
)
def session_reschedule(
    request: HttpRequest, agency_slug: str, session_id: UUID, payload: RescheduleIn
) -> SessionOut:
    """Move an upcoming session, with a reason; the candidate stays within the coach's
    availability, a coach's new time goes back to the candidate to confirm."""
    session = _checked(lambda: access.get_session(request, session_id, *CANDIDATE_OR_COACH))
    viewer = current_membership(request)
    return SessionOut.of(
        _write(
            lambda: services.session_reschedule(
                session=session, actor=viewer, starts_at=payload.starts_at, reason=payload.reason
            )
        )
    )


@router.post(
    "/a/{agency_slug}/coaching/sessions/{session_id}/attendance",
    response={200: SessionOut, **WRITE_ERRORS},
    url_name="coaching_session_attendance",
)
def session_attendance(
    request: HttpRequest, agency_slug: str, session_id: UUID, payload: AttendanceIn
) -> SessionOut:
    session = _checked(lambda: access.get_session(request, session_id, Cap.REVIEW_CANDIDATE_WORK))
    viewer = current_membership(request)
    return SessionOut.of(
        _write(
            lambda: services.session_attendance(
                session=session, actor=viewer, attended=payload.attended
            )
        )
    )


@router.post(
    "/a/{agency_slug}/coaching/sessions/{session_id}/rating",
    response={200: RatingOut, **WRITE_ERRORS},
    url_name="coaching_session_rate",
)
def session_rate(
    request: HttpRequest, agency_slug: str, session_id: UUID, payload: RatingIn
) -> RatingOut:
    """The candidate rates an attended session (1-5); the agency sees ratings in aggregate."""
    session = _checked(lambda: access.get_session(request, session_id, Cap.OWN_CANDIDATE_WORK))
    viewer = current_membership(request)
    rating = _write(
        lambda: services.session_rate(
            session=session, actor=viewer, score=payload.score, comment=payload.comment
        )
    )
    return RatingOut(score=rating.score, comment=rating.comment)


@router.get(
    "/a/{agency_slug}/coaching/programmes/{programme_id}/notes",
    response={200: list[NoteOut], **ERRORS},
    url_name="coaching_notes",
)
def note_list(request: HttpRequest, agency_slug: str, programme_id: UUID) -> list[NoteOut]:
    """The coaches of the programme get every note, its candidate only the shared ones; admins
    and employer contacts never read notes (403)."""
    programme = _programme(request, programme_id, *CANDIDATE_OR_COACH)
    viewer = current_membership(request)
    if not selectors.may_read_notes(programme, viewer):
        raise HttpError(403, "Forbidden")
    selectors.audit_staff_read(viewer, programme, "notes")
    return [NoteOut.of(n) for n in selectors.notes_for(programme, viewer)[:500]]


@router.post(
    "/a/{agency_slug}/coaching/programmes/{programme_id}/notes",
    response={201: NoteOut, **WRITE_ERRORS},
    url_name="coaching_note_add",
)
def note_add(
    request: HttpRequest, agency_slug: str, programme_id: UUID, payload: NoteIn
) -> Status[NoteOut]:
    programme = _programme(request, programme_id, Cap.REVIEW_CANDIDATE_WORK)
    viewer = current_membership(request)
    note = _write(
        lambda: services.note_add(
            programme=programme,
            actor=viewer,
            text=payload.text,
            shared=payload.shared_with_candidate,
            action_item=payload.action_item,
        )
    )
    return Status(201, NoteOut.of(note))


@router.get(
    "/a/{agency_slug}/coaching/coaches",
    response={200: list[CoachOut], **ERRORS},
    url_name="coaching_coaches",
)
def coach_list(request: HttpRequest, agency_slug: str) -> list[CoachOut]:
    """Staff: every coach of the agency. A candidate: the shortlist they may choose from (empty
    unless their engagement lets them choose)."""
    viewer = _checked(lambda: access.require_any(request, *PROGRAMME_PEOPLE))
    if viewer.role == Role.CANDIDATE:
        programme = selectors.candidate_programme(viewer)
        cards = selectors.shortlist_for(programme) if programme else []
    else:
        cards = selectors.coach_cards(viewer.agency)
    return [
        CoachOut(
            id=card.coach.public_id,
            name=card.coach.display_name,
            languages=card.profile.language_list,
            specialties=card.profile.specialties,
            sectors=card.profile.sectors,
            location=card.profile.location,
            bio=card.profile.bio,
            free_places=card.free,
        )
        for card in cards
    ]


@router.post(
    "/a/{agency_slug}/coaching/coaches/{coach_id}/choose",
    response={200: CoachOut, **WRITE_ERRORS},
    url_name="coaching_coach_choose",
)
def coach_choose(request: HttpRequest, agency_slug: str, coach_id: UUID) -> CoachOut:
    """The candidate picks their first coach from the shortlist (when the engagement allows)."""
    coach = _checked(lambda: access.get_coach(request, coach_id, Cap.OWN_CANDIDATE_WORK))
    viewer = current_membership(request)
    programme = selectors.candidate_programme(viewer)
    if programme is None:
        raise HttpError(400, "You have no programme yet.")
    programme = _programme(request, programme.public_id, Cap.OWN_CANDIDATE_WORK)
    _write(lambda: services.coach_choose(programme=programme, actor=viewer, coach=coach))
    card = next(c for c in selectors.coach_cards(viewer.agency) if c.coach.pk == coach.pk)
    return CoachOut(
        id=coach.public_id,
        name=coach.display_name,
        languages=card.profile.language_list,
        specialties=card.profile.specialties,
        sectors=card.profile.sectors,
        location=card.profile.location,
        bio=card.profile.bio,
        free_places=card.free,
    )


@router.get(
    "/a/{agency_slug}/coaching/workshops",
    response={200: list[WorkshopOut], **ERRORS},
    url_name="coaching_workshops",
)
def workshop_list(request: HttpRequest, agency_slug: str) -> list[WorkshopOut]:
    viewer = _checked(lambda: access.require_any(request, *PROGRAMME_PEOPLE))
    return [
        WorkshopOut(
            id=w.public_id,
            key=w.key,
            title=w.localized_title,
            description=w.localized_description,
            format=w.format,
            duration_minutes=w.duration_minutes,
            price_per_seat=w.price_per_seat,
            dates=[
                WorkshopDateOut(
                    id=d.public_id,
                    starts_at=d.starts_at,
                    place=d.place,
                    capacity=d.capacity,
                    booked=d.booked,  # type: ignore[attr-defined]
                    waiting=d.waiting,  # type: ignore[attr-defined]
                )
                for d in selectors.dates_of(w, upcoming_only=True)
            ],
        )
        for w in selectors.workshops_of(viewer.agency)[:200]
    ]


@router.post(
    "/a/{agency_slug}/coaching/dates/{date_id}/signup",
    response={201: SeatOut, **WRITE_ERRORS},
    url_name="coaching_workshop_signup",
)
def workshop_signup(
    request: HttpRequest, agency_slug: str, date_id: UUID, payload: SignupIn
) -> Status[SeatOut]:
    """A seat, or a place on the waiting list when the date is full (`status`)."""
    date = _checked(lambda: access.get_workshop_date(request, date_id, *CANDIDATE_OR_COACH))
    viewer = current_membership(request)
    if payload.programme is not None:
        programme = _programme(request, payload.programme, *CANDIDATE_OR_COACH)
    elif viewer.role == Role.CANDIDATE and (own := selectors.candidate_programme(viewer)):
        programme = own
    else:
        raise HttpError(400, "Name the candidate's programme.")
    seat = _write(lambda: services.workshop_signup(date=date, programme=programme, actor=viewer))
    return Status(201, SeatOut(id=seat.public_id, status=seat.status))


@router.post(
    "/a/{agency_slug}/coaching/seats/{seat_id}/cancel",
    response={200: CancelOut, **WRITE_ERRORS},
    url_name="coaching_seat_cancel",
)
def seat_cancel(request: HttpRequest, agency_slug: str, seat_id: UUID) -> CancelOut:
    """Give a seat or waiting place back; `promoted` is the seat that got it, if any."""
    seat = _checked(lambda: access.get_seat(request, seat_id, *PROGRAMME_PEOPLE))
    viewer = current_membership(request)
    promoted = _write(lambda: services.seat_cancel(seat=seat, actor=viewer))
    return CancelOut(cancelled=seat.public_id, promoted=promoted.public_id if promoted else None)


@router.post(
    "/a/{agency_slug}/coaching/programmes/{programme_id}/budget/entries",
    response={201: EntryOut, **WRITE_ERRORS},
    url_name="coaching_budget_entry",
)
def budget_entry(
    request: HttpRequest, agency_slug: str, programme_id: UUID, payload: EntryIn
) -> Status[EntryOut]:
    """An admin adds a grant or a spend; entries are never changed. Below zero only with
    `allow_overdraft`."""
    programme = _programme(request, programme_id, Cap.MANAGE_PROGRAMMES)
    viewer = current_membership(request)
    amount = payload.amount
    if payload.category == "grant":
        entry = _write(
            lambda: services.budget_grant(
                programme=programme,
                actor=viewer,
                amount=amount,
                description=payload.description,
            )
        )
    elif amount is None:
        raise HttpError(400, "Enter an amount above zero.")
    else:
        entry = _write(
            lambda: services.budget_spend(
                programme=programme,
                actor=viewer,
                category=payload.category,
                amount=amount,
                description=payload.description,
                allow_overdraft=payload.allow_overdraft,
            )
        )
    return Status(
        201,
        EntryOut(
            id=entry.public_id,
            category=entry.category,
            amount=entry.amount,
            description=entry.description,
            created_at=entry.created_at,
        ),
    )


@router.get(
    "/a/{agency_slug}/coaching/programmes/{programme_id}/budget",
    response={200: BudgetOut, **ERRORS},
    url_name="coaching_budget",
)
def budget(request: HttpRequest, agency_slug: str, programme_id: UUID) -> BudgetOut:
    programme = _programme(request, programme_id, *PROGRAMME_PEOPLE)
    selectors.audit_staff_read(current_membership(request), programme, "budget")
    return BudgetOut(
        balance=selectors.balance_of(programme),
        currency=programme.enrolment.engagement.budget_currency,
        entries=[
            EntryOut(
                id=e.public_id,
                category=e.category,
                amount=e.amount,
                description=e.description,
                created_at=e.created_at,
            )
            for e in selectors.ledger_of(programme)
        ],
        training_requests=[_training_out(t) for t in selectors.training_requests_of(programme)],
    )


@router.post(
    "/a/{agency_slug}/coaching/programmes/{programme_id}/training",
    response={201: TrainingOut, **WRITE_ERRORS},
    url_name="coaching_training_request",
)
def training_request(
    request: HttpRequest, agency_slug: str, programme_id: UUID, payload: TrainingIn
) -> Status[TrainingOut]:
    programme = _programme(request, programme_id, Cap.OWN_CANDIDATE_WORK)
    viewer = current_membership(request)
    training = _write(
        lambda: services.training_request_create(
            programme=programme,
            actor=viewer,
            title=payload.title,
            provider=payload.provider,
            quote_amount=payload.quote_amount,
            quote_reference=payload.quote_reference,
            motivation=payload.motivation,
        )
    )
    return Status(201, _training_out(training))


@router.post(
    "/a/{agency_slug}/coaching/training/{request_id}/decide",
    response={200: TrainingOut, **WRITE_ERRORS},
    url_name="coaching_training_decide",
)
def training_decide(
    request: HttpRequest, agency_slug: str, request_id: UUID, payload: DecisionIn
) -> TrainingOut:
    training = _checked(
        lambda: access.get_training_request(request, request_id, Cap.MANAGE_PROGRAMMES)
    )
    viewer = current_membership(request)
    decided = _write(
        lambda: services.training_decide(
            training=training,
            actor=viewer,
            approve=payload.approve,
            note=payload.note,
            allow_overdraft=payload.allow_overdraft,
        )
    )
    return _training_out(decided)


@router.get(
    "/a/{agency_slug}/coaching/employer-spend",
    response={200: list[SpendOut], **ERRORS},
    url_name="coaching_employer_spend",
)
def employer_spend(request: HttpRequest, agency_slug: str) -> list[SpendOut]:
    """Personal-budget spend per engagement for an employer contact; null and `suppressed` for
    groups under five people."""
    viewer = _checked(lambda: require(request, Cap.VIEW_EMPLOYER_AGGREGATES))
    return [
        SpendOut(engagement=r.engagement, spent=r.spent, suppressed=r.suppressed)
        for r in selectors.employer_spend(viewer)
    ]
