"""Reads of the jobs app.

Scope: agency-wide vacancies are seen by everyone in the agency except employer contacts; a
candidate's own vacancies and applications by that candidate and the coaches of their programme
(coach reads audited by the caller). Admins see agency-wide vacancies only.
"""

from __future__ import annotations

import datetime
import threading
from collections import Counter
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from springboard.jobs.models import (
    Application,
    ApplicationStage,
    SavedSearch,
    Status,
    TargetCompany,
    Vacancy,
    VacancyGeneration,
)
from springboard.matching.engine import VacancyIndex
from springboard.network.models import Contact
from springboard.network.selectors import contacts_of
from springboard.profiles.selectors import confirmed_skill_uris, profile_preferences
from springboard.programmes.models import Hours
from springboard.programmes.selectors import programmes_visible_to
from springboard.taxonomy import engine_cache
from springboard.taxonomy.models import Skill
from springboard.taxonomy.selectors import Shown, shown
from springboard.tenancy.models import Agency, Membership
from springboard.tenancy.roles import Role

# An application waiting longer than this since its last stage change has "gone quiet".
GONE_QUIET_DAYS = 21
FOR_YOU_LIMIT = 50
# Vacancies taken from the index before the preferences re-rank them; a text or place filter
# is applied after the index, so it looks deeper.
RANK_DEPTH = 100
# What the list shows and ranks by (the description is not read for a hundred rows).
FIT_FIELDS = (
    "public_id",
    "owner_id",
    "title",
    "employer",
    "place",
    "region",
    "hours_per_week",
    "salary_max",
    "salary_currency",
    "skill_uris",
    "valid_through",
    "created_at",
)
FILTERED_RANK_DEPTH = 5000
FULL_TIME_HOURS = 32


def open_vacancies(agency: Agency, *, today: datetime.date) -> QuerySet[Vacancy]:
    return Vacancy.objects.filter(agency=agency).filter(
        Q(valid_through__isnull=True) | Q(valid_through__gte=today)
    )


def vacancies_visible_to(viewer: Membership) -> QuerySet[Vacancy]:
    """Agency-wide vacancies for staff (not employer contacts); plus their own for a candidate."""
    vacancies = Vacancy.objects.filter(agency_id=viewer.agency_id)
    if viewer.role == Role.CANDIDATE:
        return vacancies.filter(Q(owner__isnull=True) | Q(owner=viewer))
    if viewer.role in (Role.ADMIN, Role.COACH):
        return vacancies.filter(owner__isnull=True)
    return vacancies.none()


VACANCY_SORTS = {
    "new": ("-created_at", "-pk"),
    "title": ("title", "pk"),
    "employer": ("employer", "title", "pk"),
    "closing": ("valid_through", "pk"),
}


def vacancy_search(
    vacancies: QuerySet[Vacancy],
    *,
    query: str = "",
    place: str = "",
    sort: str = "new",
    include_expired: bool = False,
    today: datetime.date | None = None,
) -> QuerySet[Vacancy]:
    if query:
        vacancies = vacancies.filter(Q(title__icontains=query) | Q(employer__icontains=query))
    if place:
        vacancies = vacancies.filter(Q(place__icontains=place) | Q(region__icontains=place))
    if not include_expired:
        day = today or timezone.localdate()
        vacancies = vacancies.filter(Q(valid_through__isnull=True) | Q(valid_through__gte=day))
    return vacancies.order_by(*VACANCY_SORTS.get(sort, VACANCY_SORTS["new"]))


# --- jobs for you -----------------------------------------------------------------------------

_index_lock = threading.Lock()
_indexes: dict[int, VacancyIndex] = {}


def _index_version(agency: Agency, today: datetime.date, taxonomy: str) -> str:
    """Taxonomy, the agency's vacancy generation, and the day (vacancies expire)."""
    generation = (
        VacancyGeneration.objects.filter(agency=agency).values_list("number", flat=True).first()
    )
    return f"{taxonomy}|{generation}|{today}"


def agency_vacancy_index(
    agency: Agency, *, today: datetime.date, taxonomy: str | None = None
) -> VacancyIndex | None:
    """The agency's open shared vacancies as the engine's index, built once per change."""
    taxonomy = engine_cache.version_key() if taxonomy is None else taxonomy
    if not taxonomy:
        return None
    version = _index_version(agency, today, taxonomy)
    with _index_lock:
        index = _indexes.get(agency.pk)
        if index is not None and index.version == version:
            return index
    rows = list(
        open_vacancies(agency, today=today)
        .filter(owner__isnull=True)
        .exclude(skill_uris=[])
        .values_list("pk", "skill_uris")
        .iterator(5000)
    )
    index = engine_cache.get_engine().vacancy_index(
        [str(pk) for pk, _ in rows], [skills for _, skills in rows], version=version
    )
    with _index_lock:
        _indexes[agency.pk] = index
    return index


