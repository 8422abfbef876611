"""Permission-matrix rows and URL arguments for the coaching app (pages and API), and the small
builders the coaching tests share.

Relations: see tests/matrix_programmes.py (self, other, assigned, unassigned, own_agency,
other_agency, other_agency_object, same_agency).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from springboard.coaching.models import (
    CoachChangeRequest,
    Session,
    SessionMode,
    SessionStatus,
    TrainingRequest,
    Workshop,
    WorkshopDate,
    WorkshopMaterial,
    WorkshopSeat,
)
from springboard.employers.models import Engagement
from springboard.programmes.models import Intake, Programme
from springboard.programmes.services import intake_complete
from tests.factories import AgencyWorld, World, make_programme

Expectations = dict[str, dict[str, int]]
ROLES = ("admin", "coach", "employer_contact", "candidate")


# --- builders shared by the coaching tests ----------------------------------------------------


def programme_with_plan(side: AgencyWorld, **kwargs: Any) -> Programme:
    programme = make_programme(side, **kwargs)
    if Intake.objects.filter(programme=programme).exists():
        return programme  # asked again by a page walk: the plan is there
    return intake_complete(
        programme=programme,
        actor=programme.coaches.first() or side.coach,
        language="en",
        answers=Intake(
            job_sought="Planner",
            dismissal_processing="no",
            skills="Planning",
            training_need="none",
            training_detail="",
            region="",
            travel_radius_km=None,
            hours="either",
            pay_expectation="",
            sector_change=False,
            self_employment="no",
        ),
    )


def make_session(programme: Programme, *, days: int = 3, **fields: Any) -> Session:
    coach = fields.pop("coach", None) or programme.coaches.first()
    assert coach is not None
    defaults: dict[str, Any] = {
        "starts_at": timezone.now() + datetime.timedelta(days=days),
        "mode": SessionMode.PHONE,
        "status": SessionStatus.BOOKED,
    }
    defaults.update(fields)
    return Session.objects.create(
        agency_id=programme.agency_id, programme=programme, coach=coach, **defaults
    )


def make_workshop(
    side: AgencyWorld, *, capacity: int = 10, key: str = "cv", price: Decimal = Decimal("0.00")
) -> WorkshopDate:
    """A new date of the agency's workshop `key` (the workshop made on first use); free unless
    a price is given, as a priced seat is paid from the programme's personal budget."""
    workshop, _created = Workshop.objects.get_or_create(
        agency=side.agency,
        key=key,
        defaults={
            "title": {
                "en": "CV workshop",
                "nl": "Cv-workshop",
                "da": "CV-workshop",
                "nb": "CV-kurs",
            },
            "description": {"en": "Write a CV that works."},
            "format": "workshop",
            "duration_minutes": 180,
            "price_per_seat": price,
        },
    )
    return WorkshopDate.objects.create(
        workshop=workshop,
        starts_at=timezone.now() + datetime.timedelta(days=10),
        capacity=capacity,
    )


# --- rows ---------------------------------------------------------------------------------------


def by_role(
    *,
    admin: int,
    coach: int,
    candidate: int,
    contact: int = 403,
    anonymous: int = 302,
) -> Expectations:
    """A page without an object (the viewer's own scope)."""
    return {
        "admin": {"own_agency": admin, "other_agency": 404},
        "coach": {"own_agency": coach, "other_agency": 404},
        "employer_contact": {"own_agency": contact, "other_agency": 404},
        "candidate": {"own_agency": candidate, "other_agency": 404},
        "anonymous": {"any": anonymous},
    }


def on_programme(*, admin: int, coach: int, candidate: int, anonymous: int = 302) -> Expectations:
    """An object hanging off a programme: out of scope → 404, then the capability."""
    return {
        "admin": {"same_agency": admin, "other_agency_object": 404, "other_agency": 404},
        "coach": {
            "assigned": coach,
            "unassigned": 404,
            "other_agency_object": 404,
            "other_agency": 404,
        },
        "employer_contact": {"same_agency": 404, "other_agency": 404},
        "candidate": {
            "self": candidate,
            "other": 404,
            "other_agency_object": 404,
            "other_agency": 404,
        },
        "anonymous": {"any": anonymous},
    }


