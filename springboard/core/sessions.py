"""The session engine (`SESSION_ENGINE`): Django's database sessions, stricter about cookies.

Django looks up any session cookie of eight characters or more. A cookie Django could never have
issued (with a NUL, which PostgreSQL refuses in a query, or any character outside the key
alphabet) is treated as no session at all, instead of reaching the database as a 500.
"""

from __future__ import annotations

from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore

_KEY_CHARACTERS = frozenset(VALID_KEY_CHARS)


class SessionStore(DatabaseSessionStore):
    def _validate_session_key(self, key: str | None) -> bool:
        # Django's own rule (a key of at least 8 characters), and only characters it issues.
        return key is not None and len(key) >= 8 and set(key) <= _KEY_CHARACTERS
