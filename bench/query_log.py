"""For `make bench` over HTTP only (bench/http_settings.py puts it first): counts each
request's queries and their time with DEBUG off, and writes one JSON line per request to
$BENCH_QUERY_LOG/<pid>.jsonl with the slowest SELECT bound to its parameters, which the
bench then runs again under EXPLAIN ANALYZE. Never in the application's settings."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from django.db import connection


class _Queries:
    def __init__(self):
        self.count = 0
        self.seconds = 0.0
        self.slowest: tuple[float, str] = (0.0, "")

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            took = time.perf_counter() - started
            self.count += 1
            self.seconds += took
            if took > self.slowest[0] and sql.lstrip().upper().startswith("SELECT"):
                bound = connection.ops.last_executed_query(context["cursor"], sql, params)
                self.slowest = (took, bound)


class QueryLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.folder = Path(os.environ["BENCH_QUERY_LOG"])

    def __call__(self, request):
        queries = _Queries()
        started = time.perf_counter()
        with connection.execute_wrapper(queries):
            response = self.get_response(request)
        line = {
            "path": request.get_full_path(),
            "status": response.status_code,
            "ms": round((time.perf_counter() - started) * 1000, 2),
            "queries": queries.count,
            "sql_ms": round(queries.seconds * 1000, 2),
            "slowest_ms": round(queries.slowest[0] * 1000, 2),
            "slowest_sql": queries.slowest[1],
        }
        with open(self.folder / f"{os.getpid()}.jsonl", "a", encoding="utf-8") as log:
            log.write(json.dumps(line, ensure_ascii=False) + "\n")
        return response
