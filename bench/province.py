"""`make bench SCALE=province`: the district's pages over a province's rows.

A province holds about 262,000 community social organizations. This run seeds 300,000
organizations, 1,000,000 party members, 10,000,000 party activities, 300,000 annual
reviews and the marketplace and volunteer service three times the district's (the same
proportion to organizations), into its own database, with the district's scripts
(INSERT … SELECT generate_series in the server, organizations with COPY). Then every page
of bench/http_pages.py's list is measured over HTTP through gunicorn with DEBUG off, and
its query count set beside the same page's at district scale (`BENCH_ONLY=http make
bench` measures those) — a page whose queries grow with rows shows up there.

The sizes are environment variables read by the seeding modules when first imported, so
apply_sizes() runs before any of them is imported.
"""

from __future__ import annotations

import os

SIZES = {
    "BENCH_ORGANIZATIONS": "300000",
    "BENCH_PARTY_MEMBERS": "1000000",
    "BENCH_PARTY_ACTIVITIES": "10000000",
    "BENCH_MARKET_SCALE": "3",
    "BENCH_VOL_SCALE": "3",
}
DATABASE_NAME = "kaiyihui_bench_province"


def apply_sizes() -> None:
    """The province's sizes, unless the environment gives others (a smaller trial run)."""
    for key, value in SIZES.items():
        os.environ.setdefault(key, value)


def http_pages(seeded: dict, market_rows: dict, vol_rows: dict) -> list:
    """Every page measured over HTTP: the district's staff and leader pages, the
    marketplace's, volunteer service's and the public board, named as in the in-process
    figures of bench/results.json."""
    from django.urls import reverse

    from bench.http_pages import Page
    from bench.measure_pages import district_pages

    community = seeded["users"]["staff"].community_id
    return [
        *district_pages(seeded["users"], seeded["current_call_id"], seeded["small_call_id"]),
        Page(
            "market_need_street",
            "need page with matches, street staff",
            f"/market/needs/{market_rows['need']}/",
            "admin",
        ),
        Page("market_board_street", "marketplace board, street staff", "/market/board/", "admin"),
        Page(
            "market_board_community",
            "marketplace board, community staff",
            "/market/board/",
            "staff",
        ),
        Page("market_wall_cold", "wish wall, cache cold", "/market/wishes/", cold=True),
        Page(
            "market_wall_community_cold",
            "wish wall, one community, cache cold",
            f"/market/wishes/?community={community}",
            cold=True,
        ),
        Page("market_lists_cold", "public lists, cache cold", "/market/lists/", cold=True),
        Page(
            "vol_my_record_veteran",
            f"my volunteer record, veteran with {vol_rows['veteran_places']} places",
            reverse("volunteering:my_record"),
            "veteran",
        ),
        Page(
            "vol_staff_record_typical",
            "volunteer's record, community staff",
            reverse("volunteering:volunteer_record", args=[vol_rows["volunteer"]]),
            "staff",
        ),
        Page(
            "vol_calendar_cold",
            "public calendar, cache cold",
            reverse("volunteering:calendar"),
            cold=True,
        ),
        Page("public_board_cold", "public board (/), cache cold", "/", cold=True),
    ]


def query_counts_beside(pages: dict, district: dict) -> list[dict]:
    """Each page's queries at this scale beside the same page's at district scale."""
    rows = []
    for name, page in pages.items():
        before = district.get(name, {}).get("queries")
        rows.append(
            {
                "page": name,
                "queries": page["queries"],
                "district_queries": before,
                "same": before == page["queries"],
            }
        )
    return rows


def _mark(ok: bool) -> str:
    return "✓" if ok else "✗"


def http_lines(results: dict, key: str) -> list[str]:
    """results.md's section for results[key]: "http_pages" (district) or "province"."""
    from bench.calibration import describe

    run = results[key]
    c, limit = run["seed"], run["target_p95_ms"]
    if key == "province":
        heading = "Province scale (`make bench SCALE=province`)"
        command = "`make bench SCALE=province`"
        compare = {row["page"]: row["district_queries"] for row in run["query_counts"]}
    else:
        heading = "Every page over HTTP, district (`BENCH_ONLY=http make bench`)"
        command = "`BENCH_ONLY=http make bench`"
        compare = {}
    lines = [
        "",
        f"## {heading}, measured {run['measured_at']}",
        "",
        f"Machine speed — {describe(run['calibration'])}. Load average (1 min): "
        f"{run['load_average_1min']}.",
        "",
        f"Dataset ({command}, own database): {c['organizations']:,} organizations in 10 "
        f"streets × 10 communities ({c['organizations'] // 10:,} per street, what each "
        f"street's staff pages read), {c['party_organizations']:,} party organizations, "
        f"{c['party_members']:,} party members, {c['party_activities']:,} party activities, "
        f"{c['reviews']:,} annual reviews, {c['needs']:,} needs, {c['resources']:,} "
        f"resources, {c['wishes']:,} micro-wishes, {c['claims']:,} claims, {c['places']:,} "
        f"volunteer places over {c['sessions']:,} sessions of {c['volunteers']:,} "
        f"volunteers. Seeded in {c['seconds']} s ("
        + ", ".join(f"{k} {v} s" for k, v in c["steps"].items())
        + ").",
        "",
        f"Over HTTP: gunicorn, {run['workers']} sync workers, production settings (DEBUG off, "
        "the shared Redis cache, cached sessions) with the bench's query log in front "
        f"(bench/query_log.py). One client asks each page {run['requests']} times in turn, "
        f"after every page was read {run['warm_rounds']} times; cold: the cache is flushed "
        "before each request. Queries and SQL share come from the server's log"
        + ("; 'district': the same page's in `BENCH_ONLY=http make bench`." if compare else "."),
        "",
        "| page | p50 ms | p95 ms | queries |"
        + (" district |" if compare else "")
        + " SQL share | slowest query ms | target p95 |",
        "|---|---|---|---|" + ("---|" if compare else "") + "---|---|---|",
    ]
    for name, page in run["pages"].items():
        same = ""
        if compare:
            before = compare.get(name)
            same = " — |" if before is None else f" {before} {_mark(before == page['queries'])} |"
        lines.append(
            f"| {page['label']} | {page['p50_ms']} | {page['p95_ms']} | {page['queries']} |"
            f"{same} {page['sql_share']:.0%} | {page['slowest_ms']} | < {limit} "
            f"{_mark(page['p95_ms'] < limit)} |"
        )
    if run.get("recounts"):
        lines += [
            "",
            "The dashboards read their figures from one row per area, which the worker "
            "recounts every five minutes (and staff at once with “Recount now”); the recount, "
            "in-process as the worker runs it:",
            "",
            "| recount | p50 ms | max ms | queries |",
            "|---|---|---|---|",
            *(
                f"| {label} | {row['p50_ms']} | {row['max_ms']} | {row['queries']} |"
                for label, row in run["recounts"].items()
            ),
        ]
    if run.get("notes"):
        lines += ["", *run["notes"]]
    lines += ["", "The slowest query of each page, EXPLAIN (ANALYZE, BUFFERS):", ""]
    for page in run["pages"].values():
        if page["slowest_plan"]:
            lines += [
                "<details>",
                f"<summary>{page['label']}: {page['slowest_ms']} ms in the page</summary>",
                "",
                "```",
                *page["slowest_plan"],
                "```",
                "",
                "</details>",
                "",
            ]
    return lines
