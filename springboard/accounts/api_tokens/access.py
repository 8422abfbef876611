"""Request ids → tokens: another agency's or a missing token → 404; someone else's → 403."""

from __future__ import annotations

from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from springboard.accounts.models import ApiToken
from springboard.tenancy.access import current_membership
from springboard.tenancy.roles import Cap


def get_token_to_revoke(request: HttpRequest, public_id: UUID) -> ApiToken:
    """The owner revokes their own token; the agency's admin revokes any token of the agency."""
    viewer = current_membership(request)
    token = (
        ApiToken.objects.select_related("membership__agency")
        .filter(membership__agency=viewer.agency, public_id=public_id)
        .first()
    )
    if token is None:
        raise Http404
    if token.membership_id != viewer.pk and not viewer.has(Cap.MANAGE_MEMBERS):
        raise PermissionDenied
    return token
