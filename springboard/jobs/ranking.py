"""Ranking for "jobs for you": the preference rules and the per-agency index they run over.

The rules (`Wants.adjust`) say how a vacancy's skill score is moved by the candidate's
preferences: times 1.2 in a wanted region, times 0.8 for hours that do not fit, times 0.8 for
pay below the minimum.
`Wants.adjust` applies them to one vacancy (and says why); `ForYouIndex.top` applies the same
rules to every open shared vacancy of the agency at once, as numpy masks over columns held in
memory, so the page reads only the rows it shows. Tests check that both give the same scores.

The index is kept per process and per agency, keyed by the taxonomy version, the agency's
`VacancyGeneration` (bumped by every write to its shared vacancies) and the day (vacancies
expire at midnight): a stale index is never used, it is rebuilt on the next request.
"""

from __future__ import annotations

import datetime
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import numpy.typing as npt
from django.db import connection
from django.db.models import Q, QuerySet

from springboard.jobs.models import Vacancy, VacancyGeneration
from springboard.matching.engine import VacancyIndex
from springboard.profiles.selectors import Preferences
from springboard.programmes.models import Hours
from springboard.taxonomy import engine_cache
from springboard.taxonomy.models import TaxonomyVersion
from springboard.tenancy.models import Agency

FULL_TIME_HOURS = 32
REGION_BOOST = 1.2
MISFIT = 0.8


def open_vacancies(agency: Agency, *, today: datetime.date) -> QuerySet[Vacancy]:
    return Vacancy.objects.filter(agency=agency).filter(
        Q(valid_through__isnull=True) | Q(valid_through__gte=today)
    )


@dataclass(frozen=True)
class Wants:
    """What the preferences ask of a vacancy, read once per request."""

    regions: tuple[str, ...]  # casefolded; a vacancy fits when its place or region contains one
    hours: str  # Hours.FULL_TIME, Hours.PART_TIME or anything else (no wish)
    pay_min: int | None
    pay_currency: str

    @classmethod
    def of(cls, preferences: Preferences | None) -> Wants:
        if preferences is None:
            return cls((), "", None, "")
        regions = (r.strip().casefold() for r in preferences.regions.split(","))
        return cls(
            tuple(r for r in regions if r),
            preferences.hours,
            preferences.pay_min,
            preferences.pay_currency,
        )

    def region_fits(self, place: str, region: str) -> bool:
        place, region = place.casefold(), region.casefold()
        return any(r in place or r in region for r in self.regions)

    def hours_fit(self, hours_per_week: Decimal | float | None) -> bool | None:
        if hours_per_week is None or self.hours not in (Hours.FULL_TIME, Hours.PART_TIME):
            return None
        full = hours_per_week >= FULL_TIME_HOURS
        return full if self.hours == Hours.FULL_TIME else not full

    def pay_fits(self, salary_max: Decimal | float | None, currency: str) -> bool | None:
        if not self.pay_min or salary_max is None or currency not in ("", self.pay_currency):
            return None
        return salary_max >= self.pay_min

    def adjust(self, score: float, vacancy: Vacancy) -> tuple[float, list[str], list[str]]:
        """The score moved by the preferences, the reasons it fits and the concerns."""
        reasons: list[str] = ["skills"] if score > 0 else []
        concerns: list[str] = []
        if self.regions and self.region_fits(vacancy.place, vacancy.region):
            score *= REGION_BOOST
            reasons.append("region")
        hours = self.hours_fit(vacancy.hours_per_week)
        if hours is True:
            reasons.append("hours")
        elif hours is False:
            score *= MISFIT
            concerns.append("hours")
        pay = self.pay_fits(vacancy.salary_max, vacancy.salary_currency)
        if pay is True:
            reasons.append("pay")
        elif pay is False:
            score *= MISFIT
            concerns.append("pay")
        return score, reasons, concerns


def _codes(values: Sequence[str]) -> tuple[list[str], npt.NDArray[np.int32]]:
    """Distinct values and each row's position among them (places repeat a lot)."""
    distinct: dict[str, int] = {}
    codes = np.fromiter(
        (distinct.setdefault(v, len(distinct)) for v in values), np.int32, count=len(values)
    )
    return list(distinct), codes


def _floats(values: Sequence[Decimal | None]) -> npt.NDArray[np.float64]:
    return np.fromiter(
        (np.nan if v is None else float(v) for v in values), np.float64, count=len(values)
    )


