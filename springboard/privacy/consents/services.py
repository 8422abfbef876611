"""Granting and withdrawing consents: only by the person themself, always recorded in the
consent's history and in the audit log."""

from __future__ import annotations

from uuid import UUID

from django.db import models, transaction
from django.utils import timezone

from springboard.privacy.consents.wording import wording_of
from springboard.privacy.models.consents import Consent, ConsentEvent, ConsentEventKind
from springboard.privacy.services import audit_record
from springboard.tenancy.models import Membership


def _locked(actor: Membership, purpose: str, scope: UUID | None, scope_label: str) -> Consent:
    """The person's consent record, created on first ask and locked for the change. Locking the
    membership first serialises two clicks of the same person."""
    Membership.objects.select_for_update().filter(pk=actor.pk).first()
    consent, _created = Consent.objects.select_for_update().get_or_create(
        membership=actor,
        purpose=purpose,
        scope=scope,
        defaults={"agency_id": actor.agency_id, "scope_label": scope_label},
    )
    if scope_label and consent.scope_label != scope_label:
        consent.scope_label = scope_label
    return consent


def _record(consent: Consent, actor: Membership, kind: str) -> None:
    now = timezone.now()
    consent.granted = kind == ConsentEventKind.GRANTED
    consent.changed_at = now
    consent.save(update_fields=["granted", "changed_at", "scope_label"])
    ConsentEvent.objects.create(
        consent=consent,
        kind=kind,
        actor=actor.user,
        wording_version=wording_of(consent.purpose).version,
        at=now,
    )


@transaction.atomic
def grant(
    *, actor: Membership, purpose: str, scope: UUID | None = None, scope_label: str = ""
) -> Consent:
    """The person's consent to `purpose` (for `scope`); granting again changes nothing."""
    consent = _locked(actor, purpose, scope, scope_label)
    if consent.granted:
        return consent
    _record(consent, actor, ConsentEventKind.GRANTED)
    audit_record(
        agency=actor.agency,
        actor=actor.user,
        action="consent.grant",
        target=consent,
        data={"purpose": purpose, "wording_version": wording_of(purpose).version},
    )
    return consent


def _erase_held_records(consent: Consent) -> int:
    """Delete the records that may exist only under this consent (those with a foreign key to
    it, apart from its own history); returns how many went."""
    erased = 0
    for relation in Consent._meta.related_objects:
        model = relation.related_model
        if model is ConsentEvent or not isinstance(relation, models.ManyToOneRel):
            continue
        deleted, _detail = model._default_manager.filter(**{relation.field.name: consent}).delete()
        erased += deleted
    return erased


@transaction.atomic
def withdraw(*, actor: Membership, purpose: str, scope: UUID | None = None) -> int | None:
    """Withdraw the person's consent: what it allowed stops at once, and the records held only
    under it are deleted. Returns how many were deleted, or None if nothing was granted."""
    consent = (
        Consent.objects.select_for_update()
        .filter(membership=actor, purpose=purpose, scope=scope, granted=True)
        .first()
    )
    if consent is None:
        return None
    erased = _erase_held_records(consent)
    _record(consent, actor, ConsentEventKind.WITHDRAWN)
    audit_record(
        agency=actor.agency,
        actor=actor.user,
        action="consent.withdraw",
        target=consent,
        data={"purpose": purpose, "erased": erased},
    )
    return erased
