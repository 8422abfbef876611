"""Writes about accounts: invitations, proof of the address, and acceptance.

A person is one global `User` (address, password, second factors) and one `Membership` per
agency (role, and the name and language that agency holds). Agencies create accounts without a
password when they enrol someone; whoever first sets that password owns the account in every
agency, so setting it needs proof of control of the address: the e-mailed link, or a code
e-mailed to the address when the link came from a printed sheet. See docs/architecture.md.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from springboard.accounts.models import Invitation, User
from springboard.accounts.tasks import send_invitation_code_email, send_invitation_email
from springboard.accounts.tokens import new_email_code, new_invitation_key
from springboard.lib.bulk import ids_by, insert_rows, random_uuid_hexes
from springboard.lib.errors import DomainError
from springboard.privacy.services import audit_record
from springboard.tenancy.models import Agency, Employer, Membership
from springboard.tenancy.roles import INVITABLE_ROLES, Role

CODE_VALID = timedelta(minutes=30)
CODE_RESEND_AFTER = timedelta(seconds=60)
CODE_MAX_SENDS = 5
CODE_MAX_ATTEMPTS = 5


@dataclass(frozen=True)
class Invitee:
    """Someone an agency invites: the address, and the name and language this agency holds."""

    email: str
    full_name: str = ""
    language: str = "en"


def unusable_password() -> str:
    """What `make_password(None)` stores, from one CSPRNG call instead of forty."""
    return UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30)


def accounts_ensure(people: Sequence[tuple[str, str]]) -> dict[str, int]:
    """User ids by address for (address, language) pairs, in bulk; an address without an account
    gets one without a password (and without a name: names are per agency, on memberships).
    Existing accounts are not touched. Call inside a transaction."""
    emails = [email for email, _language in people]
    user_ids = dict(ids_by(User, "email", emails))
    new = [(email, language) for email, language in people if email not in user_ids]
    now = timezone.now()
    insert_rows(
        User,
        (
            "password",
            "public_id",
            "email",
            "full_name",
            "language",
            "is_active",
            "date_joined",
            "session_generation",
        ),
        (
            (unusable_password(), public_id, email, "", language, True, now, 0)
            for public_id, (email, language) in zip(random_uuid_hexes(len(new)), new, strict=True)
        ),
    )
    user_ids.update(ids_by(User, "email", [email for email, _language in new]))
    return user_ids


@transaction.atomic
def invitation_create(
    *,
    agency: Agency,
    actor: User,
    email: str,
    role: str,
    full_name: str = "",
    employer: Employer | None = None,
    language: str = "en",
) -> Invitation:
    """A staff member's invitation from the members page: a new link replaces any open one."""
    if role not in INVITABLE_ROLES:
        raise DomainError(_("This role cannot be invited."), field="role")
    if role == Role.EMPLOYER_CONTACT and employer is None:
        raise DomainError(_("Choose the employer this contact works for."), field="employer")
    if role != Role.EMPLOYER_CONTACT:
        employer = None
    if employer is not None and employer.agency_id != agency.pk:
        raise DomainError(_("Choose the employer this contact works for."), field="employer")
    email = email.strip().lower()
    now = timezone.now()
    # Re-inviting replaces the open invitation, so only the newest link works.
    Invitation.objects.filter(
        agency=agency, email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=now)
    invitation = Invitation(
        agency=agency,
        email=email,
        full_name=full_name.strip(),
        role=role,
        employer=employer,
        language=language,
        invited_by=actor,
        expires_at=now + timedelta(days=settings.INVITATION_VALID_DAYS),
    )
    invitation.full_clean()
    invitation.save()
    audit_record(
        agency=agency,
        actor=actor,
        action="invitation.create",
        target=invitation,
        data={"role": role},
    )
    transaction.on_commit(
        partial(send_invitation_email.enqueue, invitation_id=str(invitation.public_id))
    )
    return invitation