def on_agency_object(
    *, admin: int, coach: int, candidate: int, contact: int = 403, anonymous: int = 302
) -> Expectations:
    """An object of the agency everyone there may reach (a coach, a workshop, one of its dates)."""
    return {
        role: {"same_agency": status, "other_agency_object": 404, "other_agency": 404}
        for role, status in (
            ("admin", admin),
            ("coach", coach),
            ("employer_contact", contact),
            ("candidate", candidate),
        )
    } | {"anonymous": {"any": anonymous}}


PAGE_ROWS: dict[tuple[str, str], Expectations] = {
    ("coaching:sessions", "GET"): by_role(admin=200, coach=200, candidate=200),
    # An empty POST is refused by the form (200, nothing booked).
    ("coaching:session_book", "GET"): on_programme(admin=403, coach=200, candidate=200),
    ("coaching:session_book", "POST"): on_programme(admin=403, coach=200, candidate=200),
    ("coaching:session_detail", "GET"): on_programme(admin=200, coach=200, candidate=200),
    ("coaching:session_detail", "POST"): on_programme(admin=403, coach=200, candidate=403),
    ("coaching:session_confirm", "POST"): on_programme(admin=403, coach=403, candidate=302),
    ("coaching:session_reschedule", "POST"): on_programme(admin=403, coach=200, candidate=200),
    ("coaching:session_cancel", "POST"): on_programme(admin=403, coach=200, candidate=200),
    ("coaching:session_attendance", "POST"): on_programme(admin=403, coach=302, candidate=403),
    ("coaching:session_rate", "POST"): on_programme(admin=403, coach=403, candidate=302),
    ("coaching:session_ics", "GET"): on_programme(admin=200, coach=200, candidate=200),
    ("coaching:calendar", "GET"): by_role(admin=403, coach=200, candidate=200),
    ("coaching:calendar_regenerate", "POST"): by_role(admin=403, coach=302, candidate=302),
    ("coaching:calendar_revoke", "POST"): by_role(admin=403, coach=302, candidate=302),
    # The feed has no session: a valid token of the URL's agency answers anyone.
    ("coaching:feed", "GET"): {
        role: {"valid_token": 200, "revoked_token": 404, "other_agency_token": 404}
        for role in (*ROLES, "anonymous")
    },
    ("coaching:notes", "GET"): on_programme(admin=403, coach=200, candidate=200),
    ("coaching:notes", "POST"): on_programme(admin=403, coach=200, candidate=403),
    ("coaching:coaches", "GET"): by_role(admin=200, coach=200, candidate=200),
    ("coaching:coach_choose", "POST"): on_agency_object(admin=403, coach=403, candidate=302),
    # The coaches of the matrix have no photo: 404 once access is granted.
    ("coaching:coach_photo", "GET"): on_agency_object(admin=404, coach=404, candidate=404),
    ("coaching:profile", "GET"): by_role(admin=403, coach=200, candidate=403),
    ("coaching:profile", "POST"): by_role(admin=403, coach=200, candidate=403),
    ("coaching:availability", "POST"): by_role(admin=403, coach=302, candidate=403),
    ("coaching:change_request", "GET"): by_role(admin=403, coach=403, candidate=200),
    ("coaching:change_request", "POST"): by_role(admin=403, coach=403, candidate=200),
    ("coaching:change_decide", "POST"): on_programme(admin=302, coach=403, candidate=403),
    ("coaching:policy", "GET"): on_agency_object(admin=200, coach=403, candidate=403),
    ("coaching:policy", "POST"): on_agency_object(admin=200, coach=403, candidate=403),
    ("coaching:workshops", "GET"): by_role(admin=200, coach=200, candidate=200),
    ("coaching:workshop_add", "GET"): by_role(admin=200, coach=403, candidate=403),
    ("coaching:workshop_add", "POST"): by_role(admin=200, coach=403, candidate=403),
    ("coaching:workshop_detail", "GET"): on_agency_object(admin=200, coach=200, candidate=200),
    ("coaching:workshop_date_add", "POST"): on_agency_object(admin=302, coach=403, candidate=403),
    ("coaching:material_add", "POST"): on_agency_object(admin=302, coach=403, candidate=403),
    ("coaching:workshop_signup", "POST"): on_agency_object(admin=403, coach=302, candidate=302),
    ("coaching:seat_cancel", "POST"): on_programme(admin=302, coach=302, candidate=302),
    ("coaching:seat_attendance", "POST"): on_programme(admin=302, coach=302, candidate=403),
    # Materials: staff, and candidates with a seat (the matrix candidate has one).
    ("coaching:material_download", "GET"): on_agency_object(admin=200, coach=200, candidate=200),
    ("coaching:budget", "GET"): on_programme(admin=200, coach=200, candidate=200),
    ("coaching:budget_entry", "POST"): on_programme(admin=302, coach=403, candidate=403),
    ("coaching:training_request", "GET"): on_programme(admin=403, coach=403, candidate=200),
    ("coaching:training_request", "POST"): on_programme(admin=403, coach=403, candidate=200),
    ("coaching:training_decide", "POST"): on_programme(admin=302, coach=403, candidate=403),
    ("coaching:requests", "GET"): by_role(admin=200, coach=403, candidate=403),
    ("coaching:employer_spend", "GET"): by_role(admin=403, coach=403, candidate=403, contact=200),
}

