"""Background work of the jobs app (django.tasks; ids in, state re-checked)."""

from __future__ import annotations

from django.tasks import task

from springboard.jobs.emails import send_digest_email
from springboard.jobs.services.enrichment import vacancies_enrich


@task
def enrich_vacancies(agency_id: int, vacancy_ids: list[int]) -> None:
    """Skills and occupations of freshly imported or changed vacancies."""
    vacancies_enrich(agency_id=agency_id, vacancy_ids=vacancy_ids)


@task
def send_job_digest(digest_id: int) -> None:
    """One claimed digest of a saved search (sent at most once; re-checked when it runs)."""
    send_digest_email(digest_id=digest_id)
