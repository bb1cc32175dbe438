"""Shared plumbing of the Excel (.xlsx) imports: the header check and the workbook reader.

The apps keep their columns, labels, row parsing and error type (``error`` below: a class
built as ``error(line, column, code, reason)``, such as ``incubation.resources.RowError``).
Line numbers are Excel line numbers: the header is line 1, the first data row is line 2.
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Callable, Iterable
from typing import IO
from zipfile import BadZipFile

import openpyxl
from django.utils.translation import gettext as _
from openpyxl.utils.exceptions import InvalidFileException

from core.xlsx_guard import WorkbookRefused, display_name, guarded_rows, inspect_xlsx

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FIRST_DATA_LINE = 2  # line 1 is the header
# The guard's refusals that mean "not a readable workbook" keep the code callers know.
_UNREADABLE = {"xlsx_not_zip", "xlsx_not_workbook", "xlsx_damaged"}
_ERROR_CODES = {"xlsx_too_many_rows": "too_many_rows"}


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def check_headers(
    header: tuple | None,
    *,
    headers: tuple[str, ...],
    required: Iterable[str],
    expected: str,
    read_text: Callable,
    error: Callable,
):
    """Column index of each header, in any order; or one ``error`` listing what is expected.

    ``expected`` is the (translated) first sentence of that error.
    """
    positions, unknown = {}, []
    for index, value in enumerate(header or ()):
        text = read_text(value)
        if text in headers and text not in positions:
            positions[text] = index
        elif text:
            unknown.append(text)
    missing = [name for name in required if name not in positions]
    if not missing and not unknown:
        return positions
    parts = [expected]
    if missing:
        parts.append(_("Missing: %(missing)s.") % {"missing": "、".join(missing)})
    if unknown:
        parts.append(_("Not recognized: %(unknown)s.") % {"unknown": "、".join(unknown)})
    return error(1, "", "headers", " ".join(parts))


def read_rows(
    source: str | IO[bytes],
    report,
    *,
    positions: Callable,
    parse: Callable,
    max_rows: int,
    error: Callable,
    seconds: float | None = None,
) -> list | None:
    """The parsed data rows of the first sheet, or None after adding an error to ``report``.

    ``positions(header_values)`` returns the column index of each header or an ``error``;
    ``parse(line, cells)`` builds one row from ``{header: value}``. Blank lines are skipped.
    The file passes ``core.xlsx_guard`` before openpyxl sees it, and the rows are read in
    streaming mode within the guard's row and time limits (``seconds`` overrides the
    budget, for background jobs).
    """
    started = time.monotonic()
    name = display_name(source)
    try:
        inspect_xlsx(source, name=name)
    except WorkbookRefused as refused:
        report.errors.append(_refusal(refused, error))
        return None
    try:
        workbook = openpyxl.load_workbook(source, read_only=True, data_only=True)
    except (BadZipFile, InvalidFileException, KeyError, OSError, ValueError, TypeError):
        report.errors.append(
            error(
                None,
                "",
                "file_unreadable",
                _("The file cannot be read as an Excel workbook (.xlsx)."),
            )
        )
        return None
    try:
        sheet = workbook.worksheets[0]
        # The declared dimension may be wrong: openpyxl would stop at its last row and drop
        # the rest silently. Read what is there; guarded_rows bounds it.
        sheet.reset_dimensions()
        lines = guarded_rows(
            sheet.iter_rows(values_only=True),
            name=name,
            started=started,
            seconds=seconds,
        )
        found = positions(next(lines, None))
        if isinstance(found, error):
            report.errors.append(found)
            return None
        rows = []
        # Read-only worksheets yield empty rows for gaps, so counting keeps line numbers.
        for line, values in enumerate(lines, start=FIRST_DATA_LINE):
            if all(is_blank(value) for value in values):
                continue  # blank rows (typically trailing ones) are not data
            cells = {
                header: values[index] if index < len(values) else None
                for header, index in found.items()
            }
            rows.append(parse(line, cells))
            if len(rows) > max_rows:
                reason = _("The file has more than %(max)d rows; split it into several files.")
                report.errors.append(error(None, "", "too_many_rows", reason % {"max": max_rows}))
                return None
        return rows
    except WorkbookRefused as refused:
        report.errors.append(_refusal(refused, error))
        return None
    except (BadZipFile, zlib.error, EOFError):
        # A part whose bytes do not match its declared size or CRC, found while streaming.
        report.errors.append(
            error(
                None,
                "",
                "file_unreadable",
                _("The file cannot be read as an Excel workbook (.xlsx)."),
            )
        )
        return None
    finally:
        workbook.close()


def _refusal(refused: WorkbookRefused, error: Callable):
    code = "file_unreadable" if refused.code in _UNREADABLE else refused.code
    return error(None, "", _ERROR_CODES.get(code, code), refused.message)


def start_export_sheet(workbook, title: str, headers, widths: dict, default_width: int):
    """A write-only sheet with the column widths, a frozen bold header row, ready for rows."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet = workbook.create_sheet(title)
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = widths.get(header, default_width)
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    return sheet


def text_cell(sheet, text: str):
    """Text stays text: a value starting with '=' would otherwise become a formula."""
    from openpyxl.cell import WriteOnlyCell

    if not text:
        return None
    if not text.startswith("="):
        return text
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"
    return cell


def date_cell(sheet, day):
    """A date cell shown as 2026-11-28 whatever the reader's locale."""
    from openpyxl.cell import WriteOnlyCell

    if day is None:
        return None
    cell = WriteOnlyCell(sheet, value=day)
    cell.number_format = "yyyy-mm-dd"
    return cell