def candidate_invitations_ensure(
    *, agency: Agency, invitees: Sequence[Invitee], actor: User | None
) -> list[str]:
    """The one path by which candidates get an invitation: enrolment one by one, a file import
    and the printed sheet all come here.

    Everyone listed ends up with exactly one open, unexpired invitation of this agency: a
    still-valid one is kept (its link may already be on paper or in a mailbox); an expired one
    is revoked and replaced. Returns the public ids of the invitations made now, to be e-mailed
    after commit. Call inside a transaction; a fixed number of statements for any count.
    """
    if not invitees:
        return []
    now = timezone.now()
    # An expired invitation can never be accepted; closing all of this agency's at once keeps
    # the one-open-per-address rule without a lookup by thousands of addresses.
    Invitation.objects.filter(
        agency=agency, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__lte=now
    ).update(revoked_at=now)
    still_valid = ids_by(
        Invitation,
        "email",
        [person.email for person in invitees],
        agency=agency,
        accepted_at=None,
        revoked_at=None,
    )
    needing = [person for person in invitees if person.email not in still_valid]
    expires = now + timedelta(days=settings.CANDIDATE_INVITATION_VALID_DAYS)
    public_ids = random_uuid_hexes(len(needing))
    insert_rows(
        Invitation,
        (
            "public_id",
            "key",
            "agency",
            "email",
            "full_name",
            "role",
            "language",
            "invited_by",
            "created_at",
            "expires_at",
            "code_hash",
            "code_sends",
            "code_attempts",
        ),
        (
            (
                public_id,
                new_invitation_key(),
                agency.pk,
                person.email,
                person.full_name,
                Role.CANDIDATE,
                person.language,
                actor.pk if actor else None,
                now,
                expires,
                "",
                0,
                0,
            )
            for public_id, person in zip(public_ids, needing, strict=True)
        ),
    )
    return public_ids


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, actor: User) -> Invitation:
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if locked.accepted_at is not None:
        raise DomainError(_("This invitation has already been accepted."))
    if locked.revoked_at is None:
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
        audit_record(
            agency=locked.agency,
            actor=actor,
            action="invitation.revoke",
            target=locked,
            data={"role": locked.role},
        )
    return locked


def revoke_open_invitations(*, agency: Agency, email: str) -> int:
    """Close every open invitation of one agency to one address (used on deactivation)."""
    return Invitation.objects.filter(
        agency=agency, email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())


def _code_hash(invitation: Invitation, code: str) -> str:
    return salted_hmac(
        "springboard.accounts.invitation.code", f"{invitation.key}:{code}", algorithm="sha256"
    ).hexdigest()


def account_needs_activation(invitation: Invitation) -> bool:
    """True when accepting would set the first password of the address's account."""
    account = User.objects.filter(email__iexact=invitation.email).first()
    return account is None or not account.has_usable_password()


@transaction.atomic
def invitation_send_code(*, invitation: Invitation) -> None:
    """E-mail a fresh code to the invited address, a few times at most and not too often."""
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not locked.is_open:
        raise DomainError(_("This invitation has already been used or has expired."))
    now = timezone.now()
    if locked.code_sent_at is not None and now - locked.code_sent_at < CODE_RESEND_AFTER:
        raise DomainError(_("A code was sent a moment ago. Please wait a minute for it."))
    if locked.code_sends >= CODE_MAX_SENDS:
        raise DomainError(
            _("Too many codes were requested. Ask your contact at the agency for a new invitation.")
        )
    code = new_email_code()
    locked.code_hash = _code_hash(locked, code)
    locked.code_sent_at = now
    locked.code_sends += 1
    locked.code_attempts = 0
    locked.save(update_fields=["code_hash", "code_sent_at", "code_sends", "code_attempts"])
    # The code travels only in the task's arguments of this one call, never to the database.
    transaction.on_commit(
        partial(send_invitation_code_email.enqueue, invitation_id=str(locked.public_id), code=code)
    )


