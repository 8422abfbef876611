"""Personal data held by the jobs app: the candidate's applications and job search."""

from __future__ import annotations

from springboard.jobs.models import (
    Application,
    ApplicationStage,
    DigestSent,
    Interview,
    MockInterview,
    MockInterviewScore,
    Offer,
    SavedSearch,
    TargetCompany,
    Vacancy,
)
from springboard.privacy.declarations import RetentionKind, personal_data

# Vacancies with an owner are a candidate's own (agency-wide ones have none and are not reached).
personal_data(
    Vacancy,
    subject="owner",
    export_as="applications",
    retention=RetentionKind.JOB_SEARCH,
    # Keys the job feeds use to recognise a posting again: internal.
    exclude=("source_key", "duplicate_key", "content_hash"),
)
for model in (TargetCompany, Application, SavedSearch):
    personal_data(
        model, subject="owner", export_as="applications", retention=RetentionKind.JOB_SEARCH
    )
for part in (ApplicationStage, Interview, Offer):
    personal_data(
        part,
        subject="application__owner",
        export_as="applications",
        retention=RetentionKind.JOB_SEARCH,
    )
personal_data(
    DigestSent,
    subject="search__owner",
    export_as="applications",
    retention=RetentionKind.JOB_SEARCH,
)
# Mock interviews and their scores: the coach writes them, but they are about the candidate and
# theirs (the coach's comments included).
personal_data(
    MockInterview,
    subject="candidate",
    export_as="applications",
    retention=RetentionKind.JOB_SEARCH,
)
personal_data(
    MockInterviewScore,
    subject="mock_interview__candidate",
    export_as="applications",
    retention=RetentionKind.JOB_SEARCH,
)
