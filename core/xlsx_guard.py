"""The guard every uploaded or given .xlsx passes before any spreadsheet library parses it.

An .xlsx is a zip of XML parts, and XML compresses extremely well: a 300 KB file can hold a
sheet of 100 MB that a parser then chews on for a minute (a gunicorn worker is killed at
30 s). So, before parsing:

``inspect_xlsx(file)`` opens the zip's directory with ``zipfile`` (sizes only, no XML) and
refuses what is not a zip, encrypted parts, too many parts, a part or a total that unpacks
beyond the limits, a part compressed more than a spreadsheet ever is, and a worksheet whose
declared ``<dimension ref="A1:K10001"/>`` (read from the first few KB of its XML) exceeds the
row or column limit. It takes milliseconds and reads at most a few KB of any part.

A sheet may lie about its dimension or leave it out, so the reader wraps its rows in
``guarded_rows(rows, ...)``, which stops with an error once the rows, the width of a row or
the time budget exceed the limits. Both raise ``WorkbookRefused`` (a ``ValidationError``)
with a Chinese message naming the file and the limit. Nothing here depends on openpyxl, so
any import engine can call it.

Python's ``zipfile`` never yields more bytes than the directory declares for a part (it
stops there and the CRC check fails), so checking the declared sizes is enough for every
reader built on it, openpyxl included.

Limits (settings, each with an environment variable of the same name):
``KAIYIHUI_IMPORT_MAX_PART_MB``, ``KAIYIHUI_IMPORT_MAX_UNZIPPED_MB``,
``KAIYIHUI_IMPORT_MAX_RATIO``, ``KAIYIHUI_IMPORT_MAX_ROWS`` (Excel lines, header
included), ``KAIYIHUI_IMPORT_MAX_COLUMNS`` and ``KAIYIHUI_IMPORT_MAX_SECONDS``.
"""

from __future__ import annotations

import re
import time
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

DEFAULTS = {
    "KAIYIHUI_IMPORT_MAX_PART_MB": 50,
    "KAIYIHUI_IMPORT_MAX_UNZIPPED_MB": 100,
    # Spreadsheets we export compress 14:1 to 18:1 (identical rows included); a zip bomb
    # needs hundreds to one.
    "KAIYIHUI_IMPORT_MAX_RATIO": 100,
    "KAIYIHUI_IMPORT_MAX_ROWS": 100_000,
    "KAIYIHUI_IMPORT_MAX_COLUMNS": 500,
    "KAIYIHUI_IMPORT_MAX_SECONDS": 20,
}
# A workbook of one sheet has about ten parts; thousands only slow the directory read.
MAX_PARTS = 1000
# Small parts (a theme, styles) are left out of the ratio check: their ratio means nothing.
RATIO_CHECK_FROM_BYTES = 1024 * 1024
# The dimension comes right after <sheetPr>, within the first few hundred bytes.
DIMENSION_SCAN_BYTES = 16 * 1024
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s[^>]*?ref=\"([^\"]*)\"")
_CELL = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d+)")
_OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
_MB = 1024 * 1024
# How often (in lines) guarded_rows reports progress to an ``on_line`` callback.
PROGRESS_EVERY = 1000
# Set by reading_limits() for the code below it (a background job), read by guarded_rows.
_reading: ContextVar[dict | None] = ContextVar("xlsx_reading_limits", default=None)


class WorkbookRefused(ValidationError):
    """The workbook was refused before or while reading it; the message says why."""


def limit(name: str) -> int:
    return getattr(settings, name, DEFAULTS[name])


def display_name(file) -> str:
    if isinstance(file, (str, Path)):
        return Path(file).name
    name = getattr(file, "name", None)
    return Path(name).name if isinstance(name, str) and name else _("the file")


def _megabytes(size: int) -> str:
    return f"{size / _MB:.0f}" if size >= 10 * _MB else f"{size / _MB:.1f}"


