"""SVG bar charts for the report pages, drawn from shown cells only: a hidden cell gets no bar
(its length would give the number away), just the word the tables use."""

from __future__ import annotations

from dataclasses import dataclass

from springboard.outcomes.reporting import OutcomeReport

BAR_AREA = 220  # width of the longest bar, in SVG units
ROW_HEIGHT = 26


@dataclass(frozen=True)
class Bar:
    label: str
    value: int | None
    y: int
    width: int


@dataclass(frozen=True)
class Chart:
    title: str
    bars: list[Bar]
    height: int


def outcome_chart(report: OutcomeReport) -> Chart:
    """Outcomes by type over the whole engagement."""
    table = report.outcome_table
    row = table.rows[-1]
    shown = [cell.value for cell in row.cells if cell.value is not None]
    longest = max(shown, default=0) or 1
    bars = [
        Bar(
            heading,
            cell.value,
            index * ROW_HEIGHT,
            0 if cell.value is None else round(BAR_AREA * cell.value / longest),
        )
        for index, (heading, cell) in enumerate(zip(table.headings, row.cells, strict=True))
    ]
    return Chart(table.title, bars, len(bars) * ROW_HEIGHT)
