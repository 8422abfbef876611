"""The text of a token: `sbp_<prefix>_<secret>`; only the prefix and a hash are stored.

The secret has 256 random bits, so a plain SHA-256 is enough (no salt or slow hash needed: there
is nothing to guess), and the prefix finds the row without scanning every hash.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass

from django.utils.crypto import constant_time_compare

_TOKEN = re.compile(r"sbp_(?P<prefix>[0-9a-f]{12})_(?P<secret>[A-Za-z0-9_-]{43})")


@dataclass(frozen=True)
class TokenText:
    plaintext: str
    prefix: str
    secret_hash: str


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


def new_token_text() -> TokenText:
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    return TokenText(
        plaintext=f"sbp_{prefix}_{secret}", prefix=prefix, secret_hash=secret_hash(secret)
    )


def split_token(text: str) -> tuple[str, str] | None:
    """(prefix, secret) of a well-formed token, else None."""
    match = _TOKEN.fullmatch(text)
    if match is None:
        return None
    return match["prefix"], match["secret"]


def secret_matches(secret: str, stored_hash: str) -> bool:
    return constant_time_compare(secret_hash(secret), stored_hash)
