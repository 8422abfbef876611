"""What the engine adds to a vacancy: the skills its text names and the occupation its title
maps to. Imports leave it to a task (`tasks.enrich_vacancies`); a vacancy added by hand gets it
at once."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.db.models import F

from springboard.jobs.models import Vacancy, VacancyGeneration
from springboard.taxonomy import engine_cache

MAX_SKILLS = 40


def enrich(vacancies: Sequence[Vacancy]) -> None:
    """Skills found in each vacancy's text and the occupation its title maps to (engine)."""
    if not vacancies or not engine_cache.version_key():
        return
    extractor = engine_cache.get_extractor()
    ranked = engine_cache.get_ranker().rank_batch([v.title for v in vacancies], top=1)
    for vacancy, best in zip(vacancies, ranked, strict=True):
        found = extractor.extract_uris(f"{vacancy.title}\n{vacancy.description}")
        vacancy.skill_uris = sorted(found, key=lambda uri: -found[uri])[:MAX_SKILLS]
        vacancy.occupation_uri = best[0].uri if best else ""


def bump_generation(agency_id: int) -> None:
    """Tell cached vacancy indexes that the agency's shared vacancies changed."""
    VacancyGeneration.objects.get_or_create(agency_id=agency_id)
    VacancyGeneration.objects.filter(agency_id=agency_id).update(number=F("number") + 1)


def vacancies_enrich(*, agency_id: int, vacancy_ids: Sequence[int]) -> int:
    """Find skills and occupations of the agency's vacancies among `vacancy_ids` (others are
    ignored: the task takes ids and re-checks them). Returns how many were enriched."""
    if not engine_cache.version_key():
        return 0
    with transaction.atomic():
        vacancies = list(
            Vacancy.objects.select_for_update().filter(agency_id=agency_id, pk__in=vacancy_ids)
        )
        enrich(vacancies)
        Vacancy.objects.bulk_update(vacancies, ["skill_uris", "occupation_uri"], batch_size=1000)
        if any(v.owner_id is None for v in vacancies):
            bump_generation(agency_id)
    return len(vacancies)
