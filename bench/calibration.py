"""How fast this machine is, in two fixed figures every bench and load result records, so
that runs on different machines compare as ratios rather than as raw milliseconds.

- ``python_loop_s``: a fixed 20,000,000-step pure-Python loop (one core). The slower
  2-core machine of issue 19 takes 6.6 s.
- ``sql_query_ms``: a fixed PostgreSQL query (sum over a 2,000,000-row generate_series),
  best of three, through the same connection the bench uses.

A figure measured here, divided by the ratio of this machine's loop to another's, is
what to expect there for CPU-bound work."""

from __future__ import annotations

import time

LOOP_STEPS = 20_000_000
REFERENCE_LOOP_S = 6.6  # the slower 2-core machine named in issue 19
SQL = "SELECT sum(i) FROM generate_series(1, 2000000) AS i"


def python_loop_seconds() -> float:
    started = time.perf_counter()
    total = 0
    for step in range(LOOP_STEPS):
        total += step
    return round(time.perf_counter() - started, 2)


def sql_query_ms(connection) -> float:
    best = float("inf")
    with connection.cursor() as cursor:
        for _ in range(3):
            started = time.perf_counter()
            cursor.execute(SQL)
            cursor.fetchone()
            best = min(best, (time.perf_counter() - started) * 1000)
    return round(best, 1)


def calibrate(connection) -> dict:
    """Both figures, and how this machine's loop compares with the slower reference."""
    loop = python_loop_seconds()
    return {
        "python_loop_s": loop,
        "sql_query_ms": sql_query_ms(connection),
        "speed_vs_reference": round(REFERENCE_LOOP_S / loop, 2),
    }


def describe(figures: dict) -> str:
    return (
        f"calibration: {LOOP_STEPS:,}-step Python loop {figures['python_loop_s']} s "
        f"({figures['speed_vs_reference']}× the {REFERENCE_LOOP_S} s reference machine), "
        f"fixed SQL query {figures['sql_query_ms']} ms"
    )
