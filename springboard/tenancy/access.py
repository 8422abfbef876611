"""The only way from request ids to objects: other agency or missing → 404, no capability → 403."""

from __future__ import annotations

from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from springboard.accounts.models import Invitation
from springboard.tenancy.models import Membership
from springboard.tenancy.roles import Cap


def current_membership(request: HttpRequest) -> Membership:
    membership = getattr(request, "membership", None)
    if membership is None:
        # Only reachable when a tenant view is wired outside /a/<agency>/; fail closed.
        raise Http404
    return membership


def require(request: HttpRequest, cap: Cap) -> Membership:
    membership = current_membership(request)
    if not membership.has(cap):
        raise PermissionDenied
    return membership


def get_membership(request: HttpRequest, public_id: UUID, *, need: Cap) -> Membership:
    viewer = current_membership(request)
    membership = (
        Membership.objects.select_related("user", "employer", "agency")
        .filter(agency=viewer.agency, public_id=public_id)
        .first()
    )
    if membership is None:
        raise Http404
    if not viewer.has(need):
        raise PermissionDenied
    return membership


def get_pending_invitation(request: HttpRequest, public_id: UUID, *, need: Cap) -> Invitation:
    """An invitation of the viewer's agency (open or not): another agency's or missing → 404."""
    viewer = current_membership(request)
    invitation = Invitation.objects.filter(agency=viewer.agency, public_id=public_id).first()
    if invitation is None:
        raise Http404
    if not viewer.has(need):
        raise PermissionDenied
    return invitation
