"""What an employer contact may see of their engagements: candidates counted by programme stage,
with complementary suppression (docs/employers.md, "What employer contacts see").

A report on programmes, so it lives in the programmes app, which may read the employers' data."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from springboard.employers.consents import employer_may_see_status
from springboard.employers.models import Cohort, Engagement, Enrolment, ReportingLevel
from springboard.programmes.models import ProgrammeStatus
from springboard.tenancy.models import Membership

# Smallest group an employer may see as a number; smaller groups read "fewer than 5".
MIN_GROUP = 5


@dataclass(frozen=True)
class Cell:
    """A count as an employer sees it: the number, or None when it must not be shown."""

    value: int | None

    @property
    def suppressed(self) -> bool:
        return self.value is None


# What an employer may see of a programme: its stage, never its content.
_RUNNING = [
    ProgrammeStatus.INTAKE,
    ProgrammeStatus.ACTIVE,
    ProgrammeStatus.PAUSED,
    ProgrammeStatus.EXTENDED,
]
STATUS_COLUMNS: tuple[tuple[str, Any, Q], ...] = (
    (
        "not_started",
        _("Not started"),
        Q(programme__isnull=True) | Q(programme__status=ProgrammeStatus.INVITED),
    ),
    ("in_programme", _("In programme"), Q(programme__status__in=_RUNNING)),
    (
        "placed",
        _("Placed"),
        Q(programme__status__in=[ProgrammeStatus.PLACED, ProgrammeStatus.AFTERCARE]),
    ),
    ("dropped_out", _("Dropped out"), Q(programme__status=ProgrammeStatus.DROPPED_OUT)),
    ("closed", _("Closed"), Q(programme__status=ProgrammeStatus.CLOSED)),
)
ENROLMENT_STATUSES = tuple(key for key, _label, _condition in STATUS_COLUMNS)
STATUS_LABELS = {key: label for key, label, _condition in STATUS_COLUMNS}
# Column headings, in the order of the cells.
STATUS_HEADINGS = tuple(label for _key, label, _condition in STATUS_COLUMNS)


def status_of(programme_status: str | None) -> str:
    """The employer-visible column of one programme status."""
    if programme_status in (None, ProgrammeStatus.INVITED):
        return "not_started"
    if programme_status in _RUNNING:
        return "in_programme"
    if programme_status in (ProgrammeStatus.PLACED, ProgrammeStatus.AFTERCARE):
        return "placed"
    return str(programme_status)


@dataclass(frozen=True)
class CohortReport:
    cohort: Cohort
    total: Cell
    by_status: dict[str, Cell]


@dataclass(frozen=True)
class EngagementReport:
    engagement: Engagement
    total: Cell
    by_status: dict[str, Cell]
    cohorts: list[CohortReport]
    consented: list[tuple[str, str]]  # (name, status) for people who allowed it
    # Never shown: enrolments per cohort id (None: without a cohort), for reports built on this
    # one (outcomes) that need the denominators without counting the enrolments again.
    enrolled: dict[int | None, int] = field(default_factory=dict)


# Complementary suppression over an engagement's whole table (docs/employers.md).
#
# The table: one row per cohort, a row for enrolments without a cohort (never shown, but counted
# in the engagement row, so treated as if the employer knew it), and the engagement row; one
# column per stage and the total column. Every relation in it says "a total is the sum of its
# parts": a row's total is the sum of its stages, an engagement cell the sum of its column.
#
# Draw each relation (each row, each column) as a node and each cell as an edge between its row's
# node and its column's node, oriented so that at the node they share a total and one of its
# parts point the same way round (one enters, one leaves) and two parts of one total do not.
# Then a change of the hidden cells that keeps every relation true is a circulation on the
# hidden edges: adding 1 along a cycle raises the cells it follows and lowers those it runs
# against. A hidden cell is therefore pinned down by the shown ones exactly when no cycle of
# hidden edges through it can be pushed one way or the other without taking a cell it runs
# against below what the employer knows that cell is at least: 1, because zeros are always
# shown, or the number of its people who chose to share their status with the employer.
# Hiding more cells can only add cycles, and once every non-zero cell is hidden each of them lies
# on a cycle of cells that all rise together (a cell, its row total, the grand total and its
# engagement cell), so the loop below always ends with nothing pinned down.

# (row, column); the last row is the engagement, the last column the total.
GridCell = tuple[int, int]


def _grid(rows: Sequence[Mapping[str, int]], columns: Sequence[str]) -> list[list[int]]:
    grid = [[row.get(key, 0) for key in columns] for row in rows]
    grid.append([sum(line[c] for line in grid) for c in range(len(columns))])
    for line in grid:
        line.append(sum(line))
    return grid


def _edge(cell: GridCell, rows: int, columns: int) -> tuple[int, int]:
    """The two relations a cell belongs to, as (from, to) nodes; row r is node r, column c is
    node rows + 1 + c. Inner cells and the grand total run column → row, the other totals
    row → column."""
    r, c = cell
    row_node, column_node = r, rows + 1 + c
    if (r < rows) == (c < columns):
        return column_node, row_node
    return row_node, column_node


def _pinned(cell: GridCell, hidden: set[GridCell], grid: list[list[int]], floor: Any) -> bool:
    """Whether the shown cells and the relations leave a hidden cell a single possible value."""
    rows, columns = len(grid) - 1, len(grid[0]) - 1
    arcs: dict[int, list[int]] = {}
    for other in hidden:
        if other == cell:
            continue
        start, end = _edge(other, rows, columns)
        arcs.setdefault(start, []).append(end)
        if grid[other[0]][other[1]] > floor[other[0]][other[1]]:  # room to lower it
            arcs.setdefault(end, []).append(start)

    def reaches(source: int, target: int) -> bool:
        seen, todo = {source}, [source]
        while todo:
            for node in arcs.get(todo.pop(), ()):
                if node == target:
                    return True
                if node not in seen:
                    seen.add(node)
                    todo.append(node)
        return False

    start, end = _edge(cell, rows, columns)
    if reaches(end, start):  # it can be raised
        return False
    room = grid[cell[0]][cell[1]] > floor[cell[0]][cell[1]]
    return not (room and reaches(start, end))  # or lowered


def hidden_cells(
    rows: Sequence[Mapping[str, int]],
    columns: Sequence[str] = ENROLMENT_STATUSES,
    shared: Sequence[Mapping[str, int]] | None = None,
) -> set[GridCell]:
    """The cells of the table (see above) that must not be shown (`_hidden_cells`), remembered
    per table: the answer depends on the numbers alone, and an unchanged report asks again."""

    def numbers(table: Sequence[Mapping[str, int]]) -> tuple[tuple[int, ...], ...]:
        return tuple(tuple(row.get(key, 0) for key in columns) for row in table)

    key = (numbers(rows), tuple(columns), None if shared is None else numbers(shared))
    return set(_remembered_hidden_cells(key))


TableNumbers = tuple[
    tuple[tuple[int, ...], ...], tuple[str, ...], tuple[tuple[int, ...], ...] | None
]


@functools.lru_cache(maxsize=4096)
def _remembered_hidden_cells(key: TableNumbers) -> frozenset[GridCell]:
    values, columns, shared = key

    def rows_of(table: tuple[tuple[int, ...], ...]) -> list[dict[str, int]]:
        return [dict(zip(columns, line, strict=True)) for line in table]

    return frozenset(
        _hidden_cells(rows_of(values), columns, None if shared is None else rows_of(shared))
    )


def _hidden_cells(
    rows: Sequence[Mapping[str, int]],
    columns: Sequence[str],
    shared: Sequence[Mapping[str, int]] | None,
) -> set[GridCell]:
    """The cells of the table (see above) that must not be shown.

    Every cell of 1 to MIN_GROUP - 1 people, and then, while some hidden cell is pinned down by
    the shown ones, the smallest non-zero shown cell whose hiding frees it (or, when no single
    one does, the smallest in the same row or column). Zeros are never hidden.
    """
    grid = _grid(rows, columns)
    known = _grid(shared, columns) if shared is not None else [[0] * len(line) for line in grid]
    floor = [[max(1, n) for n in line] for line in known]
    cells = [(r, c) for r in range(len(grid)) for c in range(len(grid[0]))]
    hidden = {(r, c) for r, c in cells if 0 < grid[r][c] < MIN_GROUP}
    free: set[GridCell] = set()  # hiding more only adds cycles, so a free cell stays free
    while True:
        pinned = None
        for x in sorted(hidden - free):
            if _pinned(x, hidden, grid, floor):
                pinned = x
                break
            free.add(x)
        if pinned is None:
            return hidden
        candidates = sorted(
            (grid[r][c], (r, c)) for r, c in cells if (r, c) not in hidden and grid[r][c] > 0
        )
        if not candidates:  # cannot happen (see above); refuse rather than publish a leak
            raise RuntimeError("complementary suppression found no cell left to hide")
        fix = next(
            (x for _n, x in candidates if not _pinned(pinned, hidden | {x}, grid, floor)), None
        )
        if fix is None:
            near = [x for _n, x in candidates if pinned[0] == x[0] or pinned[1] == x[1]]
            fix = near[0] if near else candidates[0][1]
        hidden.add(fix)


def protect_table(
    rows: Sequence[Mapping[str, int]],
    columns: Sequence[str] = ENROLMENT_STATUSES,
    shared: Sequence[Mapping[str, int]] | None = None,
) -> list[tuple[Cell, dict[str, Cell]]]:
    """(total, cells by column) of every row and then of the sum of the rows, with the cells of
    `hidden_cells` as None. `shared` counts, per cell, the people the employer sees by name."""
    grid = _grid(rows, columns)
    hidden = hidden_cells(rows, columns, shared)

    def cell(r: int, c: int) -> Cell:
        return Cell(None if (r, c) in hidden else grid[r][c])

    return [
        (cell(r, len(columns)), {key: cell(r, c) for c, key in enumerate(columns)})
        for r in range(len(grid))
    ]


def suppress(counts: Mapping[str, int]) -> dict[str, Cell]:
    """One table of a single row and its total; the employer report uses `protect_table`."""
    return protect_table([counts], tuple(counts))[0][1]


def suppressed_total(counts: Mapping[str, int]) -> Cell:
    return protect_table([counts], tuple(counts))[0][0]


# Per (engagement id, cohort id or None): a count per stage (ENROLMENT_STATUSES).
StageCounts = dict[tuple[int, int | None], dict[str, int]]


def employer_engagements(contact: Membership) -> list[Engagement]:
    """The employer contact's own employer's engagements, newest first."""
    if contact.employer_id is None:
        return []
    return list(
        Engagement.objects.filter(
            agency_id=contact.agency_id, employer_id=contact.employer_id
        ).order_by("-start_date", "name")
    )


def enrolment_counts(engagement_ids: Sequence[int]) -> tuple[StageCounts, StageCounts]:
    """One grouped query: the enrolments of these engagements by (engagement, cohort) and stage,
    and of them the people who let the employer see their status. Groups without enrolments are
    absent."""
    counts: StageCounts = {}
    # Per cell, also the people who let the employer see their status: where the engagement
    # reports consented status their names are listed, so the employer knows the cell holds at
    # least that many, and suppression must hold against that knowledge too.
    known: StageCounts = {}
    grouped = (
        Enrolment.objects.filter(engagement_id__in=engagement_ids)
        .alias(named=employer_may_see_status())
        .values("engagement_id", "cohort_id")
        .annotate(
            **{key: Count("pk", filter=condition) for key, _label, condition in STATUS_COLUMNS},
            **{
                f"shared_{key}": Count("pk", filter=condition & Q(named=True))
                for key, _label, condition in STATUS_COLUMNS
            },
        )
        .order_by()
    )
    for row in grouped:
        group = (row["engagement_id"], row["cohort_id"])
        # The annotations are named from STATUS_COLUMNS, which the stubs cannot follow.
        counts[group] = {key: int(row[key]) for key in ENROLMENT_STATUSES}  # type: ignore[literal-required]
        known[group] = {key: int(row[f"shared_{key}"]) for key in ENROLMENT_STATUSES}  # type: ignore[literal-required]
    return counts, known


def employer_report(
    contact: Membership,
    *,
    engagements: list[Engagement] | None = None,
    counts: tuple[StageCounts, StageCounts] | None = None,
) -> list[EngagementReport]:
    """The employer contact's view: aggregates of their own employer's engagements only.

    Four queries however many engagements and cohorts there are. A report built on this one
    may pass the engagements (`employer_engagements`) and their `enrolment_counts` it already
    has, e.g. from a stored rollup (outcomes.rollup); they must be exactly what those
    functions return.
    """
    if engagements is None:
        engagements = employer_engagements(contact)
    if not engagements:
        return []
    cohorts_by_engagement: dict[int, list[Cohort]] = {e.pk: [] for e in engagements}
    for cohort in Cohort.objects.filter(engagement__in=engagements).order_by("notice_date", "name"):
        cohorts_by_engagement[cohort.engagement_id].append(cohort)
    by_group, known = (
        counts if counts is not None else enrolment_counts([e.pk for e in engagements])
    )
    consented: dict[int, list[tuple[str, str]]] = {e.pk: [] for e in engagements}
    shared = (
        Enrolment.objects.filter(
            engagement__in=[e for e in engagements if e.reporting_level == "consented_status"]
        )
        .filter(employer_may_see_status())
        .order_by("candidate__full_name")
    )
    # Values, not model instances: an engagement may list thousands of names. The name is
    # `Membership.display_name` (the agency's name for the person, else the address; erased
    # people never by name).
    erased = str(_("Erased person"))
    labels = {key: str(label) for key, label in STATUS_LABELS.items()}
    for engagement_id, erased_at, full_name, email, programme_status in shared.values_list(
        "engagement_id",
        "candidate__erased_at",
        "candidate__full_name",
        "candidate__user__email",
        "programme__status",
    ):
        name = erased if erased_at is not None else (full_name or email)
        consented[engagement_id].append((name, labels[status_of(programme_status)]))

    zero = dict.fromkeys(ENROLMENT_STATUSES, 0)
    reports: list[EngagementReport] = []
    for engagement in engagements:
        cohorts = cohorts_by_engagement[engagement.pk]
        # The last row holds the enrolments without a cohort: not shown, but part of the table.
        groups = [(engagement.pk, cohort.pk) for cohort in cohorts] + [(engagement.pk, None)]
        names_shown = engagement.reporting_level == ReportingLevel.CONSENTED_STATUS
        table = protect_table(
            [by_group.get(group, zero) for group in groups],
            shared=[known.get(group, zero) for group in groups] if names_shown else None,
        )
        total, by_status = table[-1]
        reports.append(
            EngagementReport(
                engagement,
                total,
                by_status,
                [
                    CohortReport(cohort, *cells)
                    for cohort, cells in zip(cohorts, table[: len(cohorts)], strict=True)
                ],
                consented[engagement.pk],
                {group[1]: sum(by_group.get(group, zero).values()) for group in groups},
            )
        )
    return reports
