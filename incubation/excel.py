"""Organization registry ⇄ Excel (.xlsx).

``import_organizations`` reads every row, validates all of them (cells, identifiers,
duplicates inside the file, the database) and writes nothing unless every row is right; the
writes then happen in one transaction. ``export_organizations`` streams the same columns
out, so an exported file imports back with nothing changed. The columns and labels are in
``incubation.resources``.

Line numbers in errors are Excel line numbers: the header is line 1, the first data row is
line 2.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO

import openpyxl
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import Community
from core.errors import ActionRefused
from core.excel import XLSX_CONTENT_TYPE as XLSX_CONTENT_TYPE
from core.excel import date_cell, read_rows, start_export_sheet, text_cell
from core.identifiers import normalize_name, validate_mobile_or_phone
from incubation import services
from incubation.models import Organization
from incubation.resources import (
    COMMUNITY,
    FILING_NUMBER,
    FIRST_DATA_LINE,
    HEADER_FOR_FIELD,
    HEADERS,
    LEADER_PHONE,
    LEGAL_STATUS_LABELS,
    NAME,
    POLITICAL_STATUS_LABELS,
    SERVICE_FIELD_LABELS,
    USCC,
    ParsedRow,
    RowError,
    header_positions,
    parse_row,
)

# Keys per lookup query and rows per INSERT: keeps each statement well under the parameter
# limits of SQLite and PostgreSQL.
BATCH_SIZE = 1000
# Larger files are refused before they fill the memory (the admin also caps uploads at 5 MB,
# but a compressed sheet can hold far more rows than that suggests).
MAX_ROWS = 50_000


@dataclass
class ImportReport:
    """What an import found or did. ``errors`` name Excel lines (header = line 1)."""

    dry_run: bool
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    written: bool = False
    first_data_line: int = FIRST_DATA_LINE

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        return _("%(created)d created, %(updated)d updated, %(unchanged)d unchanged.") % {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }


class _WriteFailed(Exception):
    def __init__(self, error: RowError):
        super().__init__(error.message)
        self.error = error


# --- Import -------------------------------------------------------------------------------


def import_organizations(
    source: str | IO[bytes], *, street, actor=None, dry_run: bool
) -> ImportReport:
    """Import an .xlsx file into ``street``'s registry: all rows or none.

    Organizations are matched by their 统一社会信用代码 (registered) or 备案编号 (filed):
    a match in ``street`` is updated through ``services.organization_update``, anything else
    is created. ``actor`` None is the system (management command); a user limits the
    communities to those they may see. With ``dry_run`` nothing is written and the counts
    say what would happen.
    """
    report = ImportReport(dry_run=dry_run)
    communities = _communities(street, actor)
    rows = _read_file(source, communities, street, report)
    if rows is None:
        return report
    if not rows:
        report.errors.append(
            RowError(None, "", "no_rows", _("The file has no data rows below the header."))
        )
        return report
    report.rows = len(rows)
    for row in rows:
        report.errors.extend(row.errors)
    _check_within_file(rows, report)
    _check_against_database(rows, street, communities, report)
    if report.errors:
        report.errors.sort(key=lambda error: error.sort_key)
        return report

    creates, updates = [], []
    for row in rows:
        if row.existing is None:
            creates.append(row)
            continue
        changes = {
            name: value
            for name, value in row.values.items()
            if not _same(row.existing, name, value)
        }
        if changes:
            updates.append((row, changes))
        else:
            report.unchanged += 1
    if not dry_run:
        try:
            with transaction.atomic():
                _create(creates, actor)
                _update(updates, actor)
        except _WriteFailed as exc:
            report.unchanged = 0
            report.errors.append(exc.error)
            return report
        report.written = True
    report.created, report.updated = len(creates), len(updates)
    return report


def _communities(street, actor) -> dict[str, Community]:
    communities = Community.objects.filter(street=street)
    if actor is not None:
        communities = communities.visible_to(actor)
    return {community.name: community for community in communities}


def _read_file(source, communities, street, report) -> list[ParsedRow] | None:
    return read_rows(
        source,
        report,
        positions=header_positions,
        parse=lambda line, cells: parse_row(line, cells, communities, street),
        max_rows=MAX_ROWS,
        error=RowError,
    )


def _check_within_file(rows: list[ParsedRow], report: ImportReport) -> None:
    keys, names = {}, {}
    for row in rows:
        if row.key is not None:
            first = keys.setdefault(row.key, row.line)
            if first != row.line:
                column = HEADER_FOR_FIELD[row.key[0]]
                report.errors.append(
                    RowError(
                        row.line,
                        column,
                        "duplicate_key",
                        _("Line %(other)d has the same code; each organization once, please.")
                        % {"other": first},
                    )
                )
        community, name = row.values.get("community"), row.values.get("name")
        if community is not None and name:
            first = names.setdefault((community.pk, normalize_name(name)), row.line)
            if first != row.line:
                report.errors.append(
                    RowError(
                        row.line,
                        NAME,
                        "duplicate_name",
                        _("Line %(other)d has an organization of the same name in %(community)s.")
                        % {"other": first, "community": community.name},
                    )
                )


def _chunks(items: list) -> Iterator[list]:
    for start in range(0, len(items), BATCH_SIZE):
        yield items[start : start + BATCH_SIZE]


def _check_against_database(rows: list[ParsedRow], street, communities, report) -> None:
    """Existing organizations by key and by name: a few queries per 1,000 rows."""
    keys = {"uscc": set(), "filing_number": set()}
    for row in rows:
        if row.key is not None:
            keys[row.key[0]].add(row.key[1])
    existing = {}
    for field_name, values in keys.items():
        for chunk in _chunks(sorted(values)):
            found = Organization.objects.filter(**{f"{field_name}__in": chunk}).select_related(
                "community"
            )
            for org in found:
                existing[(field_name, getattr(org, field_name))] = org
    allowed = {community.pk for community in communities.values()}
    for row in rows:
        org = existing.get(row.key) if row.key else None
        if row.checksum_error is not None and not (org and org.uscc_checksum_exempt):
            report.errors.append(row.checksum_error)
        if org is None:
            continue
        column = HEADER_FOR_FIELD[row.key[0]]
        if org.community.street_id != street.pk:
            report.errors.append(
                RowError(
                    row.line,
                    column,
                    "key_elsewhere",
                    _("This code belongs to an organization of another street."),
                )
            )
        elif org.community_id not in allowed:
            # Which community (and so which organization) holds the code is not for staff
            # of another community to learn from an import preview.
            report.errors.append(
                RowError(
                    row.line,
                    column,
                    "out_of_scope",
                    _(
                        "This code is already used by an organization of another community "
                        "of this street."
                    ),
                )
            )
        else:
            row.existing = org

    # Names compare by their key: a look-alike spelling is the same name.
    names = sorted({normalize_name(row.values["name"]) for row in rows if row.values.get("name")})
    holders = {}
    for chunk in _chunks(names):
        found = Organization.objects.filter(
            community__street=street, community__in=allowed, name_key__in=chunk
        )
        for pk, community_id, name_key, uscc, filing_number in found.values_list(
            "pk", "community_id", "name_key", "uscc", "filing_number"
        ):
            holders[(community_id, name_key)] = (pk, uscc or filing_number)
    for row in rows:
        community, name = row.values.get("community"), row.values.get("name")
        holder = (
            holders.get((community.pk, normalize_name(name)))
            if community is not None and name
            else None
        )
        if holder is not None and holder[0] != getattr(row.existing, "pk", None):
            report.errors.append(
                RowError(
                    row.line,
                    NAME,
                    "name_taken",
                    _("%(community)s already has an organization of this name (code %(code)s).")
                    % {"community": community.name, "code": holder[1]},
                )
            )


def _same(org: Organization, field_name: str, value) -> bool:
    if field_name == "community":
        return org.community_id == value.pk
    current = getattr(org, field_name)
    if current == value:
        return True
    if field_name == "leader_phone" and current:
        # Phones typed in the admin are stored as typed; the same number is no change.
        try:
            return validate_mobile_or_phone(current) == value
        except ValidationError:
            return False
    return False


def _create(rows: list[ParsedRow], actor) -> None:
    try:
        services.organizations_bulk_create(
            rows=[row.values for row in rows],
            actor=actor,
            evidence=[{"source": "excel_import", "line": row.line} for row in rows],
        )
    except ActionRefused as exc:
        raise _WriteFailed(RowError(None, "", "refused", exc.message)) from exc
    except IntegrityError as exc:
        raise _WriteFailed(
            RowError(
                None,
                "",
                "write_failed",
                _(
                    "The database refused the new organizations (someone may have added the "
                    "same code or name meanwhile); nothing was written. Import the file again."
                ),
            )
        ) from exc


def _update(updates: list[tuple[ParsedRow, dict]], actor) -> None:
    try:
        services.organizations_bulk_update(
            changes=[(row.existing, changes) for row, changes in updates],
            actor=actor,
            evidence=[{"source": "excel_import", "line": row.line} for row, _c in updates],
        )
    except ActionRefused as exc:
        raise _WriteFailed(RowError(None, "", "refused", exc.message)) from exc
    except IntegrityError as exc:
        raise _WriteFailed(
            RowError(
                None,
                "",
                "write_failed",
                _("The database refused this row; nothing was written. Import the file again."),
            )
        ) from exc


# --- Export -------------------------------------------------------------------------------

_COLUMN_WIDTHS = {NAME: 32, USCC: 22, FILING_NUMBER: 20, COMMUNITY: 16, LEADER_PHONE: 16}


def export_organizations(queryset, destination: str | IO[bytes]) -> int:
    """Write ``queryset`` as .xlsx with the import's columns; returns the number of rows.

    Streams: the workbook is write-only and the rows come in chunks, in a constant number
    of queries however many organizations there are.
    """
    workbook = openpyxl.Workbook(write_only=True)
    sheet = start_export_sheet(workbook, "社会组织", HEADERS, _COLUMN_WIDTHS, 12)
    count = 0
    for org in queryset.select_related("community").iterator(chunk_size=2000):
        sheet.append(list(_export_cells(sheet, org)))
        count += 1
    workbook.save(destination)
    return count


def _export_cells(sheet, org: Organization) -> Iterable:
    yield text_cell(sheet, org.name)
    yield text_cell(sheet, org.uscc or "")
    yield text_cell(sheet, org.filing_number or "")
    yield LEGAL_STATUS_LABELS.get(org.legal_status, org.legal_status)
    yield text_cell(sheet, org.community.name)
    yield SERVICE_FIELD_LABELS.get(org.service_field, org.service_field)
    yield date_cell(sheet, org.founded_on)
    yield text_cell(sheet, org.leader_name)
    status = org.leader_political_status
    yield POLITICAL_STATUS_LABELS.get(status, status) if status else None
    yield text_cell(sheet, org.leader_phone)
    yield org.party_member_count