API_ROWS: dict[tuple[str, str], Expectations] = {
    ("api:coaching_sessions", "GET"): by_role(admin=200, coach=200, candidate=200),
    # Bodies are well-formed; the time is in the past, so the write is refused (400).
    ("api:coaching_session_book", "POST"): on_programme(admin=403, coach=400, candidate=400),
    ("api:coaching_session_detail", "GET"): on_programme(admin=200, coach=200, candidate=200),
    ("api:coaching_session_cancel", "POST"): on_programme(admin=403, coach=200, candidate=200),
    ("api:coaching_session_confirm", "POST"): on_programme(admin=403, coach=403, candidate=200),
    # The new time in the body is in the past: refused by the rules (400).
    ("api:coaching_session_reschedule", "POST"): on_programme(admin=403, coach=400, candidate=400),
    ("api:coaching_session_attendance", "POST"): on_programme(admin=403, coach=200, candidate=403),
    ("api:coaching_session_rate", "POST"): on_programme(admin=403, coach=403, candidate=200),
    # The matrix engagement does not let candidates choose: 400.
    ("api:coaching_coach_choose", "POST"): on_agency_object(admin=403, coach=403, candidate=400),
    ("api:coaching_seat_cancel", "POST"): on_programme(admin=200, coach=200, candidate=200),
    ("api:coaching_budget_entry", "POST"): on_programme(admin=201, coach=403, candidate=403),
    ("api:coaching_notes", "GET"): on_programme(admin=403, coach=200, candidate=200),
    ("api:coaching_note_add", "POST"): on_programme(admin=403, coach=201, candidate=403),
    ("api:coaching_coaches", "GET"): by_role(admin=200, coach=200, candidate=200),
    ("api:coaching_workshops", "GET"): by_role(admin=200, coach=200, candidate=200),
    ("api:coaching_workshop_signup", "POST"): on_agency_object(admin=403, coach=400, candidate=201),
    ("api:coaching_budget", "GET"): on_programme(admin=200, coach=200, candidate=200),
    ("api:coaching_training_request", "POST"): on_programme(admin=403, coach=403, candidate=201),
    ("api:coaching_training_decide", "POST"): on_programme(admin=200, coach=403, candidate=403),
    ("api:coaching_employer_spend", "GET"): by_role(
        admin=403, coach=403, candidate=403, contact=200
    ),
}

