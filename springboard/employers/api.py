"""API for employers, engagements, cohorts and enrolment imports (agency admins). Every path
starts at the tenant; the employer contact's report is in springboard/programmes/api.py."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import File, Form, P, QueryEx, Router, Schema, Status, UploadedFile
from ninja.security import django_auth
from pydantic import field_validator

from springboard.employers import access, services
from springboard.employers.importing.reading import MAX_UPLOAD_BYTES
from springboard.employers.models import Cohort, Engagement, EnrolmentImport, ReportingLevel
from springboard.employers.selectors import (
    cohorts_of,
    employers_of,
    engagements_of,
)
from springboard.lib.api_errors import ERRORS, WRITE_ERRORS
from springboard.lib.dates import ApiDate
from springboard.lib.errors import DomainError
from springboard.tenancy import services as tenancy_services
from springboard.tenancy.access import current_membership, require
from springboard.tenancy.models import Employer
from springboard.tenancy.roles import Cap

router = Router(auth=django_auth, tags=["employers"])
MAX_PAGE = 200
MAX_OFFSET = 1_000_000  # far beyond any agency's list; keeps OFFSET inside the database's integers


class TextIn(Schema):
    """Input whose text may be stored: PostgreSQL text cannot hold NUL characters, so a NUL is a
    422 here rather than a database error (a 500) later."""

    @field_validator("*", mode="after")
    @classmethod
    def no_nul(cls, value: Any) -> Any:
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("must not contain NUL characters")
        return value


# The error responses every app's operations share: springboard/lib/api_errors.py.


@contextmanager
def model_rules() -> Iterator[None]:
    """A model rule the input schema cannot express (checked by `full_clean`) is a 400 naming the
    field, like a DomainError, instead of an unhandled ValidationError (a 500)."""
    try:
        yield
    except ValidationError as error:
        fields = list(getattr(error, "error_dict", {}))
        raise DomainError("; ".join(error.messages), field=fields[0] if fields else None) from error


class EmployerIn(TextIn):
    name: str
    registration_number: str = ""


class EmployerOut(Schema):
    id: UUID
    name: str
    registration_number: str
    created_at: datetime

    @staticmethod
    def of(employer: Employer) -> EmployerOut:
        return EmployerOut(
            id=employer.public_id,
            name=employer.name,
            registration_number=employer.registration_number,
            created_at=employer.created_at,
        )


class EngagementIn(TextIn):
    name: str
    start_date: ApiDate
    duration_months: int = 6
    budget_amount: Decimal = Decimal(0)
    budget_currency: str = "EUR"
    reporting_level: ReportingLevel = ReportingLevel.AGGREGATE


class EngagementOut(Schema):
    id: UUID
    employer_id: UUID
    name: str
    start_date: date
    duration_months: int
    budget_amount: Decimal
    budget_currency: str
    reporting_level: str

    @staticmethod
    def of(engagement: Engagement) -> EngagementOut:
        return EngagementOut(
            id=engagement.public_id,
            employer_id=engagement.employer.public_id,
            name=engagement.name,
            start_date=engagement.start_date,
            duration_months=engagement.duration_months,
            budget_amount=engagement.budget_amount,
            budget_currency=engagement.budget_currency,
            reporting_level=engagement.reporting_level,
        )


class CohortIn(TextIn):
    name: str
    notice_date: ApiDate
    expected_size: int = 0
    locations: str = ""


class CohortOut(Schema):
    id: UUID
    name: str
    notice_date: date
    expected_size: int
    locations: list[str]

    @staticmethod
    def of(cohort: Cohort) -> CohortOut:
        return CohortOut(
            id=cohort.public_id,
            name=cohort.name,
            notice_date=cohort.notice_date,
            expected_size=cohort.expected_size,
            locations=cohort.location_list,
        )


class RowErrorOut(Schema):
    row: int
    column: str
    message: str


class ImportOut(Schema):
    id: UUID
    file_name: str
    status: str
    total_rows: int
    processed_rows: int
    progress_percent: int
    mapping: dict[str, str]
    summary: dict[str, int]
    error_count: int
    errors: list[RowErrorOut]
    failure: str

    @staticmethod
    def of(upload: EnrolmentImport) -> ImportOut:
        return ImportOut(
            id=upload.public_id,
            file_name=upload.file_name,
            status=upload.status,
            total_rows=upload.total_rows,
            processed_rows=upload.processed_rows,
            progress_percent=upload.progress_percent,
            mapping={k: v for k, v in upload.mapping.items() if not k.startswith("_")},
            summary={k: int(v) for k, v in upload.summary.items()},
            error_count=len(upload.errors),
            errors=[RowErrorOut(**e) for e in upload.errors[:MAX_PAGE]],
            failure=upload.failure,
        )


def _page(offset: int, limit: int) -> slice:
    offset = max(offset, 0)
    return slice(offset, offset + min(max(limit, 1), MAX_PAGE))


@router.get(
    "/a/{agency_slug}/employers", response={200: list[EmployerOut], **ERRORS}, url_name="employers"
)
def employer_list(
    request: HttpRequest,
    agency_slug: str,
    q: str = "",
    offset: QueryEx[int, P(ge=0, le=MAX_OFFSET)] = 0,
    limit: QueryEx[int, P(ge=1, le=MAX_PAGE)] = 50,
) -> list[EmployerOut]:
    viewer = require(request, Cap.MANAGE_EMPLOYERS)
    search = q.replace("\x00", "")[:100]  # a search is forgiving: NULs dropped, long text cut
    return [
        EmployerOut.of(e) for e in employers_of(viewer.agency, search=search)[_page(offset, limit)]
    ]


@router.post("/a/{agency_slug}/employers", response={201: EmployerOut, **WRITE_ERRORS})
def employer_create(
    request: HttpRequest, agency_slug: str, payload: EmployerIn
) -> Status[EmployerOut]:
    viewer = require(request, Cap.MANAGE_EMPLOYERS)
    with model_rules():
        employer = tenancy_services.employer_save(
            agency=viewer.agency,
            actor=viewer,
            name=payload.name,
            registration_number=payload.registration_number,
        )
    return Status(201, EmployerOut.of(employer))


@router.get(
    "/a/{agency_slug}/employers/{employer_id}",
    response={200: EmployerOut, **ERRORS},
    url_name="employer",
)
def employer_detail(request: HttpRequest, agency_slug: str, employer_id: UUID) -> EmployerOut:
    return EmployerOut.of(access.get_employer(request, employer_id, need=Cap.MANAGE_EMPLOYERS))


@router.get(
    "/a/{agency_slug}/employers/{employer_id}/engagements",
    response={200: list[EngagementOut], **ERRORS},
    url_name="employer_engagements",
)
def engagement_list(
    request: HttpRequest, agency_slug: str, employer_id: UUID
) -> list[EngagementOut]:
    employer = access.get_employer(request, employer_id, need=Cap.MANAGE_EMPLOYERS)
    return [EngagementOut.of(e) for e in engagements_of(employer).select_related("employer")]


@router.post(
    "/a/{agency_slug}/employers/{employer_id}/engagements",
    response={201: EngagementOut, **WRITE_ERRORS},
)
def engagement_create(
    request: HttpRequest, agency_slug: str, employer_id: UUID, payload: EngagementIn
) -> Status[EngagementOut]:
    employer = access.get_employer(request, employer_id, need=Cap.MANAGE_EMPLOYERS)
    if not 3 <= payload.duration_months <= 12:
        raise DomainError("duration_months must be between 3 and 12.", field="duration_months")
    if payload.budget_amount < 0:
        raise DomainError("budget_amount must not be negative.", field="budget_amount")
    with model_rules():
        engagement = services.engagement_save(
            employer=employer,
            actor=current_membership(request),
            contacts=[],
            **payload.dict(),
        )
    return Status(201, EngagementOut.of(engagement))


@router.get(
    "/a/{agency_slug}/engagements/{engagement_id}",
    response={200: EngagementOut, **ERRORS},
    url_name="engagement",
)
def engagement_detail(request: HttpRequest, agency_slug: str, engagement_id: UUID) -> EngagementOut:
    return EngagementOut.of(
        access.get_engagement(request, engagement_id, need=Cap.MANAGE_EMPLOYERS)
    )


@router.get(
    "/a/{agency_slug}/engagements/{engagement_id}/cohorts",
    response={200: list[CohortOut], **ERRORS},
    url_name="engagement_cohorts",
)
def cohort_list(request: HttpRequest, agency_slug: str, engagement_id: UUID) -> list[CohortOut]:
    return [
        CohortOut.of(c)
        for c in cohorts_of(
            access.get_engagement(request, engagement_id, need=Cap.MANAGE_EMPLOYERS)
        )
    ]


@router.post(
    "/a/{agency_slug}/engagements/{engagement_id}/cohorts",
    response={201: CohortOut, **WRITE_ERRORS},
)
def cohort_create(
    request: HttpRequest, agency_slug: str, engagement_id: UUID, payload: CohortIn
) -> Status[CohortOut]:
    engagement = access.get_engagement(request, engagement_id, need=Cap.MANAGE_EMPLOYERS)
    if payload.expected_size < 0:
        raise DomainError("expected_size must not be negative.", field="expected_size")
    with model_rules():
        cohort = services.cohort_create(
            engagement=engagement, actor=current_membership(request), **payload.dict()
        )
    return Status(201, CohortOut.of(cohort))


@router.post(
    "/a/{agency_slug}/engagements/{engagement_id}/imports",
    response={201: ImportOut, **WRITE_ERRORS},
    url_name="engagement_imports",
)
def import_create(
    request: HttpRequest,
    agency_slug: str,
    engagement_id: UUID,
    file: File[UploadedFile],
    cohort_id: Form[UUID | None] = None,
    default_language: Form[str] = "en",
) -> Status[ImportOut]:
    """Upload an HR export. The file is stored after quick checks and read in the background:
    its columns are mapped automatically and every row is checked. Poll the import until its
    status is `validated` (or `uploaded` when a required column was not recognised, or `failed`
    with the reason in `failure`); `start` imports it, or retries a failed import."""
    engagement = access.get_engagement(request, engagement_id, need=Cap.MANAGE_EMPLOYERS)
    viewer = require(request, Cap.ENROL_CANDIDATES)
    cohort = None
    if cohort_id is not None:
        cohort = Cohort.objects.filter(engagement=engagement, public_id=cohort_id).first()
        if cohort is None:
            raise Http404
    if (file.size or 0) > MAX_UPLOAD_BYTES:
        raise DomainError("The file is larger than 5 MB.", field="file")
    if default_language not in {"en", "nl", "da", "nb"}:
        raise DomainError("default_language must be en, nl, da or nb.", field="default_language")
    upload = services.enrolment_import_receive(
        engagement=engagement,
        cohort=cohort,
        actor=viewer,
        file_name=file.name or "upload",
        content=file.read(),
        default_language=default_language,
    )
    return Status(201, ImportOut.of(upload))


@router.get(
    "/a/{agency_slug}/imports/{import_id}", response={200: ImportOut, **ERRORS}, url_name="import"
)
def import_detail(request: HttpRequest, agency_slug: str, import_id: UUID) -> ImportOut:
    return ImportOut.of(access.get_import(request, import_id, need=Cap.ENROL_CANDIDATES))


@router.post(
    "/a/{agency_slug}/imports/{import_id}/start",
    response={202: ImportOut, **WRITE_ERRORS},
    url_name="import_start",
)
def import_start(request: HttpRequest, agency_slug: str, import_id: UUID) -> Status[ImportOut]:
    """Import a checked file; a failed import is tried again from the step that failed."""
    upload = access.get_import(request, import_id, need=Cap.ENROL_CANDIDATES)
    upload = services.enrolment_import_start(upload=upload, actor=current_membership(request))
    upload.refresh_from_db()
    return Status(202, ImportOut.of(upload))
