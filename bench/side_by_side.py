"""Issue 19, item 6: the platform's pieces side by side with the stock tools, in one run,
as ratios. Seeds the district dataset (bench/seed_district.py, 100,000 organizations) into
a database of its own and measures, with the same in-process client and the same
street-staff superuser:

- the admin's organization list (incubation/admin.py) against a stock ``ModelAdmin``
  changelist of the same model and rows (bench/stock_admin_urls.py), each unfiltered and
  searched by name;
- the bulk import of 10,000 new organizations against django-import-export's default
  row-by-row import of the same file (bench/run.py's ``measure_import``).

Writes bench/side-by-side.json and bench/side-by-side.md.
Run: .venv/bin/python bench/side_by_side.py   (BENCH_SIDE_DATABASE_URL to change)
"""

import datetime
import json
import os
import platform
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["BENCH_DATABASE_URL"] = os.environ.get(
    "BENCH_SIDE_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kaiyihui_side"
)

from bench import run  # noqa: E402  (sets the environment before Django starts)


def _pair(client, ours: str, stock: str, label: str) -> dict:
    from django.test import override_settings

    from bench.measure_pages import measure_page

    with override_settings(ROOT_URLCONF="bench.stock_admin_urls"):
        mine = measure_page(client, ours, f"{label}, the platform's admin")
        plain = measure_page(client, stock, f"{label}, stock ModelAdmin")
    return {
        "ours": mine,
        "stock": plain,
        "p95_ratio": round(plain["p95_ms"] / mine["p95_ms"], 2),
    }


def main():
    from django.db import connection

    from bench.calibration import calibrate, describe
    from bench.measure_pages import _client
    from bench.seed_district import seed

    run.recreate_database()
    run.setup_django()
    calibration = calibrate(connection)
    print("seeding the district …", flush=True)
    seeded = seed()
    client = _client(seeded["users"]["admin"])
    lists = {
        "list": _pair(
            client,
            "/admin/incubation/organization/",
            "/stock-admin/incubation/organization/",
            "organization list",
        ),
        "search": _pair(
            client,
            "/admin/incubation/organization/?q=%E9%82%BB%E9%87%8C",
            "/stock-admin/incubation/organization/?q=%E9%82%BB%E9%87%8C",
            "organization list searched",
        ),
    }
    print("measuring the import, bulk and django-import-export's default …", flush=True)
    imports = run.measure_import()
    results = {
        "measured_at": datetime.date.today().isoformat(),
        "machine": f"{os.cpu_count()} cores, Python {platform.python_version()}",
        "calibration": calibration,
        "organizations": seeded["counts"]["organizations"],
        "admin": lists,
        "import": imports,
    }
    (ROOT / "bench" / "side-by-side.json").write_text(
        json.dumps(results, ensure_ascii=False, indent=2, default=str)
    )
    lines = [
        f"# Side by side with the stock tools ({results['measured_at']})",
        "",
        f"Machine: {results['machine']}; {describe(calibration)}. PostgreSQL, in-process "
        f"client, DEBUG on, {results['organizations']:,} organizations, street staff "
        "(superuser).",
        "",
        "| page | platform p95 ms (queries) | stock p95 ms (queries) | stock / platform |",
        "|---|---|---|---|",
    ]
    for key, label in (("list", "admin organization list"), ("search", "same, searched")):
        pair = lists[key]
        lines.append(
            f"| {label} | {pair['ours']['p95_ms']} ({pair['ours']['queries']}) "
            f"| {pair['stock']['p95_ms']} ({pair['stock']['queries']}) "
            f"| {pair['p95_ratio']}× |"
        )
    lines += [
        "",
        "Not the same work: the stock changelist shows one column (the name), no filter, "
        "100 rows a page and the exact total of the unfiltered rows; the platform's shows "
        "eight columns (name, identifier, community, legal status, stage, growth level, "
        "incubation phase, grade) and seven filters, scoped to the user's street, 50 rows a "
        "page without the full total (show_full_result_count = False). A ratio under 1× "
        "means the stock page is faster for what it shows.",
        "",
        "| import of the same .xlsx file | platform (bulk) s | django-import-export's "
        "default (row by row) s | default / platform |",
        "|---|---|---|---|",
        f"| {imports['rows']:,} new organizations | {imports['seconds']} "
        f"| {imports['row_by_row_seconds']} | {imports['bulk_speedup']}× |",
    ]
    (ROOT / "bench" / "side-by-side.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
