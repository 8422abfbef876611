"""Reads about agency identity providers."""

from __future__ import annotations

from django.db.models import QuerySet

from springboard.accounts.models import AgencyIdentityProvider
from springboard.tenancy.models import Agency


def identity_providers_of(agency: Agency) -> QuerySet[AgencyIdentityProvider]:
    return AgencyIdentityProvider.objects.filter(agency=agency).order_by("name", "created_at")


def enabled_identity_providers_of(agency: Agency) -> QuerySet[AgencyIdentityProvider]:
    return identity_providers_of(agency).filter(enabled=True)


def enabled_idp_by_key(key: str) -> AgencyIdentityProvider | None:
    return (
        AgencyIdentityProvider.objects.select_related("agency")
        .filter(key=key, enabled=True)
        .first()
    )