@dataclass(frozen=True)
class Fit:
    vacancy: Vacancy
    score: float  # 0..1
    matched: list[Shown]
    missing: list[Shown]
    reasons: list[str]  # keys: "skills", "region", "hours", "pay", "occupation"
    concerns: list[str]  # keys: "hours", "pay"


_skills_lock = threading.Lock()
_skills: dict[str, Skill] = {}
_skills_version = ""


def _skill_names(uris: set[str], lang: str, version: str) -> dict[str, Shown]:
    """Names of skills, from a per-process memo of the few columns a name needs (emptied when
    the taxonomy `version` changes): the list shows hundreds of skill names on every request."""
    global _skills_version
    with _skills_lock:
        if version != _skills_version:
            _skills.clear()
            _skills_version = version
        missing = [uri for uri in uris if uri not in _skills]
    if missing:
        found = Skill.objects.filter(uri__in=missing).only("uri", "public_id", "code", "names")
        with _skills_lock:
            _skills.update((skill.uri, skill) for skill in found)
    with _skills_lock:
        known = {uri: _skills[uri] for uri in uris if uri in _skills}
    return {uri: shown(skill, lang) for uri, skill in known.items()}


def _hours_fit(vacancy: Vacancy, wanted: str) -> bool | None:
    if vacancy.hours_per_week is None or wanted not in (Hours.FULL_TIME, Hours.PART_TIME):
        return None
    full = vacancy.hours_per_week >= FULL_TIME_HOURS
    return full if wanted == Hours.FULL_TIME else not full


def jobs_for_you(
    candidate: Membership,
    *,
    lang: str,
    today: datetime.date,
    query: str = "",
    place: str = "",
    limit: int = FOR_YOU_LIMIT,
) -> list[Fit]:
    """The candidate's open vacancies ranked by the engine from confirmed skills, then by the
    preferences (region, hours, pay); each with why it fits and which skills it asks that the
    profile lacks. Vacancies without extracted skills follow, newest first."""
    skills = confirmed_skill_uris(candidate)
    preferences = profile_preferences(candidate)
    scored: dict[int, float] = {}
    taxonomy = engine_cache.version_key()
    index = agency_vacancy_index(candidate.agency, today=today, taxonomy=taxonomy)
    if index is not None and skills:
        depth = FILTERED_RANK_DEPTH if query or place else RANK_DEPTH
        for hit in index.rank(skills, top=depth):
            if hit.score > 0:
                scored[int(hit.vacancy_id)] = hit.score

    # One query: the ranked ids (primary key) or the candidate's own (the agency + owner index);
    # PostgreSQL combines the two indexes (a BitmapOr) instead of scanning the vacancies.
    pool = vacancy_search(
        Vacancy.objects.filter(
            Q(pk__in=list(scored)) | Q(agency_id=candidate.agency_id, owner=candidate)
        ),
        query=query,
        place=place,
        today=today,
    )
    vacancies = list(pool.only(*FIT_FIELDS)[: len(scored) + 200])
    if len(vacancies) < limit:
        seen = {v.pk for v in vacancies}
        rest = vacancy_search(
            vacancies_visible_to(candidate), query=query, place=place, today=today
        ).exclude(pk__in=seen)
        vacancies.extend(rest.only(*FIT_FIELDS)[: limit - len(vacancies)])
    if skills:
        own_index = [v for v in vacancies if v.pk not in scored and v.skill_uris]
        for vacancy in own_index:
            overlap = len(skills.intersection(vacancy.skill_uris))
            scored[vacancy.pk] = overlap / max(len(vacancy.skill_uris), 1)

    regions = [
        r.strip().casefold() for r in (preferences.regions if preferences else "").split(",")
    ]
    regions = [r for r in regions if r]

    def adjusted(vacancy: Vacancy) -> tuple[float, list[str], list[str]]:
        score = scored.get(vacancy.pk, 0.0)
        reasons: list[str] = ["skills"] if score > 0 else []
        concerns: list[str] = []
        if regions and any(
            r in vacancy.place.casefold() or r in vacancy.region.casefold() for r in regions
        ):
            score *= 1.2
            reasons.append("region")
        if preferences is not None:
            hours = _hours_fit(vacancy, preferences.hours)
            if hours is True:
                reasons.append("hours")
            elif hours is False:
                score *= 0.8
                concerns.append("hours")
            if (
                preferences.pay_min
                and vacancy.salary_max is not None
                and (vacancy.salary_currency in ("", preferences.pay_currency))
            ):
                if vacancy.salary_max >= preferences.pay_min:
                    reasons.append("pay")
                else:
                    score *= 0.8
                    concerns.append("pay")
        return score, reasons, concerns

    ranked = sorted(
        ((vacancy, *adjusted(vacancy)) for vacancy in vacancies),
        key=lambda row: (-row[1], -row[0].created_at.timestamp(), row[0].pk),
    )[:limit]
    wanted = {uri for vacancy, *_ in ranked for uri in vacancy.skill_uris}
    names = _skill_names(wanted, lang, taxonomy) if wanted else {}
    fits = []
    for vacancy, score, reasons, concerns in ranked:
        matched = [names[u] for u in vacancy.skill_uris if u in skills and u in names]
        missing = [names[u] for u in vacancy.skill_uris if u not in skills and u in names]
        fits.append(Fit(vacancy, min(score, 1.0), matched[:8], missing[:8], reasons, concerns))
    return fits


