"""Reading CSV and XLSX exports into header + rows of strings, within fixed limits.

Every limit is checked before the expensive step it protects: the byte size before decoding,
the zip directory before openpyxl inflates anything, the sheet's declared dimension before its
rows are walked, and the rows walked (empty ones included) while streaming. Any damage found on
the way is an ImportFileError with a message for the person uploading the file, never a crash.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

from django.utils.translation import gettext as _

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
# Empty rows cost as much to walk as full ones: a sheet whose only data row is numbered 3,000,000
# would otherwise be walked row by row. They count towards this allowance on top of MAX_ROWS.
MAX_EMPTY_ROWS = 5_000
MAX_COLUMNS = 60
MAX_CELL_CHARS = 500
MAX_XLSX_INFLATED_BYTES = 60 * 1024 * 1024
MAX_XLSX_RATIO = 100
ZIP_MAGIC = b"PK\x03\x04"
# What PostgreSQL text (and JSON) cannot hold: NUL, and lone surrogates that no encoding stores.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
# openpyxl parses every <row> and <c> element of a sheet, also those it never hands out (a row
# numbered like the one before it), and already when it opens a sheet without a declared
# dimension; so they are counted on the raw XML of every part before openpyxl starts.
MAX_XLSX_CELLS = 1_500_000
MAX_XLSX_ROW_CELLS = 16_384  # Excel's own limit; openpyxl builds every cell of a row at once
_ROW_OR_CELL_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,30}:)?(row|c)[\s/>]")
_TAG_OVERLAP = 64  # longer than any match of the two patterns above


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message says why, for the person uploading it."""


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: list[list[str]]  # data rows only; row i is spreadsheet row i + 2
    # (row index, column index) of XLSX formula cells without a saved result: openpyxl reads
    # them as empty, which they are not; validation reports those in a chosen column.
    unsaved_formulas: frozenset[tuple[int, int]] = frozenset()


def detect_kind(file_name: str, content: bytes) -> str:
    """'xlsx' or 'csv', decided by the bytes (the name only breaks ties for plain text)."""
    if content.startswith(ZIP_MAGIC):
        return "xlsx"
    if b"\x00" in content[:4096]:
        raise ImportFileError(_("This is not a CSV or XLSX file."))
    if file_name.lower().endswith((".xls", ".xlsm", ".xlsb", ".ods")):
        raise ImportFileError(_("Save the file as .xlsx or .csv and upload it again."))
    return "csv"


def storable(text: str) -> str:
    """`text` without the characters PostgreSQL cannot store (for file names and the like)."""
    return _UNSTORABLE.sub("\ufffd", text)


def max_rows_walked() -> int:
    """Rows a reader may walk through, the header and empty rows included."""
    return MAX_ROWS + MAX_EMPTY_ROWS + 1


def check_file(file_name: str, content: bytes) -> str:
    """The checks that cost no more than a look at the bytes and the zip directory; returns the
    kind. Reading the rows (read_table) is the expensive part, done in a background task."""
    if len(content) > MAX_UPLOAD_BYTES:
        raise ImportFileError(
            _("The file is larger than %(mb)s MB.") % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)}
        )
    if not content.strip():
        raise ImportFileError(_("The file is empty."))
    kind = detect_kind(file_name, content)
    if kind == "xlsx":
        _check_zip(content)
    return kind


def read_table(content: bytes, kind: str) -> Table:
    if len(content) > MAX_UPLOAD_BYTES:
        raise ImportFileError(
            _("The file is larger than %(mb)s MB.") % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)}
        )
    # sheet row number → column indexes of formula cells without a saved result (XLSX only);
    # filled by _xlsx_rows before it yields the first row.
    unsaved_by_row: dict[int, list[int]] = {}
    raw_rows = _xlsx_rows(content, unsaved_by_row) if kind == "xlsx" else _csv_rows(content)
    headers: list[str] | None = None
    rows: list[list[str]] = []
    unsaved: set[tuple[int, int]] = set()
    walk_limit = max_rows_walked()
    for walked, raw in enumerate(raw_rows, start=1):
        if walked > walk_limit:
            raise _too_many_rows()
        cells = [cell.strip() for cell in raw]
        if _UNSTORABLE.search("".join(cells)):
            raise ImportFileError(
                _(
                    "Row %(row)s contains a character that cannot be stored (such as a NUL "
                    "character). Remove it and upload the file again."
                )
                % {"row": walked}
            )
        unsaved_columns = unsaved_by_row.get(walked, ())
        width = max(unsaved_columns, default=-1) + 1
        while len(cells) > width and not cells[-1]:  # spreadsheets pad rows to the widest one
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
        if not any(cells) and not unsaved_columns:
            continue
        unsaved.update((len(rows), column) for column in unsaved_columns)
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
    return Table(headers=headers, rows=rows, unsaved_formulas=frozenset(unsaved))


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
            # zipfile never inflates a member beyond its declared size, so bounding the declared
            # sizes bounds the work; a member declaring data but no compressed bytes is a lie.
            if info.file_size > MAX_XLSX_RATIO * max(info.compress_size, 1):
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


