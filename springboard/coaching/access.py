"""From request ids to coaching objects: out of scope or another agency's → 404 (the same as a
missing id), then a role without the capability → 403."""

from __future__ import annotations

from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from springboard.coaching.models import (
    CoachChangeRequest,
    SeatStatus,
    Session,
    TrainingRequest,
    Workshop,
    WorkshopDate,
    WorkshopMaterial,
    WorkshopSeat,
)
from springboard.coaching.selectors import sessions_visible_to
from springboard.programmes.selectors import programmes_visible_to
from springboard.tenancy.access import current_membership
from springboard.tenancy.models import Membership
from springboard.tenancy.roles import Cap, Role


def require_any(request: HttpRequest, *caps: Cap) -> Membership:
    viewer = current_membership(request)
    if not any(viewer.has(cap) for cap in caps):
        raise PermissionDenied
    return viewer


def _check(viewer: Membership, caps: tuple[Cap, ...]) -> None:
    if not any(viewer.has(cap) for cap in caps):
        raise PermissionDenied


def get_session(request: HttpRequest, public_id: UUID, *need: Cap) -> Session:
    viewer = current_membership(request)
    session = (
        sessions_visible_to(viewer)
        .select_related("programme__candidate__user", "programme__agency", "coach__user")
        .filter(public_id=public_id)
        .first()
    )
    if session is None:
        raise Http404
    _check(viewer, need)
    return session


def get_coach(request: HttpRequest, public_id: UUID, *need: Cap) -> Membership:
    viewer = current_membership(request)
    coach = (
        Membership.objects.select_related("user")
        .filter(agency=viewer.agency, role=Role.COACH, is_active=True, public_id=public_id)
        .first()
    )
    if coach is None:
        raise Http404
    _check(viewer, need)
    return coach


def get_change_request(request: HttpRequest, public_id: UUID, *need: Cap) -> CoachChangeRequest:
    viewer = current_membership(request)
    change = (
        CoachChangeRequest.objects.select_related("programme__candidate", "wanted_coach")
        .filter(programme__in=programmes_visible_to(viewer), public_id=public_id)
        .first()
    )
    if change is None:
        raise Http404
    _check(viewer, need)
    return change


def get_workshop(request: HttpRequest, public_id: UUID, *need: Cap) -> Workshop:
    viewer = current_membership(request)
    workshop = Workshop.objects.filter(agency=viewer.agency, public_id=public_id).first()
    if workshop is None:
        raise Http404
    _check(viewer, need)
    return workshop


def get_workshop_date(request: HttpRequest, public_id: UUID, *need: Cap) -> WorkshopDate:
    viewer = current_membership(request)
    date = (
        WorkshopDate.objects.select_related("workshop")
        .filter(workshop__agency=viewer.agency, public_id=public_id)
        .first()
    )
    if date is None:
        raise Http404
    _check(viewer, need)
    return date


def get_seat(request: HttpRequest, public_id: UUID, *need: Cap) -> WorkshopSeat:
    viewer = current_membership(request)
    seat = (
        WorkshopSeat.objects.select_related("date__workshop", "programme__candidate")
        .filter(programme__in=programmes_visible_to(viewer), public_id=public_id)
        .first()
    )
    if seat is None:
        raise Http404
    _check(viewer, need)
    return seat


def get_material(request: HttpRequest, public_id: UUID, *need: Cap) -> WorkshopMaterial:
    viewer = current_membership(request)
    material = (
        WorkshopMaterial.objects.select_related("workshop")
        .filter(workshop__agency=viewer.agency, public_id=public_id)
        .first()
    )
    if material is None:
        raise Http404
    if (
        viewer.role == Role.CANDIDATE
        and not WorkshopSeat.objects.filter(
            date__workshop=material.workshop, programme__candidate=viewer, status=SeatStatus.BOOKED
        ).exists()
    ):
        # Materials are for participants: to anyone else the file does not exist.
        raise Http404
    _check(viewer, need)
    return material


def get_training_request(request: HttpRequest, public_id: UUID, *need: Cap) -> TrainingRequest:
    viewer = current_membership(request)
    training = (
        TrainingRequest.objects.select_related("programme__candidate", "programme__enrolment")
        .filter(programme__in=programmes_visible_to(viewer), public_id=public_id)
        .first()
    )
    if training is None:
        raise Http404
    _check(viewer, need)
    return training
