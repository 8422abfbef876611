"""Writes about memberships: role changes and deactivation."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from springboard.accounts.models import User
from springboard.accounts.services import revoke_open_invitations
from springboard.lib.bulk import ids_by, insert_rows, random_uuid_hexes
from springboard.lib.errors import DomainError
from springboard.privacy.services import audit_record
from springboard.tenancy.models import Agency, Employer, Membership
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


# --- employers: the agency's clients (engagements build on them in the employers app) ------


@transaction.atomic
def employer_save(
    *,
    agency: Agency,
    actor: Membership,
    name: str,
    registration_number: str = "",
    employer: Employer | None = None,
) -> Employer:
    name = name.strip()
    duplicate = Employer.objects.filter(agency=agency, name__iexact=name)
    if employer is not None:
        duplicate = duplicate.exclude(pk=employer.pk)
    if duplicate.exists():
        raise DomainError(_("An employer with this name already exists."), field="name")
    created = employer is None
    employer = employer or Employer(agency=agency)
    employer.name, employer.registration_number = name, registration_number.strip()
    employer.full_clean()
    try:
        employer.save()
    except IntegrityError as exc:  # a concurrent duplicate that full_clean could not see yet
        raise DomainError(_("This name is already in use.")) from exc
    audit_record(
        agency=agency,
        actor=actor.user,
        action="employer.create" if created else "employer.update",
        target=employer,
    )
    return employer


# --- memberships in bulk (enrolment files) -----------------------------------------------------


def candidate_memberships_ensure(
    *, agency: Agency, people: Sequence[tuple[int, str, str]]
) -> dict[int, int]:
    """Membership ids by user id for (user id, name, language) of people enrolled in `agency`;
    a person without a membership here gets a candidate membership holding this agency's name
    and language. Existing memberships are not touched. Call inside a transaction."""
    user_ids = [user_id for user_id, _name, _language in people]
    membership_ids = dict(ids_by(Membership, "user_id", user_ids, agency=agency))
    new = [person for person in people if person[0] not in membership_ids]
    now = timezone.now()
    insert_rows(
        Membership,
        ("public_id", "agency", "user", "role", "is_active", "full_name", "language", "created_at"),
        (
            (public_id, agency.pk, user_id, Role.CANDIDATE, True, name, language, now)
            for public_id, (user_id, name, language) in zip(
                random_uuid_hexes(len(new)), new, strict=True
            )
        ),
    )
    membership_ids.update(ids_by(Membership, "user_id", [p[0] for p in new], agency=agency))
    return membership_ids


def unjoined_names_refresh(*, agency: Agency, people: dict[str, tuple[str, str]]) -> int:
    """A name and language from HR (by address) replace this agency's until the person accepts
    its invitation; afterwards the person's own word stands. Returns how many changed."""
    if not people:
        return 0
    memberships = Membership.objects.filter(
        agency=agency, user__email__in=list(people), joined_at__isnull=True
    ).select_related("user")
    changed = []
    for membership in memberships:
        name, language = people[membership.user.email]
        if (membership.full_name, membership.language) != (name, language):
            membership.full_name, membership.language = name, language
            changed.append(membership)
    Membership.objects.bulk_update(changed, ["full_name", "language"], batch_size=1000)
    return len(changed)
