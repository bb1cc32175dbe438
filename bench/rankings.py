"""凯益榜单 timings of `make bench` (``BENCH_ONLY=rankings``), over the district seed, the
marketplace and volunteer-service seeds.

1. Seeding: every community of the district is moved into the first street with one SQL
   update (codes suffixed with their old street), so that one street-wide ranking covers
   all 100,000 organizations; a published scoring scheme per street (the services); 24
   published monthly street-wide snapshots of that street (``Ranking`` rows through the
   ORM, their 2,400,000 ``RankingRow`` rows by ``INSERT … SELECT`` with made-up scores:
   the history the portrait's rank line reads, not computed by the job).
2. The job: ``ranking_compute_start`` of the yearly ranking in a child process (no broker:
   the job runs inline, through ``jobs.services.job_run``, as a worker runs it). The
   ledger build of the 12 months is timed by wrapping ``ledger_build``; the rest of the
   job is the ranking computation (sums, ranks, the rows of every scope). Peak memory is
   the child's ``ru_maxrss`` growth during the job, and its whole peak (wait4).
3. Pages in process (test client, DEBUG on): the public board ``/``, the yearly snapshot
   (page 1 and the middle page of 100,000 rows), a portrait with 24 months of history and
   its PDF, cache cold (cleared before each request) and warm.
4. A read surge over gunicorn (2 workers × 4 threads, DEBUG off, per-process locmem
   cache): anonymous visitors on ``/``, the ranking and 200 different portraits.

Run: BENCH_ONLY=rankings make bench (bench/run.py calls ``seed_rankings``,
``measure_job`` and ``measure_pages``; ``rankings_lines`` writes the section).
"""

from __future__ import annotations

import datetime
import json
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
YEAR = int(os.environ.get("BENCH_RANKING_YEAR", "2025"))
HISTORY_MONTHS = 24
PDF_REQUESTS = 10
SURGE_PORTRAITS = 200
TARGETS = {"job_seconds": 60, "page_p95_ms": 300, "surge_errors": 0}
# Made-up monthly scores split over the six dimensions (credit: nothing deducted).
HISTORY_WEIGHTS = {
    "basics": "0.20",
    "party": "0.15",
    "activities": "0.25",
    "services": "0.25",
    "evaluation": "0.15",
    "credit": "0",
}


def _sql(statement: str, params=None) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.rowcount


def _load() -> float:
    return round(os.getloadavg()[0], 2)


# --- Seeding ------------------------------------------------------------------------------


def _history_months() -> list[datetime.date]:
    from django.utils import timezone

    month = timezone.localdate().replace(day=1)
    months = []
    for _ in range(HISTORY_MONTHS):
        month = (month - datetime.timedelta(days=1)).replace(day=1)
        months.append(month)
    return sorted(months)


def merge_streets(street) -> int:
    """Every community into ``street``: the ledger and the ranking read an organization's
    street through its community, so this makes one street of 100,000 organizations."""
    return _sql(
        "UPDATE accounts_community SET street_id = %s, code = code || '-' || street_id::text "
        "WHERE street_id <> %s",
        [street.pk, street.pk],
    )


def seed_schemes(actor) -> int:
    from accounts.models import Street
    from rankings.services.schemes import scheme_create, scheme_publish

    made = 0
    for street in Street.objects.order_by("pk"):
        scheme = scheme_create(
            street=street,
            actor=actor,
            effective_from=datetime.date(2020, 1, 1),
            note="bench: the default weights",
        )
        scheme_publish(scheme, actor=actor)
        made += 1
    return made


