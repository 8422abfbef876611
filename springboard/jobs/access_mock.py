"""From request ids to mock interviews.

The candidate reaches their own mock interviews once shared (a draft, or anyone else's, is the
404 of a missing id). A coach reaches those of the programmes they coach: found in the agency,
then the capability (403), then "their coach" (404, like `access.get_candidate_for_review`).
Employer contacts lack both capabilities; other agencies never find the id.
"""

from __future__ import annotations

from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from springboard.jobs.models import MockInterview
from springboard.programmes.selectors import programmes_visible_to
from springboard.tenancy.access import current_membership
from springboard.tenancy.roles import Cap, Role


def get_shared_mock(request: HttpRequest, public_id: UUID) -> MockInterview:
    viewer = current_membership(request)
    mock = MockInterview.objects.filter(
        candidate=viewer, public_id=public_id, shared_at__isnull=False
    ).first()
    if mock is None:
        raise Http404
    if not viewer.has(Cap.OWN_CANDIDATE_WORK):
        raise PermissionDenied
    return mock


def get_mock_for_coach(request: HttpRequest, public_id: UUID) -> MockInterview:
    viewer = current_membership(request)
    mock = (
        MockInterview.objects.select_related("candidate__user", "interview__application")
        .filter(candidate__agency=viewer.agency, public_id=public_id)
        .first()
    )
    if mock is None:
        raise Http404
    if not viewer.has(Cap.REVIEW_CANDIDATE_WORK):
        raise PermissionDenied
    if (
        viewer.role != Role.COACH
        or not programmes_visible_to(viewer).filter(pk=mock.programme_id).exists()
    ):
        raise Http404
    return mock
