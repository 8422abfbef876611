"""Request ids → identity providers: another agency's or missing → 404, not an admin → 403."""

from __future__ import annotations

from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from springboard.accounts.models import AgencyIdentityProvider
from springboard.tenancy.access import current_membership
from springboard.tenancy.roles import Cap


def get_idp(request: HttpRequest, public_id: UUID) -> AgencyIdentityProvider:
    viewer = current_membership(request)
    idp = (
        AgencyIdentityProvider.objects.select_related("agency")
        .filter(agency=viewer.agency, public_id=public_id)
        .first()
    )
    if idp is None:
        raise Http404
    if not viewer.has(Cap.MANAGE_MEMBERS):
        raise PermissionDenied
    return idp
