"""Reads of CVs and letters.

Scope: a candidate reads their own documents; a coach reads those of candidates whose programme
they coach (`coached_candidates`); admins and employer contacts read none of it. Staff reads are
audited by the caller (`access.py` does it when it resolves a document for a coach).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from django.db.models import Model, Prefetch, QuerySet

from springboard.cvs.models import (
    Cv,
    CvVersion,
    Letter,
    LetterVersion,
    LinkedInSuggestion,
    SuggestionState,
    VersionComment,
)
from springboard.privacy.services import audit_record
from springboard.programmes.selectors import programmes_visible_to
from springboard.tenancy.models import Membership
from springboard.tenancy.roles import Role


@dataclass(frozen=True)
class SentVersion:
    """One exact version of a CV or letter, as the job search app lists them for an application."""

    kind: str  # "cv" or "letter"
    public_id: UUID
    document_id: UUID
    title: str
    number: int
    language: str
    created_at: datetime


def versions_for(candidate: Membership) -> list[SentVersion]:
    """Every CV and letter version of the candidate, newest document first, newest version first."""
    cv_versions = CvVersion.objects.filter(
        cv__candidate=candidate, cv__agency_id=candidate.agency_id
    ).select_related("cv")
    letter_versions = LetterVersion.objects.filter(
        letter__candidate=candidate, letter__agency_id=candidate.agency_id
    ).select_related("letter")
    rows = [
        SentVersion(
            "cv", v.public_id, v.cv.public_id, v.cv.title, v.number, v.cv.language, v.created_at
        )
        for v in cv_versions
    ] + [
        SentVersion(
            "letter",
            v.public_id,
            v.letter.public_id,
            v.letter.title,
            v.number,
            v.letter.language,
            v.created_at,
        )
        for v in letter_versions
    ]
    rows.sort(key=lambda row: row.created_at, reverse=True)
    return rows


def cv_versions_for(candidate: Membership) -> QuerySet[CvVersion]:
    return CvVersion.objects.filter(
        cv__candidate=candidate, cv__agency_id=candidate.agency_id
    ).select_related("cv")


def letter_versions_for(candidate: Membership) -> QuerySet[LetterVersion]:
    return LetterVersion.objects.filter(
        letter__candidate=candidate, letter__agency_id=candidate.agency_id
    ).select_related("letter")


def coached_candidates(viewer: Membership) -> QuerySet[Membership]:
    """Candidates whose CVs the viewer may see besides their own: a coach's candidates."""
    if viewer.role != Role.COACH:
        return Membership.objects.none()
    return Membership.objects.filter(
        agency_id=viewer.agency_id,
        pk__in=programmes_visible_to(viewer).values("candidate_id"),
    )


def cvs_of(candidate: Membership) -> QuerySet[Cv]:
    return Cv.objects.filter(candidate=candidate, agency_id=candidate.agency_id)


def letters_of(candidate: Membership) -> QuerySet[Letter]:
    return Letter.objects.filter(candidate=candidate, agency_id=candidate.agency_id)


def latest_cv_version(cv: Cv) -> CvVersion | None:
    return cv.versions.order_by("-number").first()


def latest_letter_version(letter: Letter) -> LetterVersion | None:
    return letter.versions.order_by("-number").first()


def cv_versions_with_comments(cv: Cv) -> QuerySet[CvVersion]:
    return cv.versions.prefetch_related(
        Prefetch("comments", queryset=VersionComment.objects.select_related("author"))
    )


def letter_versions_with_comments(letter: Letter) -> QuerySet[LetterVersion]:
    return letter.versions.prefetch_related(
        Prefetch("comments", queryset=VersionComment.objects.select_related("author"))
    )


def open_linkedin_suggestions(candidate: Membership) -> QuerySet[LinkedInSuggestion]:
    return LinkedInSuggestion.objects.filter(candidate=candidate, state=SuggestionState.OPEN)


def staff_read_audit(
    *, viewer: Membership, candidate_id: int, action: str, target: Model, **data: Any
) -> None:
    """Record a coach's read of a candidate's CV or letter (the candidate's own reads are not
    staff reads and are not recorded)."""
    if viewer.pk == candidate_id:
        return
    audit_record(agency=viewer.agency, actor=viewer.user, action=action, target=target, data=data)


def export_audit(*, viewer: Membership, version: CvVersion) -> None:
    """Every JSON Resume export is recorded, the candidate's own included (an export leaves the
    platform)."""
    audit_record(
        agency=viewer.agency,
        actor=viewer.user,
        action="cv.export",
        target=version.cv,
        data={"version": version.number, "format": "json-resume"},
    )
