"""`make bench`: seed a district-sized dataset into PostgreSQL and measure the pages and
jobs with targets. Writes bench/results.json and bench/results.md.

Figures come from this machine at the time of the run; the targets are in TARGETS.
Run: BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/kaiyihui_bench make bench

BENCH_ONLY=marketplace seeds the same dataset (the marketplace needs the rest) but measures
only the marketplace (bench/measure_marketplace.py, gunicorn included); the other figures of
bench/results.json are kept from the last full run and both files are rewritten.
BENCH_ONLY=volunteering does the same for volunteer service (bench/seed_volunteering.py,
bench/volunteering.py: 10,000,000 places, the record pages, the calendar, the sign-in
surge); it skips the marketplace's seeding.
BENCH_ONLY=rankings seeds the marketplace and volunteer service too (the ledger reads them),
then bench/rankings.py: the yearly ranking job over one street of 100,000 organizations,
the public board, ranking and portrait pages, and a read surge over gunicorn.
BENCH_ONLY=http seeds the district, the marketplace and volunteer service and measures
every page over HTTP (bench/http_pages.py: gunicorn, DEBUG off, queries from the server's
log, each page's slowest query under EXPLAIN ANALYZE), keeping the other figures.

SCALE=province (`make bench SCALE=province`, bench/province.py) seeds 300,000
organizations and the rest at the same proportion into its own database and measures the
same pages over HTTP; its section of bench/results.md sets each page's queries beside the
district's.
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SCALE = os.environ.get("BENCH_SCALE") or "district"
if SCALE not in ("district", "province"):
    raise SystemExit(f"SCALE={SCALE}: district (the default) or province")
if SCALE == "province":
    from bench.province import DATABASE_NAME, apply_sizes

    apply_sizes()
    DB_URL = os.environ.get(
        "BENCH_PROVINCE_DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/{DATABASE_NAME}"
    )
else:
    DB_URL = os.environ.get(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kaiyihui_bench"
    )
os.environ["DATABASE_URL"] = DB_URL
os.environ.setdefault("DJANGO_DEBUG", "true")
os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
os.environ["DJANGO_READ_DOT_ENV"] = "false"
os.environ["DJANGO_SETTINGS_MODULE"] = "kaiyihui.settings"
os.environ.pop("CELERY_BROKER_URL", None)

IMPORT_ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "10000"))
ONLY = os.environ.get("BENCH_ONLY", "")
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
    from bench.calibration import describe

    calibrations = [
        f"{describe(results[key])}{label}"
        for key, label in (
            ("calibration", ""),
            ("calibration_marketplace", " (the marketplace run)"),
            ("calibration_volunteering", " (the volunteering run)"),
        )
        if key in results
    ]
    lines = [
        f"# Benchmark results ({results['measured_at']})",
        "",
        *([f"Machine speed — {'; '.join(calibrations)}.", ""] if calibrations else []),
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
    if results.get("marketplace"):
        lines += marketplace_lines(results)
    if results.get("volunteering"):
        lines += volunteering_lines(results)
    if results.get("rankings"):
        from bench.rankings import rankings_lines

        lines += rankings_lines(results)
    from bench.province import http_lines

    for key in ("http_pages", "province"):
        if results.get(key):
            lines += http_lines(results, key)
    (ROOT / "bench" / "results.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


def marketplace_lines(results) -> list[str]:
    from bench.measure_marketplace import TARGETS as MARKET_TARGETS

    market, c = results["marketplace"], results["marketplace_seed"]
    lines = [
        "",
        f"## Marketplace (凯益集市), measured {market['measured_at']}",
        "",
        f"Dataset (bench/seed_marketplace.py, INSERT … SELECT generate_series, on top of the "
        f"above): {c['needs']:,} needs, {c['resources']:,} resources "
        f"({c['resource_communities']:,} served-community rows), {c['claims']:,} claims, "
        f"{c['wishes']:,} micro-wishes with {c['wish_beneficiaries']:,} beneficiary rows, "
        f"{c['projects']:,} projects, {c['fund_commitments']:,} fund commitments, "
        f"{c['partner_units']:,} partner units. Needs, claims and wishes: a tenth per street; "
        f"the first street has 100,000 listed resources (the matched need's street). Seeded "
        f"in {c['seconds']} s. Load average (1 min): {market['load_average_1min']}.",
        "",
        "Cold cache: the cache is cleared before each request (what the database costs); "
        "warm: the selectors' 60-second cache answers.",
        "",
        "| measured | requests | p50 ms | p95 ms | queries | SQL share | target p95 |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in market["pages"].values():
        target = row["target_ms"]
        lines.append(
            f"| {row['label']} | {row['requests']} | {row['p50_ms']} | {row['p95_ms']} | "
            f"{row['queries']} | {row['sql_share']:.0%} | < {target:g} "
            f"{_mark(row['p95_ms'] < target)} |"
        )
    lines += [
        "",
        "| page (many rows) | same page (fewer rows) | queries | queries, fewer rows | constant |",
        "|---|---|---|---|---|",
    ]
    for row in market["query_growth"]:
        lines.append(
            f"| {market['pages'][row['page']]['label']} | "
            f"{market['pages'][row['compared_with']]['label']} | {row['queries']} | "
            f"{row['queries_fewer_rows']} | {_mark(row['constant'])}"
            + (f" ({row['note']})" if row.get("note") else "")
            + " |"
        )
    h = market.get("http")
    if h:
        lines += [
            "",
            f"Over HTTP: gunicorn {h['workers']} workers × {h['threads']} threads, production "
            f"settings (DEBUG off, the per-process memory cache), a client of "
            f"{h['wall']['concurrency']} threads (http.client, a new connection per request). "
            f"First request after start (cold cache): wish wall "
            f"{h['wall_first_request']['ms']} ms, lists {h['lists_first_request']['ms']} ms.",
            "",
            "| over HTTP | requests | requests/s | p50 ms | p95 ms | max ms | errors |",
            "|---|---|---|---|---|---|---|",
        ]
        for key, label in (
            ("wall", "`/market/wishes/`"),
            ("lists", "`/market/lists/`"),
            ("wall_by_community", "`/market/wishes/?community=…&page=1–3`, 100 communities"),
        ):
            r = h[key]
            lines.append(
                f"| {label} | {r['requests']} | {r['requests_per_second']} | {r['p50_ms']} | "
                f"{r['p95_ms']} | {r['max_ms']} | {r['errors']} |"
            )
    if market.get("notes"):
        lines += ["", *market["notes"]]
    lines += ["", f"Targets: {json.dumps(MARKET_TARGETS)}."]
    return lines


def volunteering_lines(results) -> list[str]:
    from bench.volunteering import TARGETS as VOL_TARGETS

    vol, c = results["volunteering"], results["volunteering_seed"]
    limit = VOL_TARGETS["page_p95_ms"]
    lines = [
        "",
        f"## Volunteer service (志愿服务), measured {vol['measured_at']}",
        "",
        f"Dataset (bench/seed_volunteering.py, bulk SQL over generate_series, on top of the "
        f"district): {c['places']:,} places (attendance rows, {c['attended']:,} attended) over "
        f"{c['sessions']:,} sessions of {c['activities']:,} activities, {c['volunteers']:,} "
        f"volunteers (hours_total computed from the places). Seeded in {c['seconds']} s ("
        + ", ".join(f"{k} {v} s" for k, v in c["steps"].items())
        + f"). Load average (1 min): {vol['load_average_1min']}.",
        "",
        "| measured | requests | p50 ms | p95 ms | queries | SQL share | target p95 |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in vol["pages"].values():
        target = row.get("target_ms", limit)
        lines.append(
            f"| {row['label']} | {row['requests']} | {row['p50_ms']} | {row['p95_ms']} | "
            f"{row['queries']} | {row['sql_share']:.0%} | < {target:g} "
            f"{_mark(row['p95_ms'] < target)} |"
        )
    for label in vol.get("missing", []):
        lines.append(f"| {label} | — | — | — | — | — | not built yet |")
    lines += [
        "",
        "| sign-in surge | scans | within | requests/s | p50 ms | p95 ms | errors | "
        "sign-ins stored | twice | all stored once |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for key in ("surge", "surge_burst"):
        r = vol.get(key)
        if not r:
            continue
        within = f"{r['within_s']:g} s" if r["within_s"] else "at once"
        lines.append(
            f"| {r['people']} people + {r['double_taps']} double taps | {r['requests']} | "
            f"{within} (took {r['seconds']} s) | {r['requests_per_second']} | {r['p50_ms']} | "
            f"{r['p95_ms']} | {r['errors']} | {r['signed_in_rows']} | "
            f"{r['people_signed_in_twice']} | {_mark(r['every_sign_in_stored_once'])} |"
        )
    how = {vol[k]["how"] for k in ("surge", "surge_burst") if vol.get(k)}
    lines += ["", *(f"Surge: {h}." for h in sorted(how))]
    if vol.get("notes"):
        lines += ["", *vol["notes"]]
    lines += ["", f"Targets: {json.dumps(VOL_TARGETS)}."]
    return lines


def seed_volunteering_data() -> dict:
    from django.db import connection, transaction

    from bench.seed_district import _Timer
    from bench.seed_volunteering import seed_volunteering

    timer = _Timer()
    with transaction.atomic():
        counts = seed_volunteering(timer)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    timer.step("volunteering vacuum analyze")
    counts["seconds"] = timer.total
    counts["steps"] = timer.steps
    return counts


def measure_volunteering_pages(users) -> dict:
    import datetime

    from bench.seed_volunteering import pick_rows
    from bench.volunteering import measure_volunteering

    rows = pick_rows(users)
    load_before = os.getloadavg()[0]
    vol = measure_volunteering(users, rows, DB_URL)
    vol["measured_at"] = datetime.date.today().isoformat()
    vol["load_average_1min"] = f"{load_before:.2f} before, {os.getloadavg()[0]:.2f} after"
    vol["rows"] = rows
    vol["notes"] = VOLUNTEERING_NOTES
    return vol


# What bench/results.md says under the volunteering figures (EXPLAIN findings, fixes).
VOLUNTEERING_NOTES: list[str] = [
    "Command: `BENCH_ONLY=volunteering make bench` (2026-12-05). The record pages "
    "(views_record.py) were measured from the working tree before their commit; the scan "
    "page from commit 0c1c476. No index added: every target is met.",
    "EXPLAIN ANALYZE of a veteran's hours by year and kind (500 places): 5 ms warm on "
    "place_volunteer_status, 40–200 ms with a cold buffer cache (one heap page per place: "
    "a person's places are scattered over the 2 GB table). Should cold record pages matter, "
    "an index on place (volunteer_id, status) INCLUDE (session_id, hours) makes that an "
    "index-only scan. The calendar reads at most 500 sessions (MONTH_ROWS): the whole "
    "district has ~5,200 in a month, so the unfiltered month shows its first days and says "
    "there are more; one community's month (~50) renders in 21 ms.",
    "The surge: every scan locks the session row (places are counted under it), so sign-ins "
    "to one session are serial, ~16 ms each; 500 at once take 9 s (p95 1.7 s over HTTP, "
    "in process 500 threads: p95 9 s); spread over the minute p95 is 35 ms. The double taps "
    "stored nothing (tests/volunteering/test_sign_in_surge.py checks their refusal in "
    "words: 'You signed in at … already').",
]


def measure_rankings(users, market_seed: dict) -> None:
    """BENCH_ONLY=rankings: after the district and marketplace seeds, volunteer service,
    then bench/rankings.py; the other figures of bench/results.json are kept."""
    import datetime

    from django.db import connections

    from bench import rankings

    kept = json.loads((ROOT / "bench" / "results.json").read_text())
    print("seeding volunteer service …", flush=True)
    volunteering_seed = seed_volunteering_data()
    print("seeding the rankings …", flush=True)
    kept["rankings_seed"] = rankings.seed_rankings(users)
    kept["rankings_seed"]["marketplace_seed_seconds"] = market_seed["seconds"]
    kept["rankings_seed"]["volunteering_seed_seconds"] = volunteering_seed["seconds"]
    connections.close_all()
    print("measuring the yearly ranking job …", flush=True)
    job = rankings.measure_job()
    print("measuring the rankings' pages …", flush=True)
    figures = rankings.measure_pages(users, DB_URL)
    figures.update(
        job=job,
        command="BENCH_ONLY=rankings make bench",
        measured_at=datetime.date.today().isoformat(),
        notes=RANKINGS_NOTES,
    )
    kept["rankings"] = figures
    write_results(kept)


# What bench/results.md says under the rankings figures (findings, fixes).
RANKINGS_NOTES: list[str] = [
    "Before the fixes (same data and command, 2026-12-05, load ≈ 4): the job took 122.5 s "
    "(ledger 86.3 s, ranking 36.2 s; RSS +400 MB, DEBUG on), the middle page of the "
    "yearly ranking p95 247.6 ms (page 1: 36.8), a cold portrait 193.7 ms, and the surge "
    "35.2 requests/s with p95 5,777 ms (0 errors).",
    "Why (cProfile of one month and of the ranking; EXPLAIN ANALYZE): the month's volunteer "
    "hours joined from the places, and PostgreSQL scanned all 10,000,000 of them for each "
    "month (1.4 s × 12) → the month's sessions each sum their own places on "
    "place_session_status (0.35 s); the ledger and the snapshots were written with "
    "bulk_create, half the time building model instances and INSERTs of thousands of "
    "parameters → COPY of plain tuples (rankings/copy.py); each of the 104 scopes filtered "
    "and sorted all 99,000 organizations again and `Dimension.values` was rebuilt per row "
    "→ one sort, grouped by scope in one pass. The middle page read 50,000 rows past an "
    "OFFSET → a range of ranks on ranking_row_rank; every portrait took the best of each "
    "dimension over the 99,000 rows of its ranking (80 ms) → cached per snapshot an hour.",
    "The load was lower in the run above (≈ 2.3 against ≈ 4), so not all of the gain is "
    "the fixes; measured under cProfile on the same data back to back, one month's ledger "
    "went from 14.1 s to 5.1 s and the 104 snapshots of a month from 81 s to 17 s. The "
    "surge's p95 is queueing: 50 clients on 8 server threads, each worker building its own "
    "locmem cache of the 200 portraits, on 2 cores shared with other people's tests.",
]


def seed_marketplace_data() -> dict:
    from django.db import connection, transaction

    from bench.seed_district import _Timer
    from bench.seed_marketplace import seed_marketplace

    timer = _Timer()
    with transaction.atomic():
        counts = seed_marketplace(timer)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    timer.step("marketplace vacuum analyze")
    counts["seconds"] = timer.total
    counts["steps"] = timer.steps
    return counts


def measure_marketplace_pages(users) -> dict:
    import datetime

    from bench.measure_marketplace import measure_marketplace
    from bench.seed_marketplace import pick_rows

    rows = pick_rows(users)
    load_before = os.getloadavg()[0]
    market = measure_marketplace(users, rows, DB_URL)
    market["measured_at"] = datetime.date.today().isoformat()
    market["load_average_1min"] = f"{load_before:.2f} before, {os.getloadavg()[0]:.2f} after"
    market["notes"] = MARKET_NOTES
    return market


# What bench/results.md says under the marketplace's figures (the before/after of issue 16).
MARKET_NOTES: list[str] = [
    "Before the fixes (same data, same machine, 2026-12-04, load ≈ 3): p95 "
    "`match_candidates` 552.6 ms, need page 646.7 ms, wish wall cold 469.6 ms (one "
    "community 232.4, page 50 639.3), lists cold 557.0 ms, board street staff 438.3 ms "
    "(community staff 250.0), street dashboard 710.6 ms (187 ms before the marketplace "
    "figures), community dashboard 196.3 ms, `stats --json` 749.7 ms (street 269.9).",
    "Why (EXPLAIN ANALYZE) and the fixes: matching joined the served communities and the "
    "projects of all ~27,000 candidates, grouped wide rows with DISTINCT and sorted on disk "
    "→ ranked by a narrow query on the resource table (hashed IN subqueries for same "
    "community and this month's use), then the top 60 read with their providers. The wall "
    "and lists sorted every public wish / listed need / resource (no index in that order "
    "over several statuses) → partial indexes wish_wall_recent, wish_wall_community, "
    "need_listed_window, resource_listed_recent; the wall's per-community counts joined "
    "every public wish to its community → a per-community subquery on an index-only scan; "
    "the lists' project funds were a join + GROUP BY over all projects → a subquery for the "
    "100 shown. The figures counted with FILTER over every row (and a community's "
    "resources with DISTINCT over all streets' street-wide resources: now its own street "
    "only) → counts in WHERE on (community, status) / (street, status, id) indexes. The "
    "board's unmatched needs scanned all listed needs → (status, listed_at). Migration "
    "marketplace 0004_indexes_for_district_scale.",
    "Then (2026-12-07, for the province): matching reads its shortlist in the rule's order "
    "by three queries that each stop at the shortlist's length (the street-wide resources "
    "walk the partial index resource_street_listed; this month's matches come from "
    "project_matched_at) instead of ranking every candidate of the street: 121.8 → 70 ms "
    "here, 3 → 6 queries, the same in every street. The wall's per-community counts, total "
    "and fulfilled figure are read from counts kept by the wish service (WishTally) instead "
    "of counting the public wishes: cold wall 114 → 13 ms. Migrations marketplace "
    "0006–0009.",
    "Over HTTP the latency is mostly queueing: 50 client threads on 8 server threads "
    "(Little's law: 50 / 73 req/s ≈ 0.7 s for the lists), client, gunicorn and PostgreSQL "
    "sharing 2 cores with other people's test runs. The lists page renders 300 rows; the "
    "by-community run is mostly cold: 300 cache keys in each worker's own memory (no shared "
    "cache configured).",
]


def measure_over_http(seeded, market_seed, volunteering_seed, calibration) -> None:
    """BENCH_ONLY=http and SCALE=province: every page over HTTP (bench/http_pages.py), kept
    in bench/results.json as "http_pages" or "province" beside the other figures."""
    import datetime

    from bench import http_pages, province
    from bench.seed_marketplace import pick_rows as market_rows
    from bench.seed_volunteering import pick_rows as volunteering_rows

    users = seeded["users"]
    pages = province.http_pages(seeded, market_rows(users), volunteering_rows(users))
    # First, as the worker does every five minutes: the dashboards' rows are then fresh
    # when their pages are read (no broker here, so a stale row's recount would run in
    # one of the page's requests).
    print("timing the dashboards' recount …", flush=True)
    recounts = http_pages.measure_recounts(users)
    print(f"measuring {len(pages)} pages over HTTP …", flush=True)
    load_before = os.getloadavg()[0]
    figures = http_pages.measure(pages, users, DB_URL)
    steps = {**seeded["counts"]["steps"], **market_seed["steps"], **volunteering_seed["steps"]}
    measured = {
        "measured_at": datetime.date.today().isoformat(),
        "calibration": calibration,
        "load_average_1min": f"{load_before:.2f} before, {os.getloadavg()[0]:.2f} after",
        "seed": {
            **seeded["counts"],
            **market_seed,
            **volunteering_seed,
            "steps": steps,
            "seconds": round(sum(steps.values()), 1),
        },
        "workers": http_pages.WORKERS,
        "requests": http_pages.REQUESTS,
        "warm_rounds": http_pages.WARM_ROUNDS,
        "target_p95_ms": TARGETS["page_p95_ms"],
        "pages": figures,
        "recounts": recounts,
    }
    kept = json.loads((ROOT / "bench" / "results.json").read_text())
    if SCALE == "province":
        district = kept.get("http_pages", {}).get("pages", {})
        measured["query_counts"] = province.query_counts_beside(figures, district)
        measured["notes"] = PROVINCE_NOTES
        kept["province"] = measured
    else:
        kept["http_pages"] = measured
    write_results(kept)


# What bench/results.md says under the province's figures (findings, fixes).
PROVINCE_NOTES: list[str] = [
    "Command: `make bench SCALE=province`, then, after each fix below, "
    "`BENCH_SCALE=province BENCH_REUSE=1 .venv/bin/python bench/run.py` on the same "
    "database (migrated, not seeded again). Every page keeps the query count it has at "
    "district scale. Seeding took 16.0 minutes on this machine (11.6 on the machine of the "
    "first runs), the 10,000,000 party activities with INSERT … SELECT generate_series.",
    "Machine: the calibration's fixed SQL query took 163 ms on the machine of the first "
    "runs (2026-12-06) and 226–377 ms on the later ones, whose speed also changed between "
    "runs (Python loop 0.56–1.01 s): the same code measured 20–30% apart from one run to "
    "the next. Compare runs as ratios of the calibration.",
    "Fixed (first run → now, p95): the street dashboard 2,023 → 841 → 25 ms and the "
    "community dashboard 469 → 19 ms: their figures (organizations, coverage, members, "
    "resources, claims, wishes, volunteers, dedication days of the whole area, 32 queries, "
    "0.8 s for a street of 30,000 organizations, table above) are kept in one row per "
    "street and community (reporting/area_figures.py), recounted by the worker every five "
    "minutes for the areas viewed that week and at once by 'Recount now'; the page reads "
    "the row and says when it was counted. Party coverage, street staff 372 → 268 ms: the "
    "branch flags and cross-appointments list the selected community's, as the matrix does "
    "(700 rows rendered → 70), an index-only (community, stage) INCLUDE (id) index, branch "
    "sizes counted in subqueries on (branch, status). Search by name 350 → 183 ms: pg_trgm "
    "GIN indexes on UPPER(name) and UPPER(leader_name) and UPPER() indexes on the codes "
    "(the contains search read all 300,000 organizations; 108 → 7 ms of SQL). The street's "
    "annual reviews 322 → 37 ms: street staff's start page lists the latest cycle's 50 "
    "reviews changed last (index (cycle, -updated_at, -id)) and sends them to the cockpit "
    "for the rest, where it sorted 30,000 by name. Cold wish wall 360 → 286 ms and board "
    "333 → 253 ms: the wall's total is the sum of its per-community counts. Earlier: index "
    "place_attended_volunteer (dedication-day attendance 1,435 → 199 ms), partial index "
    "claim_open_deadline (board 383 → 246 ms). Migrations incubation 0006–0007, "
    "partybuilding 0006, evaluation 0005, reporting 0003, volunteering 0002, marketplace "
    "0005.",
    "Then (2026-12-07): the need page with matches 435 → 143 ms. Its one ranking query "
    "took every listed resource of the street in the need's categories (81,000 here), "
    "checked each for the communities it names and sorted them for the best 60. The "
    "shortlist (marketplace.selectors.match_shortlist) is now read in the rule's order by "
    "three narrow queries that each stop at its length: those naming the need's community "
    "(9,432 here, sorted), the street-wide ones unused this month walking a partial index "
    "(street, -listed_at, -id) INCLUDE (category) (9 ms for 60), and the street-wide ones "
    "used this month (from this month's matches, index project_matched_at); all three run "
    "in every street, and the family's category ids are read first: 13 queries at both "
    "scales. The marketplace board, community staff 243 → 303 (a slower hour) → 219 ms, "
    "street staff 276 → 196 ms: the evidence waiting to be confirmed, oldest first, sorted "
    "all 84,000 such claims; two partial indexes where the status is evidence_submitted, "
    "(community, updated_at) and (updated_at), are walked in order (1–3 ms). The cold wish "
    "wall 286 → 20 ms and public board 253 → 39 ms (329 ms in one run): they counted each "
    "community's public wishes (1,365,000, an index-only scan of 13,650 entries per "
    "community, 200–300 ms); the counts per community and status are now kept "
    "(marketplace.WishTally) by the one function that moves a wish, in its transaction, and "
    "counted again after bulk loads. Migrations marketplace 0006–0009.",
    "Nothing missed: 24 of 24 pages within 300 ms p95, measured in a slow hour of the "
    "machine (Python loop 0.90 s, SQL 334 ms). Closest to the limit: party coverage for "
    "street staff (263 ms, 74% SQL: it groups the street's 30,000 organizations per "
    "community beside their party coverage, 160 ms) and the admin organization list for "
    "street staff (193 ms: the first 50 by name of the street's 30,000 organizations, read "
    "from a scan of all 300,000). A real province "
    "spreads its 262,000 organizations over about a thousand streets: the street pages read "
    "a hundred times fewer rows there.",
]


def seeded_before(kept_seed: dict) -> tuple[dict, dict, dict]:
    """BENCH_REUSE=1: the database of the last run as it was seeded (the accounts and
    calls read back, the counts from bench/results.json), to measure again after a fix
    without seeding for minutes. Only with SCALE=province or BENCH_ONLY=http."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from funding.models import GrantCall

    accounts = get_user_model().objects.filter(username__startswith="bench-")
    users = {user.username.removeprefix("bench-"): user for user in accounts}
    calls = list(GrantCall.objects.order_by("pk"))
    history = [call for call in calls if call.year != timezone.localdate().year]
    seeded = {
        "users": users,
        "counts": kept_seed,
        "current_call_id": calls[-1].pk,
        "small_call_id": history[-1].pk,
    }
    # The steps were all counted in the first run's seed: nothing is seeded again.
    return seeded, {"steps": {}}, {"steps": {}}


