"""The counts behind the employer report, per engagement: computed from the records, or read
from the engagement's stored rollup while it is current (docs/outcomes.md, "Benchmark P5").

What the report needs of an engagement, per cohort (and the enrolments without one): its
enrolments by stage, of those the people who let the employer see their status
(`programmes.reporting.enrolment_counts`), and the `Measures` of its programmes
(`definitions.measure_by`). `compute` asks the database for exactly that; on PostgreSQL
`report_counts` keeps it per engagement in `ReportRollup` and recomputes only the engagements
whose version moved since their rollup was computed.

Why the stored figures are never wrong: triggers (migration 0002) raise an engagement's
`version` in the transaction of every write the figures depend on, so a write is committed
together with its bump. The reader notes the version before it counts, and every count it then
makes sees at least the writes that version includes; it stores the counts as computed at that
version, only while the row still holds it (`WHERE version = <read>`) and is not locked by an
unfinished writer (`SKIP LOCKED`). A write that lands during the counting raises the version
first, so the stored counts are stale, and recomputed on the next read, never taken as current.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction

from springboard.outcomes.definitions import RETENTION_MONTHS, Measures, measure_by
from springboard.outcomes.models import OutcomeKind, ReportRollup
from springboard.programmes.models import Programme
from springboard.programmes.reporting import ENROLMENT_STATUSES, StageCounts, enrolment_counts

# Stored rollups of another shape (or of earlier definitions) count as stale. Raise the number
# when a definition changes what a stored count means.
FORMAT = "2:" + ",".join(
    [*ENROLMENT_STATUSES, *(k.value for k in OutcomeKind), *map(str, RETENTION_MONTHS)]
)

Groups = dict[tuple[Hashable, ...], Measures]


@dataclass(frozen=True)
class ReportCounts:
    """Keyed by (engagement id, cohort id or None), as `enrolment_counts` and `measure_by`
    ("enrolment__engagement_id", "enrolment__cohort_id") return them."""

    stages: StageCounts
    known: StageCounts
    measures: Groups


def compute(agency_id: int, engagement_ids: Sequence[int]) -> ReportCounts:
    """The counts of these engagements from the records: four grouped queries."""
    stages, known = enrolment_counts(engagement_ids)
    programmes = Programme.objects.filter(
        agency_id=agency_id, enrolment__engagement_id__in=engagement_ids
    )
    measures = measure_by(programmes, "enrolment__engagement_id", "enrolment__cohort_id")
    return ReportCounts(stages, known, measures)


def _merge(parts: Iterable[ReportCounts]) -> ReportCounts:
    stages: StageCounts = {}
    known: StageCounts = {}
    measures: Groups = {}
    for part in parts:
        stages.update(part.stages)
        known.update(part.known)
        measures.update(part.measures)
    return ReportCounts(stages, known, measures)


def _encode_measures(m: Measures) -> dict[str, Any]:
    return {
        "started": m.started,
        "confirmed": m.confirmed,
        "placed": m.placed,
        "by_kind": [m.by_kind[k.value] for k in OutcomeKind],
        "pay_known": m.pay_known,
        "pay_same_or_better": m.pay_same_or_better,
        "answered": [m.retention_answered[months] for months in RETENTION_MONTHS],
        "in_work": [m.retention_in_work[months] for months in RETENTION_MONTHS],
        # The days as a histogram, flat (day, count, day, count, …): a few hundred numbers
        # instead of one per placement.
        "days": [n for pair in sorted(Counter(m.days_to_placement).items()) for n in pair],
        "satisfaction_count": m.satisfaction_count,
        "satisfaction_sum": m.satisfaction_sum,
    }


def _days(histogram: list[int]) -> tuple[int, ...]:
    pairs = iter(histogram)
    days: list[int] = []
    for day, count in zip(pairs, pairs, strict=True):
        days.extend([day] * count)
    return tuple(days)


def _decode_measures(data: dict[str, Any]) -> Measures:
    return Measures(
        started=data["started"],
        confirmed=data["confirmed"],
        placed=data["placed"],
        by_kind={k.value: n for k, n in zip(OutcomeKind, data["by_kind"], strict=True)},
        pay_known=data["pay_known"],
        pay_same_or_better=data["pay_same_or_better"],
        retention_answered=dict(zip(RETENTION_MONTHS, data["answered"], strict=True)),
        retention_in_work=dict(zip(RETENTION_MONTHS, data["in_work"], strict=True)),
        days_to_placement=_days(data["days"]),
        satisfaction_count=data["satisfaction_count"],
        satisfaction_sum=data["satisfaction_sum"],
    )


def encode(engagement_id: int, counts: ReportCounts) -> dict[str, Any]:
    """One engagement's part of `counts`, as stored in `ReportRollup.data`."""
    return {
        "format": FORMAT,
        "stages": [
            [
                cohort,
                [stages[k] for k in ENROLMENT_STATUSES],
                [counts.known[(engagement, cohort)][k] for k in ENROLMENT_STATUSES],
            ]
            for (engagement, cohort), stages in counts.stages.items()
            if engagement == engagement_id
        ],
        "measures": [
            [key[1], _encode_measures(m)]
            for key, m in counts.measures.items()
            if key[0] == engagement_id
        ],
    }


