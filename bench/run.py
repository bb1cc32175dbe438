"""`make bench`: seed a district-sized dataset into PostgreSQL and measure the pages and
jobs with targets. Writes bench/results.json and bench/results.md.

Figures come from this machine at the time of the run; the targets are in TARGETS.
Run: BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/kaiyihui_bench make bench
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DB_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kaiyihui_bench")
os.environ["DATABASE_URL"] = DB_URL
os.environ.setdefault("DJANGO_DEBUG", "true")
os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
os.environ["DJANGO_READ_DOT_ENV"] = "false"
os.environ["DJANGO_SETTINGS_MODULE"] = "kaiyihui.settings"
os.environ.pop("CELERY_BROKER_URL", None)

IMPORT_ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "10000"))
TARGETS = {
    "page_p95_ms": 300,
    "import_seconds": 60,
    "import_peak_mb": 500,
    "export_peak_mb": 300,
}


def recreate_database():
    import psycopg

    base, name = DB_URL.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def setup_django():
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


# Runs the script and reports its peak RSS from wait4. The measured script is started from
# this small wrapper, not from run.py itself: on Linux a child's ru_maxrss starts at the
# RSS of the process it was forked from, so a child of the seeded bench process would
# report at least the bench process's own size.
WAIT4_WRAPPER = """
import json, os, subprocess, sys
proc = subprocess.Popen(sys.argv[1:])
_, status, usage = os.wait4(proc.pid, 0)
proc.returncode = os.waitstatus_to_exitcode(status)
sys.stdout.flush()
print(json.dumps({"child_peak_kb": usage.ru_maxrss}), flush=True)
sys.exit(proc.returncode)
"""


def run_child(args: list[str], env: dict | None = None) -> dict:
    """Run one of our scripts in a child process: its last stdout line as JSON, wall
    seconds and its own peak RSS."""
    started = time.perf_counter()
    out = subprocess.run(  # noqa: S603 - our own scripts, fixed arguments
        [sys.executable, "-c", WAIT4_WRAPPER, sys.executable, *args],
        capture_output=True,
        text=True,
        env=env or os.environ.copy(),
        cwd=ROOT,
    )
    if out.returncode != 0:
        raise RuntimeError(f"{args[0]} failed:\n{out.stderr[-3000:]}")
    lines = out.stdout.strip().splitlines()
    figures = json.loads(lines[-2])
    figures["wall_seconds"] = round(time.perf_counter() - started, 1)
    figures["peak_mb"] = round(json.loads(lines[-1])["child_peak_kb"] / 1024, 1)
    return figures


def measure_import():
    """Import IMPORT_ROWS new organizations from an .xlsx in a child process (peak memory
    is that process's max RSS); then the same file again, and with every row changed."""
    return run_child([str(ROOT / "bench" / "import_job.py"), str(IMPORT_ROWS)])


def measure_export():
    """Export every organization (the seeded 100,000) in a child process each: through
    `manage.py export_organizations` and through the admin's export view."""
    out_dir = ROOT / "bench" / "out"
    out_dir.mkdir(exist_ok=True)
    results = {}
    for mode in ("command", "admin"):
        path = out_dir / f"export-{mode}.xlsx"
        figures = run_child([str(ROOT / "bench" / "measure_export.py"), mode, str(path)])
        path.unlink(missing_ok=True)
        results[mode] = figures
        print(
            f"  export ({mode}): {figures['rows']:,} rows, {figures['seconds']} s, "
            f"peak {figures['peak_mb']} MB",
            flush=True,
        )
    return results


def measure_evaluation_reports():
    """Hook for bench/evaluation_reports.py (one PDF report warm, 200 in 2 processes):
    it seeds its own database, so it gets BENCH_EVAL_DATABASE_URL = this run's database
    name + "_eval" (it drops and recreates that one, never the bench database)."""
    script = ROOT / "bench" / "evaluation_reports.py"
    if not script.exists():
        return None
    if os.environ.get("BENCH_SKIP_EVALUATION_REPORTS"):
        return {"skipped": "BENCH_SKIP_EVALUATION_REPORTS is set"}
    base, name = DB_URL.rsplit("/", 1)
    env = {**os.environ, "BENCH_EVAL_DATABASE_URL": f"{base}/{name}_eval"}
    env.pop("DATABASE_URL", None)
    figures = run_child([str(script)], env=env)
    # wait4 reports the largest RSS of the script's process and its reaped workers.
    figures["job_peak_mb"] = figures.pop("peak_mb")
    return figures


def _mark(ok: bool) -> str:
    return "✓" if ok else "✗"


def write_results(results):
    from bench.measure_pages import query_growth
    from bench.seed_district import COMMUNITIES_PER_STREET, STREETS

    limit = TARGETS["page_p95_ms"]
    results["targets"] = TARGETS
    results["query_growth"] = query_growth(results["pages"])
    (ROOT / "bench" / "results.json").write_text(
        json.dumps(results, ensure_ascii=False, indent=2) + "\n"
    )
    c = results["seed"]
    load = results.get("load_average_1min", {"before_pages": "?", "after_pages": "?"})
    lines = [
        f"# Benchmark results ({results['measured_at']})",
        "",
        f"Machine: {results['machine']}. PostgreSQL, in-process test client (no network), "
        f"DEBUG on. Dataset: {c['organizations']:,} organizations in {STREETS} streets × "
        f"{COMMUNITIES_PER_STREET} communities, {c['party_organizations']:,} party "
        f"organizations, {c['party_members']:,} party members, {c['party_activities']:,} party "
        f"activities, {c['developments']:,} developments, {c['coverage']:,} coverage rows, "
        f"{c['instructors']:,} instructors, {c['reviews']:,} annual reviews in {c['cycles']} "
        f"cycles, {c['grant_applications']:,} grant applications with {c['grant_scores']:,} "
        f"scores. Seeded in {c['seconds']} s ("
        + ", ".join(f"{k} {v} s" for k, v in c["steps"].items())
        + ").",
        "",
        "Staff pages are measured as the street staff of one street (1/10 of the data) or the "
        "community staff of one community (1/100). Load average (1 min) on the machine: "
        f"{load['before_pages']} before the pages, {load['after_pages']} after.",
        "",
        "| page | requests | p50 ms | p95 ms | queries | SQL share | target p95 |",
        "|---|---|---|---|---|---|---|",
    ]
    for page in results["pages"].values():
        lines.append(
            f"| {page['label']} | {page['requests']} | {page['p50_ms']} | {page['p95_ms']} | "
            f"{page['queries']} | {page['sql_share']:.0%} | < {limit} "
            f"{_mark(page['p95_ms'] < limit)} |"
        )
    lines += [
        "",
        "| page (many rows) | same page (fewer rows) | queries | queries, fewer rows | constant |",
        "|---|---|---|---|---|",
    ]
    for row in results["query_growth"]:
        lines.append(
            f"| {results['pages'][row['page']]['label']} | "
            f"{results['pages'][row['compared_with']]['label']} | {row['queries']} | "
            f"{row['queries_fewer_rows']} | {_mark(row['constant'])} |"
        )
    lines += ["", "| job | seconds | peak MB | target |", "|---|---|---|---|"]
    exp = results.get("export") or {}
    for mode, how in (
        ("command", "`manage.py export_organizations` (file)"),
        ("admin", "admin export view, superuser (in-memory buffer)"),
    ):
        if mode in exp:
            e = exp[mode]
            ok = e["peak_mb"] < TARGETS["export_peak_mb"]
            lines.append(
                f"| export {e['rows']:,} organizations (.xlsx, {e['file_mb']} MB), {how} | "
                f"{e['seconds']} | {e['peak_mb']} | < {TARGETS['export_peak_mb']} MB {_mark(ok)} |"
            )
    imp = results.get("import")
    if imp:
        ok = (
            imp["seconds"] < TARGETS["import_seconds"]
            and imp["peak_mb"] < TARGETS["import_peak_mb"]
        )
        lines += [
            f"| import {imp['rows']:,} new organizations (.xlsx) | {imp['seconds']} | "
            f"{imp['peak_mb']} | < {TARGETS['import_seconds']} s, "
            f"< {TARGETS['import_peak_mb']} MB {_mark(ok)} |",
            f"| re-import the same file (nothing changes) | {imp['reimport_unchanged_seconds']} "
            f"| (same process) | — |",
            f"| re-import with every row changed | {imp['reimport_all_changed_seconds']} "
            f"| (same process) | — |",
        ]
        if "row_by_row_seconds" in imp:
            lines.append(
                f"| the same new organizations, django-import-export row by row "
                f"(its default; ours is bulk: {imp['bulk_speedup']}× faster) | "
                f"{imp['row_by_row_seconds']} | (same process) | — |"
            )
    ev = results.get("evaluation_reports")
    if ev and "skipped" in ev:
        lines += ["", f"Evaluation reports: skipped ({ev['skipped']})."]
    elif ev:
        t = ev.get("targets", {})
        lines += [
            "",
            "| evaluation reports (bench/evaluation_reports.py, own database) | figure | target |",
            "|---|---|---|",
            f"| one PDF report, warm (median of 5) | {ev['one_report_warm_s']} s | "
            f"< {t.get('one_report_warm_s', '—')} s |",
            f"| batch of {ev['batch_reports']} reports, {ev['batch_workers']} worker processes | "
            f"{ev['batch_seconds']} s ({ev['reports_per_second']} reports/s) | — |",
            f"| peak RSS per worker | {ev['peak_rss_mb_per_worker']} MB | "
            f"< {t.get('peak_rss_mb_per_worker', '—')} MB |",
            f"| peak RSS of the whole job (largest of parent and workers, wait4) | "
            f"{ev['job_peak_mb']} MB | — |",
            f"| all evaluation-report targets met | {_mark(ev.get('ok', False))} | |",
        ]
    elif "evaluation_reports" in results:
        lines += ["", "Evaluation reports: bench/evaluation_reports.py is not there yet."]
    (ROOT / "bench" / "results.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


def main():
    import datetime
    import platform

    from bench.measure_pages import measure_pages
    from bench.seed_district import ORGANIZATIONS, seed

    recreate_database()
    setup_django()
    results = {
        "measured_at": datetime.date.today().isoformat(),
        "machine": f"{os.cpu_count()} cores, Python {platform.python_version()}",
        "database": "PostgreSQL",
    }
    print(f"seeding {ORGANIZATIONS:,} organizations and the rest …", flush=True)
    seeded = seed()
    results["seed"] = seeded["counts"]
    print("measuring pages …", flush=True)
    load_before = os.getloadavg()[0]
    results["pages"] = measure_pages(
        seeded["users"], seeded["current_call_id"], seeded["small_call_id"]
    )
    # Other work on the machine slows the pages: the 1-minute load around the measurement.
    results["load_average_1min"] = {
        "before_pages": round(load_before, 2),
        "after_pages": round(os.getloadavg()[0], 2),
    }
    from django.db import connections

    connections.close_all()
    print("measuring export …", flush=True)
    results["export"] = measure_export()
    print("measuring import …", flush=True)
    results["import"] = measure_import()
    print("measuring evaluation reports …", flush=True)
    results["evaluation_reports"] = measure_evaluation_reports()
    write_results(results)


if __name__ == "__main__":
    main()
