"""The published outcome definitions (docs/outcomes.md), as the one set of functions every
report, dashboard, export and API answer uses. Nothing here is typed in: every figure is
computed from outcome records and aftercare check-ins.

`measure` and `measure_by` take any queryset of programmes (a scope, a filter) and run a fixed
number of queries however many programmes it holds (`tests/test_outcomes_definitions.py`).
"""

from __future__ import annotations

import statistics
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from springboard.outcomes.models import PLACEMENT_KINDS, OutcomeKind, PayComparison
from springboard.programmes.models import Programme, ProgrammeStatus

RETENTION_MONTHS = (6, 12)


@dataclass(frozen=True)
class Measures:
    """The counts behind every definition, and the definitions computed from them."""

    started: int  # programmes past the invitation: the denominator of the placement rate
    confirmed: int  # programmes with a confirmed outcome
    placed: int  # confirmed new job or self-employment
    by_kind: dict[str, int]  # confirmed outcomes by kind
    pay_known: int  # confirmed new jobs whose pay was compared with before
    pay_same_or_better: int
    retention_answered: dict[int, int]  # months → placements whose check-in was answered
    retention_in_work: dict[int, int]  # months → of those, still in work
    days_to_placement: tuple[int, ...]  # per placement: programme start → outcome start
    satisfaction_count: int  # answered 1-5 satisfaction scores
    satisfaction_sum: int

    @property
    def placement_rate(self) -> float | None:
        """Placed ÷ started programmes."""
        return self.placed / self.started if self.started else None

    @property
    def median_days_to_placement(self) -> float | None:
        return statistics.median(self.days_to_placement) if self.days_to_placement else None

    @property
    def same_or_better_pay_rate(self) -> float | None:
        return self.pay_same_or_better / self.pay_known if self.pay_known else None

    def retention_rate(self, months: int) -> float | None:
        answered = self.retention_answered.get(months, 0)
        return self.retention_in_work.get(months, 0) / answered if answered else None

    @property
    def mean_satisfaction(self) -> float | None:
        return self.satisfaction_sum / self.satisfaction_count if self.satisfaction_count else None


_CONFIRMED = Q(outcome__confirmed_at__isnull=False)
_PLACED = _CONFIRMED & Q(outcome__kind__in=PLACEMENT_KINDS)


def _counts() -> dict[str, Count]:
    new_job = _CONFIRMED & Q(outcome__kind=OutcomeKind.NEW_JOB)
    counts: dict[str, Count] = {
        "started": Count("pk", filter=~Q(status=ProgrammeStatus.INVITED)),
        "confirmed": Count("pk", filter=_CONFIRMED),
        "placed": Count("pk", filter=_PLACED),
        "pay_known": Count("pk", filter=new_job & ~Q(outcome__pay_compared="")),
        "pay_same_or_better": Count(
            "pk",
            filter=new_job
            & Q(outcome__pay_compared__in=[PayComparison.SAME, PayComparison.HIGHER]),
        ),
    }
    for kind in OutcomeKind:
        counts[f"kind_{kind.value}"] = Count("pk", filter=_CONFIRMED & Q(outcome__kind=kind))
    return counts


def _checkin_counts() -> dict[str, Count | Sum]:
    """Over the programmes' answered check-ins (the queryset is filtered on them); a programme
    has at most one check-in per month, so counting check-ins of a month counts programmes."""
    checkin = "aftercare_checkins"
    counts: dict[str, Count | Sum] = {
        "satisfaction_count": Count(
            checkin, filter=Q(aftercare_checkins__satisfaction__isnull=False)
        ),
        "satisfaction_sum": Sum("aftercare_checkins__satisfaction"),
    }
    for months in RETENTION_MONTHS:
        this_month = Q(aftercare_checkins__months=months)
        counts[f"answered_{months}"] = Count(checkin, filter=_PLACED & this_month)
        counts[f"in_work_{months}"] = Count(
            checkin, filter=_PLACED & this_month & Q(aftercare_checkins__in_work=True)
        )
    return counts


