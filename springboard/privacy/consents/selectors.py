"""Reading consents. `has_consent` answers a feature's question at the moment it is asked;
`consented` is the same question as a subquery, for lists and aggregates."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db.models import Exists, Prefetch, QuerySet

from springboard.privacy.models.consents import Consent, ConsentEvent
from springboard.tenancy.models import Membership


def consent_for(membership: Membership, purpose: str, scope: UUID | None = None) -> Consent | None:
    """The person's consent record for a purpose and scope, granted or not (None: never asked)."""
    return Consent.objects.filter(
        agency_id=membership.agency_id, membership=membership, purpose=purpose, scope=scope
    ).first()


def granted_consent(
    membership: Membership, purpose: str, scope: UUID | None = None
) -> Consent | None:
    consent = consent_for(membership, purpose, scope)
    return consent if consent is not None and consent.granted else None


def has_consent(membership: Membership, purpose: str, scope: UUID | None = None) -> bool:
    return Consent.objects.filter(
        agency_id=membership.agency_id,
        membership=membership,
        purpose=purpose,
        scope=scope,
        granted=True,
    ).exists()


def consented(purpose: str, *, membership: Any, scope: Any = None) -> Exists:
    """Whether a granted consent exists, for use in querysets: `membership` and `scope` are
    expressions such as `OuterRef("candidate")` and `OuterRef("public_id")`."""
    consents = Consent.objects.filter(purpose=purpose, granted=True, membership=membership)
    if scope is None:
        return Exists(consents.filter(scope__isnull=True))
    return Exists(consents.filter(scope=scope))


def events_of(consent: Consent) -> QuerySet[ConsentEvent]:
    return consent.events.select_related("actor").order_by("-at", "-pk")


def consents_of(membership: Membership) -> list[Consent]:
    """Every consent the person was asked for in this agency, each with its history."""
    return list(
        Consent.objects.filter(agency_id=membership.agency_id, membership=membership)
        .prefetch_related(Prefetch("events", queryset=ConsentEvent.objects.select_related("actor")))
        .order_by("purpose", "scope_label", "pk")
    )