def decode(engagement_id: int, data: dict[str, Any]) -> ReportCounts:
    stages: StageCounts = {}
    known: StageCounts = {}
    for cohort, by_stage, shared in data["stages"]:
        stages[(engagement_id, cohort)] = dict(zip(ENROLMENT_STATUSES, by_stage, strict=True))
        known[(engagement_id, cohort)] = dict(zip(ENROLMENT_STATUSES, shared, strict=True))
    measures: Groups = {
        (engagement_id, cohort): _decode_measures(m) for cohort, m in data["measures"]
    }
    return ReportCounts(stages, known, measures)


def _current(row: ReportRollup) -> bool:
    return (
        row.computed_version == row.version
        and isinstance(row.data, dict)
        and row.data.get("format") == FORMAT
    )


def _store(counts: ReportCounts, read: dict[int, int | None]) -> None:
    """Save the counts of the engagements recomputed at the versions `read` (None: no row
    yet), each only if nothing changed it since (one or two statements)."""
    existing = [(e, v) for e, v in read.items() if v is not None]
    missing = [e for e, v in read.items() if v is None]
    with connection.cursor() as cursor:
        if existing:
            # SKIP LOCKED: a row locked by an unfinished writer is left stale rather than
            # waited for (that writer's bump will move its version anyway).
            cursor.execute(
                """
                UPDATE outcomes_reportrollup AS r
                   SET data = v.data::jsonb, computed_version = v.version
                  FROM unnest(%s::bigint[], %s::bigint[], %s::text[]) AS v(id, version, data)
                 WHERE r.engagement_id = v.id AND r.version = v.version
                   AND r.engagement_id IN (
                       SELECT engagement_id FROM outcomes_reportrollup
                        WHERE engagement_id = ANY(%s::bigint[])
                          FOR UPDATE SKIP LOCKED)
                """,
                [
                    [e for e, _v in existing],
                    [v for _e, v in existing],
                    [json.dumps(encode(e, counts)) for e, _v in existing],
                    [e for e, _v in existing],
                ],
            )
        if missing:
            # Computed before any write made a row: stored as version 0. A writer that made
            # the row meanwhile wins the conflict (its bump means these counts may be old).
            cursor.execute(
                """
                INSERT INTO outcomes_reportrollup
                       (engagement_id, version, computed_version, data)
                SELECT v.id, 0, 0, v.data::jsonb
                  FROM unnest(%s::bigint[], %s::text[]) AS v(id, data)
                    ON CONFLICT (engagement_id) DO NOTHING
                """,
                [missing, [json.dumps(encode(e, counts)) for e in missing]],
            )


def report_counts(agency_id: int, engagement_ids: Sequence[int]) -> ReportCounts:
    """The counts of these engagements (all of `agency_id`), exactly as `compute` gives them.

    PostgreSQL: one query for the stored rollups; when some are stale, the four of `compute`
    restricted to those engagements (after one setting) and one or two to store them.
    Elsewhere (SQLite, no triggers): `compute`."""
    if connection.vendor != "postgresql" or not engagement_ids:
        return compute(agency_id, engagement_ids)
    stored = {r.engagement_id: r for r in ReportRollup.objects.filter(pk__in=engagement_ids)}
    parts: list[ReportCounts] = []
    stale: dict[int, int | None] = {}
    for engagement_id in engagement_ids:
        row = stored.get(engagement_id)
        if row is not None and _current(row):
            parts.append(decode(engagement_id, row.data or {}))
        else:
            stale[engagement_id] = row.version if row is not None else None
    if stale:
        with transaction.atomic():
            # For these queries over a few engagements: the planner estimates the consent
            # sub-plans as costly enough to compile them (JIT), which takes longer than the
            # queries run, and starting parallel workers costs more than they save (132 → 93 ms
            # for one engagement of the P5 fixture).
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off; SET LOCAL max_parallel_workers_per_gather = 0")
            fresh = compute(agency_id, list(stale))
        _store(fresh, stale)
        parts.append(fresh)
    return _merge(parts)
