"""Writes about API tokens: create (the one moment the plaintext exists) and revoke."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from allauth.mfa.utils import is_mfa_enabled
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from springboard.accounts.api_tokens.keys import new_token_text
from springboard.accounts.models import ApiToken, ApiTokenScope, User
from springboard.lib.errors import DomainError
from springboard.privacy.services import audit_record
from springboard.tenancy.models import Membership

DEFAULT_LIFETIME_DAYS = 90
MAX_LIFETIME_DAYS = 365
# Enough for every script a person runs; a cap keeps a hijacked session from minting thousands.
MAX_ACTIVE_TOKENS = 20


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    plaintext: str


def default_expiry_date() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=DEFAULT_LIFETIME_DAYS)


def latest_expiry_date() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=MAX_LIFETIME_DAYS)


def _end_of(day: datetime.date) -> datetime.datetime:
    """A token chosen to expire on a day works through that whole day (local time)."""
    start_of_next = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min)
    return timezone.make_aware(start_of_next)


def staff_without_mfa(membership: Membership) -> bool:
    """Staff reach other people's data, so their tokens need a second factor on the account:
    also in demo mode, where staff may otherwise skip enrolling one."""
    return membership.is_staff_role and not is_mfa_enabled(membership.user)


def active_tokens_of(membership: Membership) -> int:
    return ApiToken.objects.filter(
        membership=membership, revoked_at__isnull=True, expires_at__gt=timezone.now()
    ).count()


@transaction.atomic
def api_token_create(
    *, membership: Membership, actor: User, name: str, scope: str, expires_on: datetime.date
) -> IssuedToken:
    """A personal token of `actor` in `membership`'s agency. The plaintext is returned once."""
    if membership.user_id != actor.pk:
        # Tokens are personal: nobody, not even an admin, makes one that acts as someone else.
        raise DomainError(_("You can only create API tokens for yourself."))
    # Lock the membership so that two parallel requests cannot both pass the cap.
    Membership.objects.select_for_update().get(pk=membership.pk)
    if staff_without_mfa(membership):
        raise DomainError(
            _("Turn on two-factor authentication for your account before creating an API token.")
        )
    if scope not in ApiTokenScope.values:
        raise DomainError(_("Choose read only or read and write."), field="scope")
    if not timezone.localdate() < expires_on <= latest_expiry_date():
        raise DomainError(
            _("Choose an expiry date after today and at most one year ahead."), field="expires_on"
        )
    if active_tokens_of(membership) >= MAX_ACTIVE_TOKENS:
        raise DomainError(
            _("You have %(count)d active tokens, the most allowed. Revoke one you no longer use.")
            % {"count": MAX_ACTIVE_TOKENS}
        )
    text = new_token_text()
    token = ApiToken(
        membership=membership,
        name=name.strip(),
        scope=scope,
        role=membership.role,
        prefix=text.prefix,
        secret_hash=text.secret_hash,
        expires_at=_end_of(expires_on),
    )
    token.full_clean()
    token.save()
    audit_record(
        agency=membership.agency,
        actor=actor,
        action="api_token.create",
        target=token,
        data={"scope": scope, "prefix": token.prefix, "expires_at": token.expires_at.isoformat()},
    )
    return IssuedToken(token=token, plaintext=text.plaintext)


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor: User) -> ApiToken:
    """Revoke at once; revoking twice is harmless (the first revocation is the one recorded)."""
    locked = (
        ApiToken.objects.select_for_update().select_related("membership__agency").get(pk=token.pk)
    )
    if locked.revoked_at is None:
        locked.revoked_at = timezone.now()
        locked.revoked_by = actor
        locked.save(update_fields=["revoked_at", "revoked_by"])
        audit_record(
            agency=locked.membership.agency,
            actor=actor,
            action="api_token.revoke",
            target=locked,
            data={"prefix": locked.prefix, "by_owner": locked.membership.user_id == actor.pk},
        )
    return locked
