"""Pages over HTTP, as their users get them: gunicorn on the production settings (DEBUG
off, the shared Redis cache, cached sessions) with the bench's query log in front
(bench/http_settings.py). One client asks each page REQUESTS times in turn, so the figures
are the server's own time plus the loopback, not queueing. For each page: p50/p95 at the
client, the queries of a request and the share of its time in SQL (from the query log),
and the page's slowest SELECT run again under EXPLAIN (ANALYZE, BUFFERS)."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

REQUESTS = int(os.environ.get("BENCH_HTTP_REQUESTS", "40"))
# Its own Redis database: a cold page flushes it before each request.
CACHE_URL = os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/4")
WORKERS = (os.cpu_count() or 1) + 1  # as bench/load.py measured best on 2 cores
PLAN_LINES = 40
WARM_ROUNDS = 2 * WORKERS


@dataclass(frozen=True)
class Page:
    name: str
    label: str
    url: str
    user: str | None = None  # a key of the bench's users; None: a visitor not signed in
    cold: bool = False  # the shared cache is flushed before each request


def _p95(timings: list[float]) -> float:
    ordered = sorted(timings)
    return ordered[max(0, int(round(0.95 * len(ordered))) - 1)]


def session_cookies(users: dict, keys: set[str], secret_key: str) -> dict[str, str]:
    """A signed-in session per account, the second factor passed where the account needs
    it, made under the server's secret key (no password checks at the door)."""
    from django.test import Client
    from django.test.utils import override_settings

    from twofactor.testing import force_login_as_required

    cookies = {}
    with override_settings(SECRET_KEY=secret_key):
        for key in sorted(keys):
            client = Client()
            force_login_as_required(client, users[key])
            cookies[key] = client.cookies["sessionid"].value
    return cookies


def _get(port: int, path: str, session: str | None) -> tuple[int, float]:
    headers = {"X-Forwarded-Proto": "https"}  # the proxy in front says TLS (bench/load.py)
    if session:
        headers["Cookie"] = f"sessionid={session}"
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    started = time.perf_counter()
    try:
        conn.request("GET", _on_the_wire(path), headers=headers)
        response = conn.getresponse()
        response.read()
        return response.status, (time.perf_counter() - started) * 1000
    finally:
        conn.close()


def _on_the_wire(path: str) -> str:
    """The path as a browser sends it (and the server logs it): non-ASCII percent-encoded."""
    return quote(path, safe="/?=&%")


def _read_log(folder: Path) -> list[dict]:
    lines = []
    for path in sorted(folder.glob("*.jsonl")):
        lines += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        path.unlink()
    return lines


def explain(sql: str) -> list[str]:
    """The plan of one bound SELECT with the time of each node (run in the bench process
    on the same database, after the page's requests: the buffers are as warm as theirs)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")  # noqa: S608 - our own pages' SQL
        plan = [row[0] for row in cursor.fetchall()]
    return plan if len(plan) <= PLAN_LINES else [*plan[:PLAN_LINES], "  …", plan[-1]]


def measure(pages: list[Page], users: dict, db_url: str, requests: int = REQUESTS) -> dict:
    """Each page over HTTP: figures keyed by the page's name."""
    import redis
    from django.db import connections

    from bench.load import SERVER_ENV
    from bench.measure_marketplace import gunicorn_serving

    cookies = session_cookies(
        users, {p.user for p in pages if p.user}, SERVER_ENV["DJANGO_SECRET_KEY"]
    )
    connections.close_all()
    folder = Path(tempfile.mkdtemp(prefix="bench-queries-"))
    cache = redis.Redis.from_url(CACHE_URL)
    cache.flushdb()
    env = {
        "DJANGO_SETTINGS_MODULE": "bench.http_settings",
        "BENCH_QUERY_LOG": str(folder),
        "CACHE_URL": CACHE_URL,
    }
    results = {}
    try:
        with gunicorn_serving(db_url, workers=WORKERS, threads=1, extra_env=env) as port:
            # Every worker imports, compiles templates and connects on its first requests.
            for _ in range(WARM_ROUNDS):
                for page in pages:
                    _get(port, page.url, cookies.get(page.user))
            _read_log(folder)
            for page in pages:
                results[page.name] = _measure_page(port, page, cookies, folder, cache, requests)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    for page in pages:
        row = results[page.name]
        row["slowest_plan"] = explain(row.pop("slowest_sql")) if row["slowest_ms"] else []
    return results


def _measure_page(port, page: Page, cookies, folder: Path, cache, requests: int) -> dict:
    timings, statuses = [], set()
    for _ in range(requests):
        if page.cold:
            cache.flushdb()
        status, ms = _get(port, page.url, cookies.get(page.user))
        statuses.add(status)
        timings.append(ms)
    logged = [line for line in _read_log(folder) if line["path"] == _on_the_wire(page.url)]
    if statuses != {200} or len(logged) != requests:
        raise RuntimeError(f"{page.url}: answers {sorted(statuses)}, {len(logged)} logged")
    slowest = max(logged, key=lambda line: line["slowest_ms"])
    result = {
        "label": page.label,
        "url": page.url,
        "requests": requests,
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(_p95(timings), 1),
        "server_p50_ms": round(statistics.median(line["ms"] for line in logged), 1),
        "queries": max(line["queries"] for line in logged),
        "sql_share": round(
            statistics.median(line["sql_ms"] for line in logged)
            / statistics.median(line["ms"] for line in logged),
            2,
        ),
        "slowest_ms": slowest["slowest_ms"],
        "slowest_sql": slowest["slowest_sql"],
    }
    print(
        f"  {page.label}: p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, "
        f"{result['queries']} queries, SQL {result['sql_share']:.0%}, slowest query "
        f"{result['slowest_ms']} ms",
        flush=True,
    )
    return result


RECOUNTS = int(os.environ.get("BENCH_RECOUNTS", "5"))


def measure_recounts(users: dict, times: int = RECOUNTS) -> dict:
    """The dashboards read figures kept per area (reporting.area_figures); the worker
    recounts them every five minutes, and so does "Recount now". Its time, in-process as
    the worker runs it: the street staff's street and the community staff's community."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from reporting.area_figures import recompute
    from reporting.models import AreaFigures

    areas = {
        "street dashboard figures recounted (worker / Recount now)": (users["admin"].street, None),
        "community dashboard figures recounted": (users["staff"].street, users["staff"].community),
    }
    results = {}
    for label, (street, community) in areas.items():
        recompute(street, community)  # warm: imports, the first plans
        timings = []
        for _ in range(times):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                recompute(street, community)
                timings.append((time.perf_counter() - started) * 1000)
        results[label] = {
            "p50_ms": round(statistics.median(timings), 1),
            "max_ms": round(max(timings), 1),
            "queries": len(queries.captured_queries),
        }
        print(
            f"  {label}: p50 {results[label]['p50_ms']} ms, max "
            f"{results[label]['max_ms']} ms, {results[label]['queries']} queries",
            flush=True,
        )
    # As on a site in use: the rows were looked at lately, so the pages measured next do
    # not make the hourly note of a visit (one UPDATE) in one of their requests.
    AreaFigures.objects.update(viewed_at=timezone.now())
    return results