def seed_history(street, actor) -> dict:
    """HISTORY_MONTHS final monthly street-wide snapshots of ``street``, every organization
    in each, ranked by a made-up score (a hash of organization and month)."""
    from django.utils import timezone

    from incubation.models import Organization
    from rankings.models import Ranking, ScoringScheme

    scheme = ScoringScheme.objects.filter(street=street).order_by("-version").first()
    organizations = Organization.objects.filter(community__street=street).count()
    now = timezone.now()
    rankings = Ranking.objects.bulk_create(
        Ranking(
            street=street,
            period_kind="month",
            period_start=month,
            scope_kind="street",
            scope_key="street",
            scheme=scheme,
            status="final",
            organizations=organizations,
            published_at=now,
            notice_until=now,
            finalized_at=now,
            computed_by=actor,
        )
        for month in _history_months()
    )
    parts = ", ".join(
        f"'{key}', round(h.score * {weight}, 2)::text" for key, weight in HISTORY_WEIGHTS.items()
    )
    # The parts are this module's constants; the values go as parameters.
    statement = f"""
            INSERT INTO rankings_rankingrow
                (ranking_id, organization_id, rank, score, raw_score, dimension_scores,
                 vetoes, capped)
            SELECT %(ranking)s, h.id,
                   row_number() OVER (ORDER BY h.score DESC, h.id),
                   h.score, h.score, jsonb_build_object({parts}), 0, false
            FROM (
                SELECT o.id, (abs(hashtext(o.id::text || ':' || %(ranking)s::text)) %% 10000)
                       / 100.0 AS score
                FROM incubation_organization o
                JOIN accounts_community c ON c.id = o.community_id
                WHERE c.street_id = %(street)s
            ) h
            """  # noqa: S608
    rows = 0
    for ranking in rankings:
        rows += _sql(statement, {"ranking": ranking.pk, "street": street.pk})
    return {"history_snapshots": len(rankings), "history_rows": rows}


def seed_rankings(users: dict) -> dict:
    """The rankings' data on top of the seeds; returns counts and seconds per step."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from bench.seed_district import PASSWORD, _Timer
    from incubation.models import Organization

    timer = _Timer()
    street = users["admin"].street
    superuser = get_user_model().objects.create_superuser(
        username="bench-rankings-super", password=PASSWORD, email=""
    )
    with transaction.atomic():
        moved = merge_streets(street)
        timer.step("communities moved into one street", moved)
        schemes = seed_schemes(superuser)
        timer.step("published schemes", schemes)
        counts = seed_history(street, users["admin"])
        timer.step("monthly snapshots (history)", counts["history_rows"])
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    timer.step("rankings vacuum analyze")
    counts.update(
        communities_moved=moved,
        schemes=schemes,
        organizations_in_street=Organization.objects.filter(community__street=street).count(),
        seconds=timer.total,
        steps=timer.steps,
    )
    return counts


# --- The job (a child process) ----------------------------------------------------------


def _job_main() -> None:
    """Child process: start the yearly ranking job of the bench street and report."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    import rankings.services.rankings as service
    from jobs.models import Job
    from rankings.models import Ranking, RankingRow, ScoreEntry

    admin = get_user_model().objects.select_related("street").get(username="bench-admin")
    street = admin.street
    ledger_seconds: list[float] = []
    build = service.ledger_build

    def timed_ledger_build(**kwargs):
        started = time.perf_counter()
        try:
            return build(**kwargs)
        finally:
            ledger_seconds.append(time.perf_counter() - started)

    service.ledger_build = timed_ledger_build
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    job = service.ranking_compute_start(
        street=street, period_kind="year", period_start=datetime.date(YEAR, 1, 1), actor=admin
    )
    seconds = time.perf_counter() - started
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    job = Job.objects.get(pk=job.pk)
    made = Ranking.objects.filter(street=street, period_kind="year", period_start=f"{YEAR}-01-01")
    street_wide = made.get(scope_kind="street")
    figures = {
        "job_id": job.pk,
        "job_status": job.status,
        "seconds": round(seconds, 1),
        "ledger_seconds": round(sum(ledger_seconds), 1),
        "ledger_months_seconds": [round(s, 1) for s in ledger_seconds],
        "compute_seconds": round(seconds - sum(ledger_seconds), 1),
        "rss_growth_mb": round((rss_after - rss_before) / 1024, 1),
        "rss_before_mb": round(rss_before / 1024, 1),
        "ledger_entries": ScoreEntry.objects.filter(scheme=street_wide.scheme).count(),
        "rankings_made": made.count(),
        "rows_made": RankingRow.objects.filter(ranking__in=made).count(),
        "street_wide_ranking": street_wide.pk,
        "street_wide_rows": street_wide.organizations,
    }
    print(json.dumps(figures), flush=True)