def inspect_xlsx(file, *, name: str | None = None) -> None:
    """Raise ``WorkbookRefused`` unless ``file`` (a path or a binary file object) is a zip
    whose parts stay within the limits; a file object is left at its start."""
    name = name or display_name(file)
    if not isinstance(file, (str, Path)):
        file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            _check_parts(archive, name)
            for info in archive.infolist():
                if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                    _check_dimension(archive, info, name)
    except zipfile.BadZipFile:
        raise _not_a_workbook(file, name) from None
    except (OSError, EOFError, RuntimeError, NotImplementedError, zlib.error):
        # A damaged or exotic zip (unsupported compression, truncated part).
        raise WorkbookRefused(
            _("%(name)s cannot be read as an Excel workbook (.xlsx): the zip is damaged.")
            % {"name": name},
            code="xlsx_damaged",
        ) from None
    finally:
        if not isinstance(file, (str, Path)):
            file.seek(0)


def _not_a_workbook(file, name: str) -> WorkbookRefused:
    if isinstance(file, (str, Path)):
        with open(file, "rb") as handle:
            head = handle.read(8)
    else:
        file.seek(0)
        head = file.read(8)
    if head.startswith(_OLE_MAGIC):
        # Excel saves a workbook with an opening password (and the old .xls) in this format.
        return WorkbookRefused(
            _(
                "%(name)s is a password-protected workbook or an old .xls file; remove the "
                "password in Excel, save it as .xlsx and upload that."
            )
            % {"name": name},
            code="xlsx_encrypted",
        )
    return WorkbookRefused(
        _("%(name)s is not an Excel workbook (.xlsx).") % {"name": name}, code="xlsx_not_zip"
    )