MATRIX: dict[tuple[str, str], Expectations] = dict(PAGE_ROWS)
MATRIX.update(
    {
        # The API answers anonymous callers 401 itself instead of redirecting to a login page.
        key: {**table, "anonymous": {"any": 401}}
        for key, table in API_ROWS.items()
    }
)
# JSON bodies of non-GET API rows, by URL name.
JSON_BODIES: dict[str, dict[str, Any]] = {
    "api:coaching_session_book": {"starts_at": "2020-01-06T09:00:00Z", "mode": "phone"},
    "api:coaching_session_cancel": {"reason": "Ill"},
    "api:coaching_note_add": {"text": "Good progress.", "shared_with_candidate": False},
    "api:coaching_training_request": {
        "title": "Excel course",
        "provider": "Academy",
        "quote_amount": "300.00",
    },
    "api:coaching_training_decide": {"approve": False, "note": "Not now"},
    "api:coaching_workshop_signup": {},
    "api:coaching_session_reschedule": {"starts_at": "2020-01-06T09:00:00Z", "reason": "Ill"},
    "api:coaching_session_attendance": {"attended": True},
    "api:coaching_session_rate": {"score": 4, "comment": "Helpful"},
    "api:coaching_budget_entry": {"category": "grant", "amount": "100.00"},
}


# --- URL arguments ------------------------------------------------------------------------------

_SESSION_URLS = {
    "session_detail",
    "session_confirm",
    "session_reschedule",
    "session_cancel",
    "session_attendance",
    "session_rate",
    "session_ics",
    "coaching_session_detail",
    "coaching_session_cancel",
    "coaching_session_confirm",
    "coaching_session_reschedule",
    "coaching_session_attendance",
    "coaching_session_rate",
}
_PROGRAMME_URLS = {
    "session_book",
    "notes",
    "budget",
    "budget_entry",
    "training_request",
    "coaching_session_book",
    "coaching_notes",
    "coaching_note_add",
    "coaching_budget",
    "coaching_training_request",
    "coaching_budget_entry",
}
_SEAT_URLS = {"seat_cancel", "seat_attendance", "coaching_seat_cancel"}
_WORKSHOP_URLS = {"workshop_detail", "workshop_date_add", "material_add"}
_DATE_URLS = {"workshop_signup", "coaching_workshop_signup"}


def _side(relation: str, world: World) -> AgencyWorld:
    return world.b if relation in {"other_agency", "other_agency_object"} else world.a


def _programme_for(relation: str, world: World) -> Programme:
    """The candidate's programme for the relation, made on first use (pages are walked more
    than once per world by the layout test)."""
    a, b = world.a, world.b
    if relation in {"other_agency", "other_agency_object"}:
        side, candidate, coach = b, b.candidate, b.coach
    elif relation in {"unassigned", "other"}:
        side, candidate, coach = a, a.candidate2, a.coach2
    else:
        side, candidate, coach = a, a.candidate, a.coach
    existing = Programme.objects.filter(candidate=candidate).first()
    return existing or programme_with_plan(side, candidate=candidate, coaches=[coach])


def _session_for(name: str, relation: str, world: World) -> Session:
    programme = _programme_for(relation, world)
    action = name.removeprefix("coaching_")
    if action == "session_confirm":
        return make_session(programme, status=SessionStatus.PROPOSED)
    if action in {"session_attendance", "session_rate"}:
        # Already happened: attendance and ratings are about the past.
        status = SessionStatus.ATTENDED if action == "session_rate" else SessionStatus.BOOKED
        return make_session(programme, days=-1, status=status)
    return make_session(programme)


