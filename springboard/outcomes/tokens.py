"""Aftercare check-in links: one check-in of one programme of one agency, nothing else.

A token is the check-in's public id followed by an HMAC of that id, its programme's id and the
agency's slug under a salt used for nothing else. The database stores state only (when it
expires, whether it was answered), so neither a backup nor the task queue holds a working link;
a token edited to name another check-in, or opened under another agency, fails the MAC.
"""

from __future__ import annotations

import base64
import uuid

from django.utils.crypto import constant_time_compare, salted_hmac

_SALT = "springboard.outcomes.checkin"
_ID_LENGTH = 32
_MAC_LENGTH = 22


def _mac(checkin_id: uuid.UUID, programme_id: uuid.UUID, agency_slug: str) -> str:
    message = f"{agency_slug}:{programme_id.hex}:{checkin_id.hex}"
    digest = salted_hmac(_SALT, message, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).decode()[:_MAC_LENGTH]


def checkin_token(*, checkin_id: uuid.UUID, programme_id: uuid.UUID, agency_slug: str) -> str:
    return checkin_id.hex + _mac(checkin_id, programme_id, agency_slug)


def checkin_id_of(token: str) -> uuid.UUID | None:
    """The check-in a token claims to be for (not yet verified), or None if malformed."""
    if len(token) != _ID_LENGTH + _MAC_LENGTH:
        return None
    try:
        return uuid.UUID(hex=token[:_ID_LENGTH])
    except ValueError:
        return None


def token_matches(
    token: str, *, checkin_id: uuid.UUID, programme_id: uuid.UUID, agency_slug: str
) -> bool:
    return constant_time_compare(
        token,
        checkin_token(checkin_id=checkin_id, programme_id=programme_id, agency_slug=agency_slug),
    )
