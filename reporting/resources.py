"""The statistics report's Excel workbook through django-import-export: one sheet per
section of ``services.report_sections``, two columns (item, value). The rows are not
model rows, so the resource is a plain ``Resource`` over (label, value) pairs."""

from __future__ import annotations

import io

from django.utils.translation import gettext_lazy
from import_export import resources
from import_export.fields import Field

from core.excel_resources import write_sheet
from core.excel_widgets import CellWidget

_AS_IS = CellWidget(lambda value: value)


def number_or_text(value: str):
    """Counts are numbers in the sheet; rates, sums and "—" stay as printed."""
    return int(value) if value.isdigit() else value


class ReportSectionResource(resources.Resource):
    """One (label, value) row of a report section per line."""

    item = Field(column_name=gettext_lazy("Item"), widget=_AS_IS)
    value = Field(column_name=gettext_lazy("Value"), widget=_AS_IS)

    class Meta:
        fields = ("item", "value")
        export_order = fields

    def dehydrate_item(self, row) -> str:
        return row[0]

    def dehydrate_value(self, row):
        return number_or_text(row[1])


def report_workbook(sections) -> bytes:
    """The .xlsx of ``sections`` ((title, [(label, value), …]) as report_sections gives)."""
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    resource = ReportSectionResource()
    label_header = resource.get_export_headers()[0]
    for title, rows in sections:
        # Excel sheet titles: at most 31 characters, no / \ ? * [ ].
        write_sheet(
            workbook,
            resource,
            rows,
            title=title[:31],
            widths={label_header: 40},
            default_width=16,
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
