"""The cvs app over the API (mounted under /api/v1/): JSON Resume import and export.

The import reads the body itself (not through a schema) so that a body over the size limit is
refused with 413 before it is parsed, and a bad document gets a 400 naming the JSON path at
fault; either way nothing is created. A candidate imports for themself; a coach names a
candidate they coach with `?candidate=<membership id>`.
"""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

from django.conf import settings
from django.http import HttpRequest
from django.http.request import RawPostDataException
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.security import django_auth

from springboard.cvs import access, selectors
from springboard.cvs.services.json_resume import (
    JsonResumeError,
    cv_import_json_resume,
    from_content,
)
from springboard.lib.api_errors import ERRORS, WRITE_ERRORS, ErrorOut
from springboard.lib.errors import DomainError
from springboard.tenancy.access import current_membership, require
from springboard.tenancy.roles import Cap

router = Router(auth=django_auth, tags=["cvs"])

# Far above any real CV, and below Django's DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB), whose larger
# bodies the NUL-checking middleware refuses before this view runs.
# Above Django's 2.5 MB for other requests: a JSON Resume with 5 MB of text in one field gets a
# 400 naming that field; only a larger body is refused whole (413).
MAX_BODY_BYTES = 8 * 1024 * 1024
LANGUAGE_CODES = frozenset(code for code, _name in settings.LANGUAGES)


class JsonResumeImportOut(Schema):
    id: UUID
    version: int
    not_kept: list[str]


class VersionOut(Schema):
    kind: str
    id: UUID
    document_id: UUID
    title: str
    number: int
    language: str


def _body(request: HttpRequest) -> bytes | None:
    """The raw body, or None when it is over the limit (announced or actual)."""
    try:
        announced = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        announced = 0
    if announced > MAX_BODY_BYTES:
        return None
    try:
        raw = request.read(MAX_BODY_BYTES + 1)
    except RawPostDataException:
        raw = request.body
    return None if len(raw) > MAX_BODY_BYTES else raw


@router.post(
    "/a/{agency_slug}/cvs/import/json-resume",
    response={201: JsonResumeImportOut, 413: ErrorOut, **WRITE_ERRORS},
    url_name="cvs_import_json_resume",
    openapi_extra={
        "requestBody": {
            "required": True,
            "description": "A JSON Resume (schema v1.0.0) document.",
            "content": {"application/json": {"schema": {"type": "object"}}},
        }
    },
)
def import_json_resume(
    request: HttpRequest,
    agency_slug: str,
    candidate: UUID | None = None,
    language: str | None = None,
) -> Any:
    owner = access.candidate_for_import(request, candidate)
    viewer = current_membership(request)
    raw = _body(request)
    if raw is None:
        return Status(413, ErrorOut(detail=_("The document is too large.")))
    if language is not None and language not in LANGUAGE_CODES:
        return Status(400, ErrorOut(detail=_("Unknown language."), field="language"))
    try:
        document = json.loads(raw)
    except (ValueError, RecursionError):
        return Status(400, ErrorOut(detail=_("This is not valid JSON."), field="$"))
    try:
        cv, not_kept = cv_import_json_resume(
            candidate=owner,
            saved_by=viewer,
            document=document,
            language=language or owner.language,
        )
    except JsonResumeError as error:
        return Status(400, ErrorOut(detail=str(error.message), field=error.path))
    except DomainError as error:
        return Status(400, ErrorOut(detail=error.message, field=error.field))
    return Status(
        201, JsonResumeImportOut(id=cv.public_id, version=cv.latest_number, not_kept=not_kept)
    )


@router.get(
    "/a/{agency_slug}/cvs/{cv_id}/json-resume",
    response={200: dict[str, Any], **ERRORS},
    url_name="cvs_export_json_resume",
)
def export_json_resume(
    request: HttpRequest, agency_slug: str, cv_id: UUID, version: int | None = None
) -> Any:
    """The latest version (or version number `version`) as a JSON Resume document."""
    viewer = current_membership(request)
    cv = access.get_cv(request, cv_id, need=access.READ)
    chosen = cv.versions.filter(number=version).first() if version else None
    chosen = chosen or selectors.latest_cv_version(cv)
    if chosen is None or (version and chosen.number != version):
        return Status(404, ErrorOut(detail=_("No such version.")))
    selectors.export_audit(viewer=viewer, version=chosen)
    return from_content(chosen.content)


@router.get(
    "/a/{agency_slug}/cvs/versions",
    response={200: list[VersionOut], **ERRORS},
    url_name="cvs_versions",
)
def versions(request: HttpRequest, agency_slug: str) -> list[VersionOut]:
    """The signed-in candidate's CV and letter versions, newest first (what an application can
    point at)."""
    viewer = require(request, Cap.OWN_CANDIDATE_WORK)
    return [
        VersionOut(
            kind=row.kind,
            id=row.public_id,
            document_id=row.document_id,
            title=row.title,
            number=row.number,
            language=row.language,
        )
        for row in selectors.versions_for(viewer)
    ]
