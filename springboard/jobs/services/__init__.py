"""Writes of the jobs app, one module per concern."""

from springboard.jobs.services.applications import (
    application_create,
    application_move,
    interview_record_outcome,
    interview_schedule,
    offer_accept,
    offer_record,
)
from springboard.jobs.services.searches import (
    digests_enqueue,
    saved_search_create,
    saved_search_delete,
    saved_search_set_digest,
    saved_search_unsubscribe,
)
from springboard.jobs.services.targets import target_company_add, target_company_remove
from springboard.jobs.services.vacancies import ImportSummary, vacancies_import, vacancy_create

__all__ = [
    "ImportSummary",
    "application_create",
    "application_move",
    "digests_enqueue",
    "interview_record_outcome",
    "interview_schedule",
    "offer_accept",
    "offer_record",
    "saved_search_create",
    "saved_search_delete",
    "saved_search_set_digest",
    "saved_search_unsubscribe",
    "target_company_add",
    "target_company_remove",
    "vacancies_import",
    "vacancy_create",
]
