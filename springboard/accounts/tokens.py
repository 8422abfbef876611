"""Invitation tokens: signed, naming both the invitation and its agency."""

from __future__ import annotations

from uuid import UUID

from django.core import signing

_SALT = "springboard.accounts.invitation"


def invitation_token(*, invitation_id: UUID, agency_slug: str) -> str:
    return signing.dumps({"i": str(invitation_id), "a": agency_slug}, salt=_SALT, compress=True)


def read_invitation_token(token: str, *, agency_slug: str) -> UUID | None:
    """The invitation id if the token is genuine and was issued for this agency, else None."""
    try:
        payload = signing.loads(token, salt=_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict) or payload.get("a") != agency_slug:
        return None
    try:
        return UUID(str(payload.get("i")))
    except ValueError:
        return None
