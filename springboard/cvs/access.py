"""From request ids to CVs, letters and their versions.

Scope first, then capability. A document is in scope for its candidate and for the coaches of
the candidate's programmes; for everybody else (admins and employer contacts included: they
never see a CV) it is a 404, like a missing id or another agency's. In scope, the action still
needs its capability: writing needs Cap.OWN_CANDIDATE_WORK (the candidate), commenting
Cap.REVIEW_CANDIDATE_WORK (a coach), so a coach opening the editor gets 403.
"""

from __future__ import annotations

from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest

from springboard.cvs.models import Cv, CvVersion, Letter, LetterVersion, LinkedInSuggestion
from springboard.cvs.selectors import coached_candidates
from springboard.programmes import access as programme_access
from springboard.programmes.models import Programme
from springboard.tenancy.access import current_membership
from springboard.tenancy.models import Membership
from springboard.tenancy.roles import Cap

# `need=READ`: the candidate reads their own documents, a coach those of their candidates.
READ = None


def _allowed(viewer: Membership, candidate_id: int, need: Cap | None) -> bool:
    if need is not None:
        return viewer.has(need)
    if candidate_id == viewer.pk:
        return viewer.has(Cap.OWN_CANDIDATE_WORK)
    return viewer.has(Cap.REVIEW_CANDIDATE_WORK)


def _in_scope(viewer: Membership, prefix: str = "") -> Q:
    """Candidates whose documents the viewer reaches: themself, or a coach's candidates."""
    return Q(**{f"{prefix}candidate": viewer}) | Q(
        **{f"{prefix}candidate__in": coached_candidates(viewer)}
    )


def _document[Document: (Cv, Letter)](
    request: HttpRequest, model: type[Document], public_id: UUID, need: Cap | None
) -> Document:
    viewer = current_membership(request)
    document = (
        model._default_manager.select_related("candidate__user", "agency")
        .filter(_in_scope(viewer), agency_id=viewer.agency_id, public_id=public_id)
        .first()
    )
    if document is None:
        raise Http404
    if not _allowed(viewer, document.candidate_id, need):
        raise PermissionDenied
    return document


def get_cv(request: HttpRequest, public_id: UUID, *, need: Cap | None) -> Cv:
    return _document(request, Cv, public_id, need)


def get_letter(request: HttpRequest, public_id: UUID, *, need: Cap | None) -> Letter:
    return _document(request, Letter, public_id, need)


def get_cv_version(request: HttpRequest, public_id: UUID, *, need: Cap | None) -> CvVersion:
    viewer = current_membership(request)
    version = (
        CvVersion.objects.select_related("cv__candidate__user", "cv__agency")
        .filter(_in_scope(viewer, "cv__"), cv__agency_id=viewer.agency_id, public_id=public_id)
        .first()
    )
    if version is None:
        raise Http404
    if not _allowed(viewer, version.cv.candidate_id, need):
        raise PermissionDenied
    return version


def get_letter_version(request: HttpRequest, public_id: UUID, *, need: Cap | None) -> LetterVersion:
    viewer = current_membership(request)
    version = (
        LetterVersion.objects.select_related("letter__candidate__user", "letter__agency")
        .filter(
            _in_scope(viewer, "letter__"),
            letter__agency_id=viewer.agency_id,
            public_id=public_id,
        )
        .first()
    )
    if version is None:
        raise Http404
    if not _allowed(viewer, version.letter.candidate_id, need):
        raise PermissionDenied
    return version


def coached_candidate(request: HttpRequest, programme_id: UUID) -> tuple[Programme, Membership]:
    """The candidate of a programme the viewing coach coaches (admins: 403, others: 404)."""
    programme = programme_access.get_programme(
        request, programme_id, need=Cap.REVIEW_CANDIDATE_WORK
    )
    return programme, programme.candidate


def candidate_for_import(request: HttpRequest, candidate_id: UUID | None) -> Membership:
    """Whose CV an import makes: the signed-in candidate, or a coached candidate named by id."""
    viewer = current_membership(request)
    if candidate_id is None:
        if not viewer.has(Cap.OWN_CANDIDATE_WORK):
            raise PermissionDenied
        return viewer
    candidate = (
        coached_candidates(viewer).select_related("user").filter(public_id=candidate_id).first()
    )
    if candidate is None:
        raise Http404
    if not viewer.has(Cap.REVIEW_CANDIDATE_WORK):
        raise PermissionDenied
    return candidate


def own_linkedin_suggestion(request: HttpRequest, public_id: UUID) -> LinkedInSuggestion:
    viewer = current_membership(request)
    suggestion = LinkedInSuggestion.objects.filter(candidate=viewer, public_id=public_id).first()
    if suggestion is None:
        raise Http404
    if not viewer.has(Cap.OWN_CANDIDATE_WORK):
        raise PermissionDenied
    return suggestion