def measure_job() -> dict:
    from bench.measure_marketplace import _server_env
    from bench.run import DB_URL, run_child

    load_before = _load()
    # As a worker runs it: production settings (DEBUG off, no query log).
    figures = run_child([str(Path(__file__)), "job"], env=_server_env(DB_URL))
    figures["job_peak_mb"] = figures.pop("peak_mb")
    figures["load_average_1min"] = f"{load_before} before, {_load()} after"
    print(
        f"  yearly ranking job: {figures['seconds']} s (ledger {figures['ledger_seconds']} s, "
        f"ranking {figures['compute_seconds']} s), {figures['ledger_entries']:,} entries, "
        f"{figures['rows_made']:,} rows in {figures['rankings_made']} rankings, RSS +"
        f"{figures['rss_growth_mb']} MB (peak {figures['job_peak_mb']} MB)",
        flush=True,
    )
    return figures


# --- Pages --------------------------------------------------------------------------------


def publish_year(street, actor) -> list[int]:
    """Publish every ranking the job made (the board and the tabs read published ones)."""
    from rankings.models import Ranking
    from rankings.services.rankings import ranking_publish

    made = Ranking.objects.filter(street=street, period_kind="year", period_start=f"{YEAR}-01-01")
    for ranking in made.order_by("pk"):
        ranking_publish(ranking, actor=actor, note="bench")
    return list(made.values_list("pk", flat=True))


