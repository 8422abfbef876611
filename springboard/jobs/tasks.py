"""Background work of the jobs app (django.tasks; ids in, state re-checked)."""

from __future__ import annotations

from django.tasks import task

from springboard.jobs.services.enrichment import vacancies_enrich


@task
def enrich_vacancies(agency_id: int, vacancy_ids: list[int]) -> None:
    """Skills and occupations of freshly imported or changed vacancies."""
    vacancies_enrich(agency_id=agency_id, vacancy_ids=vacancy_ids)
