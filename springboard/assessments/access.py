"""From request ids to assessment objects.

Lookup first, then capability: an instrument that does not exist, an attempt of another person
(or of another agency's membership) and a programme outside a coach's scope are all 404; only an
object the viewer may reach answers 403 for a role without the capability.
"""

from __future__ import annotations

from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from springboard.assessments.content import SPEC_BY_KEY
from springboard.assessments.models import Attempt, Instrument
from springboard.assessments.selectors import instruments
from springboard.programmes.access import get_programme
from springboard.programmes.models import Programme
from springboard.tenancy.access import current_membership
from springboard.tenancy.roles import Cap


def get_instrument(request: HttpRequest, key: str, *, need: Cap) -> Instrument:
    viewer = current_membership(request)
    instrument = instruments().filter(key=key).first()
    if instrument is None:
        raise Http404
    if not viewer.has(need):
        raise PermissionDenied
    return instrument


def get_instrument_or_pending(request: HttpRequest, key: str, *, need: Cap) -> Instrument | None:
    """An instrument by key, or None for one we ship that the agency has not imported yet (a
    plan task may already link to it); an unknown key is 404."""
    viewer = current_membership(request)
    instrument = instruments().filter(key=key).first()
    if instrument is None and key not in SPEC_BY_KEY:
        raise Http404
    if not viewer.has(need):
        raise PermissionDenied
    return instrument


def get_own_attempt(request: HttpRequest, public_id: UUID) -> Attempt:
    """One of the viewer's own attempts in this agency (the candidate's work)."""
    viewer = current_membership(request)
    attempt = (
        Attempt.objects.select_related("version__instrument", "candidate")
        .filter(candidate=viewer, public_id=public_id)
        .first()
    )
    if attempt is None:
        raise Http404
    if not viewer.has(Cap.OWN_CANDIDATE_WORK):
        raise PermissionDenied
    return attempt


def get_coached_programme(request: HttpRequest, programme_id: UUID) -> Programme:
    """A programme the coach coaches; admins reach it but lack the capability (403)."""
    return get_programme(request, programme_id, need=Cap.REVIEW_CANDIDATE_WORK)


def get_coached_attempt(
    request: HttpRequest, programme_id: UUID, attempt_id: UUID
) -> tuple[Programme, Attempt]:
    programme = get_coached_programme(request, programme_id)
    attempt = (
        Attempt.objects.select_related("version__instrument", "candidate")
        .filter(candidate=programme.candidate, public_id=attempt_id)
        .first()
    )
    if attempt is None:
        raise Http404
    return programme, attempt
