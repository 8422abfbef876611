"""From request ids and tokens to outcome objects (scope first, then capability)."""

from __future__ import annotations

from uuid import UUID

from django.http import Http404, HttpRequest

from springboard.outcomes.models import CheckIn
from springboard.outcomes.tokens import checkin_id_of, token_matches
from springboard.programmes import access as programme_access
from springboard.programmes.models import Programme
from springboard.tenancy.models import Agency
from springboard.tenancy.roles import Cap


def get_programme(request: HttpRequest, public_id: UUID, *, need: Cap) -> Programme:
    """A programme in the viewer's scope (programmes/access.py), 404 outside it, then 403."""
    return programme_access.get_programme(request, public_id, need=need)


def get_checkin(agency: Agency, token: str) -> CheckIn:
    """The check-in a link names, if its MAC holds for this agency and the check-in's own
    programme; anything else (malformed, edited, another agency's) is a 404."""
    checkin_id = checkin_id_of(token)
    if checkin_id is None:
        raise Http404
    checkin = (
        CheckIn.objects.select_related("programme__candidate", "programme__agency")
        .filter(agency=agency, public_id=checkin_id)
        .first()
    )
    if checkin is None or not token_matches(
        token,
        checkin_id=checkin.public_id,
        programme_id=checkin.programme.public_id,
        agency_slug=agency.slug,
    ):
        raise Http404
    return checkin
