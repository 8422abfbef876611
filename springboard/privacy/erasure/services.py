"""Erasure of a person in one agency, erasure requests, and the agency's privacy settings."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from springboard.accounts.models import User
from springboard.lib.errors import DomainError
from springboard.privacy.erasure import emails
from springboard.privacy.erasure.engine import Erasure, erase_rows
from springboard.privacy.models import PrivacySettings
from springboard.privacy.models.erasure import ErasureRequest, ErasureStatus
from springboard.privacy.services import audit_record
from springboard.tenancy.models import Agency, Membership
from springboard.tenancy.roles import Role


def erase_person(
    membership: Membership, *, actor: User | None, request: ErasureRequest | None = None
) -> Erasure:
    """Erase everything this agency holds about the person: their rows deleted or anonymised
    (one transaction), their files removed once it commits, their membership deactivated and
    anonymised; their account too when no other agency knows them. The request (given, or
    the person's open one) is marked done with the counts and the person is told by e-mail."""
    if membership.role == Role.ADMIN and not (
        Membership.objects.filter(agency_id=membership.agency_id, role=Role.ADMIN, is_active=True)
        .exclude(pk=membership.pk)
        .exists()
    ):
        raise DomainError(_("An agency needs at least one active admin."))
    # Captured before the account may be anonymised: the confirmation goes to the address the
    # person asked from, in the language this agency writes to them in.
    address, language = membership.user.email, membership.language
    if request is None:
        # An erasure by other means (an operator) answers the person's open request too.
        request = ErasureRequest.objects.filter(
            membership=membership, status=ErasureStatus.OPEN
        ).first()
    with transaction.atomic():
        if request is not None:
            request = ErasureRequest.objects.select_for_update().get(pk=request.pk)
            if request.status != ErasureStatus.OPEN:
                raise DomainError(_("This request has already been handled."))
        erasure = erase_rows(membership, dry_run=False)
        if request is not None:
            request.status = ErasureStatus.DONE
            request.handled_by = actor
            request.handled_at = timezone.now()
            request.erased = erasure.record()
            request.save(update_fields=["status", "handled_by", "handled_at", "erased"])
            agency_name = membership.agency.name
            transaction.on_commit(
                lambda: emails.send_erasure_done(
                    address=address, language=language, agency_name=agency_name
                )
            )
        audit_record(
            agency=membership.agency,
            actor=actor,
            action="erasure.person",
            target=membership,
            data=erasure.record(),
        )
    return erasure


def erasure_request_create(*, membership: Membership, actor: User) -> ErasureRequest:
    """The person asks this agency to erase their data; asking again while a request is open
    returns the open one."""
    existing = ErasureRequest.objects.filter(
        membership=membership, status=ErasureStatus.OPEN
    ).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            request = ErasureRequest.objects.create(
                agency=membership.agency, membership=membership, requested_by=actor
            )
            audit_record(
                agency=membership.agency,
                actor=actor,
                action="erasure.request",
                target=request,
                data={"deadline": request.deadline.isoformat()},
            )
    except IntegrityError:
        # Two clicks at once: the other one created it.
        return ErasureRequest.objects.get(membership=membership, status=ErasureStatus.OPEN)
    return request


def erasure_request_refuse(
    *, request: ErasureRequest, actor: User, reason: str, text: str
) -> ErasureRequest:
    """Refuse the request on one of the fixed grounds; the data stays and the person is told
    why, in their language."""
    with transaction.atomic():
        locked = ErasureRequest.objects.select_for_update().get(pk=request.pk)
        if locked.status != ErasureStatus.OPEN:
            raise DomainError(_("This request has already been handled."))
        locked.status = ErasureStatus.REFUSED
        locked.refusal_reason = reason
        locked.refusal_text = text
        locked.handled_by = actor
        locked.handled_at = timezone.now()
        locked.save(
            update_fields=["status", "refusal_reason", "refusal_text", "handled_by", "handled_at"]
        )
        audit_record(
            agency=locked.agency,
            actor=actor,
            action="erasure.refuse",
            target=locked,
            data={"reason": reason},
        )
        locked_id = locked.pk
        transaction.on_commit(lambda: emails.send_erasure_refused(request_id=locked_id))
    return locked


def privacy_settings_save(
    *, agency: Agency, actor: User, alumni_months: int, retention_days: dict[str, int]
) -> PrivacySettings:
    with transaction.atomic():
        settings, _created = PrivacySettings.objects.select_for_update().get_or_create(
            agency=agency
        )
        before: dict[str, Any] = {
            "alumni_months": settings.alumni_months,
            "retention_days": dict(settings.retention_days),
        }
        settings.alumni_months = alumni_months
        settings.retention_days = dict(sorted(retention_days.items()))
        settings.save(update_fields=["alumni_months", "retention_days", "updated_at"])
        after = {"alumni_months": alumni_months, "retention_days": settings.retention_days}
        audit_record(
            agency=agency,
            actor=actor,
            action="privacy.settings_update",
            target=settings,
            data={"from": before, "to": after},
        )
    return settings
