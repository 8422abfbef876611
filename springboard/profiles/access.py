"""From request ids to profile objects.

The candidate reaches their own profile (Cap.OWN_CANDIDATE_WORK); a coach reaches the profile of
a candidate whose programme they coach, named by the programme's public id
(Cap.REVIEW_CANDIDATE_WORK; the programme's scope comes from programmes.access, so another
coach's candidate is a 404 like a missing id). Rows (jobs, skills, uploads…) are looked up within
the resolved profile: another candidate's row id is a 404. Lookups never create anything.
"""

from __future__ import annotations

from typing import TypeVar
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest

from springboard.profiles.models import CvSuggestion, CvUpload, Profile
from springboard.profiles.services import profile_ensure
from springboard.programmes import access as programme_access
from springboard.programmes.models import Programme
from springboard.tenancy.access import current_membership, require
from springboard.tenancy.models import Membership
from springboard.tenancy.roles import Cap

Row = TypeVar("Row", bound=models.Model)


def own_profile(request: HttpRequest) -> tuple[Membership, Profile]:
    """The candidate's own profile, created (with the intake carried over) on first use."""
    viewer = require(request, Cap.OWN_CANDIDATE_WORK)
    return viewer, profile_ensure(viewer)


def own_existing_profile(request: HttpRequest) -> tuple[Membership, Profile]:
    """The candidate's own profile for a request naming one of its rows: none yet → 404.

    The lookup comes first: staff have no profile, so a row id is a 404 for them whatever it
    names, exactly as for another candidate.
    """
    viewer = current_membership(request)
    profile = Profile.objects.filter(membership=viewer, agency_id=viewer.agency_id).first()
    if profile is None:
        raise Http404
    if not viewer.has(Cap.OWN_CANDIDATE_WORK):
        raise PermissionDenied
    profile.membership = viewer
    return viewer, profile


def own_row[Row: models.Model](
    request: HttpRequest, model: type[Row], public_id: UUID
) -> tuple[Profile, Row]:
    _viewer, profile = own_existing_profile(request)
    row = model._default_manager.filter(profile=profile, public_id=public_id).first()
    if row is None:
        raise Http404
    return profile, row


def own_upload(request: HttpRequest, public_id: UUID) -> tuple[Profile, CvUpload]:
    return own_row(request, CvUpload, public_id)


def own_suggestion(
    request: HttpRequest, upload_id: UUID, suggestion_id: UUID
) -> tuple[CvUpload, CvSuggestion]:
    _profile, upload = own_upload(request, upload_id)
    suggestion = (
        CvSuggestion.objects.select_related("skill")
        .filter(upload=upload, public_id=suggestion_id)
        .first()
    )
    if suggestion is None:
        raise Http404
    return upload, suggestion


def coached_profile(
    request: HttpRequest, programme_id: UUID
) -> tuple[Membership, Programme, Profile]:
    """The profile of the candidate of a programme the viewing coach coaches.

    Only coaches review: an admin reaches the programme but not its candidate's profile (403).
    A candidate who never opened their profile gets one, empty or from the intake, so the coach
    sees the same page the candidate will.
    """
    programme = programme_access.get_programme(
        request, programme_id, need=Cap.REVIEW_CANDIDATE_WORK
    )
    viewer = require(request, Cap.REVIEW_CANDIDATE_WORK)
    return viewer, programme, profile_ensure(programme.candidate)
