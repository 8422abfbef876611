"""Retention: how long after a person's last programme ends each kind of record is kept, and the
daily run that erases what is due.

A person is due for a kind when every programme they have in the agency is closed and the last
one closed more than that kind's number of days ago. The run is idempotent (erased rows are gone
or already anonymised, so a second run finds nothing) and its dry run counts exactly what the
real run erases.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from springboard.privacy.declarations import RetentionKind
from springboard.privacy.erasure.engine import erase_rows
from springboard.privacy.models import AuditEvent, PrivacySettings
from springboard.privacy.services import audit_record
from springboard.tenancy.models import Agency, Membership

# Two years for what a person's programme produced: it covers the 12-month aftercare check-ins,
# the default 12 months of alumni access, and the period in which a programme's invoice or
# outcome can still be disputed. Wellbeing check-ins are health-adjacent and needed by nobody
# once the programme is over: half a year. Consents and the audit log are the proof that the
# agency acted lawfully, kept for the five years such claims can be made.
DEFAULT_RETENTION_DAYS: dict[str, int] = {
    RetentionKind.ACCOUNT: 730,
    RetentionKind.PROFILE: 730,
    RetentionKind.ASSESSMENTS: 730,
    RetentionKind.CVS: 730,
    RetentionKind.JOB_SEARCH: 730,
    RetentionKind.NETWORK: 730,
    RetentionKind.COACHING: 730,
    RetentionKind.PLAN: 730,
    RetentionKind.WELLBEING: 180,
    RetentionKind.OUTCOMES: 730,
    RetentionKind.CONSENTS: 1825,
    RetentionKind.AUDIT: 1825,
}
# The programmes app sits above privacy: its programmes are reached through the membership's
# reverse relations by name. "closed" is ProgrammeStatus.CLOSED.
_CLOSED = "closed"


def retention_days(settings: PrivacySettings | None, kind: str) -> int:
    chosen = (settings.retention_days if settings is not None else {}).get(kind)
    return int(chosen) if chosen is not None else DEFAULT_RETENTION_DAYS[kind]


def settings_of(agency: Agency) -> PrivacySettings | None:
    return PrivacySettings.objects.filter(agency=agency).first()


def ended_memberships(agency: Agency) -> QuerySet[Membership]:
    """The agency's people whose programmes are all closed, with `ended_at`: when the last one
    closed."""
    return (
        Membership.objects.filter(agency=agency)
        .annotate(
            open_programmes=Count("programmes", filter=~Q(programmes__status=_CLOSED)),
            ended_at=Max(
                "programmes__transitions__created_at",
                filter=Q(programmes__transitions__to_status=_CLOSED),
            ),
        )
        .filter(open_programmes=0, ended_at__isnull=False)
        .select_related("user")
        .order_by("pk")
    )


@dataclass
class KindSummary:
    people: int = 0
    rows: int = 0
    files: int = 0


@dataclass
class AgencySummary:
    agency: str
    kinds: dict[str, KindSummary] = field(default_factory=dict)
    audit_events: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "agency": self.agency,
            "kinds": {kind: vars(summary) for kind, summary in sorted(self.kinds.items())},
            "audit_events": self.audit_events,
        }


def _due_kinds(
    settings: PrivacySettings | None, ended_on: datetime.date, today: datetime.date
) -> set[RetentionKind]:
    return {
        kind
        for kind in RetentionKind
        if kind != RetentionKind.AUDIT
        and ended_on + datetime.timedelta(days=retention_days(settings, kind)) < today
    }


def apply_retention_to(agency: Agency, *, today: datetime.date, dry_run: bool) -> AgencySummary:
    settings = settings_of(agency)
    summary = AgencySummary(agency=agency.slug)
    tz = timezone.get_current_timezone()
    for membership in ended_memberships(agency):
        ended_on = timezone.localtime(membership.ended_at, tz).date()  # type: ignore[attr-defined]
        kinds = _due_kinds(settings, ended_on, today)
        if not kinds:
            continue
        with transaction.atomic():
            erasure = erase_rows(membership, kinds=kinds, dry_run=dry_run)
            if erasure.total and not dry_run:
                audit_record(
                    agency=agency,
                    actor=None,
                    action="erasure.retention",
                    target=membership,
                    data={"kinds": sorted(erasure.by_kind()), **erasure.record()},
                )
        for kind, (rows, files) in erasure.by_kind().items():
            entry = summary.kinds.setdefault(kind, KindSummary())
            entry.people += 1
            entry.rows += rows
            entry.files += files
    cutoff = timezone.now() - datetime.timedelta(days=retention_days(settings, RetentionKind.AUDIT))
    old_events = AuditEvent.objects.filter(agency=agency, created_at__lt=cutoff)
    summary.audit_events = old_events.count()
    if not dry_run and summary.audit_events:
        old_events.delete()
    return summary


def apply_retention(*, today: datetime.date, dry_run: bool) -> list[AgencySummary]:
    """The daily run over every agency."""
    return [
        apply_retention_to(agency, today=today, dry_run=dry_run)
        for agency in Agency.objects.order_by("slug")
    ]