class ForYouIndex:
    """An agency's open shared vacancies with extracted skills: the engine's skill matrix and,
    aligned with its rows, the columns the preference rules and the ordering read."""

    def __init__(self, version: str, rows: Sequence[tuple[object, ...]]) -> None:
        self.version = version
        columns = [list(c) for c in zip(*rows, strict=True)] if rows else [[]] * 8
        ids, skills, created, hours, salary, currency, place, region = columns
        self.skills: VacancyIndex = engine_cache.get_engine().vacancy_index(
            [str(pk) for pk in ids], skills, version=version
        )
        self.ids = np.asarray(ids, dtype=np.int64)
        self.created = np.fromiter((c.timestamp() for c in created), np.float64, len(created))
        self.hours = _floats(hours)
        self.salary = _floats(salary)
        self.currencies, self.currency = _codes(currency)
        self.places, self.place = _codes(place)
        self.regions, self.region = _codes(region)

    def __len__(self) -> int:
        return len(self.ids)

    def adjusted(
        self, rows: npt.NDArray[np.intp], raw: npt.NDArray[np.float64], wants: Wants
    ) -> npt.NDArray[np.float64]:
        """The skill scores `raw` of `rows` moved by the preferences, in the order
        `Wants.adjust` multiplies (so that both give the same floats)."""
        score = raw.copy()
        if wants.regions:
            places = np.array([wants.region_fits(p, "") for p in self.places], np.bool_)
            regions = np.array([wants.region_fits("", r) for r in self.regions], np.bool_)
            score[places[self.place[rows]] | regions[self.region[rows]]] *= REGION_BOOST
        if wants.hours in (Hours.FULL_TIME, Hours.PART_TIME):
            hours = self.hours[rows]
            with np.errstate(invalid="ignore"):
                full = hours >= FULL_TIME_HOURS
            fits = full if wants.hours == Hours.FULL_TIME else ~full
            score[~np.isnan(hours) & ~fits] *= MISFIT
        if wants.pay_min:
            currencies = np.array([c in ("", wants.pay_currency) for c in self.currencies])
            salary = self.salary[rows]
            with np.errstate(invalid="ignore"):
                low = salary < wants.pay_min
            score[currencies[self.currency[rows]] & ~np.isnan(salary) & low] *= MISFIT
        return score

    def top(self, skills: set[str], wants: Wants, k: int) -> dict[int, float]:
        """The `k` best rows with a skill score above zero, ordered as the page orders
        (adjusted score, then newest, then id): vacancy id → skill score."""
        if not skills or not len(self):
            return {}
        scores = self.skills.scores(skills)
        rows = np.flatnonzero(scores > 0)
        raw = scores[rows].astype(np.float64, copy=False)
        score = self.adjusted(rows, raw, wants)
        if len(rows) > k:
            # Every row tied with the k-th best stays in, so that the tie-break decides.
            kth = np.partition(score, len(rows) - k)[len(rows) - k]
            keep = score >= kth
            rows, raw, score = rows[keep], raw[keep], score[keep]
        order = np.lexsort((self.ids[rows], -self.created[rows], -score))[:k]
        return dict(zip(self.ids[rows[order]].tolist(), raw[order].tolist(), strict=True))


_lock = threading.Lock()
_indexes: dict[int, ForYouIndex] = {}
INDEX_FIELDS = (
    "pk",
    "skill_uris",
    "created_at",
    "hours_per_week",
    "salary_max",
    "salary_currency",
    "place",
    "region",
)


def versions(agency: Agency) -> tuple[str, int | None]:
    """A key of the taxonomy's newest version ("" before an import) and the agency's vacancy
    generation, in one query: every request asks both.

    Written out because the ORM takes longer to build this query than the database to run it
    (about 1 ms of the page's CPU)."""
    quote = connection.ops.quote_name
    taxonomy = quote(TaxonomyVersion._meta.db_table)
    generations = quote(VacancyGeneration._meta.db_table)
    # Only quoted table names from the models are formatted in; the agency is a parameter.
    sql = (
        f"SELECT t.{quote('number')}, t.{quote('changed_at')}, "  # noqa: S608
        f"(SELECT g.{quote('number')} FROM {generations} g WHERE g.{quote('agency_id')} = %s) "
        f"FROM {taxonomy} t ORDER BY t.{quote('number')} DESC LIMIT 1"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [agency.pk])
        row = cursor.fetchone()
    if row is None:
        return "", None
    number, changed_at, generation = row
    # Only compared with itself (the index and the skill-name memo): the database's own
    # spelling of the time is as good as any.
    return f"{number}:{changed_at}", generation


def agency_index(
    agency: Agency, *, today: datetime.date, taxonomy: str, generation: int | None
) -> ForYouIndex | None:
    """The agency's index for the taxonomy and generation `versions` read, built once per
    version (None before a taxonomy is imported)."""
    if not taxonomy:
        return None
    version = f"{taxonomy}|{generation}|{today}"
    with _lock:
        index = _indexes.get(agency.pk)
        if index is not None and index.version == version:
            return index
    rows = list(
        open_vacancies(agency, today=today)
        .filter(owner__isnull=True)
        .exclude(skill_uris=[])
        .values_list(*INDEX_FIELDS)
        .iterator(5000)
    )
    index = ForYouIndex(version, rows)
    with _lock:
        _indexes[agency.pk] = index
    return index


def forget() -> None:
    """Drop every cached index (tests)."""
    with _lock:
        _indexes.clear()
