"""Party members ⇄ Excel (.xlsx), through django-import-export.

``import_members`` runs ``partybuilding.resources.PartyMemberResource`` over the file:
every row read and checked (cells, ID numbers, branches, organizations, duplicates in the
file and in the database, the actor's permission) and nothing written unless every row is
right; the writes then happen in one transaction through ``partybuilding.services.members``.
The natural key is the 身份证号: a member already on record is updated, never duplicated.

``export_members`` writes the same resource's columns. A masked export (ID and phone
numbers partly replaced by ``*``, for everyone but street staff) says so in its sheet title
and on a second sheet, and cannot be imported back: a masked ID number is refused on its
line.

Line numbers are Excel line numbers: the header is line 1, the first data row line 2.
"""

from __future__ import annotations

from typing import IO

import openpyxl

from core.excel import FIRST_DATA_LINE as FIRST_DATA_LINE
from core.excel import XLSX_CONTENT_TYPE as XLSX_CONTENT_TYPE
from core.excel_resources import import_file, write_sheet
from incubation.excel import ImportReport
from partybuilding.resources import (
    BIRTH_DATE,
    BRANCH,
    HEADER_FOR_FIELD,
    HEADERS,
    ID_NUMBER,
    JOINED_ON,
    MASKED_NOTE,
    MASKED_SHEET_TITLE,
    NAME,
    NOTE_SHEET_TITLE,
    OPTIONAL_HEADERS,
    ORGANIZATION,
    ORGANIZATION_CODE,
    PHONE,
    POSTS,
    REQUIRED_HEADERS,
    SEX,
    SEX_LABELS,
    SHEET_TITLE,
    STATUS,
    STATUS_LABELS,
    PartyMemberResource,
    header_positions,
)

__all__ = [
    "BIRTH_DATE",
    "BRANCH",
    "FIRST_DATA_LINE",
    "HEADERS",
    "HEADER_FOR_FIELD",
    "ID_NUMBER",
    "JOINED_ON",
    "MASKED_NOTE",
    "MASKED_SHEET_TITLE",
    "NAME",
    "NOTE_SHEET_TITLE",
    "OPTIONAL_HEADERS",
    "ORGANIZATION",
    "ORGANIZATION_CODE",
    "PHONE",
    "POSTS",
    "REQUIRED_HEADERS",
    "SEX",
    "SEX_LABELS",
    "SHEET_TITLE",
    "STATUS",
    "STATUS_LABELS",
    "XLSX_CONTENT_TYPE",
    "export_members",
    "import_members",
]

MAX_ROWS = 50_000


def import_members(source: str | IO[bytes], *, street, actor=None, dry_run: bool) -> ImportReport:
    """Import an .xlsx file of party members into ``street``: all rows or none.

    Members are matched by their 身份证号: a member on record is updated (not moved: a
    different branch is refused, transfers keep their history through ``member_transfer``),
    any other row creates a member. ``actor`` None is the system (management command); a
    user reaches only the branches they see and may manage. With ``dry_run`` nothing is
    written and the counts say what would happen.
    """
    report = ImportReport(dry_run=dry_run)
    resource = PartyMemberResource(street=street, actor=actor, dry_run=dry_run)
    return import_file(
        source,
        report,
        resource=resource,
        positions=header_positions,
        max_rows=MAX_ROWS,
        dry_run=dry_run,
    )


_COLUMN_WIDTHS = {
    NAME: 12,
    BIRTH_DATE: 12,
    ID_NUMBER: 22,
    PHONE: 16,
    ORGANIZATION: 30,
    ORGANIZATION_CODE: 22,
    BRANCH: 30,
    JOINED_ON: 12,
    POSTS: 20,
}


def export_members(queryset, destination: str | IO[bytes], *, masked: bool) -> int:
    """Write ``queryset`` as .xlsx with the import's columns; returns the number of rows.

    ``masked`` replaces most digits of ID and phone numbers with ``*`` (mask_id_number,
    mask_phone); the sheet title and a second sheet say that such a file cannot be imported
    back. Streams in a constant number of queries however many members there are.
    """
    workbook = openpyxl.Workbook(write_only=True)
    members = queryset.select_related("branch", "organization").order_by(
        "branch__name", "name", "pk"
    )
    count = write_sheet(
        workbook,
        PartyMemberResource(masked=masked),
        members,
        title=MASKED_SHEET_TITLE if masked else SHEET_TITLE,
        widths=_COLUMN_WIDTHS,
        default_width=10,
    )
    if masked:
        note = workbook.create_sheet(NOTE_SHEET_TITLE)
        note.column_dimensions["A"].width = 90
        for line in MASKED_NOTE:
            note.append([line])
    workbook.save(destination)
    return count
