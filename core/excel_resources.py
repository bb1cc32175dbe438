"""The Excel imports on django-import-export: a ``ModelResource`` base and the run.

``run_import`` reads the file with ``core.excel.read_rows`` (every file passes the xlsx
guard before openpyxl sees it, rows are streamed within its limits, blank lines skipped),
builds a ``tablib.Dataset`` and calls the library's ``import_data`` with
``use_transactions`` and ``rollback_on_validation_errors``: one bad row and nothing is
written. The library's result becomes the app's report: each problem with its Excel line
(the library's 1-based data row number mapped back to the line in the sheet, so the
header is line 1 and skipped blank lines keep the numbering), its column header, a stable
ASCII code and the translated reason.

A resource keeps the cell error codes (``core.excel_widgets.CellError``), adds its own
checks in ``check_row`` (more errors, each with field and code) and writes in bulk
through the app's services in ``write_creates`` / ``write_updates``, which raise
``WriteFailed`` for a refusal. In a dry run nothing is written at all.
"""

from __future__ import annotations

import contextvars
import datetime
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import openpyxl
import tablib
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils.encoding import force_str
from django.utils.translation import gettext as _
from import_export import resources, widgets
from import_export.results import RowResult

from core.errors import ActionRefused
from core.excel import FIRST_DATA_LINE, date_cell, read_rows, start_export_sheet, text_cell
from core.excel_widgets import CellError
from core.identifiers import validate_mobile_or_phone

logger = logging.getLogger(__name__)

BATCH_SIZE = 1000


class WriteFailed(Exception):
    """A batch the service refused; ``error`` is the report's error for it."""

    def __init__(self, error):
        super().__init__(str(error))
        self.error = error


