"""The employer's outcome report: the funnel (programmes.reporting), outcomes by type, retention at
6 and 12 months, time to placement, same-or-better pay and satisfaction, per engagement and per
cohort, computed by `definitions.measure_by` and published only through complementary
suppression (`programmes.reporting.protect_table`, docs/outcomes.md "What an employer sees").

Counts are tables whose rows are the cohorts, the enrolments without a cohort (never shown, but
part of the relations) and the engagement; each table is protected as a whole, so no hidden
cell follows from the shown ones by any subtraction over cohorts. Rates and medians appear only
for the engagement, and only where the groups behind them are shown or hold at least MIN_GROUP
people, so a rate never turns a hidden count back into a number.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from springboard.employers.models import Cohort
from springboard.outcomes.definitions import EMPTY, Measures, combine
from springboard.outcomes.models import OutcomeKind
from springboard.outcomes.rollup import report_counts
from springboard.programmes.reporting import (
    MIN_GROUP,
    STATUS_HEADINGS,
    Cell,
    EngagementReport,
    employer_engagements,
    employer_report,
    protect_table,
)
from springboard.tenancy.models import Membership

OUTCOME_COLUMNS = ("no_outcome", *(kind.value for kind in OutcomeKind))
OUTCOME_HEADINGS = (_("No outcome yet"), *(kind.label for kind in OutcomeKind))
RETENTION_COLUMNS = ("in_work", "not_in_work")
RETENTION_HEADINGS = (_("In work"), _("Not in work"))
FUNNEL_HEADINGS = STATUS_HEADINGS


@dataclass(frozen=True)
class Row:
    """One shown row of a table: a cohort's (label = its name) or the engagement's."""

    label: str
    total: Cell
    cells: list[Cell]


@dataclass(frozen=True)
class Table:
    title: str
    headings: tuple[str, ...]
    rows: list[Row]  # the cohorts, then the engagement


@dataclass(frozen=True)
class Figure:
    """A rate, median or mean of the engagement; `value` None when it must not be shown."""

    label: str
    value: str | None


@dataclass(frozen=True)
class OutcomeReport:
    funnel: EngagementReport
    tables: list[Table]
    figures: list[Figure]

    @property
    def engagement(self) -> object:
        return self.funnel.engagement

    @property
    def outcome_table(self) -> Table:
        return self.tables[1]


def _percent(value: float) -> str:
    return f"{round(value * 100)}%"


def _protected(
    title: str,
    headings: tuple[str, ...],
    columns: tuple[str, ...],
    rows: list[dict[str, int]],
    cohorts: list[Cohort],
) -> Table:
    published = protect_table(rows, columns)
    labels = [c.name for c in cohorts]
    shown = [
        Row(label, total, [cells[key] for key in columns])
        for label, (total, cells) in zip(labels, published[: len(cohorts)], strict=True)
    ]
    total, cells = published[-1]
    shown.append(Row(str(_("All cohorts")), total, [cells[key] for key in columns]))
    return Table(title, headings, shown)


def _funnel_table(report: EngagementReport) -> Table:
    rows = [Row(c.cohort.name, c.total, list(c.by_status.values())) for c in report.cohorts]
    rows.append(Row(str(_("All cohorts")), report.total, list(report.by_status.values())))
    return Table(str(_("Funnel: people by stage")), tuple(map(str, FUNNEL_HEADINGS)), rows)


def _figures(report: EngagementReport, outcomes: Table, measures: Measures) -> list[Figure]:
    engagement_row = outcomes.rows[-1]
    by_key = dict(zip(OUTCOME_COLUMNS, engagement_row.cells, strict=True))
    placement_cells = [by_key[OutcomeKind.NEW_JOB.value], by_key[OutcomeKind.SELF_EMPLOYED.value]]
    # The rate's denominator (started programmes) follows from the funnel's "not started" and
    # total cells, so the rate is shown only when those and both placement cells are.
    funnel_known = not report.total.suppressed and not report.by_status["not_started"].suppressed
    rate = measures.placement_rate
    placement = (
        _percent(rate)
        if rate is not None and funnel_known and not any(c.suppressed for c in placement_cells)
        else None
    )
    median = measures.median_days_to_placement
    days = (
        str(_("%(days)s days") % {"days": round(median)})
        if median is not None and measures.placed >= MIN_GROUP
        else None
    )
    pay = measures.same_or_better_pay_rate
    pay_text = _percent(pay) if pay is not None and measures.pay_known >= MIN_GROUP else None
    figures = [
        Figure(str(_("Placement rate")), placement),
        Figure(str(_("Median time to placement")), days),
        Figure(str(_("Same or better pay")), pay_text),
    ]
    for months in (6, 12):
        retention = measures.retention_rate(months)
        answered = measures.retention_answered[months]
        in_work = measures.retention_in_work[months]
        # Both counts shown, or zero: a rate of a hidden count would give it away.
        visible = all(n == 0 or n >= MIN_GROUP for n in (in_work, answered - in_work))
        figures.append(
            Figure(
                str(_("Retention at %(months)s months") % {"months": months}),
                _percent(retention) if retention is not None and visible else None,
            )
        )
    mean = measures.mean_satisfaction
    figures.append(
        Figure(
            str(_("Satisfaction (1-5)")),
            f"{mean:.1f}"
            if mean is not None and measures.satisfaction_count >= MIN_GROUP
            else None,
        )
    )
    return figures


def employer_outcome_report(contact: Membership) -> list[OutcomeReport]:
    """The employer contact's outcome report over their own employer's engagements: a fixed
    number of queries however many engagements, cohorts and programmes there are (on
    PostgreSQL three or four while the stored rollups are current, see rollup.py)."""
    engagements = employer_engagements(contact)
    if not engagements:
        return []
    # The counts come from the stored rollup where it is current (rollup.py), so the report
    # reads the enrolments and programmes only of engagements that changed.
    counts = report_counts(contact.agency_id, [e.pk for e in engagements])
    funnels = employer_report(
        contact, engagements=engagements, counts=(counts.stages, counts.known)
    )
    groups = counts.measures
    enrolled: dict[tuple[Hashable, ...], int] = {
        (f.engagement.pk, cohort_id): n for f in funnels for cohort_id, n in f.enrolled.items()
    }
    reports = []
    for funnel in funnels:
        engagement = funnel.engagement
        cohorts = [c.cohort for c in funnel.cohorts]
        keys = [(engagement.pk, c.pk) for c in cohorts] + [(engagement.pk, None)]
        outcome_rows, retention_rows = [], {6: [], 12: []}  # type: ignore[var-annotated]
        for key in keys:
            m = groups.get(key, EMPTY)
            row = {"no_outcome": enrolled.get(key, 0) - m.confirmed, **m.by_kind}
            outcome_rows.append(row)
            for months, table_rows in retention_rows.items():
                in_work = m.retention_in_work[months]
                table_rows.append(
                    {"in_work": in_work, "not_in_work": m.retention_answered[months] - in_work}
                )
        outcomes = _protected(
            str(_("Outcomes by type")),
            tuple(map(str, OUTCOME_HEADINGS)),
            OUTCOME_COLUMNS,
            outcome_rows,
            cohorts,
        )
        tables = [_funnel_table(funnel), outcomes]
        for months, table_rows in retention_rows.items():
            tables.append(
                _protected(
                    str(
                        _("Retention at %(months)s months (answered check-ins)")
                        % {"months": months}
                    ),
                    tuple(map(str, RETENTION_HEADINGS)),
                    RETENTION_COLUMNS,
                    table_rows,
                    cohorts,
                )
            )
        measures = combine(groups[key] for key in keys if key in groups)
        reports.append(OutcomeReport(funnel, tables, _figures(funnel, outcomes, measures)))
    return reports