def invitation_verify_code(*, invitation: Invitation, code: str) -> None:
    """Raise unless `code` is the latest code e-mailed for this invitation.

    The attempt is counted in a transaction of its own that commits before the refusal is
    raised, so a wrong code stays counted whatever the caller rolls back.
    """
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        usable = bool(
            locked.code_hash
            and locked.code_sent_at is not None
            and timezone.now() - locked.code_sent_at < CODE_VALID
            and locked.code_attempts < CODE_MAX_ATTEMPTS
        )
        right = usable and constant_time_compare(locked.code_hash, _code_hash(locked, code.strip()))
        if usable and not right:
            locked.code_attempts += 1
            locked.save(update_fields=["code_attempts"])
    if not usable:
        raise DomainError(
            _("Ask for a new code: this one has expired or was tried too often."), field="code"
        )
    if not right:
        raise DomainError(
            _("That code is not right. Check the latest e-mail and try again."), field="code"
        )


def invitation_accept(
    *,
    invitation: Invitation,
    user: User | None,
    full_name: str = "",
    password: str = "",
    mailbox_proven: bool = False,
    code: str = "",
) -> Membership:
    """Turn an open invitation into a membership; a second acceptance finds it closed.

    Signed in (`user`): the account's own address must be the invited one. Anonymous: only an
    account without a password can be activated here, and only with proof of the address: the
    e-mailed link (`mailbox_proven`) or the code e-mailed to it.
    """
    if user is None and not mailbox_proven:
        invitation_verify_code(invitation=invitation, code=code)
    proof = "signed_in" if user else ("mailbox" if mailbox_proven else "code")
    return _accept(
        invitation=invitation, user=user, full_name=full_name, password=password, proof=proof
    )


@transaction.atomic
def _accept(
    *, invitation: Invitation, user: User | None, full_name: str, password: str, proof: str
) -> Membership:
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not locked.is_open:
        raise DomainError(_("This invitation has already been used or has expired."))
    if user is None:
        account = User.objects.filter(email__iexact=locked.email).first()
        if account is not None and account.has_usable_password():
            raise DomainError(_("Please log in to accept this invitation."))
        account = account or User(email=locked.email, language=locked.language)
        account.full_name = full_name.strip() or account.full_name
        validate_password(password, account)
        account.set_password(password)
        account.full_clean()
        account.save()
        EmailAddress.objects.update_or_create(
            user=account, email=locked.email, defaults={"verified": True, "primary": True}
        )
        user = account
    elif user.email.lower() != locked.email.lower():
        raise DomainError(_("This invitation was sent to another e-mail address."))

    membership = (
        Membership.objects.select_for_update().filter(agency=locked.agency, user=user).first()
    )
    if membership is not None and membership.is_active and membership.role != locked.role:
        raise DomainError(_("You are already a member of this agency."))
    if (
        membership is not None
        and not membership.is_active
        and (membership.deactivated_at is None or locked.created_at <= membership.deactivated_at)
    ):
        # Only an invitation made after the deactivation can bring someone back.
        raise DomainError(_("Your access to this agency has ended. Please contact the agency."))
    if membership is None:
        membership = Membership(
            agency=locked.agency, user=user, language=locked.language, full_name=locked.full_name
        )
    membership.role = locked.role
    membership.employer = locked.employer
    membership.is_active = True
    membership.deactivated_at = None
    # The name the person gives (or already uses) is the one this agency holds from now on.
    membership.full_name = full_name.strip() or membership.full_name or user.full_name
    membership.joined_at = membership.joined_at or timezone.now()
    membership.full_clean(validate_unique=False)
    membership.save()

    locked.accepted_at = timezone.now()
    locked.accepted_by = user
    locked.code_hash = ""
    locked.save(update_fields=["accepted_at", "accepted_by", "code_hash"])
    audit_record(
        agency=locked.agency,
        actor=user,
        action="invitation.accept",
        target=membership,
        data={"role": locked.role, "proof": proof},
    )
    return membership
