"""Personal data held by the accounts app (and the sign-in libraries it configures)."""

from __future__ import annotations

from allauth.account.models import EmailAddress, EmailConfirmation
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount, SocialToken
from django.db.models import Model, QuerySet

from springboard.accounts.models import ApiToken, Invitation, User
from springboard.privacy.declarations import RetentionKind, out_of_scope, personal_data

# The sign-in account is one per person and shared by all their agencies: erasure in one agency
# leaves it alone while another membership remains (the erasure service decides); its rows are
# reached through any membership of the person.
ACCOUNT_KEPT = (
    "belongs to the person's sign-in account, which all their agencies share; it goes when the "
    "account is erased after the last membership"
)

personal_data(
    User,
    subject="memberships",
    export_as="account",
    retention=RetentionKind.ACCOUNT,
    on_erase="anonymise",
    anonymise={"full_name": "", "is_active": False},
    exclude=("password", "session_generation"),
)


def _invitations(membership: Model) -> QuerySet[Invitation]:
    # Only the invitation this agency sent the person: another agency's invitation is not ours.
    return Invitation.objects.filter(
        agency__memberships=membership.pk, accepted_by__memberships=membership.pk
    )


personal_data(
    Invitation,
    subject=_invitations,
    export_as="account",
    retention=RetentionKind.ACCOUNT,
    on_erase="delete",
    # The key and the one-time code are secrets of the sign-up link.
    exclude=("key", "code_hash", "code_attempts", "code_sends"),
)
personal_data(
    EmailAddress,
    subject="user__memberships",
    export_as="account",
    retention=RetentionKind.ACCOUNT,
    # Rows shared with another membership of the person are never erased (erasure/engine.py).
    on_erase="delete",
    reason=ACCOUNT_KEPT,
)
out_of_scope(
    EmailConfirmation,
    reason=(
        "a short-lived confirmation key for an address exported with the account; allauth "
        "deletes it once used or expired, and the key is a secret"
    ),
)
personal_data(
    Authenticator,
    subject="user__memberships",
    export_as="account",
    retention=RetentionKind.ACCOUNT,
    # Rows shared with another membership of the person are never erased (erasure/engine.py).
    on_erase="delete",
    reason=ACCOUNT_KEPT,
    # The TOTP secret and recovery codes: the export says which second factors exist, never them.
    exclude=("data",),
)
personal_data(
    ApiToken,
    subject="membership",
    export_as="account",
    retention=RetentionKind.ACCOUNT,
    # A credential of this membership only: erasing the person in this agency removes it.
    on_erase="delete",
    # The hash of the secret is a credential too; the prefix names the token without it.
    exclude=("secret_hash",),
)
# Agency SSO (accounts/sso/): the link from an IdP's subject to the account, with the claims the
# IdP sent at the last sign-in (name, e-mail, amr/acr, SAML attributes).
personal_data(
    SocialAccount,
    subject="user__memberships",
    export_as="account",
    retention=RetentionKind.ACCOUNT,
    on_erase="delete",
    reason=ACCOUNT_KEPT,
)
out_of_scope(
    SocialToken,
    reason="never stored: SOCIALACCOUNT_STORE_TOKENS is off, SSO keeps no IdP access tokens",
)
