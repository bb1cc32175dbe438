"""The marketplace's lists ⇄ Excel (.xlsx), through django-import-export.

``import_needs`` and ``import_wishes`` run ``marketplace.resources.NeedResource`` /
``WishResource`` over the file: every row read and checked and nothing written unless every
row is right; the rows are then written in one transaction through ``need_create`` /
``wish_create``. They only add: a row that repeats a need or wish on record (an export
imported back) is refused on its line.

``export_list(kind, queryset, destination, viewer=...)`` writes one list with the house
writer (write-only workbook, rows read in chunks, a constant number of queries). The
caller scopes the queryset (``visible_to``); a wish export carries the beneficiaries'
columns only for a viewer who may see them.

Line numbers in errors are Excel line numbers: the header is line 1, the first data row is
line 2.
"""

from __future__ import annotations

from typing import IO

import openpyxl
from django.utils.translation import gettext as _

from core.excel import FIRST_DATA_LINE as FIRST_DATA_LINE
from core.excel import XLSX_CONTENT_TYPE as XLSX_CONTENT_TYPE
from core.excel_resources import import_file, write_sheet
from incubation.excel import ImportReport
from marketplace.models import Claim, Need, Project, Resource, Wish
from marketplace.resources import (
    CATEGORY,
    COMMUNITY,
    DESCRIPTION,
    HANDOVER_CONTACT,
    NEED_SHEET_TITLE,
    NOTE_SHEET_TITLE,
    PERSON_ADDRESS,
    PERSON_ID_NUMBER,
    PERSON_PHONE,
    PLACE,
    TITLE,
    WISH_DESCRIPTION,
    WISH_PUBLIC_NOTE,
    WISH_PUBLIC_SHEET_TITLE,
    WISH_SHEET_TITLE,
    WISH_TITLE,
    ClaimResource,
    NeedResource,
    ProjectResource,
    ResourceListResource,
    WishResource,
    need_header_positions,
    wish_header_positions,
)

MAX_ROWS = 50_000

# The lists ``export_list`` writes, by the kind ``export_marketplace`` takes.
KINDS = ("needs", "resources", "projects", "wishes", "claims")
MODELS = {
    "needs": Need,
    "resources": Resource,
    "projects": Project,
    "wishes": Wish,
    "claims": Claim,
}
SHEET_TITLES = {
    "needs": NEED_SHEET_TITLE,
    "resources": "资源清单",
    "projects": "项目清单",
    "wishes": WISH_SHEET_TITLE,
    "claims": "认领记录",
}
FILE_LABELS = {
    "needs": "需求清单",
    "resources": "资源清单",
    "projects": "项目清单",
    "wishes": "微心愿",
    "claims": "认领记录",
}

_WIDTHS = {
    TITLE: 30,
    WISH_TITLE: 24,
    COMMUNITY: 16,
    CATEGORY: 18,
    PLACE: 24,
    DESCRIPTION: 40,
    WISH_DESCRIPTION: 40,
    PERSON_PHONE: 16,
    PERSON_ADDRESS: 30,
    PERSON_ID_NUMBER: 22,
    HANDOVER_CONTACT: 24,
    "资源名称": 30,
    "提供方": 24,
    "服务社区": 24,
    "资源描述": 40,
    "项目名称": 30,
    "已筹社会资金（元）": 16,
    "认领事项": 30,
    "认领方": 24,
}


def _import(resource, source, report, positions, dry_run):
    return import_file(
        source,
        report,
        resource=resource,
        positions=positions,
        max_rows=MAX_ROWS,
        dry_run=dry_run,
    )


def import_needs(source: str | IO[bytes], *, street, actor, dry_run: bool) -> ImportReport:
    """Import an .xlsx needs list into ``street``: all rows or none, each created through
    ``need_create`` by ``actor`` (the collector on record; a row may name only a community
    the actor may manage). With ``dry_run`` nothing is written and the counts say what
    would happen."""
    report = ImportReport(dry_run=dry_run)
    resource = NeedResource(street=street, actor=actor, dry_run=dry_run)
    return _import(resource, source, report, need_header_positions, dry_run)


def import_wishes(source: str | IO[bytes], *, street, actor, dry_run: bool) -> ImportReport:
    """Import an .xlsx list of micro-wishes with their beneficiaries into ``street``: all
    rows or none, each through ``wish_create`` by ``actor``."""
    report = ImportReport(dry_run=dry_run)
    resource = WishResource(street=street, actor=actor, dry_run=dry_run)
    return _import(resource, source, report, wish_header_positions, dry_run)


def export_list(kind: str, queryset, destination: str | IO[bytes], *, viewer=None) -> int:
    """Write the ``kind`` list of ``queryset`` (already scoped by the caller) as .xlsx;
    returns the number of rows. ``viewer`` decides the wish export's beneficiary columns
    (left out for anyone who may not see beneficiaries, and for the system)."""
    workbook = openpyxl.Workbook(write_only=True)
    title = SHEET_TITLES[kind]
    note = ()
    if kind == "needs":
        resource = NeedResource()
        rows = queryset.select_related("community", "category__parent").order_by(
            "community__name", "window_start", "pk"
        )
    elif kind == "wishes":
        resource = WishResource(viewer=viewer)
        rows = queryset.select_related("community", "category__parent")
        if resource.shows_person:
            rows = rows.select_related("beneficiary")
        else:
            title, note = WISH_PUBLIC_SHEET_TITLE, WISH_PUBLIC_NOTE
        rows = rows.order_by("community__name", "collected_on", "pk")
    else:
        resource = {
            "resources": ResourceListResource,
            "projects": ProjectResource,
            "claims": ClaimResource,
        }[kind]()
        rows = resource.prepare(queryset).order_by("-pk")
    count = write_sheet(workbook, resource, rows, title=title, widths=_WIDTHS, default_width=12)
    if note:
        sheet = workbook.create_sheet(NOTE_SHEET_TITLE)
        sheet.column_dimensions["A"].width = 90
        for line in note:
            sheet.append([line])
    workbook.save(destination)
    return count


def export_file_name(kind: str, viewer, day) -> str:
    label = FILE_LABELS[kind]
    if kind == "wishes" and not WishResource(viewer=viewer).shows_person:
        label += "-不含受益人"
    return f"{label}-{day:%Y%m%d}.xlsx"


def unknown_kind_message(kind: str) -> str:
    return _("Unknown list %(kind)s; the lists are: %(kinds)s.") % {
        "kind": kind,
        "kinds": ", ".join(KINDS),
    }
