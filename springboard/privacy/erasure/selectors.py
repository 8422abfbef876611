"""Reads for the erasure pages."""

from __future__ import annotations

from django.db.models import QuerySet

from springboard.privacy.declarations import RetentionKind
from springboard.privacy.erasure.engine import erase_rows
from springboard.privacy.models.erasure import ErasureRequest, ErasureStatus
from springboard.tenancy.models import Agency, Membership


def erasure_requests(agency: Agency, *, status: str) -> QuerySet[ErasureRequest]:
    """The agency's requests in one status: open ones by deadline (most urgent first), handled
    ones newest first."""
    requests = ErasureRequest.objects.filter(agency=agency, status=status).select_related(
        "membership__user", "handled_by"
    )
    if status == ErasureStatus.OPEN:
        return requests.order_by("deadline", "pk")
    return requests.order_by("-handled_at", "-pk")


def open_request_count(agency: Agency) -> int:
    return ErasureRequest.objects.filter(agency=agency, status=ErasureStatus.OPEN).count()


def requests_of(membership: Membership) -> list[ErasureRequest]:
    return list(ErasureRequest.objects.filter(membership=membership).order_by("-requested_at"))


def erasure_preview(membership: Membership) -> list[tuple[str, int]]:
    """What carrying out an erasure would erase now, as (kind label, rows) in kind order:
    the real walk, in a dry run."""
    by_kind = erase_rows(membership, dry_run=True).by_kind()
    return [(str(kind.label), by_kind[kind][0]) for kind in RetentionKind if kind in by_kind]
