"""Reading CSV and XLSX exports into header + rows of strings, within fixed limits.

Every limit is checked before the expensive step it protects: the byte size before decoding,
the zip directory before openpyxl inflates anything, and the row count while streaming.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

from django.utils.translation import gettext as _

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
MAX_COLUMNS = 60
MAX_CELL_CHARS = 500
MAX_XLSX_INFLATED_BYTES = 60 * 1024 * 1024
MAX_XLSX_RATIO = 100
ZIP_MAGIC = b"PK\x03\x04"


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message says why, for the person uploading it."""


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: list[list[str]]  # data rows only; row i is spreadsheet row i + 2


def detect_kind(file_name: str, content: bytes) -> str:
    """'xlsx' or 'csv', decided by the bytes (the name only breaks ties for plain text)."""
    if content.startswith(ZIP_MAGIC):
        return "xlsx"
    if b"\x00" in content[:4096]:
        raise ImportFileError(_("This is not a CSV or XLSX file."))
    if file_name.lower().endswith((".xls", ".xlsm", ".xlsb", ".ods")):
        raise ImportFileError(_("Save the file as .xlsx or .csv and upload it again."))
    return "csv"


def read_table(content: bytes, kind: str) -> Table:
    if len(content) > MAX_UPLOAD_BYTES:
        raise ImportFileError(
            _("The file is larger than %(mb)s MB.") % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)}
        )
    raw_rows = _xlsx_rows(content) if kind == "xlsx" else _csv_rows(content)
    headers: list[str] | None = None
    rows: list[list[str]] = []
    for raw in raw_rows:
        cells = [cell.strip() for cell in raw]
        while cells and not cells[-1]:  # spreadsheets pad rows to the widest one
            cells.pop()
        if headers is None:
            if not any(cells):
                continue
            headers = cells
            if len(headers) > MAX_COLUMNS:
                raise ImportFileError(
                    _("The file has more than %(n)s columns.") % {"n": MAX_COLUMNS}
                )
            continue
        if not any(cells):
            continue
        rows.append(cells)
        if len(rows) > MAX_ROWS:
            raise ImportFileError(
                _("The file has more than %(n)s rows. Split it and import the parts.")
                % {"n": f"{MAX_ROWS:,}"}
            )
    if headers is None:
        raise ImportFileError(_("The file is empty."))
    if not rows:
        raise ImportFileError(_("The file has a header row but no people in it."))
    return Table(headers=headers, rows=rows)


def _decode(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        # Excel on Windows still writes CSV in the legacy code page.
        return content.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise ImportFileError(_("The file's text encoding is not UTF-8 or Windows-1252.")) from exc


def _csv_rows(content: bytes) -> Iterator[list[str]]:
    text = _decode(content)
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for row in reader:
            yield row[: MAX_COLUMNS + 1]
    except csv.Error as exc:
        raise ImportFileError(_("The CSV file is malformed: %(error)s") % {"error": exc}) from exc


def _check_zip(content: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile as exc:
        raise ImportFileError(_("The XLSX file is damaged.")) from exc
    inflated = 0
    with archive:
        for info in archive.infolist():
            inflated += info.file_size
            if info.filename.lower().endswith("vbaproject.bin"):
                raise ImportFileError(_("Files with macros are not accepted."))
            if info.compress_size and info.file_size / info.compress_size > MAX_XLSX_RATIO:
                raise ImportFileError(_("The XLSX file unpacks to an implausible size."))
        if inflated > MAX_XLSX_INFLATED_BYTES:
            raise ImportFileError(_("The XLSX file unpacks to an implausible size."))
        if "xl/workbook.xml" not in archive.namelist():
            raise ImportFileError(_("This is not an XLSX workbook."))


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return (
            value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
        )
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _xlsx_rows(content: bytes) -> Iterator[list[str]]:
    _check_zip(content)
    import openpyxl  # imported here: CSV imports and the web process's start-up don't need it

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for broken files
        raise ImportFileError(_("The XLSX file could not be read.")) from exc
    try:
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS + 1):
            yield [_cell_text(value) for value in row]
    finally:
        workbook.close()


def table_from_values(values: dict[str, object]) -> Table:
    """A one-row table whose headers are the field keys: the single-enrolment form's input."""
    headers = list(values)
    return Table(headers=headers, rows=[[_cell_text(values[key]).strip() for key in headers]])