# --- applications -----------------------------------------------------------------------------


def applications_of(owner: Membership) -> QuerySet[Application]:
    return Application.objects.filter(owner=owner).select_related("vacancy")


def stages_of(application: Application) -> QuerySet[ApplicationStage]:
    return ApplicationStage.objects.filter(application=application)


OPEN_STATUSES = (Status.SAVED, Status.APPLIED, Status.INTERVIEWING, Status.OFFER)


@dataclass(frozen=True)
class Clock:
    days: int
    quiet: bool  # waiting too long: follow up or let it go
    overdue: bool  # the follow-up date has passed


def clock_of(application: Application, *, now: datetime.datetime) -> Clock:
    """How long the application has waited since its last stage change."""
    days = max((now - application.status_changed_at).days, 0)
    waiting = application.status in (Status.APPLIED, Status.INTERVIEWING, Status.OFFER)
    overdue = (
        application.status in OPEN_STATUSES
        and application.follow_up_on is not None
        and application.follow_up_on < timezone.localdate(now)
    )
    return Clock(days=days, quiet=waiting and days >= GONE_QUIET_DAYS, overdue=overdue)


def follow_ups_overdue(owner: Membership, *, today: datetime.date) -> QuerySet[Application]:
    """Open applications whose follow-up date has passed (the candidate's home, the caseload)."""
    return applications_of(owner).filter(status__in=OPEN_STATUSES, follow_up_on__lt=today)


@dataclass(frozen=True)
class PipelineHealth:
    saved: int
    applied: int
    interviewing: int
    offers: int
    accepted: int
    closed: int
    overdue: int


def pipeline_health(owner: Membership, *, today: datetime.date) -> PipelineHealth:
    """saved : applied : interviews : offers, for the coach (counts of the current status)."""
    counts = Counter(applications_of(owner).values_list("status", flat=True))
    return PipelineHealth(
        saved=counts[Status.SAVED],
        applied=counts[Status.APPLIED],
        interviewing=counts[Status.INTERVIEWING],
        offers=counts[Status.OFFER],
        accepted=counts[Status.ACCEPTED],
        closed=counts[Status.CLOSED],
        overdue=follow_ups_overdue(owner, today=today).count(),
    )


def coaches_candidate(coach: Membership, candidate: Membership) -> bool:
    return (
        coach.role == Role.COACH
        and programmes_visible_to(coach).filter(candidate=candidate).exists()
    )


# --- target companies -------------------------------------------------------------------------


@dataclass(frozen=True)
class TargetView:
    company: TargetCompany
    contacts: list[Contact]
    vacancies: list[Vacancy]


def targets_of(owner: Membership, *, today: datetime.date) -> list[TargetView]:
    """The candidate's target companies (at most 200), each with what `target_view` adds."""
    companies = TargetCompany.objects.filter(owner=owner).select_related("owner")[:200]
    return [target_view(company, today=today) for company in companies]


def target_view(company: TargetCompany, *, today: datetime.date) -> TargetView:
    """A target company with the network contacts who work there and the open vacancies (of
    those its owner sees) whose employer is that company."""
    owner = company.owner
    contacts = [
        c
        for c in contacts_of(owner, search=company.name)[:50]
        if company.name.casefold() in c.company.casefold()
    ][:10]
    vacancies = list(
        vacancy_search(
            vacancies_visible_to(owner).filter(employer__icontains=company.name), today=today
        ).only(*FIT_FIELDS)[:10]
    )
    return TargetView(company, contacts, vacancies)


# --- saved searches ---------------------------------------------------------------------------


def saved_searches_of(owner: Membership) -> QuerySet[SavedSearch]:
    return SavedSearch.objects.filter(owner=owner)


def digest_vacancies(
    search: SavedSearch, *, since: datetime.datetime, until: datetime.datetime, limit: int = 20
) -> list[Vacancy]:
    """Open vacancies matching a saved search's filters, added in (since, until], newest first."""
    added = vacancies_visible_to(search.owner).filter(created_at__gt=since, created_at__lte=until)
    found = vacancy_search(
        added, query=search.query, place=search.place, today=timezone.localdate(until)
    )
    return list(found[:limit])
