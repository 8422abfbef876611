"""Writing validated rows: bulk inserts and updates, a fixed number of queries per batch.

No password is hashed: imported people get an unusable password and set their own through the
single-use invitation link.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from springboard.accounts.models import Invitation, User
from springboard.employers.importing.validation import CleanRow
from springboard.employers.models import Cohort, Engagement, Enrolment
from springboard.tenancy.models import Membership
from springboard.tenancy.roles import Role

BATCH = 1000
ENROLMENT_FIELDS = (
    "phone",
    "employee_number",
    "job_title",
    "department",
    "location",
    "notice_date",
    "last_working_day",
)


@dataclass
class WriteSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    invitations: list[int] | None = None

    def as_dict(self) -> dict[str, int]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "invitations": len(self.invitations or []),
        }


def _chunks(items: list[str]) -> list[list[str]]:
    return [items[i : i + BATCH] for i in range(0, len(items), BATCH)]


def write_rows(
    *, engagement: Engagement, cohort: Cohort | None, rows: list[CleanRow], actor: User | None
) -> WriteSummary:
    """Create or update candidates for `rows`; call inside a transaction (all or nothing)."""
    agency = engagement.agency
    summary = WriteSummary(invitations=[])
    emails = [row.email for row in rows]

    users: dict[str, User] = {}
    for chunk in _chunks(emails):
        users.update({u.email: u for u in User.objects.filter(email__in=chunk)})
    new_users = [
        User(
            email=row.email,
            full_name=row.full_name,
            language=row.language,
            password=make_password(None),
        )
        for row in rows
        if row.email not in users
    ]
    User.objects.bulk_create(new_users, batch_size=BATCH)
    if new_users and any(u.pk is None for u in new_users):  # backends without RETURNING
        for chunk in _chunks([u.email for u in new_users]):
            users.update({u.email: u for u in User.objects.filter(email__in=chunk)})
    users.update({u.email: u for u in new_users if u.pk is not None})
    EmailAddress.objects.bulk_create(
        [
            EmailAddress(user=users[u.email], email=u.email, verified=False, primary=True)
            for u in new_users
        ],
        batch_size=BATCH,
    )

    user_ids = [users[email].pk for email in emails]
    memberships = {
        m.user_id: m for m in Membership.objects.filter(agency=agency, user_id__in=user_ids)
    }
    new_memberships = [
        Membership(agency=agency, user=users[row.email], role=Role.CANDIDATE)
        for row in rows
        if users[row.email].pk not in memberships
    ]
    Membership.objects.bulk_create(new_memberships, batch_size=BATCH)
    if any(m.pk is None for m in new_memberships):
        memberships = {
            m.user_id: m for m in Membership.objects.filter(agency=agency, user_id__in=user_ids)
        }
    else:
        memberships.update({m.user_id: m for m in new_memberships})

    enrolments = {
        e.candidate_id: e
        for e in Enrolment.objects.filter(
            engagement=engagement, candidate_id__in=[m.pk for m in memberships.values()]
        )
    }
    to_create: list[Enrolment] = []
    to_update: list[Enrolment] = []
    renamed: list[User] = []
    for row in rows:
        user = users[row.email]
        membership = memberships[user.pk]
        enrolment = enrolments.get(membership.pk)
        values = {key: getattr(row, key) for key in ENROLMENT_FIELDS}
        if enrolment is None:
            to_create.append(
                Enrolment(
                    agency=agency,
                    engagement=engagement,
                    cohort=cohort,
                    candidate=membership,
                    source_fingerprint=row.fingerprint,
                    **values,
                )
            )
        elif enrolment.source_fingerprint == row.fingerprint:
            summary.unchanged += 1
        else:
            for key, value in values.items():
                setattr(enrolment, key, value)
            enrolment.cohort = cohort or enrolment.cohort
            enrolment.source_fingerprint = row.fingerprint
            to_update.append(enrolment)
            # A name from HR only replaces one nobody has confirmed by signing in yet.
            if not user.has_usable_password() and (user.full_name, user.language) != (
                row.full_name,
                row.language,
            ):
                user.full_name, user.language = row.full_name, row.language
                renamed.append(user)
    Enrolment.objects.bulk_create(to_create, batch_size=BATCH)
    now = timezone.now()
    for enrolment in to_update:
        enrolment.updated_at = now  # bulk_update skips auto_now
    Enrolment.objects.bulk_update(
        to_update,
        [*ENROLMENT_FIELDS, "cohort", "source_fingerprint", "updated_at"],
        batch_size=BATCH,
    )
    User.objects.bulk_update(renamed, ["full_name", "language"], batch_size=BATCH)
    summary.created = len(to_create)
    summary.updated = len(to_update)

    newly_enrolled = {enrolment.candidate_id for enrolment in to_create}
    invitees = [
        user
        for user in (users[row.email] for row in rows)
        if memberships[user.pk].pk in newly_enrolled and not user.has_usable_password()
    ]
    summary.invitations = _invite(engagement=engagement, invitees=invitees, actor=actor)
    return summary


def _invite(*, engagement: Engagement, invitees: list[User], actor: User | None) -> list[int]:
    if not invitees:
        return []
    agency = engagement.agency
    now = timezone.now()
    already_open = set(
        Invitation.objects.filter(
            agency=agency,
            email__in=[u.email for u in invitees],
            accepted_at__isnull=True,
            revoked_at__isnull=True,
        ).values_list("email", flat=True)
    )
    invitations = [
        Invitation(
            agency=agency,
            email=user.email,
            full_name=user.full_name,
            role=Role.CANDIDATE,
            language=user.language,
            invited_by=actor,
            expires_at=now + timedelta(days=settings.CANDIDATE_INVITATION_VALID_DAYS),
        )
        for user in invitees
        if user.email not in already_open
    ]
    Invitation.objects.bulk_create(invitations, batch_size=BATCH)
    if any(i.pk is None for i in invitations):
        return list(
            Invitation.objects.filter(
                agency=agency,
                email__in=[i.email for i in invitations],
                accepted_at__isnull=True,
                revoked_at__isnull=True,
            ).values_list("pk", flat=True)
        )
    return [i.pk for i in invitations]
