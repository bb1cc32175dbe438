"""Child process of `make bench`: import N new organizations from an .xlsx, then the same
file again, then with every row changed; then, on an emptied registry, the same N new
organizations in django-import-export's default row-by-row mode (a lookup, a savepoint and
a save per row; same checks and services) for the ratio against our bulk mode. Prints one
JSON line with the timings."""

import io
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaiyihui.settings")

import django  # noqa: E402

django.setup()

import openpyxl  # noqa: E402

from accounts.models import Street  # noqa: E402
from incubation.excel import import_organizations  # noqa: E402
from incubation.models import Organization, OrganizationEvent  # noqa: E402
from incubation.resources import HEADERS, RowByRowOrganizationResource  # noqa: E402


def workbook(street, rows: int, phone: str) -> bytes:
    communities = list(street.communities.values_list("name", flat=True))
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(list(HEADERS))
    values = {
        "组织名称": None,
        "统一社会信用代码": "",
        "备案编号": None,
        "法律形态": "备案",
        "所属社区": None,
        "服务领域": "养老",
        "成立日期": "2020-05-01",
        "负责人": "王芳",
        "负责人政治面貌": "群众",
        "联系电话": phone,
        "党员人数": 1,
    }
    for n in range(rows):
        values.update(
            {
                "组织名称": f"导入测试组织{n:06d}",
                "备案编号": f"IMPORT-{n:06d}",
                "所属社区": communities[n % len(communities)],
            }
        )
        sheet.append([values[h] for h in HEADERS])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def main(rows: int):
    street = Street.objects.order_by("code").first()
    first = workbook(street, rows, phone="13900001111")
    start = time.perf_counter()
    report = import_organizations(io.BytesIO(first), street=street, actor=None, dry_run=False)
    created_seconds = time.perf_counter() - start
    assert report.ok and report.created == rows, report.summary()
    start = time.perf_counter()
    again = import_organizations(io.BytesIO(first), street=street, actor=None, dry_run=False)
    unchanged_seconds = time.perf_counter() - start
    assert again.ok and again.created == 0, again.summary()
    changed = workbook(street, rows, phone="13900002222")
    start = time.perf_counter()
    third = import_organizations(io.BytesIO(changed), street=street, actor=None, dry_run=False)
    updated_seconds = time.perf_counter() - start
    assert third.ok and third.updated == rows, third.summary()
    imported = Organization.objects.filter(filing_number__startswith="IMPORT-")
    OrganizationEvent.objects.filter(organization__in=imported).delete()
    imported.delete()
    start = time.perf_counter()
    row_by_row = import_organizations(
        io.BytesIO(first),
        street=street,
        actor=None,
        dry_run=False,
        resource_class=RowByRowOrganizationResource,
    )
    row_by_row_seconds = time.perf_counter() - start
    assert row_by_row.ok and row_by_row.created == rows, row_by_row.summary()
    print(
        json.dumps(
            {
                "rows": rows,
                "seconds": round(created_seconds, 1),
                "reimport_unchanged_seconds": round(unchanged_seconds, 1),
                "reimport_all_changed_seconds": round(updated_seconds, 1),
                "row_by_row_seconds": round(row_by_row_seconds, 1),
                "bulk_speedup": round(row_by_row_seconds / created_seconds, 1),
            }
        )
    )


if __name__ == "__main__":
    main(int(sys.argv[1]))
