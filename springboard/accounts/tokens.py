"""Invitation tokens: short enough to type from paper, useless without the server's secret.

A token is the invitation's random lookup key followed by an HMAC of that key and the agency's
slug. The database holds only the key, so neither a database copy nor the task queue yields a
working link, and a token only works under the agency that issued it.
"""

from __future__ import annotations

import base64
import secrets

from django.utils.crypto import constant_time_compare, salted_hmac

KEY_LENGTH = 10
MAC_LENGTH = 16
_SALT = "springboard.accounts.invitation"


def new_invitation_key() -> str:
    return secrets.token_urlsafe(8)[:KEY_LENGTH]


def _mac(key: str, agency_slug: str) -> str:
    digest = salted_hmac(_SALT, f"{agency_slug}:{key}", algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).decode()[:MAC_LENGTH]


def invitation_token(*, key: str, agency_slug: str) -> str:
    return key + _mac(key, agency_slug)


def read_invitation_token(token: str, *, agency_slug: str) -> str | None:
    """The lookup key if the token was issued for this agency, else None."""
    if len(token) != KEY_LENGTH + MAC_LENGTH:
        return None
    key, mac = token[:KEY_LENGTH], token[KEY_LENGTH:]
    return key if constant_time_compare(mac, _mac(key, agency_slug)) else None
