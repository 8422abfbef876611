"""Writes about accounts: invitations and their acceptance."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from springboard.accounts.models import Invitation, User
from springboard.accounts.tasks import send_invitation_email
from springboard.employers.models import Employer
from springboard.lib.errors import DomainError
from springboard.privacy.services import audit_record
from springboard.tenancy.models import Agency, Membership
from springboard.tenancy.roles import INVITABLE_ROLES, Role


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


@transaction.atomic
def invitation_accept(
    *,
    invitation: Invitation,
    user: User | None,
    full_name: str = "",
    password: str = "",
) -> Membership:
    """Turn an open invitation into a membership; a second acceptance finds it closed."""
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not locked.is_open:
        raise DomainError(_("This invitation has already been used or has expired."))
    if user is None:
        account = User.objects.filter(email__iexact=locked.email).first()
        if account is not None and account.has_usable_password():
            raise DomainError(_("Please log in to accept this invitation."))
        # Enrolled candidates already have an account without a password: they set it here.
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
    if membership is None:
        membership = Membership(agency=locked.agency, user=user)
    membership.role = locked.role
    membership.employer = locked.employer
    membership.is_active = True
    membership.deactivated_at = None
    membership.full_clean(validate_unique=False)
    membership.save()

    locked.accepted_at = timezone.now()
    locked.accepted_by = user
    locked.save(update_fields=["accepted_at", "accepted_by"])
    audit_record(
        agency=locked.agency,
        actor=user,
        action="invitation.accept",
        target=membership,
        data={"role": locked.role},
    )
    return membership
