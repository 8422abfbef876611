"""API for the agency's people: open invitations, and withdrawing one (agency admins)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from django.http import HttpRequest
from ninja import P, QueryEx, Router, Schema
from ninja.security import django_auth

from springboard.accounts import services as account_services
from springboard.accounts.access import signed_in_user
from springboard.accounts.models import Invitation
from springboard.lib.api_errors import ERRORS, WRITE_ERRORS
from springboard.tenancy import access
from springboard.tenancy.roles import Cap
from springboard.tenancy.selectors import pending_invitations

router = Router(auth=django_auth, tags=["people"])
MAX_PAGE = 200


class InvitationOut(Schema):
    id: UUID
    email: str
    full_name: str
    role: str
    employer_id: UUID | None
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    accepted_at: datetime | None

    @staticmethod
    def of(invitation: Invitation) -> InvitationOut:
        return InvitationOut(
            id=invitation.public_id,
            email=invitation.email,
            full_name=invitation.full_name,
            role=invitation.role,
            employer_id=invitation.employer.public_id if invitation.employer else None,
            created_at=invitation.created_at,
            expires_at=invitation.expires_at,
            revoked_at=invitation.revoked_at,
            accepted_at=invitation.accepted_at,
        )


@router.get(
    "/a/{agency_slug}/invitations",
    response={200: list[InvitationOut], **ERRORS},
    url_name="invitations",
)
def invitation_list(
    request: HttpRequest,
    agency_slug: str,
    offset: QueryEx[int, P(ge=0, le=1_000_000)] = 0,
    limit: QueryEx[int, P(ge=1, le=MAX_PAGE)] = 50,
) -> list[InvitationOut]:
    """Invitations that can still be accepted, newest first."""
    viewer = access.require(request, Cap.MANAGE_MEMBERS)
    page = pending_invitations(viewer.agency)[offset : offset + limit]
    return [InvitationOut.of(invitation) for invitation in page]


@router.post(
    "/a/{agency_slug}/invitations/{invitation_id}/revoke",
    response={200: InvitationOut, **WRITE_ERRORS},
    url_name="invitation_revoke",
)
def invitation_revoke(request: HttpRequest, agency_slug: str, invitation_id: UUID) -> InvitationOut:
    """Withdraw an invitation: its link stops working at once. Revoking twice is harmless."""
    invitation = access.get_pending_invitation(request, invitation_id, need=Cap.MANAGE_MEMBERS)
    revoked = account_services.invitation_revoke(
        invitation=invitation, actor=signed_in_user(request)
    )
    return InvitationOut.of(revoked)
