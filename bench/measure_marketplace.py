"""Marketplace (凯益集市) timings of `make bench`, over the data of bench/seed_marketplace.py.

In process (the test client, like bench/measure_pages.py): matching one need over the
100,000 listed resources of its street (the selector alone and the staff need page), the
public wish wall and lists with the cache cold (cleared before every request: what the
database costs) and warm, the staff board, the dashboard and ``stats --json`` with the
marketplace figures. Then over HTTP: gunicorn (2 workers × 4 threads, production
settings) and a client of 50 threads, ~1,000 requests per public page.
"""

from __future__ import annotations

import http.client
import os
import statistics
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "40"))
HTTP_REQUESTS = int(os.environ.get("BENCH_HTTP_REQUESTS", "1000"))
HTTP_CONCURRENCY = int(os.environ.get("BENCH_HTTP_CONCURRENCY", "50"))
TARGETS = {"match_p95_ms": 200, "page_p95_ms": 300, "stats_district_s": 1.0}

# (page, the same page over fewer rows, queries the first may have more whatever the rows,
# why): query counts must match.
SAME_QUERIES = [
    ("market_need_street", "market_need_small_street", 0, ""),
    ("market_wall_cold", "market_wall_community_cold", 0, ""),
    (
        "market_board_street",
        "market_board_community",
        1,
        "street staff pass a second factor: one query for their device",
    ),
]


def _p95(timings: list[float]) -> float:
    ordered = sorted(timings)
    return ordered[max(0, int(round(0.95 * len(ordered))) - 1)]


