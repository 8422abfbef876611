"""Invitation tokens: short enough to type from paper, useless without the server's secret.

A token is the invitation's random lookup key followed by an HMAC of that key and the agency's
slug. The database holds only the key, so neither a database copy nor the task queue yields a
working link, and a token only works under the agency that issued it.

There are two kinds of token for the same invitation. The one in the e-mail is MACed with a
second salt: only the e-mail task ever makes it, so opening it proves control of the mailbox. The
printed day-0 sheet (which the agency's admin handles) carries the plain token, which proves
nothing about the mailbox: activating an account from it needs a code e-mailed to the address.
"""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass

from django.utils.crypto import constant_time_compare, salted_hmac

KEY_LENGTH = 10
MAC_LENGTH = 16
_SALT = "springboard.accounts.invitation"
_MAILBOX_SALT = "springboard.accounts.invitation.mailbox"


def new_invitation_key() -> str:
    return secrets.token_urlsafe(8)[:KEY_LENGTH]


def _mac(key: str, agency_slug: str, *, mailbox: bool) -> str:
    salt = _MAILBOX_SALT if mailbox else _SALT
    digest = salted_hmac(salt, f"{agency_slug}:{key}", algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).decode()[:MAC_LENGTH]


def invitation_token(*, key: str, agency_slug: str, mailbox: bool = False) -> str:
    """The link's token; `mailbox=True` only for the copy that is e-mailed to the address."""
    return key + _mac(key, agency_slug, mailbox=mailbox)


@dataclass(frozen=True)
class TokenContents:
    key: str
    mailbox: bool  # the token came from the e-mail sent to the invited address


def read_invitation_token(token: str, *, agency_slug: str) -> TokenContents | None:
    """The lookup key (and the token's kind) if issued for this agency, else None."""
    if len(token) != KEY_LENGTH + MAC_LENGTH:
        return None
    key, mac = token[:KEY_LENGTH], token[KEY_LENGTH:]
    for mailbox in (True, False):
        if constant_time_compare(mac, _mac(key, agency_slug, mailbox=mailbox)):
            return TokenContents(key, mailbox)
    return None


def new_email_code() -> str:
    """A six-digit code to type from an e-mail."""
    return f"{secrets.randbelow(1_000_000):06d}"
