"""Personal data held by the privacy app: the audit log, exports and erasure requests."""

from __future__ import annotations

from django.db.models import Model, QuerySet

from springboard.privacy.declarations import RetentionKind, personal_data
from springboard.privacy.models import AlumniNotice, AuditEvent, ErasureRequest, ExportJob
from springboard.privacy.models.consents import Consent, ConsentEvent


def _events_by(membership: Model) -> QuerySet[AuditEvent]:
    # What the person did in this agency. What others did to their data is found by
    # `selectors.events_about` (by target), which the export adds to audit.json as well.
    return AuditEvent.objects.filter(
        agency__memberships=membership.pk, actor__memberships=membership.pk
    )


personal_data(
    AuditEvent,
    subject=_events_by,
    export_as="audit",
    retention=RetentionKind.AUDIT,
    on_erase="keep",
    reason=(
        "the audit log is the agency's proof of who did what with personal data; the retention "
        "job removes events after the audit retention period"
    ),
    # Event details may quote other people's records; the export says when, who and what.
    exclude=("data", "request_id", "target_id"),
)
personal_data(
    ExportJob,
    subject="membership",
    export_as="requests",
    retention=RetentionKind.ACCOUNT,
    # The ZIPs of earlier exports are copies of this data: removed with the rows, not exported
    # again (springboard/privacy/exports/builder.py skips them).
    files=("file",),
)
personal_data(
    ErasureRequest,
    subject="membership",
    export_as="requests",
    retention=RetentionKind.ACCOUNT,
    # The admin's explanation of a refusal may quote the person; the record itself stays.
    on_erase="anonymise",
    anonymise={"refusal_text": ""},
    reason=(
        "the record of a request and of what was erased is the agency's proof that it answered; "
        "it holds counts of rows, no personal data"
    ),
)
personal_data(
    Consent,
    subject="membership",
    export_as="consents",
    retention=RetentionKind.CONSENTS,
    on_erase="delete",
)
personal_data(
    ConsentEvent,
    subject="consent__membership",
    export_as="consents",
    retention=RetentionKind.CONSENTS,
    on_erase="delete",
)
personal_data(
    AlumniNotice,
    subject="membership",
    # When the person was told their read-only access ends: part of their account's history.
    export_as="account",
    retention=RetentionKind.ACCOUNT,
    on_erase="delete",
)