class ExcelModelResource(resources.ModelResource):
    """Bulk, all-or-nothing import of an .xlsx sheet with Chinese headers.

    Subclasses declare ``Field(attribute=..., column_name=<header>, widget=...)`` per
    column, set ``headers`` (the file's columns in order) and implement ``check_row``,
    ``write_creates`` and ``write_updates``; ``changes(instance)`` says what an update
    changes (an empty dict: the row is unchanged and skipped).
    """

    headers: tuple[str, ...] = ()

    class Meta:
        abstract = True
        use_bulk = True
        batch_size = BATCH_SIZE
        # No deep copy and no HTML diff per row: the report counts, the services record
        # what changed in the audit trail.
        skip_diff = True
        skip_html_diff = True
        # The model's own checks run in check_row, with field names and codes.
        clean_model_instances = False
        use_transactions = True
        report_skipped = False
        store_instance = False

    def __init__(self, *, actor=None, dry_run: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.actor = actor
        self.dry_run = dry_run
        self.lines: list[int] = []  # data row number - 1 → Excel line
        self.write_error = None
        self.invalid = False

    def sort_key(self, error) -> tuple[int, int]:
        """Errors in line order, then in the order of the file's columns."""
        column = self.headers.index(error.column) if error.column in self.headers else -1
        return (error.line or 0, column)

    # --- Row numbers --------------------------------------------------------------------

    def line_of(self, row_number: int) -> int:
        return self.lines[row_number - 1] if self.lines else row_number + FIRST_DATA_LINE - 1

    def after_init_instance(self, instance, new, row, **kwargs):
        instance._excel_line = self.line_of(kwargs["row_number"])
        instance._excel_new = new
        instance._excel_changes = None

    # --- Cells and checks ---------------------------------------------------------------

    def import_instance(self, instance, row, **kwargs):
        """Every column read; each bad cell one error with its code (the library's own
        version keeps only the message, as code "invalid")."""
        errors = {}
        for field in self.get_import_fields():
            if isinstance(field.widget, widgets.ManyToManyWidget):
                continue
            try:
                self.import_field(field, instance, row, **kwargs)
            except CellError as exc:
                errors[field.attribute] = [ValidationError(exc.reason, code=exc.code)]
            except ValidationError as exc:  # a validator of core.identifiers
                errors[field.attribute] = [
                    ValidationError(exc.messages[0], code=exc.code or "invalid")
                ]
            except ValueError as exc:
                errors[field.attribute] = [ValidationError(force_str(exc), code="invalid")]
        if errors:
            raise ValidationError(errors)

    def check_row(self, instance, errors: dict) -> None:
        """Add the row's other problems to ``errors`` (field → [ValidationError])."""

    @staticmethod
    def changed_values(instance, names, *, relations=(), phones=()) -> dict:
        """What the row changes of ``instance`` as on record (``instance._excel_original``,
        name → value, a relation by its id): relations compare by id, and a phone stored
        as typed in the admin is no change when the file has the same number."""
        original = instance._excel_original
        changed = {}
        for name in names:
            if name in relations:
                if getattr(instance, f"{name}_id") != original[name]:
                    changed[name] = getattr(instance, name)
                continue
            value, current = getattr(instance, name), original[name]
            if current == value or (name in phones and _same_phone(current, value)):
                continue
            changed[name] = value
        return changed

    def skip_row(self, instance, original, row, import_validation_errors=None):
        """The library asks this before ``validate_instance``; the checks run here, so that
        an update is compared once its codes are normalized."""
        errors = {name: list(found) for name, found in (import_validation_errors or {}).items()}
        self.check_row(instance, errors)
        instance._excel_errors = errors
        if errors or instance._excel_new:
            return False
        instance._excel_changes = self.changes(instance)
        return not instance._excel_changes

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = getattr(instance, "_excel_errors", None)
        if errors is None:
            errors = dict(import_validation_errors or {})
            self.check_row(instance, errors)
        if errors:
            self.invalid = True
            raise ValidationError(errors)

    def changes(self, instance) -> dict:
        return {}

    # --- Writes -------------------------------------------------------------------------

    def write_creates(self, instances: list) -> None:
        raise NotImplementedError

    def write_updates(self, instances: list) -> None:
        raise NotImplementedError

    def _flush(self, pending: list, write, result) -> None:
        # Nothing is written in a dry run, nor once the import is known to fail (a bad row
        # or a refused batch): the transaction would be rolled back anyway.
        try:
            if pending and not self.dry_run and not self.invalid and self.write_error is None:
                write(list(pending))
        except WriteFailed as exc:
            self.write_error = exc.error
            if result is not None:
                result.append_base_error(self.get_error_result_class()(exc))
        finally:
            pending.clear()

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        self._flush(self.create_instances, self.write_creates, result)

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        self._flush(self.update_instances, self.write_updates, result)


@contextmanager
def writes_refused_as(error, integrity_reason: str):
    """A service's refusal, or the database's (a row someone added meanwhile), as the
    report's one ``error(line, column, code, reason)``: raised as ``WriteFailed`` after a
    savepoint of its own rolled back, so that PostgreSQL's transaction stays usable until
    the library rolls it all back."""
    try:
        with transaction.atomic():
            yield
    except ActionRefused as exc:
        raise WriteFailed(error(None, "", "refused", exc.message)) from exc
    except IntegrityError as exc:
        raise WriteFailed(error(None, "", "write_failed", integrity_reason)) from exc


def _same_phone(stored, read) -> bool:
    if not stored or not read:
        return False
    try:
        return validate_mobile_or_phone(stored) == read
    except ValidationError:
        return False


def dataset_from_file(source, report, *, resource: ExcelModelResource, positions, max_rows: int):
    """The file's data rows as a Dataset with the resource's headers (lines noted on the
    resource), or None after adding the file's error to ``report``."""
    headers = resource.headers
    rows = read_rows(
        source,
        report,
        positions=positions,
        parse=lambda line, cells: (line, tuple(cells.get(h) for h in headers)),
        max_rows=max_rows,
        error=report.error_class,
    )
    if rows is None:
        return None
    resource.lines = [line for line, _values in rows]
    return tablib.Dataset(*(values for _line, values in rows), headers=list(headers))


def run_import(dataset, report, *, resource: ExcelModelResource, dry_run: bool):
    """Import ``dataset`` all-or-nothing; fill ``report`` (counts, errors, written)."""
    error = report.error_class
    result = resource.import_data(
        dataset,
        dry_run=dry_run,
        raise_errors=False,
        use_transactions=True,
        rollback_on_validation_errors=True,
    )
    # Anything but our own validation errors and refused writes is a bug: raise it, as
    # the import did before the library.
    for base_error in result.base_errors:
        if not isinstance(base_error.error, WriteFailed):
            raise base_error.error
    for _number, row_errors in result.row_errors():
        raise row_errors[0].error
    # By field name, and by model attribute (a column without one, read by check_row, is
    # named by its field).
    field_header = {name: field.column_name for name, field in resource.fields.items()}
    field_header.update(
        {
            field.attribute: field.column_name
            for field in resource.fields.values()
            if field.attribute
        }
    )
    for invalid in result.invalid_rows:
        line = resource.line_of(invalid.number)
        # The ValidationError itself, not the library's message_dict: it keeps the codes.
        for field_name, found in invalid.error.error_dict.items():
            column = "" if field_name == NON_FIELD_ERRORS else field_header.get(field_name, "")
            for problem in found:
                reason = problem.message % problem.params if problem.params else problem.message
                report.errors.append(error(line, column, problem.code or "invalid", str(reason)))
    if resource.write_error is not None:
        report.errors.append(resource.write_error)
    if report.errors:
        report.errors.sort(key=resource.sort_key)
        return report
    report.created = result.totals[RowResult.IMPORT_TYPE_NEW]
    report.updated = result.totals[RowResult.IMPORT_TYPE_UPDATE]
    report.unchanged = result.totals[RowResult.IMPORT_TYPE_SKIP]
    report.written = not dry_run
    return report


def no_rows_error(error):
    return error(None, "", "no_rows", _("The file has no data rows below the header."))


def import_file(source, report, *, resource: ExcelModelResource, positions, max_rows, dry_run):
    """Read ``source`` (an .xlsx path or file) and import its rows through ``resource``, all
    or nothing: ``report`` gets the file's error, "no data rows", or what the import
    found or did (``run_import``)."""
    dataset = dataset_from_file(
        source, report, resource=resource, positions=positions, max_rows=max_rows
    )
    if dataset is None:
        return report
    if not len(dataset):
        report.errors.append(no_rows_error(report.error_class))
        return report
    report.rows = len(dataset)
    return run_import(dataset, report, resource=resource, dry_run=dry_run)


# --- Export progress ----------------------------------------------------------------------

# The job's ``progress(done, total=None)`` while an export runs in a background job
# (``export_progress``); None in a command or a test that calls the writers directly, which
# then run without the extra count query.
_PROGRESS: contextvars.ContextVar[_ExportProgress | None] = contextvars.ContextVar(
    "export_progress", default=None
)


class _ExportProgress:
    def __init__(self, callback: Callable):
        self.callback = callback
        self.done = 0
        self.total = 0

    def add_total(self, rows: int) -> None:
        self.total += rows
        self.callback(self.done, total=self.total)

    def advance(self, rows: int) -> None:
        self.done += rows
        self.callback(self.done)


@contextmanager
def export_progress(callback: Callable) -> Iterator[None]:
    """Report the rows written by ``write_sheet`` / ``append_rows`` inside the block to
    ``callback(done, total=None)``: the total when a sheet starts (the sheets' rows added
    up), then the rows done after every chunk read from the database."""
    token = _PROGRESS.set(_ExportProgress(callback))
    try:
        yield
    finally:
        _PROGRESS.reset(token)


def _row_count(rows) -> int:
    return rows.count() if hasattr(rows, "count") and not isinstance(rows, list) else len(rows)


def append_rows(sheet, rows, *, chunk_size: int) -> int:
    """Append ``rows`` (lists of cell values) to a write-only ``sheet``, moving the export's
    progress every ``chunk_size`` rows; returns the number of rows."""
    reporter = _PROGRESS.get()
    count = 0
    for values in rows:
        sheet.append([_cell(sheet, value) for value in values])
        count += 1
        if reporter is not None and count % chunk_size == 0:
            reporter.advance(chunk_size)
    if reporter is not None and count % chunk_size:
        reporter.advance(count % chunk_size)
    return count


def start_progress(rows) -> None:
    """Add the rows of a sheet about to be written to the export's total (one count
    query), when the export runs as a job."""
    reporter = _PROGRESS.get()
    if reporter is not None:
        reporter.add_total(_row_count(rows))


def write_xlsx(resource, queryset, destination, *, title, widths, default_width) -> int:
    """Export ``queryset`` through ``resource`` into a new write-only .xlsx of one sheet;
    returns the number of rows."""
    workbook = openpyxl.Workbook(write_only=True)
    count = write_sheet(
        workbook, resource, queryset, title=title, widths=widths, default_width=default_width
    )
    workbook.save(destination)
    return count


def write_sheet(workbook, resource, queryset, *, title, widths, default_width) -> int:
    """Add a sheet of ``queryset`` rendered by ``resource`` (its headers, fields, widgets
    and dehydrate methods) to the write-only ``workbook``; returns the number of rows.

    The library's ``export()`` would first build the whole sheet as a ``tablib.Dataset``
    in memory; the rows go straight to the write-only workbook instead, read in chunks by
    the resource's own ``iter_queryset``.
    """
    sheet = start_export_sheet(
        workbook, title, resource.get_export_headers(), widths, default_width
    )
    start_progress(queryset)
    return append_rows(
        sheet,
        (resource.export_resource(instance) for instance in resource.iter_queryset(queryset)),
        chunk_size=resource.get_chunk_size(),
    )


def _cell(sheet, value):
    if isinstance(value, str):
        return text_cell(sheet, value)
    if isinstance(value, datetime.date):
        return date_cell(sheet, value)
    return value
