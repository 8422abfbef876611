"""From requests to the candidate whose opportunities are shown.

The candidate reaches only their own (`Cap.OWN_CANDIDATE_WORK`). A coach reaches a candidate
through a programme they coach: `programmes.access.get_programme` resolves scope first (another
coach's candidate, another agency's programme or a missing id → 404), then the capability
(`Cap.REVIEW_CANDIDATE_WORK`: an admin, who sees every programme, gets 403).
"""

from __future__ import annotations

from uuid import UUID

from django.http import HttpRequest

from springboard.programmes.access import get_programme
from springboard.programmes.models import Programme
from springboard.tenancy.access import require
from springboard.tenancy.models import Membership
from springboard.tenancy.roles import Cap


def get_candidate(request: HttpRequest) -> Membership:
    return require(request, Cap.OWN_CANDIDATE_WORK)


def get_coached_programme(request: HttpRequest, public_id: UUID) -> Programme:
    return get_programme(request, public_id, need=Cap.REVIEW_CANDIDATE_WORK)
