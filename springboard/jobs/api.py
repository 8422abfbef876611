"""The jobs app over the API (mounted under /api/v1/): vacancies (list, read, feed import),
jobs for you, and the candidate's applications with their stages, interviews and offers; the
coach's read of a candidate's pipeline. Same access layer and rules as the pages."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Annotated
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import get_language
from ninja import File, Router, Schema, Status, UploadedFile
from ninja.security import django_auth
from pydantic import Field

from springboard.cvs.selectors import cv_versions_for, letter_versions_for
from springboard.employers.api import TextIn
from springboard.jobs import access, selectors, services
from springboard.jobs.access_mock import get_mock_for_coach
from springboard.jobs.forms import MAX_UPLOAD_BYTES
from springboard.jobs.mock_reads import MAX_LISTED as MAX_MOCKS_LISTED
from springboard.jobs.mock_reads import mock_view, mocks_for_coach, shared_mocks_of
from springboard.jobs.models import (
    Application,
    CompanySize,
    DigestFrequency,
    Interview,
    InterviewKind,
    InterviewOutcome,
    LossReason,
    MockInterview,
    SavedSearch,
    Vacancy,
)
from springboard.jobs.models import Status as ApplicationStatus
from springboard.jobs.services import mock_interviews as services_mock
from springboard.lib.api_errors import ERRORS, WRITE_ERRORS
from springboard.lib.dates import ApiDate
from springboard.lib.errors import DomainError
from springboard.outcomes.models import Contract, PayComparison
from springboard.privacy.services import audit_record
from springboard.taxonomy.selectors import reader_lang
from springboard.tenancy.access import current_membership, require
from springboard.tenancy.models import Membership
from springboard.tenancy.roles import Cap

router = Router(auth=django_auth, tags=["jobs"])

Text = Annotated[str, Field(max_length=300)]
Query = Annotated[str, Field(max_length=100)]


def _keeper(request: HttpRequest) -> tuple[Membership, Membership | None]:
    viewer = current_membership(request)
    if viewer.has(Cap.OWN_CANDIDATE_WORK):
        return viewer, viewer
    if viewer.has(Cap.VIEW_CASELOAD):
        return viewer, None
    raise PermissionDenied


class VacancyOut(Schema):
    id: UUID
    title: str
    employer: str
    place: str
    region: str
    description: str
    url: str
    employment_type: str
    hours_per_week: Decimal | None
    salary_min: Decimal | None
    salary_max: Decimal | None
    salary_currency: str
    salary_period: str
    date_posted: datetime.date | None
    valid_through: datetime.date | None
    own: bool  # a candidate's own vacancy (not agency-wide)

    @staticmethod
    def of(vacancy: Vacancy) -> VacancyOut:
        return VacancyOut(
            id=vacancy.public_id,
            title=vacancy.title,
            employer=vacancy.employer,
            place=vacancy.place,
            region=vacancy.region,
            description=vacancy.description,
            url=vacancy.url,
            employment_type=vacancy.employment_type,
            hours_per_week=vacancy.hours_per_week,
            salary_min=vacancy.salary_min,
            salary_max=vacancy.salary_max,
            salary_currency=vacancy.salary_currency,
            salary_period=vacancy.salary_period,
            date_posted=vacancy.date_posted,
            valid_through=vacancy.valid_through,
            own=vacancy.owner_id is not None,
        )


@router.get(
    "/a/{agency_slug}/jobs/vacancies",
    response={200: list[VacancyOut], **ERRORS},
    url_name="jobs_vacancies",
)
def vacancy_list(
    request: HttpRequest,
    agency_slug: str,
    q: Query = "",
    place: Query = "",
    sort: Annotated[str, Field(pattern="^(new|title|employer|closing)$")] = "new",
    offset: Annotated[int, Field(ge=0, le=1_000_000)] = 0,
    limit: Annotated[int, Field(ge=1, le=500)] = 100,
) -> list[VacancyOut]:
    """Open vacancies the viewer may see (agency-wide; a candidate's own too)."""
    viewer, _owner = _keeper(request)
    found = selectors.vacancy_search(
        selectors.vacancies_visible_to(viewer),
        query=q.replace("\x00", ""),
        place=place.replace("\x00", ""),
        sort=sort,
        today=timezone.localdate(),
    )
    return [VacancyOut.of(v) for v in found[offset : offset + limit]]


class RejectedOut(Schema):
    file: str
    item: int
    reason: str


class ImportSummaryOut(Schema):
    created: int
    updated: int
    unchanged: int
    duplicates: int
    rejected: list[RejectedOut]


@router.post(
    "/a/{agency_slug}/jobs/vacancies/import",
    response={200: ImportSummaryOut, **WRITE_ERRORS},
    url_name="jobs_vacancy_import",
)
def vacancy_import(
    request: HttpRequest, agency_slug: str, file: File[UploadedFile | None] = None
) -> ImportSummaryOut:
    """Import a JobPosting feed (JSON/JSON-LD, a saved HTML page, or CSV; at most 20 MB):
    admins and coaches into the agency's vacancies, a candidate into their own. The summary
    has the shape of `springboard import-vacancies --json`; a file that cannot be read at all
    is listed in `rejected` with item 0."""
    viewer, owner = _keeper(request)
    if file is None:
        raise DomainError("Upload a file in the form field `file`.", field="file")
    if (file.size or 0) > MAX_UPLOAD_BYTES:
        raise DomainError("The file is larger than 20 MB.", field="file")
    summary = services.vacancies_import(
        agency=viewer.agency,
        owner=owner,
        files=[((file.name or "upload")[:200], file.read(MAX_UPLOAD_BYTES + 1))],
    )
    return ImportSummaryOut(**summary.as_json())


# After the import: the detail's path would otherwise take "import" for an id.
@router.get(
    "/a/{agency_slug}/jobs/vacancies/{vacancy_id}",
    response={200: VacancyOut, **ERRORS},
    url_name="jobs_vacancy",
)
def vacancy_detail(request: HttpRequest, agency_slug: str, vacancy_id: UUID) -> VacancyOut:
    return VacancyOut.of(access.get_vacancy(request, vacancy_id))


class VacancySkillOut(Schema):
    name: str
    lang: str


class FitOut(Schema):
    vacancy: VacancyOut
    score: float
    reasons: list[str]
    concerns: list[str]
    matched_skills: list[VacancySkillOut]
    missing_skills: list[VacancySkillOut]


@router.get(
    "/a/{agency_slug}/jobs/for-you",
    response={200: list[FitOut], **ERRORS},
    url_name="jobs_for_you",
)
def for_you(
    request: HttpRequest, agency_slug: str, q: Query = "", place: Query = ""
) -> list[FitOut]:
    """The candidate's open vacancies, best first, with why each fits (`reasons`: skills,
    region, hours, pay), what to check (`concerns`: hours, pay) and the skills it asks that the
    profile lacks."""
    viewer = require(request, Cap.OWN_CANDIDATE_WORK)
    fits = selectors.jobs_for_you(
        viewer,
        lang=reader_lang(get_language() or "en"),
        today=timezone.localdate(),
        query=q.replace("\x00", ""),
        place=place.replace("\x00", ""),
    )
    return [
        FitOut(
            vacancy=VacancyOut.of(fit.vacancy),
            score=round(fit.score, 4),
            reasons=fit.reasons,
            concerns=fit.concerns,
            matched_skills=[VacancySkillOut(name=s.name, lang=s.lang) for s in fit.matched],
            missing_skills=[VacancySkillOut(name=s.name, lang=s.lang) for s in fit.missing],
        )
        for fit in fits
    ]


class StageOut(Schema):
    status: ApplicationStatus
    loss_reason: str
    at: datetime.datetime


class InterviewOut(Schema):
    id: UUID
    starts_at: datetime.datetime
    minutes: int
    kind: InterviewKind
    location: str
    outcome: str

    @staticmethod
    def of(interview: Interview) -> InterviewOut:
        return InterviewOut(
            id=interview.public_id,
            starts_at=interview.starts_at,
            minutes=interview.minutes,
            kind=InterviewKind(interview.kind),
            location=interview.location,
            outcome=interview.outcome,
        )


class OfferOut(Schema):
    id: UUID
    contract_type: str
    hours_per_week: Decimal
    monthly_pay: int | None
    pay_compared: str
    start_date: datetime.date


class ApplicationOut(Schema):
    id: UUID
    title: str
    employer: str
    vacancy: UUID | None
    status: ApplicationStatus
    loss_reason: str
    follow_up_on: datetime.date | None
    status_changed_at: datetime.datetime
    days_in_stage: int
    gone_quiet: bool
    follow_up_overdue: bool
    cv_version: UUID | None
    letter_version: UUID | None

    @staticmethod
    def of(application: Application) -> ApplicationOut:
        clock = selectors.clock_of(application, now=timezone.now())
        return ApplicationOut(
            id=application.public_id,
            title=application.title,
            employer=application.employer,
            vacancy=application.vacancy.public_id if application.vacancy else None,
            status=ApplicationStatus(application.status),
            loss_reason=application.loss_reason,
            follow_up_on=application.follow_up_on,
            status_changed_at=application.status_changed_at,
            days_in_stage=clock.days,
            gone_quiet=clock.quiet,
            follow_up_overdue=clock.overdue,
            cv_version=application.cv_version.public_id if application.cv_version else None,
            letter_version=(
                application.letter_version.public_id if application.letter_version else None
            ),
        )


class ApplicationDetailOut(ApplicationOut):
    stages: list[StageOut]
    interviews: list[InterviewOut]
    offers: list[OfferOut]


def _detail(application: Application) -> ApplicationDetailOut:
    return ApplicationDetailOut(
        **ApplicationOut.of(application).dict(),
        stages=[
            StageOut(status=ApplicationStatus(s.status), loss_reason=s.loss_reason, at=s.at)
            for s in selectors.stages_of(application)
        ],
        interviews=[InterviewOut.of(i) for i in application.interviews.all()],
        offers=[
            OfferOut(
                id=o.public_id,
                contract_type=o.contract_type,
                hours_per_week=o.hours_per_week,
                monthly_pay=o.monthly_pay,
                pay_compared=o.pay_compared,
                start_date=o.start_date,
            )
            for o in application.offers.all()
        ],
    )


def _applications(owner: Membership) -> list[ApplicationOut]:
    rows = selectors.applications_of(owner).select_related("cv_version", "letter_version")
    return [ApplicationOut.of(a) for a in rows.order_by("-status_changed_at", "-pk")[:500]]


@router.get(
    "/a/{agency_slug}/jobs/applications",
    response={200: list[ApplicationOut], **ERRORS},
    url_name="jobs_applications",
)
def application_list(request: HttpRequest, agency_slug: str) -> list[ApplicationOut]:
    """The candidate's applications, latest stage change first (at most 500)."""
    return _applications(require(request, Cap.OWN_CANDIDATE_WORK))


class ApplicationIn(TextIn):
    vacancy: UUID | None = None
    title: Text = ""
    employer: Text = ""
    notes: Annotated[str, Field(max_length=4000)] = ""


@router.post(
    "/a/{agency_slug}/jobs/applications",
    response={201: ApplicationOut, **WRITE_ERRORS},
    url_name="jobs_application_create",
)
def application_create(
    request: HttpRequest, agency_slug: str, payload: ApplicationIn
) -> Status[ApplicationOut]:
    """Save an application: for a vacancy (`vacancy`; once per vacancy) or typed by hand."""
    viewer = require(request, Cap.OWN_CANDIDATE_WORK)
    vacancy = access.get_vacancy(request, payload.vacancy) if payload.vacancy else None
    application = services.application_create(
        owner=viewer,
        vacancy=vacancy,
        title=payload.title,
        employer=payload.employer,
        notes=payload.notes,
    )
    return Status(201, ApplicationOut.of(application))


@router.get(
    "/a/{agency_slug}/jobs/applications/{application_id}",
    response={200: ApplicationDetailOut, **ERRORS},
    url_name="jobs_application",
)
def application_detail(
    request: HttpRequest, agency_slug: str, application_id: UUID
) -> ApplicationDetailOut:
    return _detail(access.get_application(request, application_id))


class MoveIn(Schema):
    status: ApplicationStatus
    loss_reason: LossReason | None = None
    follow_up_on: ApiDate | None = None
    cv_version: UUID | None = None
    letter_version: UUID | None = None


@router.post(
    "/a/{agency_slug}/jobs/applications/{application_id}/status",
    response={200: ApplicationDetailOut, **WRITE_ERRORS},
    url_name="jobs_application_move",
)
def application_move(
    request: HttpRequest, agency_slug: str, application_id: UUID, payload: MoveIn
) -> ApplicationDetailOut:
    """Move to a status (a dated stage); `closed` needs `loss_reason`. The CV and letter
    versions sent are the candidate's own (ids from the cvs API)."""
    application = access.get_application(request, application_id)
    owner = application.owner
    cv_version = letter_version = None
    if payload.cv_version is not None:
        cv_version = cv_versions_for(owner).filter(public_id=payload.cv_version).first()
        if cv_version is None:
            raise DomainError("Choose one of your CV versions.", field="cv_version")
    if payload.letter_version is not None:
        letter_version = letter_versions_for(owner).filter(public_id=payload.letter_version).first()
        if letter_version is None:
            raise DomainError("Choose one of your letter versions.", field="letter_version")
    moved = services.application_move(
        application=application,
        status=payload.status.value,
        loss_reason=payload.loss_reason.value if payload.loss_reason else "",
        follow_up_on=payload.follow_up_on,
        cv_version=cv_version,
        letter_version=letter_version,
    )
    return _detail(access.get_application(request, moved.public_id))


class InterviewIn(TextIn):
    starts_at: datetime.datetime
    minutes: Annotated[int, Field(ge=10, le=600)] = 60
    kind: InterviewKind = InterviewKind.IN_PERSON
    location: Text = ""
    preparation: Annotated[str, Field(max_length=8000)] = ""


@router.post(
    "/a/{agency_slug}/jobs/applications/{application_id}/interviews",
    response={201: InterviewOut, **WRITE_ERRORS},
    url_name="jobs_interview_create",
)
def interview_create(
    request: HttpRequest, agency_slug: str, application_id: UUID, payload: InterviewIn
) -> Status[InterviewOut]:
    application = access.get_application(request, application_id)
    starts_at = payload.starts_at
    if not 2000 <= starts_at.year <= 2100:
        raise DomainError("Enter a date between 2000 and 2100.", field="starts_at")
    if timezone.is_naive(starts_at):
        starts_at = timezone.make_aware(starts_at)
    interview = services.interview_schedule(
        application=application,
        starts_at=starts_at,
        minutes=payload.minutes,
        kind=payload.kind.value,
        location=payload.location,
        preparation=payload.preparation,
    )
    return Status(201, InterviewOut.of(interview))


class InterviewOutcomeIn(Schema):
    outcome: InterviewOutcome


@router.post(
    "/a/{agency_slug}/jobs/interviews/{interview_id}/outcome",
    response={200: ApplicationDetailOut, **WRITE_ERRORS},
    url_name="jobs_interview_outcome",
)
def interview_outcome(
    request: HttpRequest, agency_slug: str, interview_id: UUID, payload: InterviewOutcomeIn
) -> ApplicationDetailOut:
    """Record how an interview went; the outcome feeds the application (`rejected` closes it
    with that reason, `offer` moves it to the offer stage). Answers the application."""
    interview = access.get_interview(request, interview_id)
    services.interview_record_outcome(interview=interview, outcome=payload.outcome.value)
    return _detail(access.get_application(request, interview.application.public_id))


class OfferIn(TextIn):
    contract_type: Contract
    hours_per_week: Annotated[Decimal, Field(ge=1, le=80, decimal_places=1)]
    start_date: ApiDate
    monthly_pay: Annotated[int, Field(ge=0, le=10_000_000)] | None = None
    pay_compared: PayComparison | None = None
    notes: Annotated[str, Field(max_length=4000)] = ""


@router.post(
    "/a/{agency_slug}/jobs/applications/{application_id}/offers",
    response={201: OfferOut, **WRITE_ERRORS},
    url_name="jobs_offer_create",
)
def offer_create(
    request: HttpRequest, agency_slug: str, application_id: UUID, payload: OfferIn
) -> Status[OfferOut]:
    application = access.get_application(request, application_id)
    offer = services.offer_record(
        application=application,
        contract_type=payload.contract_type.value,
        hours_per_week=payload.hours_per_week,
        start_date=payload.start_date,
        monthly_pay=payload.monthly_pay,
        pay_compared=payload.pay_compared.value if payload.pay_compared else "",
        notes=payload.notes,
    )
    return Status(
        201,
        OfferOut(
            id=offer.public_id,
            contract_type=offer.contract_type,
            hours_per_week=offer.hours_per_week,
            monthly_pay=offer.monthly_pay,
            pay_compared=offer.pay_compared,
            start_date=offer.start_date,
        ),
    )


@router.post(
    "/a/{agency_slug}/jobs/offers/{offer_id}/accept",
    response={200: ApplicationDetailOut, **WRITE_ERRORS},
    url_name="jobs_offer_accept",
)
def offer_accept(request: HttpRequest, agency_slug: str, offer_id: UUID) -> ApplicationDetailOut:
    """Accept an offer: the application becomes accepted and, when the candidate is in a
    programme that started by the offer's start date, a new-job outcome is proposed for it."""
    offer = access.get_offer(request, offer_id)
    services.offer_accept(offer=offer, actor=current_membership(request))
    return _detail(access.get_application(request, offer.application.public_id))


# --- target companies -------------------------------------------------------------------------


class TargetContactOut(Schema):
    id: UUID
    full_name: str
    job_title: str


class TargetCompanyOut(Schema):
    id: UUID
    name: str
    sector: str
    size: str
    notes: str
    contacts: list[TargetContactOut]  # network contacts who work there
    vacancies: list[VacancyOut]  # open vacancies seen there (at most 10)

    @staticmethod
    def of(view: selectors.TargetView) -> TargetCompanyOut:
        company = view.company
        return TargetCompanyOut(
            id=company.public_id,
            name=company.name,
            sector=company.sector,
            size=company.size,
            notes=company.notes,
            contacts=[
                TargetContactOut(id=c.public_id, full_name=c.full_name, job_title=c.job_title)
                for c in view.contacts
            ],
            vacancies=[VacancyOut.of(v) for v in view.vacancies],
        )


@router.get(
    "/a/{agency_slug}/jobs/targets",
    response={200: list[TargetCompanyOut], **ERRORS},
    url_name="jobs_targets",
)
def target_list(request: HttpRequest, agency_slug: str) -> list[TargetCompanyOut]:
    """The candidate's target companies (at most 200), by name, with their network contacts
    and the open vacancies seen there."""
    viewer = require(request, Cap.OWN_CANDIDATE_WORK)
    return [
        TargetCompanyOut.of(view)
        for view in selectors.targets_of(viewer, today=timezone.localdate())
    ]


class TargetCompanyIn(TextIn):
    name: Text
    sector: Annotated[str, Field(max_length=200)] = ""
    size: CompanySize | None = None
    notes: Annotated[str, Field(max_length=4000)] = ""


@router.post(
    "/a/{agency_slug}/jobs/targets",
    response={201: TargetCompanyOut, **WRITE_ERRORS},
    url_name="jobs_target_create",
)
def target_create(
    request: HttpRequest, agency_slug: str, payload: TargetCompanyIn
) -> Status[TargetCompanyOut]:
    """Add a company to the candidate's targets (once per name, case ignored)."""
    viewer = require(request, Cap.OWN_CANDIDATE_WORK)
    target = services.target_company_add(
        owner=viewer,
        name=payload.name,
        sector=payload.sector,
        size=payload.size.value if payload.size else "",
        notes=payload.notes,
    )
    return Status(
        201, TargetCompanyOut.of(selectors.target_view(target, today=timezone.localdate()))
    )


@router.delete(
    "/a/{agency_slug}/jobs/targets/{target_id}",
    response={204: None, **WRITE_ERRORS},
    url_name="jobs_target_delete",
)
def target_delete(request: HttpRequest, agency_slug: str, target_id: UUID) -> Status[None]:
    services.target_company_remove(target=access.get_target(request, target_id))
    return Status(204, None)


# --- saved searches ---------------------------------------------------------------------------


class SavedSearchOut(Schema):
    id: UUID
    name: str
    q: str
    place: str
    digest: DigestFrequency

    @staticmethod
    def of(search: SavedSearch) -> SavedSearchOut:
        return SavedSearchOut(
            id=search.public_id,
            name=search.name,
            q=search.query,
            place=search.place,
            digest=DigestFrequency(search.digest),
        )


@router.get(
    "/a/{agency_slug}/jobs/searches",
    response={200: list[SavedSearchOut], **ERRORS},
    url_name="jobs_searches",
)
def search_list(request: HttpRequest, agency_slug: str) -> list[SavedSearchOut]:
    """The candidate's saved "jobs for you" searches, by name (at most 200)."""
    viewer = require(request, Cap.OWN_CANDIDATE_WORK)
    return [SavedSearchOut.of(s) for s in selectors.saved_searches_of(viewer)[:200]]


class SavedSearchIn(TextIn):
    name: Annotated[str, Field(max_length=100)]
    q: Query = ""
    place: Query = ""
    digest: DigestFrequency = DigestFrequency.OFF


@router.post(
    "/a/{agency_slug}/jobs/searches",
    response={201: SavedSearchOut, **WRITE_ERRORS},
    url_name="jobs_search_create",
)
def search_create(
    request: HttpRequest, agency_slug: str, payload: SavedSearchIn
) -> Status[SavedSearchOut]:
    """Save "jobs for you" filters under a name (once per name, case ignored); `digest` daily
    or weekly e-mails the vacancies added since the last e-mail, when there are any."""
    viewer = require(request, Cap.OWN_CANDIDATE_WORK)
    search = services.saved_search_create(
        owner=viewer,
        name=payload.name,
        query=payload.q,
        place=payload.place,
        digest=payload.digest.value,
    )
    return Status(201, SavedSearchOut.of(search))


class DigestIn(Schema):
    digest: DigestFrequency


@router.post(
    "/a/{agency_slug}/jobs/searches/{search_id}/digest",
    response={200: SavedSearchOut, **WRITE_ERRORS},
    url_name="jobs_search_digest",
)
def search_digest(
    request: HttpRequest, agency_slug: str, search_id: UUID, payload: DigestIn
) -> SavedSearchOut:
    """Switch a saved search's e-mail digest to daily, weekly or off."""
    search = access.get_saved_search(request, search_id)
    return SavedSearchOut.of(
        services.saved_search_set_digest(search=search, digest=payload.digest.value)
    )


@router.delete(
    "/a/{agency_slug}/jobs/searches/{search_id}",
    response={204: None, **WRITE_ERRORS},
    url_name="jobs_search_delete",
)
def search_delete(request: HttpRequest, agency_slug: str, search_id: UUID) -> Status[None]:
    services.saved_search_delete(search=access.get_saved_search(request, search_id))
    return Status(204, None)


class PipelineOut(Schema):
    saved: int
    applied: int
    interviewing: int
    offers: int
    accepted: int
    closed: int
    overdue: int
    applications: list[ApplicationOut]


@router.get(
    "/a/{agency_slug}/jobs/candidates/{candidate_id}/pipeline",
    response={200: PipelineOut, **ERRORS},
    url_name="jobs_candidate_pipeline",
)
def candidate_pipeline(request: HttpRequest, agency_slug: str, candidate_id: UUID) -> PipelineOut:
    """A coached candidate's pipeline health and applications (coaches of their programme;
    audited)."""
    candidate = access.get_candidate_for_review(request, candidate_id)
    viewer = current_membership(request)
    audit_record(
        agency=viewer.agency, actor=viewer.user, action="jobs.pipeline.read", target=candidate
    )
    health = selectors.pipeline_health(candidate, today=timezone.localdate())
    return PipelineOut(**vars(health), applications=_applications(candidate))


# --- mock interviews --------------------------------------------------------------------------


class MockScoreOut(Schema):
    criterion: str  # the rubric's key, e.g. "star"
    name: str  # in the reader's language
    score: int | None  # 1 to 5; null while a draft leaves it unscored
    anchor: str  # what the level scored looks like
    comment: str


class MockInterviewOut(Schema):
    id: UUID
    candidate: UUID
    interview: UUID | None  # null: a practice interview
    held_on: datetime.date
    rubric_version: int
    shared: bool
    shared_at: datetime.datetime | None
    average: float | None
    scores: list[MockScoreOut]  # every criterion of the rubric version, in its order
    overall_note: str
    practise: list[str]

    @staticmethod
    def of(mock: MockInterview) -> MockInterviewOut:
        view = mock_view(mock, reader_lang(get_language() or "en"))
        return MockInterviewOut(
            id=mock.public_id,
            candidate=mock.candidate.public_id,
            interview=mock.interview.public_id if mock.interview else None,
            held_on=mock.held_on,
            rubric_version=mock.rubric_version,
            shared=mock.shared_at is not None,
            shared_at=mock.shared_at,
            average=view.average,
            scores=[
                MockScoreOut(
                    criterion=row.criterion.key,
                    name=row.criterion.name,
                    score=row.score,
                    anchor=row.anchor,
                    comment=row.comment,
                )
                for row in view.rows
            ],
            overall_note=mock.overall_note,
            practise=list(mock.practise),
        )


@router.get(
    "/a/{agency_slug}/jobs/mock-interviews",
    response={200: list[MockInterviewOut], **ERRORS},
    url_name="jobs_mock_interviews",
)
def mock_interview_list(request: HttpRequest, agency_slug: str) -> list[MockInterviewOut]:
    """The candidate's mock interviews their coach has shared, oldest first (at most 100)."""
    viewer = require(request, Cap.OWN_CANDIDATE_WORK)
    return [MockInterviewOut.of(m) for m in shared_mocks_of(viewer)[:MAX_MOCKS_LISTED]]


@router.get(
    "/a/{agency_slug}/jobs/candidates/{candidate_id}/mock-interviews",
    response={200: list[MockInterviewOut], **ERRORS},
    url_name="jobs_candidate_mock_interviews",
)
def candidate_mock_interviews(
    request: HttpRequest, agency_slug: str, candidate_id: UUID
) -> list[MockInterviewOut]:
    """A coached candidate's mock interviews, drafts included, oldest first (at most 100;
    coaches of their programme; audited)."""
    candidate = access.get_candidate_for_review(request, candidate_id)
    viewer = current_membership(request)
    audit_record(agency=viewer.agency, actor=viewer.user, action="jobs.mock.read", target=candidate)
    mocks = mocks_for_coach(viewer, candidate)[:MAX_MOCKS_LISTED]
    return [MockInterviewOut.of(m) for m in mocks]


class MockInterviewIn(Schema):
    held_on: ApiDate
    interview: UUID | None = None  # one of the candidate's interviews; none for practice


@router.post(
    "/a/{agency_slug}/jobs/candidates/{candidate_id}/mock-interviews",
    response={201: MockInterviewOut, **WRITE_ERRORS},
    url_name="jobs_mock_interview_create",
)
def mock_interview_create(
    request: HttpRequest, agency_slug: str, candidate_id: UUID, payload: MockInterviewIn
) -> Status[MockInterviewOut]:
    """A draft mock interview for the candidate, scored against the current rubric version
    (its `scores` list the criteria to score)."""
    candidate = access.get_candidate_for_review(request, candidate_id)
    interview = None
    if payload.interview is not None:
        interview = Interview.objects.filter(
            application__owner=candidate, public_id=payload.interview
        ).first()
        if interview is None:
            raise DomainError("Choose one of the candidate's interviews.", field="interview")
    mock = services_mock.mock_interview_create(
        coach=current_membership(request),
        candidate=candidate,
        held_on=payload.held_on,
        interview=interview,
    )
    return Status(201, MockInterviewOut.of(mock))


class MockScoreIn(TextIn):
    criterion: Annotated[str, Field(max_length=40)]
    score: Annotated[int, Field(ge=1, le=5)]
    comment: Annotated[str, Field(max_length=2000)] = ""


class MockScoresIn(TextIn):
    scores: Annotated[list[MockScoreIn], Field(max_length=40)] = []
    overall_note: Annotated[str, Field(max_length=4000)] = ""
    practise: Annotated[list[Annotated[str, Field(max_length=200)]], Field(max_length=3)] = []


@router.put(
    "/a/{agency_slug}/jobs/mock-interviews/{mock_id}",
    response={200: MockInterviewOut, **WRITE_ERRORS},
    url_name="jobs_mock_interview_update",
)
def mock_interview_update(
    request: HttpRequest, agency_slug: str, mock_id: UUID, payload: MockScoresIn
) -> MockInterviewOut:
    """Replace a draft's scores (each criterion once, 1 to 5, with a comment), overall note and
    one to three things to practise. A shared mock interview is no longer changed (400)."""
    mock = get_mock_for_coach(request, mock_id)
    scored = services_mock.mock_interview_score(
        mock=mock,
        coach=current_membership(request),
        scores=[services_mock.ScoreInput(s.criterion, s.score, s.comment) for s in payload.scores],
        overall_note=payload.overall_note,
        practise=payload.practise,
    )
    return MockInterviewOut.of(get_mock_for_coach(request, scored.public_id))


@router.post(
    "/a/{agency_slug}/jobs/mock-interviews/{mock_id}/share",
    response={200: MockInterviewOut, **WRITE_ERRORS},
    url_name="jobs_mock_interview_share",
)
def mock_interview_share(request: HttpRequest, agency_slug: str, mock_id: UUID) -> MockInterviewOut:
    """Share with the candidate, who then sees it; needs every criterion scored and one to
    three things to practise (400 otherwise). Sharing again changes nothing."""
    mock = get_mock_for_coach(request, mock_id)
    services_mock.mock_interview_share(mock=mock, coach=current_membership(request))
    return MockInterviewOut.of(get_mock_for_coach(request, mock_id))
