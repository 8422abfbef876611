"""The secret calendar address: a random token shown once in the address, its SHA-256 stored.
Regenerating replaces the hash (the old address stops working at once); revoking clears it."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from springboard.coaching.models import CalendarFeed
from springboard.coaching.tokens import new_token, token_hash
from springboard.privacy.services import audit_record
from springboard.tenancy.models import Membership


@transaction.atomic
def feed_regenerate(*, member: Membership) -> str:
    """A new secret address for the member; returns the token (never stored as such)."""
    token = new_token()
    CalendarFeed.objects.update_or_create(
        member=member, defaults={"token_sha256": token_hash(token), "created_at": timezone.now()}
    )
    audit_record(
        agency=member.agency, actor=member.user, action="coaching.feed_regenerate", target=member
    )
    return token


@transaction.atomic
def feed_revoke(*, member: Membership) -> bool:
    revoked = bool(
        CalendarFeed.objects.filter(member=member, token_sha256__isnull=False).update(
            token_sha256=None, created_at=None
        )
    )
    if revoked:
        audit_record(
            agency=member.agency, actor=member.user, action="coaching.feed_revoke", target=member
        )
    return revoked
