"""From a consent id in the URL to the viewer's own consent: anyone else's, or missing → 404."""

from __future__ import annotations

from uuid import UUID

from django.http import Http404, HttpRequest

from springboard.privacy.models.consents import Consent
from springboard.tenancy.access import current_membership


def own_consent(request: HttpRequest, public_id: UUID) -> Consent:
    viewer = current_membership(request)
    consent = Consent.objects.filter(
        agency_id=viewer.agency_id, membership=viewer, public_id=public_id
    ).first()
    if consent is None:
        raise Http404
    return consent
