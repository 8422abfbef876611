from __future__ import annotations

from django.http import Http404

from springboard.accounts.models import Invitation
from springboard.accounts.tokens import read_invitation_token
from springboard.tenancy.models import Agency


def get_invitation(agency: Agency, token: str) -> Invitation:
    """The invitation a token names, only within the agency of the URL; anything else is 404."""
    invitation_id = read_invitation_token(token, agency_slug=agency.slug)
    if invitation_id is None:
        raise Http404
    invitation = (
        Invitation.objects.select_related("agency", "employer")
        .filter(agency=agency, public_id=invitation_id)
        .first()
    )
    if invitation is None:
        raise Http404
    return invitation
