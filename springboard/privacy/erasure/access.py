"""Request ids to erasure requests: another agency's or missing → 404, no capability → 403."""

from __future__ import annotations

from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from springboard.privacy.models.erasure import ErasureRequest
from springboard.tenancy.access import current_membership
from springboard.tenancy.roles import Cap

# Erasure and the privacy settings are the agency admin's: the capability that lets them
# manage who belongs to the agency at all.
MANAGE_PRIVACY = Cap.MANAGE_MEMBERS
# Who may ask for their own data to be erased: the candidate.
REQUEST_ERASURE = Cap.VIEW_OWN_PROGRAMME


def get_request(request: HttpRequest, public_id: UUID) -> ErasureRequest:
    viewer = current_membership(request)
    found = (
        ErasureRequest.objects.select_related("membership__user", "agency", "handled_by")
        .filter(agency=viewer.agency, public_id=public_id)
        .first()
    )
    if found is None:
        raise Http404
    if not viewer.has(MANAGE_PRIVACY):
        raise PermissionDenied
    return found
