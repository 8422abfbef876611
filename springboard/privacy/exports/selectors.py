"""Reading exports: a person's own, and those an admin requested for members."""

from __future__ import annotations

from django.db.models import QuerySet

from springboard.privacy.models import ExportJob
from springboard.tenancy.models import Membership


def exports_of(membership: Membership) -> QuerySet[ExportJob]:
    return ExportJob.objects.filter(membership=membership).order_by("-created_at", "-pk")


def exports_requested_by(admin: Membership) -> QuerySet[ExportJob]:
    """Exports this admin started for members of their agency (not the admin's own)."""
    return (
        ExportJob.objects.select_related("membership__user")
        .filter(agency_id=admin.agency_id, requested_by_id=admin.user_id)
        .exclude(membership=admin)
        .order_by("-created_at", "-pk")
    )