def _timed(run, label: str, *, before=None, requests: int = REQUESTS, **extra) -> dict:
    """p50/p95 of `run()` over `requests` calls after one warm-up, the queries of one call
    and the share of time in SQL; `before()` runs untimed before each call."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if before:
        before()
    run()
    timings, sql_times, counts = [], [], set()
    for _ in range(requests):
        if before:
            before()
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            run()
            timings.append((time.perf_counter() - start) * 1000)
        counts.add(len(ctx.captured_queries))
        sql_times.append(sum(float(q["time"]) for q in ctx.captured_queries) * 1000)
    result = {
        "label": label,
        "requests": requests,
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(_p95(timings), 1),
        "queries": max(counts),
        "queries_varied": len(counts) > 1,
        "sql_share": round(statistics.median(sql_times) / statistics.median(timings), 2),
        **extra,
    }
    print(
        f"  {label}: p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, "
        f"{result['queries']} queries, SQL {result['sql_share']:.0%}",
        flush=True,
    )
    return result


def _page(client, url: str):
    def run():
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url}: {response.status_code}")

    return run


def measure_in_process(users: dict, rows: dict) -> dict:
    from django.core.cache import cache
    from django.core.management import call_command
    from django.test import Client

    from bench.measure_pages import _client
    from marketplace import selectors
    from marketplace.models import Need, Resource

    admin = _client(users["admin"])
    staff = _client(users["staff"])
    public = Client()
    need = Need.objects.select_related("community", "category", "category__parent").get(
        pk=rows["need"]
    )
    small = Need.objects.select_related("community", "category", "category__parent").get(
        pk=rows["small_need"]
    )
    street_listed = Resource.objects.filter(
        street_id=need.community.street_id, status="listed"
    ).count()
    community = need.community_id
    out = {}
    out["market_match"] = _timed(
        lambda: selectors.match_candidates(need),
        "match_candidates(need), 100,000 listed resources in the street",
        listed_resources_in_street=street_listed,
        target_ms=TARGETS["match_p95_ms"],
    )
    out["market_match_small_street"] = _timed(
        lambda: selectors.match_candidates(small),
        "match_candidates(need), street with 200 resources",
        target_ms=TARGETS["match_p95_ms"],
    )
    limit = TARGETS["page_p95_ms"]
    pages = [
        (
            "market_need_street",
            admin,
            f"/market/needs/{need.pk}/",
            "need page with matches, street staff",
            None,
        ),
        (
            "market_need_small_street",
            _client(users["admin_small"]),
            f"/market/needs/{small.pk}/",
            "need page, street with 200 resources",
            None,
        ),
        (
            "market_wall_cold",
            public,
            "/market/wishes/",
            "wish wall, first page, cache cold",
            cache.clear,
        ),
        (
            "market_wall_community_cold",
            public,
            f"/market/wishes/?community={community}",
            "wish wall, one community, cache cold",
            cache.clear,
        ),
        (
            "market_wall_page_cold",
            public,
            "/market/wishes/?page=50",
            "wish wall, page 50, cache cold",
            cache.clear,
        ),
        ("market_lists_cold", public, "/market/lists/", "public lists, cache cold", cache.clear),
        ("market_wall_warm", public, "/market/wishes/", "wish wall, first page, cache warm", None),
        (
            "market_wall_community_warm",
            public,
            f"/market/wishes/?community={community}",
            "wish wall, one community, cache warm",
            None,
        ),
        ("market_lists_warm", public, "/market/lists/", "public lists, cache warm", None),
        ("market_board_street", admin, "/market/board/", "staff board, street staff", None),
        ("market_board_community", staff, "/market/board/", "staff board, community staff", None),
        (
            "dashboard_street_market",
            admin,
            "/dashboard/",
            "street dashboard (with marketplace figures)",
            None,
        ),
        (
            "dashboard_community_market",
            staff,
            "/dashboard/",
            "dashboard, community staff (with marketplace figures)",
            None,
        ),
    ]
    for name, client, url, label, before in pages:
        out[name] = _timed(_page(client, url), label, before=before, url=url, target_ms=limit)

    def stats(*args):
        def run():
            call_command("stats", "--json", *args, stdout=open(os.devnull, "w"))  # noqa: SIM115

        return run

    out["stats_district"] = _timed(
        stats(),
        "`stats --json`, whole district",
        requests=10,
        target_ms=TARGETS["stats_district_s"] * 1000,
    )
    out["stats_street"] = _timed(
        stats("--street", users["admin"].street.code),
        "`stats --json --street`",
        requests=10,
        target_ms=limit,
    )
    out["marketplace_figures_district"] = _timed(
        lambda: selectors.marketplace_figures(),
        "marketplace_figures(), whole district",
        requests=10,
        target_ms=limit,
    )
    return out


def query_growth(pages: dict) -> list[dict]:
    out = []
    for big, small, extra, why in SAME_QUERIES:
        if big in pages and small in pages:
            out.append(
                {
                    "page": big,
                    "compared_with": small,
                    "queries": pages[big]["queries"],
                    "queries_fewer_rows": pages[small]["queries"],
                    "constant": pages[big]["queries"] == pages[small]["queries"] + extra,
                    "note": why,
                }
            )
    return out


# --- Over HTTP ---------------------------------------------------------------------------


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _server_env(db_url: str) -> dict:
    from bench.load import SERVER_ENV

    env = {**os.environ, **SERVER_ENV, "DATABASE_URL": db_url}
    env.pop("CELERY_BROKER_URL", None)
    return env


def _get(port: int, path: str) -> tuple[int, float]:
    start = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        # The proxy in front says the request came over TLS (see bench/load.py).
        conn.request("GET", path, headers={"X-Forwarded-Proto": "https"})
        response = conn.getresponse()
        response.read()
        status = response.status
    except OSError:
        status = 0
    finally:
        conn.close()
    return status, (time.perf_counter() - start) * 1000


def _burst(port: int, paths: list[str]) -> dict:
    """GET every path, HTTP_CONCURRENCY at a time (a new connection each, as browsers
    arriving one after another): requests/s, p50/p95, errors."""
    results: list[tuple[int, float]] = []
    lock = threading.Lock()
    queue = list(reversed(paths))

    def worker():
        while True:
            with lock:
                if not queue:
                    return
                path = queue.pop()
            outcome = _get(port, path)
            with lock:
                results.append(outcome)

    threads = [threading.Thread(target=worker) for _ in range(HTTP_CONCURRENCY)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - start
    timings = [ms for _status, ms in results]
    errors = sum(1 for status, _ms in results if status != 200)
    return {
        "requests": len(results),
        "concurrency": HTTP_CONCURRENCY,
        "seconds": round(seconds, 2),
        "requests_per_second": round(len(results) / seconds, 1),
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(_p95(timings), 1),
        "max_ms": round(max(timings), 1),
        "errors": errors,
    }


@contextmanager
def gunicorn_serving(db_url: str, *, workers: int = 2, threads: int = 4, extra_env=None):
    """gunicorn (-w 2 --threads 4 unless told) on production settings and the bench
    database, answering /healthz; yields its port and stops it afterwards."""
    port = _free_port()
    env = {**_server_env(db_url), **(extra_env or {})}
    subprocess.run(  # noqa: S603 - our own manage.py, fixed arguments
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    server = subprocess.Popen(  # noqa: S603
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "kaiyihui.wsgi",
            "-w",
            str(workers),
            "--threads",
            str(threads),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            status, _ms = _get(port, "/healthz")
            if status == 200:
                break
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError("gunicorn did not answer /healthz within 60 s")
            time.sleep(0.5)
        yield port
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


def measure_http(db_url: str, community_ids: list[int]) -> dict:
    """gunicorn -w 2 --threads 4, production settings (DEBUG off), the bench database.
    The cache is each worker's own memory: the first request of each page is cold."""
    with gunicorn_serving(db_url) as port:
        out = {"workers": 2, "threads": 4, "port": port}
        for name, path in (("wall", "/market/wishes/"), ("lists", "/market/lists/")):
            status, ms = _get(port, path)
            out[f"{name}_first_request"] = {"status": status, "ms": round(ms, 1)}
            print(f"  HTTP {path} first request (cold): {status} {ms:.0f} ms", flush=True)
        for name, paths in (
            ("wall", ["/market/wishes/"] * HTTP_REQUESTS),
            ("lists", ["/market/lists/"] * HTTP_REQUESTS),
            # Residents of every community, first three pages: mostly cache misses at first.
            (
                "wall_by_community",
                [
                    f"/market/wishes/?community={community_ids[i % len(community_ids)]}"
                    f"&page={1 + (i // len(community_ids)) % 3}"
                    for i in range(HTTP_REQUESTS)
                ],
            ),
        ):
            out[name] = _burst(port, paths)
            r = out[name]
            print(
                f"  HTTP {name}: {r['requests']} requests, {r['requests_per_second']}/s, "
                f"p50 {r['p50_ms']} ms, p95 {r['p95_ms']} ms, {r['errors']} errors",
                flush=True,
            )
        return out


def measure_marketplace(users: dict, rows: dict, db_url: str) -> dict:
    from django.db import connections

    from accounts.models import Community

    pages = measure_in_process(users, rows)
    communities = list(Community.objects.order_by("pk").values_list("pk", flat=True))
    connections.close_all()
    print("  marketplace over HTTP (gunicorn) …", flush=True)
    http_figures = measure_http(db_url, communities)
    return {"pages": pages, "query_growth": query_growth(pages), "http": http_figures}
