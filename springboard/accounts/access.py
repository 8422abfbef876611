from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from springboard.accounts.models import Invitation, User
from springboard.accounts.tokens import read_invitation_token
from springboard.tenancy.models import Agency


@dataclass(frozen=True)
class OpenedInvitation:
    invitation: Invitation
    mailbox_proven: bool  # opened from the e-mail sent to the invited address


def get_invitation(agency: Agency, token: str) -> OpenedInvitation:
    """The invitation a token names, only within the agency of the URL; anything else is 404."""
    contents = read_invitation_token(token, agency_slug=agency.slug)
    if contents is None:
        raise Http404
    invitation = (
        Invitation.objects.select_related("agency", "employer")
        .filter(agency=agency, key=contents.key)
        .first()
    )
    if invitation is None:
        raise Http404
    return OpenedInvitation(invitation, contents.mailbox)


def signed_in_user(request: HttpRequest) -> User:
    """The signed-in person; LoginRequiredMiddleware has already sent anonymous visitors away."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user
