"""The network map as an SVG bar chart: one bar per circle, split by the strength of the ties.

Geometry is computed here so that the template only places numbers; the chart scales with its
container (viewBox), and the same counts are in a table for screen readers and for printing.
"""

from __future__ import annotations

from dataclasses import dataclass

from springboard.network.selectors import NetworkMap

# Narrow on purpose: on a phone the chart is drawn about 330 px wide, so its text stays legible.
WIDTH = 400
LABEL_HEIGHT = 20
BAR_HEIGHT = 20
ROW_HEIGHT = 54
BAR_SPACE = 350  # what is left of WIDTH after the total printed behind the bar
# Weak → strong; dark enough for white text and 3:1 against the white page.
COLOURS = ("#6c8ebf", "#2f6bb3", "#123e75")


@dataclass(frozen=True)
class Segment:
    x: float
    width: float
    colour: str
    count: int


@dataclass(frozen=True)
class ChartRow:
    label: str
    label_y: int
    bar_y: int
    segments: list[Segment]
    total: int
    total_x: float


@dataclass(frozen=True)
class Chart:
    rows: list[ChartRow]
    height: int
    legend: list[tuple[str, str]]  # (colour, label), shown as HTML below the chart


def chart_of(network: NetworkMap, strength_labels: list[str]) -> Chart:
    largest = max(network.largest, 1)
    rows = []
    for index, row in enumerate(network.rows):
        top = index * ROW_HEIGHT
        x = 0.0
        segments = []
        for count, colour in zip(row.counts, COLOURS, strict=True):
            width = BAR_SPACE * count / largest
            if count:
                segments.append(
                    Segment(x=round(x, 1), width=round(width, 1), colour=colour, count=count)
                )
            x += width
        rows.append(
            ChartRow(
                label=str(row.circle.label),
                label_y=top + 16,
                bar_y=top + LABEL_HEIGHT + 2,
                segments=segments,
                total=row.total,
                total_x=round(x + 6, 1),
            )
        )
    legend = list(zip(COLOURS, strength_labels, strict=True))
    return Chart(rows=rows, height=len(rows) * ROW_HEIGHT, legend=legend)
