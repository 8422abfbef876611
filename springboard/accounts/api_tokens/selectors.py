"""Reads about API tokens, always starting from the tenant."""

from __future__ import annotations

from django.db.models import QuerySet

from springboard.accounts.models import ApiToken
from springboard.tenancy.models import Agency, Membership


def tokens_of(membership: Membership) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(membership=membership).order_by("-created_at")


def tokens_of_agency(agency: Agency) -> QuerySet[ApiToken]:
    """Every token made in the agency, for its admin (names and dates only: no secret exists)."""
    return (
        ApiToken.objects.filter(membership__agency=agency)
        .select_related("membership__user")
        .order_by("-created_at")
    )
