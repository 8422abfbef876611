"""The employer report as CSV (formula-safe) and as PDF (Typst), from the same protected tables
as the page: an export never holds a figure the page hides."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import typst
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from springboard.employers.importing.report import neutralise
from springboard.outcomes.reporting import Cell, OutcomeReport

TEMPLATE = Path(__file__).with_name("typst") / "employer_report.typ"


def hidden_label() -> str:
    return _("hidden*")


def hidden_note() -> str:
    return _(
        "* Hidden: a group of fewer than 5 people, or a figure from which such a group could be "
        "worked out. Figures are computed as defined in the published outcome definitions."
    )


def cell_text(cell: Cell) -> str:
    return hidden_label() if cell.value is None else str(cell.value)


def report_csv(reports: list[OutcomeReport]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_("Engagement"), _("Table"), _("Cohort"), _("Measure"), _("Value")])
    for report in reports:
        name = report.funnel.engagement.name
        for table in report.tables:
            for row in table.rows:
                for heading, cell in [
                    (_("Total"), row.total),
                    *zip(table.headings, row.cells, strict=True),
                ]:
                    writer.writerow(
                        [
                            neutralise(v)
                            for v in (name, table.title, row.label, heading, cell_text(cell))
                        ]
                    )
        for figure in report.figures:
            value = figure.value if figure.value is not None else hidden_label()
            writer.writerow(
                [neutralise(v) for v in (name, "", _("All cohorts"), figure.label, value)]
            )
    writer.writerow([neutralise(hidden_note())])
    return buffer.getvalue()


def report_pdf(reports: list[OutcomeReport], *, employer: str, agency: str) -> bytes:
    """The PDF in the active language (the viewer's); all text reaches Typst as JSON data."""
    language = translation.get_language() or "en"
    data = {
        "lang": "no" if language.startswith("nb") else language[:2],
        "title": _("Outplacement report for %(employer)s") % {"employer": employer},
        "subtitle": _("%(agency)s · %(date)s")
        % {"agency": agency, "date": formats.date_format(timezone.localdate(), "DATE_FORMAT")},
        "note": hidden_note(),
        "empty": _("There are no engagements to report on yet."),
        "total": _("Total"),
        "cohort": _("Cohort"),
        "engagements": [
            {
                "name": report.funnel.engagement.name,
                "tables": [
                    {
                        "title": table.title,
                        "headings": list(table.headings),
                        "rows": [
                            [row.label, cell_text(row.total), *map(cell_text, row.cells)]
                            for row in table.rows
                        ],
                    }
                    for table in report.tables
                ],
                "figures": [
                    [f.label, f.value if f.value is not None else hidden_label()]
                    for f in report.figures
                ],
            }
            for report in reports
        ],
    }
    return typst.compile(TEMPLATE.read_bytes(), format="pdf", sys_inputs={"data": json.dumps(data)})