def _check_parts(archive: zipfile.ZipFile, name: str) -> None:
    infos = archive.infolist()
    if len(infos) > MAX_PARTS:
        raise WorkbookRefused(
            _(
                "%(name)s holds %(count)d parts, more than the %(max)d of any workbook; it was "
                "refused."
            )
            % {"name": name, "count": len(infos), "max": MAX_PARTS},
            code="xlsx_too_many_parts",
        )
    if "xl/workbook.xml" not in archive.namelist():
        raise WorkbookRefused(
            _("%(name)s is not an Excel workbook (.xlsx): it has no xl/workbook.xml.")
            % {"name": name},
            code="xlsx_not_workbook",
        )
    max_part, max_ratio = limit("KAIYIHUI_IMPORT_MAX_PART_MB"), limit("KAIYIHUI_IMPORT_MAX_RATIO")
    max_total = limit("KAIYIHUI_IMPORT_MAX_UNZIPPED_MB")
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise WorkbookRefused(
                _("%(name)s is encrypted (part %(part)s); upload a workbook without a password.")
                % {"name": name, "part": info.filename},
                code="xlsx_encrypted",
            )
        if info.file_size > max_part * _MB:
            raise WorkbookRefused(
                _(
                    "%(name)s unpacks to more than %(max)d MB (part %(part)s is %(size)s MB); it "
                    "may be a zip bomb and was refused."
                )
                % {
                    "name": name,
                    "max": max_part,
                    "part": info.filename,
                    "size": _megabytes(info.file_size),
                },
                code="xlsx_part_too_large",
            )
        if info.file_size >= RATIO_CHECK_FROM_BYTES and info.file_size > max_ratio * max(
            info.compress_size, 1
        ):
            raise WorkbookRefused(
                _(
                    "%(name)s: part %(part)s is compressed %(ratio)d to 1, more than the "
                    "%(max)d to 1 of any spreadsheet; it may be a zip bomb and was refused."
                )
                % {
                    "name": name,
                    "part": info.filename,
                    "ratio": info.file_size // max(info.compress_size, 1),
                    "max": max_ratio,
                },
                code="xlsx_ratio",
            )
        total += info.file_size
    if total > max_total * _MB:
        raise WorkbookRefused(
            _(
                "%(name)s unpacks to %(size)s MB in all, more than the %(max)d MB allowed; "
                "split it into several files."
            )
            % {"name": name, "size": _megabytes(total), "max": max_total},
            code="xlsx_total_too_large",
        )


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def _check_dimension(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> None:
    # Only the head of the part is inflated: read(n) stops decompressing after n bytes.
    with archive.open(info) as part:
        head = part.read(DIMENSION_SCAN_BYTES)
    found = _DIMENSION.search(head)
    if found is None:
        return  # no dimension declared: guarded_rows counts while reading
    last = found.group(1).decode("ascii", "replace").split(":")[-1]
    cell = _CELL.fullmatch(last.strip())
    if cell is None:
        return
    rows, columns = int(cell.group(2)), _column_number(cell.group(1))
    max_rows, max_columns = limit("KAIYIHUI_IMPORT_MAX_ROWS"), limit("KAIYIHUI_IMPORT_MAX_COLUMNS")
    if rows > max_rows:
        raise WorkbookRefused(
            _(
                "%(name)s: sheet %(part)s declares %(rows)d rows, more than the %(max)d "
                "allowed; split it into several files."
            )
            % {"name": name, "part": info.filename, "rows": rows, "max": max_rows},
            code="xlsx_too_many_rows",
        )
    if columns > max_columns:
        raise WorkbookRefused(
            _(
                "%(name)s: sheet %(part)s declares %(columns)d columns, more than the %(max)d "
                "allowed; it was refused."
            )
            % {"name": name, "part": info.filename, "columns": columns, "max": max_columns},
            code="xlsx_too_many_columns",
        )


@contextmanager
def reading_limits(*, seconds: float | None = None, on_line: Callable[[int], None] | None = None):
    """Inside the block, every ``guarded_rows`` gets ``seconds`` as its time budget and
    calls ``on_line(line)`` every ``PROGRESS_EVERY`` lines. A background job uses it: its
    budget is longer than a request's, and its progress bar follows the reading, whatever
    import engine sits between the job and the rows."""
    token = _reading.set({"seconds": seconds, "on_line": on_line})
    try:
        yield
    finally:
        _reading.reset(token)


def guarded_rows(
    rows: Iterable,
    *,
    name: str,
    started: float | None = None,
    max_rows: int | None = None,
    seconds: float | None = None,
) -> Iterator:
    """Yield ``rows`` (one per Excel line, the header first) until a limit is passed, then
    raise ``WorkbookRefused``. ``started`` is a ``time.monotonic()`` taken before the
    workbook was opened, so the budget covers opening it too."""
    max_rows = max_rows or limit("KAIYIHUI_IMPORT_MAX_ROWS")
    max_columns = limit("KAIYIHUI_IMPORT_MAX_COLUMNS")
    context = _reading.get() or {}
    seconds = seconds or context.get("seconds") or limit("KAIYIHUI_IMPORT_MAX_SECONDS")
    on_line = context.get("on_line")
    deadline = (started if started is not None else time.monotonic()) + seconds
    for line, row in enumerate(rows, start=1):
        if on_line is not None and line % PROGRESS_EVERY == 0:
            on_line(line)
        if line > max_rows:
            raise WorkbookRefused(
                _(
                    "%(name)s has more than %(max)d rows (reading stopped at line %(line)d); "
                    "split it into several files."
                )
                % {"name": name, "max": max_rows, "line": line},
                code="xlsx_too_many_rows",
            )
        if len(row) > max_columns:
            raise WorkbookRefused(
                _(
                    "%(name)s: line %(line)d has %(columns)d columns, more than the %(max)d "
                    "allowed; it was refused."
                )
                % {"name": name, "line": line, "columns": len(row), "max": max_columns},
                code="xlsx_too_many_columns",
            )
        if time.monotonic() > deadline:
            raise WorkbookRefused(
                _(
                    "Reading %(name)s took more than %(seconds)d seconds (stopped at line "
                    "%(line)d); split it into smaller files."
                )
                % {"name": name, "seconds": seconds, "line": line},
                code="xlsx_too_slow",
            )
        yield row