def main():
    import datetime
    import platform

    from django.db import connection

    from bench.calibration import calibrate
    from bench.measure_pages import measure_pages
    from bench.seed_district import ORGANIZATIONS, seed

    reuse = os.environ.get("BENCH_REUSE") and (ONLY == "http" or SCALE == "province")
    if not reuse:
        recreate_database()
    setup_django()
    # How fast this machine is (a fixed Python loop and SQL query): runs on different
    # machines compare as ratios. A BENCH_ONLY run records it for the figures it remeasures.
    calibration = calibrate(connection)
    results = {
        "measured_at": datetime.date.today().isoformat(),
        "machine": f"{os.cpu_count()} cores, Python {platform.python_version()}",
        "database": "PostgreSQL",
        "calibration": calibration,
    }
    if reuse:
        kept = json.loads((ROOT / "bench" / "results.json").read_text())
        previous = kept["province" if SCALE == "province" else "http_pages"]
        print("measuring the database seeded before (BENCH_REUSE) …", flush=True)
        measure_over_http(*seeded_before(previous["seed"]), calibration)
        return
    print(f"seeding {ORGANIZATIONS:,} organizations and the rest …", flush=True)
    seeded = seed()
    if ONLY == "volunteering":
        kept = json.loads((ROOT / "bench" / "results.json").read_text())
        kept["calibration_volunteering"] = calibration
        print("seeding volunteer service …", flush=True)
        kept["volunteering_seed"] = seed_volunteering_data()
        print("measuring volunteer service (BENCH_ONLY=volunteering) …", flush=True)
        kept["volunteering"] = measure_volunteering_pages(seeded["users"])
        write_results(kept)
        return
    print("seeding the marketplace …", flush=True)
    market_seed = seed_marketplace_data()
    if ONLY == "marketplace":
        kept = json.loads((ROOT / "bench" / "results.json").read_text())
        kept.update(marketplace_seed=market_seed, calibration_marketplace=calibration)
        print("measuring the marketplace (BENCH_ONLY=marketplace) …", flush=True)
        kept["marketplace"] = measure_marketplace_pages(seeded["users"])
        write_results(kept)
        return
    if ONLY == "rankings":
        measure_rankings(seeded["users"], market_seed)
        return
    if ONLY == "http" or SCALE == "province":
        print("seeding volunteer service …", flush=True)
        volunteering_seed = seed_volunteering_data()
        measure_over_http(seeded, market_seed, volunteering_seed, calibration)
        return
    results["seed"] = seeded["counts"]
    results["marketplace_seed"] = market_seed
    print("seeding volunteer service …", flush=True)
    results["volunteering_seed"] = seed_volunteering_data()
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

    print("measuring the marketplace …", flush=True)
    results["marketplace"] = measure_marketplace_pages(seeded["users"])
    connections.close_all()
    print("measuring volunteer service …", flush=True)
    results["volunteering"] = measure_volunteering_pages(seeded["users"])
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
