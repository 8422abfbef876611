"""From request ids to jobs objects.

Scope first, then capability. A candidate's applications, interviews and offers belong to that
candidate alone: anyone else gets the 404 of a missing id (coaches read them through
`get_candidate_for_review`). A vacancy is found among those the viewer may see
(`selectors.vacancies_visible_to`); out of scope → 404.
"""

from __future__ import annotations

from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from springboard.jobs.models import (
    Application,
    Interview,
    Offer,
    SavedSearch,
    TargetCompany,
    Vacancy,
)
from springboard.jobs.selectors import coaches_candidate, vacancies_visible_to
from springboard.jobs.tokens import search_id_of
from springboard.tenancy.access import current_membership
from springboard.tenancy.models import Agency, Membership
from springboard.tenancy.roles import Cap, Role


def get_vacancy(request: HttpRequest, public_id: UUID) -> Vacancy:
    viewer = current_membership(request)
    vacancy = vacancies_visible_to(viewer).filter(public_id=public_id).first()
    if vacancy is None:
        raise Http404
    return vacancy


def get_application(request: HttpRequest, public_id: UUID) -> Application:
    viewer = current_membership(request)
    application = (
        Application.objects.select_related("vacancy", "cv_version__cv", "letter_version__letter")
        .filter(owner=viewer, public_id=public_id)
        .first()
    )
    if application is None:
        raise Http404
    if not viewer.has(Cap.OWN_CANDIDATE_WORK):
        raise PermissionDenied
    return application


def get_interview(request: HttpRequest, public_id: UUID) -> Interview:
    viewer = current_membership(request)
    interview = (
        Interview.objects.select_related("application")
        .filter(application__owner=viewer, public_id=public_id)
        .first()
    )
    if interview is None:
        raise Http404
    if not viewer.has(Cap.OWN_CANDIDATE_WORK):
        raise PermissionDenied
    return interview


def get_offer(request: HttpRequest, public_id: UUID) -> Offer:
    viewer = current_membership(request)
    offer = (
        Offer.objects.select_related("application")
        .filter(application__owner=viewer, public_id=public_id)
        .first()
    )
    if offer is None:
        raise Http404
    if not viewer.has(Cap.OWN_CANDIDATE_WORK):
        raise PermissionDenied
    return offer


def get_target(request: HttpRequest, public_id: UUID) -> TargetCompany:
    viewer = current_membership(request)
    target = TargetCompany.objects.filter(owner=viewer, public_id=public_id).first()
    if target is None:
        raise Http404
    if not viewer.has(Cap.OWN_CANDIDATE_WORK):
        raise PermissionDenied
    return target


def get_candidate_for_review(request: HttpRequest, public_id: UUID) -> Membership:
    """A candidate of the viewer's agency whom the viewing coach coaches."""
    viewer = current_membership(request)
    candidate = (
        Membership.objects.select_related("user")
        .filter(agency=viewer.agency, public_id=public_id, role=Role.CANDIDATE)
        .first()
    )
    if candidate is None:
        raise Http404
    if not viewer.has(Cap.REVIEW_CANDIDATE_WORK):
        raise PermissionDenied
    if not coaches_candidate(viewer, candidate):
        raise Http404
    return candidate


def get_saved_search(request: HttpRequest, public_id: UUID) -> SavedSearch:
    viewer = current_membership(request)
    search = SavedSearch.objects.filter(owner=viewer, public_id=public_id).first()
    if search is None:
        raise Http404
    if not viewer.has(Cap.OWN_CANDIDATE_WORK):
        raise PermissionDenied
    return search


def get_saved_search_by_token(agency: Agency, token: str) -> SavedSearch:
    """The saved search an e-mailed unsubscribe link names, if its MAC holds for this agency;
    anything else (malformed, edited, another agency's, deleted) is a 404."""
    search_id = search_id_of(token, agency_slug=agency.slug)
    search = (
        SavedSearch.objects.select_related("owner")
        .filter(public_id=search_id, owner__agency=agency)
        .first()
        if search_id
        else None
    )
    if search is None:
        raise Http404
    return search
