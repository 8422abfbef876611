"""Writes about enrolling candidates one by one, their consent, and day-0 invitations."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from springboard.accounts.models import Invitation
from springboard.accounts.services import Invitee, candidate_invitations_ensure
from springboard.accounts.tasks import send_invitation_emails
from springboard.employers.consents import PURPOSE as NAMED_REPORTING
from springboard.employers.consents import scope_label
from springboard.employers.importing.fields import FIELDS
from springboard.employers.importing.reading import (
    table_from_values,
)
from springboard.employers.importing.validation import (
    validate_table,
)
from springboard.employers.importing.writing import write_rows
from springboard.employers.invitation_sheet import SheetEntry
from springboard.employers.models import (
    Cohort,
    Engagement,
    Enrolment,
)
from springboard.employers.selectors import existing_people
from springboard.lib.errors import DomainError
from springboard.privacy.consents import services as consents
from springboard.privacy.services import audit_record
from springboard.tenancy.models import Membership
from springboard.tenancy.roles import Role

INVITATION_TASK_CHUNK = 500


def _enqueue_invitations(invitation_ids: list[str]) -> None:
    for start in range(0, len(invitation_ids), INVITATION_TASK_CHUNK):
        send_invitation_emails.enqueue(
            invitation_ids=invitation_ids[start : start + INVITATION_TASK_CHUNK]
        )


@transaction.atomic
def candidate_enrol(
    *, engagement: Engagement, cohort: Cohort | None, actor: Membership, values: dict[str, Any]
) -> Enrolment:
    """Enrol one person through the same validation and writer as a file import."""
    # Enrolments of one engagement are written one at a time (R2, docs/reliability.md): a
    # double-clicked or retried form waits here, then finds the person enrolled and is answered
    # like a re-import of an unchanged row, instead of failing on the unique constraint.
    Engagement.objects.select_for_update().filter(pk=engagement.pk).first()
    table = table_from_values(values)
    result = validate_table(
        table,
        {f.key: f.key for f in FIELDS},
        existing=existing_people(engagement, [values["email"]]),
        default_language=values.get("language") or "en",
    )
    if result.errors:
        error = result.errors[0]
        raise DomainError(f"{error.column}: {error.message}")
    summary = write_rows(engagement=engagement, cohort=cohort, rows=result.rows, actor=actor.user)
    enrolment = Enrolment.objects.select_related("candidate__user").get(
        engagement=engagement, candidate__user__email=result.rows[0].email
    )
    audit_record(
        agency=engagement.employer.agency,
        actor=actor.user,
        action="enrolment.create",
        target=enrolment,
        data=summary.as_dict(),
    )
    transaction.on_commit(partial(_enqueue_invitations, summary.invitations or []))
    return enrolment


@transaction.atomic
def enrolment_set_employer_consent(
    *, enrolment: Enrolment, actor: Membership, allowed: bool
) -> Enrolment:
    if enrolment.candidate_id != actor.pk:
        raise DomainError(_("Only the candidate can give this consent."))
    # The consent service records the change in the consent's history and the audit log.
    if allowed:
        consents.grant(
            actor=actor,
            purpose=NAMED_REPORTING,
            scope=enrolment.public_id,
            scope_label=scope_label(enrolment),
        )
    else:
        consents.withdraw(actor=actor, purpose=NAMED_REPORTING, scope=enrolment.public_id)
    return enrolment


def open_candidate_invitations(*, cohort: Cohort) -> list[SheetEntry]:
    """Open invitations of everyone enrolled in the cohort, for the printed day-0 sheet."""
    emails = list(
        Enrolment.objects.filter(cohort=cohort).values_list("candidate__user__email", flat=True)
    )
    invitations = (
        Invitation.objects.select_related("agency")
        .filter(
            agency_id=cohort.engagement.agency_id,
            email__in=emails,
            role=Role.CANDIDATE,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .order_by("full_name", "email")
    )
    employer_name = cohort.engagement.employer.name
    return [SheetEntry(invitation, employer_name) for invitation in invitations]


@transaction.atomic
def candidate_invitation_issue(*, enrolment: Enrolment, actor: Membership) -> SheetEntry:
    """The candidate's open invitation for the printed sheet, through the same path as
    enrolment: the open one, or a fresh one (e-mailed too) when the last has expired."""
    candidate = enrolment.candidate
    if candidate.joined_at is not None:
        # This agency's own facts only: whether the person joined *this* agency, under the name
        # this agency holds; nothing about their account or other agencies.
        raise DomainError(
            _("%(name)s has already accepted this agency's invitation; no invitation is needed.")
            % {"name": candidate.display_name}
        )
    made = candidate_invitations_ensure(
        agency=enrolment.agency,
        invitees=[Invitee(candidate.user.email, candidate.full_name, candidate.language)],
        actor=actor.user,
    )
    invitation = Invitation.objects.select_related("agency").get(
        agency_id=enrolment.agency_id,
        email=candidate.user.email,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
    )
    if made:
        audit_record(
            agency=enrolment.agency,
            actor=actor.user,
            action="invitation.create",
            target=invitation,
            data={"role": Role.CANDIDATE},
        )
        transaction.on_commit(partial(_enqueue_invitations, made))
    return SheetEntry(invitation, enrolment.engagement.employer.name)