def _feed_token(relation: str, world: World) -> str:
    from springboard.coaching.services import feed_regenerate, feed_revoke

    if relation == "other_agency_token":
        return feed_regenerate(member=world.b.candidate)
    token = feed_regenerate(member=world.a.candidate)
    if relation == "revoked_token":
        feed_revoke(member=world.a.candidate)
    return token


def _material_for(side: AgencyWorld, world: World) -> WorkshopMaterial:
    from django.core.files.uploadedfile import SimpleUploadedFile

    date = make_workshop(side)
    # The matrix candidate is a participant, so the material is theirs to download.
    programme = _programme_for("self", world) if side is world.a else None
    if programme is not None:
        WorkshopSeat.objects.create(date=date, programme=programme, status="booked")
    material = WorkshopMaterial(
        workshop=date.workshop, name="Slides", content_type="text/plain", size=5
    )
    material.file.save(f"{material.public_id.hex}.txt", SimpleUploadedFile("x.txt", b"hello"))
    material.save()
    return material


def kwargs_for(name: str, relation: str, world: World) -> dict[str, Any]:
    short = name.rsplit(":", 1)[-1]
    slug = world.b.agency.slug if relation == "other_agency" else world.a.agency.slug
    kwargs: dict[str, Any] = {"agency_slug": slug}
    side = _side(relation, world)
    if short == "feed":
        kwargs["agency_slug"] = world.a.agency.slug
        kwargs["token"] = _feed_token(relation, world)
    elif short in _SESSION_URLS:
        session = _session_for(short, relation, world)
        kwargs["session_id" if short.startswith("coaching_") else "public_id"] = session.public_id
    elif short in _PROGRAMME_URLS:
        kwargs["programme_id"] = _programme_for(relation, world).public_id
    elif short in {"coach_choose", "coach_photo", "coaching_coach_choose"}:
        if short != "coach_photo":
            _programme_for("self", world).coaches.clear()
        kwargs["coach_id"] = side.coach.public_id
    elif short == "change_request":
        _programme_for(relation, world)
    elif short == "change_decide":
        programme = _programme_for(relation, world)
        change = CoachChangeRequest.objects.create(
            programme=programme, reason="Chemistry", wanted_coach=programme.coaches.first()
        )
        kwargs["public_id"] = change.public_id
    elif short == "policy":
        engagement, _created = Engagement.objects.get_or_create(
            agency=side.agency,
            employer=side.employer,
            name="Coaching engagement",
            defaults={"start_date": datetime.date(2026, 1, 5)},
        )
        kwargs["engagement_id"] = engagement.public_id
    elif short in _WORKSHOP_URLS:
        kwargs["public_id"] = make_workshop(side).workshop.public_id
    elif short in _DATE_URLS:
        date = make_workshop(side)
        kwargs["date_id"] = date.public_id
        _programme_for("self", world)
    elif short in _SEAT_URLS:
        programme = _programme_for(relation, world)
        date = make_workshop(_side(relation, world))
        if short == "seat_attendance":
            date.starts_at = timezone.now() - datetime.timedelta(hours=1)
            date.save()
        seat = WorkshopSeat.objects.create(date=date, programme=programme, status="booked")
        kwargs["seat_id" if short.startswith("coaching_") else "public_id"] = seat.public_id
    elif short == "material_download":
        material = _material_for(side, world)
        kwargs["public_id"] = material.public_id
        kwargs["extension"] = material.extension
    elif short in {"training_decide", "coaching_training_decide"}:
        programme = _programme_for(relation, world)
        training = TrainingRequest.objects.create(
            programme=programme, title="Excel", provider="Academy", quote_amount=Decimal("300")
        )
        kwargs["public_id" if short == "training_decide" else "request_id"] = training.public_id
    elif short in {"sessions", "calendar", "coaches", "workshops"} and relation == "own_agency":
        _programme_for("self", world)
    return kwargs
