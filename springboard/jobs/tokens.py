"""One-click unsubscribe links of job digests: one saved search of one agency, nothing else.

A token is the saved search's public id followed by an HMAC of that id and the agency's slug
under a salt used for nothing else, so the database and the task queue hold no working link and
a token edited to name another search, or opened under another agency, fails the MAC.
"""

from __future__ import annotations

import base64
import uuid

from django.utils.crypto import constant_time_compare, salted_hmac

_SALT = "springboard.jobs.digest.unsubscribe"
_ID_LENGTH = 32
_MAC_LENGTH = 22


def _mac(search_id: uuid.UUID, agency_slug: str) -> str:
    digest = salted_hmac(_SALT, f"{agency_slug}:{search_id.hex}", algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).decode()[:_MAC_LENGTH]


def unsubscribe_token(*, search_id: uuid.UUID, agency_slug: str) -> str:
    return search_id.hex + _mac(search_id, agency_slug)


def search_id_of(token: str, *, agency_slug: str) -> uuid.UUID | None:
    """The saved search a token was issued for under this agency, or None (malformed, edited,
    another agency's)."""
    if len(token) != _ID_LENGTH + _MAC_LENGTH:
        return None
    try:
        search_id = uuid.UUID(hex=token[:_ID_LENGTH])
    except ValueError:
        return None
    if not constant_time_compare(token[_ID_LENGTH:], _mac(search_id, agency_slug)):
        return None
    return search_id
