"""The downloadable error report; cells that a spreadsheet would run as formulas are defused."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from django.utils.translation import gettext as _

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> str:
    """Prefix a quote so Excel, LibreOffice and Sheets show the text instead of evaluating it."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def error_report_csv(errors: Iterable[dict[str, object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_("Row"), _("Column"), _("Problem")])
    for error in errors:
        writer.writerow(
            [neutralise(error["row"]), neutralise(error["column"]), neutralise(error["message"])]
        )
    return buffer.getvalue()