def _measures(row: dict[str, int], answers: dict[str, int], days: Sequence[int]) -> Measures:
    return Measures(
        started=row["started"],
        confirmed=row["confirmed"],
        placed=row["placed"],
        by_kind={kind.value: row[f"kind_{kind.value}"] for kind in OutcomeKind},
        pay_known=row["pay_known"],
        pay_same_or_better=row["pay_same_or_better"],
        retention_answered={m: answers.get(f"answered_{m}", 0) for m in RETENTION_MONTHS},
        retention_in_work={m: answers.get(f"in_work_{m}", 0) for m in RETENTION_MONTHS},
        days_to_placement=tuple(sorted(days)),
        satisfaction_count=answers.get("satisfaction_count", 0),
        satisfaction_sum=answers.get("satisfaction_sum") or 0,
    )


def _grouped(queryset: QuerySet[Any], fields: Sequence[str], counts: dict[str, Any]) -> Any:
    if fields:
        return queryset.values(*fields).annotate(**counts).order_by()
    return [queryset.aggregate(**counts)]


def measure_by(
    programmes: QuerySet[Programme], *fields: str
) -> dict[tuple[Hashable, ...], Measures]:
    """The measures of each group of programmes sharing the values of `fields` (e.g.
    "enrolment__engagement_id", "enrolment__cohort_id"): three queries for any number of groups
    and programmes."""
    base = programmes.order_by()
    rows = _grouped(base, fields, _counts())
    answers: dict[tuple[Hashable, ...], dict[str, int]] = {}
    # From the programmes' side, joined once: a semi-join of the check-ins on the programmes
    # (`programme__in=`) reads the programmes and their joins twice.
    answered = base.filter(aftercare_checkins__answered_at__isnull=False)
    for row in _grouped(answered, fields, _checkin_counts()):
        answers[tuple(row[f] for f in fields)] = row
    days: dict[tuple[Hashable, ...], list[int]] = {}
    placements = base.filter(_PLACED).values_list(*fields, "start_date", "outcome__start_date")
    for *key, started, placed in placements:
        days.setdefault(tuple(key), []).append(max(0, (placed - started).days))
    result: dict[tuple[Hashable, ...], Measures] = {}
    for row in rows:
        key = tuple(row[f] for f in fields)
        result[key] = _measures(row, answers.get(key, {}), days.get(key, ()))
    return result


EMPTY = _measures(
    {
        **dict.fromkeys(["started", "confirmed", "placed", "pay_known", "pay_same_or_better"], 0),
        **{f"kind_{kind.value}": 0 for kind in OutcomeKind},
    },
    {},
    (),
)


def combine(parts: Iterable[Measures]) -> Measures:
    """The measures of the union of disjoint groups (e.g. an engagement from its cohorts),
    without another query: every count adds up, the placement days are pooled."""
    parts = list(parts)
    if not parts:
        return EMPTY

    def total(name: str) -> int:
        return sum(getattr(p, name) for p in parts)

    return Measures(
        started=total("started"),
        confirmed=total("confirmed"),
        placed=total("placed"),
        by_kind={k.value: sum(p.by_kind[k.value] for p in parts) for k in OutcomeKind},
        pay_known=total("pay_known"),
        pay_same_or_better=total("pay_same_or_better"),
        retention_answered={
            m: sum(p.retention_answered[m] for p in parts) for m in RETENTION_MONTHS
        },
        retention_in_work={m: sum(p.retention_in_work[m] for p in parts) for m in RETENTION_MONTHS},
        days_to_placement=tuple(sorted(d for p in parts for d in p.days_to_placement)),
        satisfaction_count=total("satisfaction_count"),
        satisfaction_sum=total("satisfaction_sum"),
    )


def measure(programmes: QuerySet[Programme]) -> Measures:
    """The measures of all the programmes together."""
    return measure_by(programmes).get((), EMPTY)
