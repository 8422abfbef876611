"""Writes about memberships: role changes and deactivation."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from springboard.accounts.models import User
from springboard.accounts.services import revoke_open_invitations
from springboard.employers.models import Employer
from springboard.lib.errors import DomainError
from springboard.privacy.services import audit_record
from springboard.tenancy.models import Membership
from springboard.tenancy.roles import Role


def _ensure_another_admin_remains(membership: Membership) -> None:
    others = (
        Membership.objects.filter(agency=membership.agency, role=Role.ADMIN, is_active=True)
        .exclude(pk=membership.pk)
        .exists()
    )
    if not others:
        raise DomainError(_("An agency needs at least one active admin."))


def end_sessions_of(user: User) -> None:
    """Every open session of the person fails its hash check on the next request."""
    User.objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)


@transaction.atomic
def membership_change_role(
    *, membership: Membership, actor: Membership, role: str, employer: Employer | None
) -> Membership:
    if membership.pk == actor.pk:
        raise DomainError(_("You cannot change your own role."), field="role")
    if role not in Role.values:
        raise DomainError(_("Choose a valid role."), field="role")
    if role == Role.EMPLOYER_CONTACT:
        if employer is None or employer.agency_id != membership.agency_id:
            raise DomainError(_("Choose the employer this contact works for."), field="employer")
    else:
        employer = None
    locked = Membership.objects.select_for_update().get(pk=membership.pk)
    if locked.role == Role.ADMIN and role != Role.ADMIN:
        _ensure_another_admin_remains(locked)
    previous = locked.role
    locked.role = role
    locked.employer = employer
    locked.full_clean(validate_unique=False)
    locked.save(update_fields=["role", "employer"])
    # What the person may see changes now, not when their session happens to expire.
    end_sessions_of(locked.user)
    audit_record(
        agency=locked.agency,
        actor=actor.user,
        action="membership.change_role",
        target=locked,
        data={"from": previous, "to": role},
    )
    return locked


@transaction.atomic
def membership_deactivate(*, membership: Membership, actor: Membership) -> Membership:
    if membership.pk == actor.pk:
        raise DomainError(_("You cannot deactivate yourself."))
    locked = Membership.objects.select_for_update().get(pk=membership.pk)
    if not locked.is_active:
        return locked
    if locked.role == Role.ADMIN:
        _ensure_another_admin_remains(locked)
    locked.is_active = False
    locked.deactivated_at = timezone.now()
    locked.save(update_fields=["is_active", "deactivated_at"])
    # A link still open would let the person bring themself back (accepting reactivates).
    revoke_open_invitations(agency=locked.agency, email=locked.user.email)
    end_sessions_of(locked.user)
    audit_record(
        agency=locked.agency,
        actor=actor.user,
        action="membership.deactivate",
        target=locked,
        data={"role": locked.role},
    )
    return locked


@transaction.atomic
def membership_reactivate(*, membership: Membership, actor: Membership) -> Membership:
    locked = Membership.objects.select_for_update().get(pk=membership.pk)
    if locked.is_active:
        return locked
    locked.is_active = True
    locked.deactivated_at = None
    locked.save(update_fields=["is_active", "deactivated_at"])
    audit_record(
        agency=locked.agency,
        actor=actor.user,
        action="membership.reactivate",
        target=locked,
        data={"role": locked.role},
    )
    return locked
