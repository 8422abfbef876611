"""Writing audit events. Services call `audit_record`; nothing updates or deletes an event."""

from __future__ import annotations

from typing import Any

from django.db import models

from springboard.accounts.models import User
from springboard.lib.request_context import current_request_id
from springboard.privacy.models import AuditEvent
from springboard.tenancy.models import Agency


def audit_record(
    *,
    agency: Agency | None,
    actor: User | None,
    action: str,
    target: models.Model | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    target_type = target._meta.label_lower if target is not None else ""
    target_id = str(getattr(target, "public_id", getattr(target, "pk", ""))) if target else ""
    return AuditEvent.objects.create(
        agency=agency,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        target_type=target_type,
        target_id=target_id,
        data=data or {},
        request_id=current_request_id.get(),
    )