def _xlsx_rows(content: bytes, unsaved: dict[int, list[int]]) -> Iterator[list[str]]:
    """The first sheet's rows, one per sheet row (openpyxl fills gaps with empty rows); first
    `unsaved` is filled with the sheet's formula cells that have no saved result."""
    _check_zip(content)
    try:
        _count_sheet_elements(content)
    except ImportFileError:
        raise
    except Exception as exc:  # zipfile and zlib errors: a member's data does not match its header
        raise ImportFileError(_("The XLSX file could not be read.")) from exc
    import openpyxl  # imported here: CSV imports and the web process's start-up don't need it

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for broken files
        raise ImportFileError(_("The XLSX file could not be read.")) from exc
    row_number = 0
    try:
        if not workbook.worksheets:
            raise ImportFileError(_("The XLSX file has no worksheet."))
        sheet = workbook.worksheets[0]
        declared = getattr(sheet, "max_row", None)
        if isinstance(declared, int) and declared > max_rows_walked():
            raise ImportFileError(
                _(
                    "The worksheet declares %(rows)s rows; at most %(n)s can be read, empty rows "
                    "included. Remove the empty rows or split the file."
                )
                % {"rows": f"{declared:,}", "n": f"{max_rows_walked():,}"}
            )
        # Some writers declare too small a range ("A1"); trusting it would silently drop rows,
        # so the walk is bounded by read_table's count of rows walked instead.
        if hasattr(sheet, "reset_dimensions"):
            sheet.reset_dimensions()
        part = getattr(sheet, "_worksheet_path", None)
        if isinstance(part, str):
            unsaved.update(_unsaved_formulas(content, part.lstrip("/")))
        for row in sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS + 1):
            row_number += 1
            yield [_cell_text(value) for value in row]
    except ImportFileError:
        raise
    except Exception as exc:  # a damaged cell, shared string or zip member, met while walking
        raise ImportFileError(
            _(
                "The XLSX file is damaged around row %(row)s (a cell or part of the file "
                "cannot be read). Save it again from your spreadsheet program and upload it "
                "again."
            )
            % {"row": row_number + 1}
        ) from exc
    finally:
        workbook.close()


def _too_many_rows() -> ImportFileError:
    return ImportFileError(
        _(
            "The file runs to more than %(n)s rows, empty rows included. Remove the empty rows or "
            "split the file."
        )
        % {"n": f"{max_rows_walked():,}"}
    )


def _count_sheet_elements(content: bytes) -> None:
    """Refuse a workbook with more row or cell elements than could ever be imported, after one
    streaming pass over its parts (inflation stays bounded by the sizes _check_zip accepted).
    Every part counts, not only the first sheet: finding that sheet means parsing XML."""
    rows = cells = in_row = 0
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for info in archive.infolist():
            with archive.open(info) as member:
                tail = b""
                while True:
                    chunk = member.read(1 << 20)
                    data = tail + chunk
                    # Count the tags that start early enough to lie wholly inside `data`; the
                    # others are counted with the next chunk.
                    cut = max(len(data) - _TAG_OVERLAP, 0) if chunk else len(data)
                    for match in _ROW_OR_CELL_TAG.finditer(data, 0, cut + _TAG_OVERLAP):
                        if match.start() >= cut:
                            break
                        if match.group(1) == b"row":
                            rows, in_row = rows + 1, 0
                        else:
                            cells, in_row = cells + 1, in_row + 1
                            if in_row > MAX_XLSX_ROW_CELLS:
                                raise ImportFileError(
                                    _("The XLSX file unpacks to an implausible size.")
                                )
                    if rows > max_rows_walked():
                        raise _too_many_rows()
                    if cells > MAX_XLSX_CELLS:
                        raise ImportFileError(_("The XLSX file unpacks to an implausible size."))
                    if not chunk:
                        break
                    tail = data[cut:]


_FORMULA_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,30}:)?f[\s/>]")
_CELL = re.compile(
    rb"<(?:[A-Za-z_][\w.-]{0,30}:)?c\b([^>]*?)(?:/>|>(.*?)</(?:[A-Za-z_][\w.-]{0,30}:)?c>)", re.S
)
_CELL_REF = re.compile(rb"\sr=[\"']([A-Z]{1,3})([0-9]{1,7})[\"']")
_STRING_RESULT = re.compile(rb"\st=[\"']str[\"']")
_VALUE_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,30}:)?v[\s/>]")
_SAVED_VALUE = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,30}:)?v>[^<]")


def _unsaved_formulas(content: bytes, part: str) -> dict[int, list[int]]:
    """Sheet row → column indexes of the formula cells in a sheet's XML without a saved result
    (`<f>` without a `<v>` value), as files written by programs rather than by a spreadsheet
    have. openpyxl's data_only read gives None for them, as for an empty cell. A formula whose
    saved result is an empty text (t="str" with an empty `<v>`) is an empty cell indeed."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        try:
            data = archive.read(part)
        except KeyError:
            return {}
    found: dict[int, list[int]] = {}
    if not _FORMULA_TAG.search(data):
        return found
    for match in _CELL.finditer(data):
        body = match.group(2)
        if not body or not _FORMULA_TAG.search(body) or _SAVED_VALUE.search(body):
            continue
        attributes = match.group(1)
        ref = _CELL_REF.search(b" " + attributes)
        if ref is None or (_STRING_RESULT.search(b" " + attributes) and _VALUE_TAG.search(body)):
            continue
        column = 0
        for letter in ref.group(1):
            column = column * 26 + letter - 64
        found.setdefault(int(ref.group(2)), []).append(column - 1)
    return found


def table_from_values(values: dict[str, object]) -> Table:
    """A one-row table whose headers are the field keys: the single-enrolment form's input."""
    headers = list(values)
    return Table(headers=headers, rows=[[_cell_text(values[key]).strip() for key in headers]])