def pick_rows(ranking_pk: int) -> dict:
    from rankings.models import Ranking, RankingRow

    ranking = Ranking.objects.get(pk=ranking_pk)
    rows = RankingRow.objects.filter(ranking_id=ranking_pk)
    top = rows.get(rank=1).organization_id
    step = max(1, ranking.organizations // SURGE_PORTRAITS)
    portraits = list(
        rows.filter(rank__in=range(1, ranking.organizations + 1, step))
        .order_by("rank")
        .values_list("organization_id", flat=True)[:SURGE_PORTRAITS]
    )
    community = Ranking.objects.filter(
        street_id=ranking.street_id,
        period_kind=ranking.period_kind,
        period_start=ranking.period_start,
        scope_kind="community",
    ).order_by("pk")[0]
    return {
        "ranking": ranking_pk,
        "ranking_rows": ranking.organizations,
        "middle_page": max(1, -(-ranking.organizations // 50) // 2),
        "community_ranking": community.pk,
        "community_rows": community.organizations,
        "portrait": top,
        "portrait_history": RankingRow.objects.filter(
            organization_id=top, ranking__period_kind="month"
        ).count(),
        "portraits": portraits,
    }


def measure_in_process(rows: dict) -> dict:
    from django.core.cache import cache
    from django.test import Client

    from bench.measure_marketplace import _page, _timed

    limit = TARGETS["page_p95_ms"]
    public = Client()
    ranking = f"/rankings/{rows['ranking']}/"
    middle = f"{ranking}?page={rows['middle_page']}"
    portrait = f"/rankings/organizations/{rows['portrait']}/"
    n = f"{rows['ranking_rows']:,}"
    pages = [
        ("rank_board_cold", "/", "public board `/`, cache cold", cache.clear, None),
        ("rank_board_warm", "/", "public board `/`, cache warm", None, None),
        ("rank_page1_cold", ranking, f"yearly ranking ({n} rows), page 1, cold", cache.clear, None),
        (
            "rank_middle_cold",
            middle,
            f"yearly ranking, page {rows['middle_page']} (the middle), cold",
            cache.clear,
            None,
        ),
        (
            "rank_community_cold",
            f"/rankings/{rows['community_ranking']}/",
            f"one community's ranking ({rows['community_rows']:,} rows), page 1, cold",
            cache.clear,
            None,
        ),
        ("rank_page1_warm", ranking, "yearly ranking, page 1, warm", None, None),
        ("rank_middle_warm", middle, "yearly ranking, the middle page, warm", None, None),
        (
            "portrait_cold",
            portrait,
            f"portrait, {rows['portrait_history']} months of history, cold",
            cache.clear,
            None,
        ),
        ("portrait_warm", portrait, "portrait, warm", None, None),
        (
            "portrait_pdf_cold",
            portrait + "pdf/",
            "portrait PDF, cold (no target set)",
            cache.clear,
            PDF_REQUESTS,
        ),
    ]
    out = {}
    for name, url, label, before, requests in pages:
        extra = {"requests": requests} if requests else {}
        target = None if name == "portrait_pdf_cold" else limit
        out[name] = _timed(
            _page(public, url), label, before=before, url=url, target_ms=target, **extra
        )
    return out


# Pages whose queries must not depend on the rows (a page of 100,000 vs 1,000).
SAME_QUERIES = [
    ("rank_page1_cold", "rank_community_cold"),
    ("rank_middle_cold", "rank_community_cold"),
]


def measure_surge(db_url: str, rows: dict) -> dict:
    """1,000 anonymous GETs from 50 client threads: a fifth the board, a fifth the ranking
    (first 5 pages), the rest 200 different portraits (3 visits each)."""
    from bench.measure_marketplace import HTTP_REQUESTS, _burst, _get, gunicorn_serving

    ranking = f"/rankings/{rows['ranking']}/"
    portraits = [f"/rankings/organizations/{pk}/" for pk in rows["portraits"]]
    paths = []
    for i in range(HTTP_REQUESTS):
        if i % 5 == 0:
            paths.append("/")
        elif i % 5 == 1:
            paths.append(f"{ranking}?page={1 + (i // 5) % 5}")
        else:
            paths.append(portraits[i % len(portraits)])
    with gunicorn_serving(db_url) as port:
        first = {}
        for key, path in (("board", "/"), ("ranking", ranking), ("portrait", portraits[0])):
            status, ms = _get(port, path)
            first[key] = {"status": status, "ms": round(ms, 1)}
        load_before = _load()
        out = _burst(port, paths)
        out["first_requests"] = first
        out["portraits"] = len(portraits)
        out["load_average_1min"] = f"{load_before} before, {_load()} after"
    print(
        f"  surge: {out['requests']} requests, {out['requests_per_second']}/s, p50 "
        f"{out['p50_ms']} ms, p95 {out['p95_ms']} ms, {out['errors']} errors",
        flush=True,
    )
    return out


def measure_pages(users: dict, db_url: str) -> dict:
    from django.db import connections

    from rankings.models import Ranking

    street = users["admin"].street
    load_before = _load()
    published = publish_year(street, users["admin"])
    street_wide = Ranking.objects.get(pk__in=published, scope_kind="street")
    rows = pick_rows(street_wide.pk)
    pages = measure_in_process(rows)
    growth = [
        {
            "page": big,
            "compared_with": small,
            "queries": pages[big]["queries"],
            "queries_fewer_rows": pages[small]["queries"],
            "constant": pages[big]["queries"] == pages[small]["queries"],
        }
        for big, small in SAME_QUERIES
    ]
    load_after = _load()
    connections.close_all()
    print("  rankings over HTTP (gunicorn) …", flush=True)
    surge = measure_surge(db_url, rows)
    return {
        "measured_at": datetime.date.today().isoformat(),
        "pages": pages,
        "query_growth": growth,
        "surge": surge,
        "rows": {k: v for k, v in rows.items() if k != "portraits"},
        "load_average_1min": f"{load_before} before, {load_after} after",
    }


# --- results.md -------------------------------------------------------------------------


def _mark(ok: bool) -> str:
    return "✓" if ok else "✗"


def rankings_lines(results: dict) -> list[str]:
    r, c = results["rankings"], results["rankings_seed"]
    job = r["job"]
    job_ok = job["seconds"] < TARGETS["job_seconds"] and job["job_status"] == "done"
    lines = [
        "",
        f"## Rankings (凯益榜单), measured {r['measured_at']}",
        "",
        f"Command: `{r['command']}`. Dataset: the district above (100,000 organizations), "
        f"the marketplace and volunteer-service seeds (their sections; seeded again for this "
        f"run in {c.get('marketplace_seed_seconds', '?')} s and "
        f"{c.get('volunteering_seed_seconds', '?')} s), then "
        f"bench/rankings.py: the {c['communities_moved']} communities of the other nine "
        "streets moved into the first with one SQL update (so one street-wide ranking "
        f"covers {c['organizations_in_street']:,} organizations), a published scoring "
        f"scheme per street ({c['schemes']}), and {c['history_snapshots']} final monthly "
        f"street-wide snapshots ({c['history_rows']:,} rows) bulk-inserted with made-up "
        "scores (INSERT … SELECT, not computed by the job) as the portraits' rank "
        f"history. Seeded in {c['seconds']} s ("
        + ", ".join(f"{k} {v} s" for k, v in c["steps"].items())
        + ").",
        "",
        f"| the yearly ranking job ({YEAR}, `ranking_compute_start`, run inline as a worker "
        "runs it: own process, DEBUG off) | figure | target |",
        "|---|---|---|",
        f"| whole job: ledger of 12 months + ranking | {job['seconds']} s | "
        f"< {TARGETS['job_seconds']} s {_mark(job_ok)} |",
        f"| ledger build, 12 months ({job['ledger_entries']:,} entries; per month "
        f"{', '.join(str(s) for s in job['ledger_months_seconds'])} s) | "
        f"{job['ledger_seconds']} s | (in the job) |",
        f"| ranking computation: sums, ranks, {job['rankings_made']} snapshots of "
        f"{job['rows_made']:,} rows (street-wide {job['street_wide_rows']:,}) | "
        f"{job['compute_seconds']} s | (in the job) |",
        f"| memory: RSS growth during the job (ru_maxrss) | {job['rss_growth_mb']} MB | — |",
        f"| memory: the job process's peak RSS (wait4, Django loaded: {job['rss_before_mb']} "
        f"MB before) | {job['job_peak_mb']} MB | — |",
        "",
        f"Load average (1 min): job {job['load_average_1min']}; pages "
        f"{r['load_average_1min']}; surge {r['surge']['load_average_1min']}.",
        "",
        "Pages in process (test client, DEBUG on, anonymous). Cold: the cache cleared before "
        "each request; warm: the cached values answer.",
        "",
        "| page | requests | p50 ms | p95 ms | queries | SQL share | target p95 |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in r["pages"].values():
        target = row.get("target_ms")
        mark = f"< {target:g} {_mark(row['p95_ms'] < target)}" if target else "not set"
        lines.append(
            f"| {row['label']} | {row['requests']} | {row['p50_ms']} | {row['p95_ms']} | "
            f"{row['queries']} | {row['sql_share']:.0%} | {mark} |"
        )
    lines += [
        "",
        "| page (many rows) | same page (fewer rows) | queries | queries, fewer rows | constant |",
        "|---|---|---|---|---|",
    ]
    for row in r["query_growth"]:
        lines.append(
            f"| {r['pages'][row['page']]['label']} | {r['pages'][row['compared_with']]['label']} "
            f"| {row['queries']} | {row['queries_fewer_rows']} | {_mark(row['constant'])} |"
        )
    s = r["surge"]
    first = ", ".join(f"{k} {v['ms']} ms" for k, v in s["first_requests"].items())
    lines += [
        "",
        f"Read surge over HTTP: gunicorn 2 workers × 4 threads, production settings (DEBUG "
        f"off); the cache is each worker's own memory (locmem, no shared cache configured), "
        f"so each worker builds each key once. {s['requests']:,} anonymous GETs from "
        f"{s['concurrency']} client threads (a new connection each): a fifth `/`, a fifth the "
        f"yearly ranking pages 1–5, the rest {s['portraits']} different portraits. First "
        f"requests after start (cold): {first}.",
        "",
        "| surge | requests | requests/s | p50 ms | p95 ms | max ms | errors |",
        "|---|---|---|---|---|---|---|",
        f"| `/` + ranking + {s['portraits']} portraits | {s['requests']} | "
        f"{s['requests_per_second']} | {s['p50_ms']} | {s['p95_ms']} | {s['max_ms']} | "
        f"{s['errors']} {_mark(s['errors'] == 0)} |",
    ]
    if r.get("notes"):
        lines += ["", *r["notes"]]
    lines += ["", f"Targets: {json.dumps(TARGETS)}."]
    return lines


if __name__ == "__main__" and sys.argv[1:] == ["job"]:
    _job_main()
