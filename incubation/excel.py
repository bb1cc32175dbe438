"""Organization registry ⇄ Excel (.xlsx), through django-import-export.

``import_organizations`` runs ``incubation.resources.OrganizationResource`` over the file:
every row read and checked (cells, identifiers, duplicates inside the file, the database)
and nothing written unless every row is right; the writes then happen in one transaction,
in batches through the registry's services. ``export_organizations`` writes the same
resource's columns, so an exported file imports back with nothing changed.

Line numbers in errors are Excel line numbers: the header is line 1, the first data row is
line 2.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import IO, ClassVar

from django.utils.translation import gettext as _

from core.excel import XLSX_CONTENT_TYPE as XLSX_CONTENT_TYPE
from core.excel_resources import import_file, write_xlsx
from incubation import services as services  # the resource writes through it
from incubation.resources import (
    COMMUNITY,
    FILING_NUMBER,
    FIRST_DATA_LINE,
    LEADER_PHONE,
    NAME,
    USCC,
    OrganizationResource,
    RowError,
    header_positions,
)

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
    error_class: ClassVar[type] = RowError

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        return _("%(created)d created, %(updated)d updated, %(unchanged)d unchanged.") % {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }


# --- Import -------------------------------------------------------------------------------


def import_organizations(
    source: str | IO[bytes], *, street, actor=None, dry_run: bool, resource_class=None
) -> ImportReport:
    """Import an .xlsx file into ``street``'s registry: all rows or none.

    Organizations are matched by their 统一社会信用代码 (registered) or 备案编号 (filed):
    a match in ``street`` is updated through ``services.organizations_bulk_update``,
    anything else is created. ``actor`` None is the system (management command); a user
    limits the communities to those they may see. With ``dry_run`` nothing is written and
    the counts say what would happen. ``resource_class`` is for the benchmark.
    """
    report = ImportReport(dry_run=dry_run)
    resource = (resource_class or OrganizationResource)(street=street, actor=actor, dry_run=dry_run)
    return import_file(
        source,
        report,
        resource=resource,
        positions=header_positions,
        max_rows=MAX_ROWS,
        dry_run=dry_run,
    )


# --- Export -------------------------------------------------------------------------------

_COLUMN_WIDTHS = {NAME: 32, USCC: 22, FILING_NUMBER: 20, COMMUNITY: 16, LEADER_PHONE: 16}


def export_organizations(queryset, destination: str | IO[bytes]) -> int:
    """Write ``queryset`` as .xlsx with the import's columns; returns the number of rows.

    The resource renders each row; the workbook is write-only and the rows come in chunks,
    in a constant number of queries however many organizations there are.
    """
    return write_xlsx(
        OrganizationResource(),
        queryset.select_related("community"),
        destination,
        title="社会组织",
        widths=_COLUMN_WIDTHS,
        default_width=12,
    )
