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

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from springboard.jobs.models import (
    Application,
    ApplicationStage,
    SavedSearch,
    Status,
    TargetCompany,
    Vacancy,
)
from springboard.jobs.ranking import Wants, agency_index, versions
from springboard.network.models import Contact
from springboard.network.selectors import contacts_of
from springboard.profiles.selectors import confirmed_skill_uris, profile_preferences
from springboard.programmes.selectors import programmes_visible_to
from springboard.taxonomy.models import Skill
from springboard.taxonomy.selectors import Shown, shown
from springboard.tenancy.models import Membership
from springboard.tenancy.roles import Role

# An application waiting longer than this since its last stage change has "gone quiet".
GONE_QUIET_DAYS = 21
FOR_YOU_LIMIT = 50
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
FIT_FIELDS_WITH_PK = ("id", *FIT_FIELDS)
# A text or place filter is applied in the database after the index, so the index hands it
# this many of its best.
FILTERED_RANK_DEPTH = 5000


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


@dataclass(frozen=True)
class Fit:
    vacancy: Vacancy
    score: float  # 0..1
    matched: list[Shown]
    missing: list[Shown]
    reasons: list[str]  # keys: "skills", "region", "hours", "pay", "occupation"
    concerns: list[str]  # keys: "hours", "pay"


_names_lock = threading.Lock()
_names: dict[tuple[str, str], Shown] = {}
_names_version = ""


def _skill_names(uris: set[str], lang: str, version: str) -> dict[str, Shown]:
    """Names of skills in `lang`, from a per-process memo (emptied when the taxonomy `version`
    changes): the list shows hundreds of skill names on every request."""
    global _names_version
    with _names_lock:
        if version != _names_version:
            _names.clear()
            _names_version = version
        known = {uri: name for uri in uris if (name := _names.get((uri, lang))) is not None}
    missing = uris.difference(known)
    if missing:
        found = Skill.objects.filter(uri__in=missing).only("uri", "public_id", "code", "names")
        fresh = {skill.uri: shown(skill, lang) for skill in found}
        with _names_lock:
            if version == _names_version:
                _names.update(((uri, lang), name) for uri, name in fresh.items())
        known.update(fresh)
    return known


# The candidate's own vacancies read with the ranked ones (newest first).
OWN_DEPTH = 200


def _ranked_or_own(
    candidate: Membership, ranked: list[int], *, today: datetime.date
) -> list[Vacancy]:
    """The open vacancies among `ranked` ids or the candidate's own, in one query.

    The same rows as `vacancy_search` over `Q(pk__in=ranked) | Q(owner=candidate)`, written
    out because building that query costs more than running it (about 2 ms of the page's
    CPU for fifty ids); PostgreSQL combines the primary key and the agency + owner index (a
    BitmapOr) instead of scanning the vacancies."""
    meta = Vacancy._meta
    quote = connection.ops.quote_name
    fields = {field.attname: str(field.column) for field in meta.concrete_fields}
    columns = ", ".join(quote(fields[name]) for name in FIT_FIELDS_WITH_PK)
    ids = ", ".join(["%s"] * len(ranked)) or "NULL"
    # Only identifiers from the model and placeholders are formatted in; values are params.
    sql = (
        f"SELECT {columns} FROM {quote(meta.db_table)} "  # noqa: S608
        f"WHERE ({quote('id')} IN ({ids}) OR ({quote('agency_id')} = %s AND "
        f"{quote('owner_id')} = %s)) AND ({quote('valid_through')} IS NULL OR "
        f"{quote('valid_through')} >= %s) "
        f"ORDER BY {quote('created_at')} DESC, {quote('id')} DESC LIMIT %s"
    )
    params = [*ranked, candidate.agency_id, candidate.pk, today, len(ranked) + OWN_DEPTH]
    return list(Vacancy.objects.raw(sql, params))


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
    profile lacks. Vacancies without extracted skills follow, newest first.

    The agency's index ranks every open shared vacancy (`ranking.ForYouIndex.top`), so only
    the rows shown are read; a text or place filter runs in the database over a deeper cut."""
    skills = confirmed_skill_uris(candidate)
    wants = Wants.of(profile_preferences(candidate))
    taxonomy, generation = versions(candidate.agency)
    index = agency_index(candidate.agency, today=today, taxonomy=taxonomy, generation=generation)
    scored: dict[int, float] = {}
    if index is not None and skills:
        scored = index.top(skills, wants, FILTERED_RANK_DEPTH if query or place else limit)

    if query or place:
        pool = vacancy_search(
            Vacancy.objects.filter(
                Q(pk__in=list(scored)) | Q(agency_id=candidate.agency_id, owner=candidate)
            ),
            query=query,
            place=place,
            today=today,
        )
        vacancies = list(pool.only(*FIT_FIELDS)[: len(scored) + OWN_DEPTH])
    else:
        vacancies = _ranked_or_own(candidate, list(scored), today=today)
    if skills:
        # The candidate's own vacancies are not in the agency's index: the share of their
        # skills the candidate has.
        for vacancy in vacancies:
            if vacancy.owner_id == candidate.pk and vacancy.skill_uris:
                overlap = len(skills.intersection(vacancy.skill_uris))
                scored[vacancy.pk] = overlap / len(vacancy.skill_uris)
    fitting = sum(1 for v in vacancies if scored.get(v.pk, 0.0) > 0)
    if fitting < limit:
        # Fewer fits than the page shows: the newest of the rest follow (every shared
        # vacancy with a score is among those read, so the rest score nothing).
        seen = {v.pk for v in vacancies}
        rest = vacancy_search(
            vacancies_visible_to(candidate), query=query, place=place, today=today
        ).exclude(pk__in=seen)
        vacancies.extend(rest.only(*FIT_FIELDS)[: limit - fitting])

    ranked = sorted(
        ((vacancy, *wants.adjust(scored.get(vacancy.pk, 0.0), vacancy)) for vacancy in vacancies),
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
