"""Page timings of `make bench`: the in-process test client, REQUESTS GETs per page after a
warm-up, p50/p95, the queries of one request and the share of the time spent in SQL.

Pages over a second get SLOW_REQUESTS GETs instead (their p95 is then the slowest but
one). Several pages are measured twice, over many rows and over few (street staff and
community staff, a call of 300 applications and one of 80, a leader of one organization
and one of five): the query count must be the same, or it grows with rows.
"""

from __future__ import annotations

import os
import statistics
import time

REQUESTS = int(os.environ.get("BENCH_REQUESTS", "40"))
SLOW_REQUESTS = int(os.environ.get("BENCH_SLOW_REQUESTS", "10"))
SLOW_MS = 1000

# (page, the same page over fewer rows): query counts must match.
SAME_QUERIES = [
    ("admin_list_street", "admin_list_community_staff"),
    ("dashboard_street", "dashboard_community"),
    ("party_coverage_street", "party_coverage_community"),
    ("portal_home_leader_5_orgs", "portal_home_leader_1_org"),
    ("grant_call_ranking", "grant_call_ranking_small"),
]


def measure_page(client, url, label, requests=REQUESTS):
    """p50/p95 over `requests` GETs after one warm-up, the query count, and SQL share."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    start = time.perf_counter()
    response = client.get(url)
    warm_ms = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, (url, response.status_code)
    if warm_ms > SLOW_MS:
        requests = min(requests, SLOW_REQUESTS)
    timings, sql_times, counts = [], [], set()
    for _ in range(requests):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        counts.add(len(ctx.captured_queries))
        sql_times.append(sum(float(q["time"]) for q in ctx.captured_queries) * 1000)
    timings.sort()
    p95 = timings[max(0, int(round(0.95 * len(timings))) - 1)]
    result = {
        "label": label,
        "url": url,
        "requests": requests,
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(p95, 1),
        "queries": max(counts),
        "sql_share": round(statistics.median(sql_times) / statistics.median(timings), 2),
        "bytes": len(response.content),
    }
    print(
        f"  {label}: p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, "
        f"{result['queries']} queries, SQL {result['sql_share']:.0%}",
        flush=True,
    )
    return result


def _client(user):
    from django.test import Client

    from twofactor.testing import force_login_as_required

    client = Client()
    # Street staff must pass the second factor (production settings): as after the code.
    force_login_as_required(client, user)
    return client


def district_pages(users: dict, current_call_id: int, small_call_id: int) -> list:
    """The staff's and leaders' pages of the district run: bench.http_pages.Page rows
    (the same list is measured in process here and over HTTP by bench/http_pages.py)."""
    from bench.http_pages import Page
    from incubation.models import Organization

    community = users["staff"].community
    base = "/admin/incubation/organization/"
    org = Organization.objects.filter(community=community).order_by("pk").first()
    return [
        Page("admin_list_street", "admin organization list, street staff", base, "admin"),
        Page(
            "admin_list_filtered",
            "same, filtered by stage + legal status + community",
            f"{base}?stage=management&legal_status=filed&community={community.pk}",
            "admin",
        ),
        Page("admin_list_search", "same, search by name", f"{base}?q=基准社会组织00012", "admin"),
        Page(
            "admin_list_community_staff",
            "admin organization list, community staff",
            base,
            "staff",
        ),
        Page(
            "portal_organization_detail",
            "portal organization",
            f"/organizations/{org.pk}/",
            "admin",
        ),
        Page("dashboard_street", "street dashboard, street staff", "/dashboard/", "admin"),
        Page("dashboard_community", "dashboard, community staff", "/dashboard/", "staff"),
        Page("party_coverage_street", "party coverage, street staff", "/party/coverage/", "admin"),
        Page(
            "party_coverage_community",
            "party coverage, community staff",
            "/party/coverage/",
            "staff",
        ),
        Page("portal_home_leader_1_org", "portal home, leader of 1 organization", "/", "leader1"),
        Page("portal_home_leader_5_orgs", "portal home, leader of 5 organizations", "/", "leader5"),
        Page(
            "grant_call_ranking",
            "grant call ranking (this year's call)",
            f"/funding/staff/calls/{current_call_id}/",
            "admin",
        ),
        Page(
            "grant_call_ranking_small",
            "grant call ranking (last year's call)",
            f"/funding/staff/calls/{small_call_id}/",
            "admin",
        ),
        Page(
            "evaluation_home_street", "annual reviews list, street staff", "/evaluation/", "admin"
        ),
    ]


def measure_pages(users: dict, current_call_id: int, small_call_id: int) -> dict:
    clients = {key: _client(users[key]) for key in ("admin", "staff", "leader1", "leader5")}
    return {
        page.name: measure_page(clients[page.user], page.url, page.label)
        for page in district_pages(users, current_call_id, small_call_id)
    }


def query_growth(pages: dict) -> list[dict]:
    """For each (many rows, few rows) pair: are the query counts the same?"""
    out = []
    for big, small in SAME_QUERIES:
        if big in pages and small in pages:
            out.append(
                {
                    "page": big,
                    "compared_with": small,
                    "queries": pages[big]["queries"],
                    "queries_fewer_rows": pages[small]["queries"],
                    "constant": pages[big]["queries"] == pages[small]["queries"],
                }
            )
    return out
