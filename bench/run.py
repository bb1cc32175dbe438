"""`make bench`: seed a district-sized dataset into PostgreSQL and measure the pages and
jobs with targets. Writes bench/results.json and bench/results.md.

Figures come from this machine at the time of the run; the targets are in TARGETS.
Run: BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/kaiyihui_bench make bench
"""

import json
import os
import resource
import statistics
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

ORGANIZATIONS = int(os.environ.get("BENCH_ORGANIZATIONS", "100000"))
STREETS = 10
COMMUNITIES_PER_STREET = 10
IMPORT_ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "10000"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "40"))

TARGETS = {
    "page_p95_ms": 300,
    "import_seconds": 60,
    "import_peak_mb": 500,
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


def seed():
    from accounts.models import Community, Street
    from core.identifiers import complete_uscc
    from incubation.models import Organization

    streets = [
        Street.objects.create(name=f"基准街道{i:02d}", code=f"bench-{i:02d}", district="基准区")
        for i in range(STREETS)
    ]
    communities = [
        Community.objects.create(street=s, name=f"{s.name}第{j:02d}社区", code=f"c{j:02d}")
        for s in streets
        for j in range(COMMUNITIES_PER_STREET)
    ]
    stages = ["management"] * 6 + ["registration", "onboarding", "annual_review", "re_election"]
    levels = ["resident_team", "pioneer_club", "community_org", "community_org", "hub_org"]
    fields = ["elderly", "culture_sports", "neighbourly_help", "charity", "youth", "safety"]
    batch = []
    started = time.perf_counter()
    for n in range(ORGANIZATIONS):
        registered = n % 10 < 3
        batch.append(
            Organization(
                name=f"基准社会组织{n:06d}",
                legal_status="social_group" if registered else "filed",
                uscc=complete_uscc(f"51330102MJ{n:06d}") if registered else None,
                filing_number=None if registered else f"BENCH-{n:06d}",
                community=communities[n % len(communities)],
                service_field=fields[n % len(fields)],
                leader_name=f"负责人{n % 997}",
                leader_phone=f"138{n:08d}",
                leader_political_status="party_member" if n % 4 == 0 else "masses",
                party_member_count=n % 6,
                growth_level=levels[n % len(levels)],
                stage=stages[n % len(stages)],
                grade=["", "", "3A", "4A", "5A"][n % 5] if registered else "",
            )
        )
        if len(batch) == 5000:
            Organization.objects.bulk_create(batch)
            batch = []
    Organization.objects.bulk_create(batch)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"organizations": ORGANIZATIONS, "seconds": round(time.perf_counter() - started, 1)}


def make_users():
    from accounts.models import Community, Street
    from accounts.roles import Role
    from accounts.services import user_create

    street = Street.objects.order_by("code").first()
    community = Community.objects.filter(street=street).order_by("code").first()
    admin = user_create(
        username="bench-admin", password="x-bench-pw-1", role=Role.STREET_ADMIN, street=street
    )
    staff = user_create(
        username="bench-staff",
        password="x-bench-pw-1",
        role=Role.COMMUNITY_STAFF,
        community=community,
    )
    return admin, staff, community


def measure_page(client, url, requests=REQUESTS):
    """p50/p95 over `requests` GETs after one warm-up, the query count, and SQL share."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    timings, sql_times, queries = [], [], 0
    for _ in range(requests):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
        queries = len(ctx.captured_queries)
        sql_times.append(sum(float(q["time"]) for q in ctx.captured_queries) * 1000)
    timings.sort()
    p95 = timings[max(0, int(round(0.95 * len(timings))) - 1)]
    return {
        "url": url,
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(p95, 1),
        "queries": queries,
        "sql_share": round(statistics.median(sql_times) / statistics.median(timings), 2),
    }


def measure_pages():
    from django.test import Client

    from incubation.models import Organization

    admin, staff, community = make_users()
    results = {}
    client = Client()
    client.force_login(admin)
    base = "/admin/incubation/organization/"
    results["admin_list_street"] = measure_page(client, base)
    results["admin_list_filtered"] = measure_page(
        client, f"{base}?stage=management&legal_status=filed&community={community.pk}"
    )
    results["admin_list_search"] = measure_page(client, f"{base}?q=基准社会组织00012")
    staff_client = Client()
    staff_client.force_login(staff)
    results["admin_list_community_staff"] = measure_page(staff_client, base)
    org = Organization.objects.filter(community=community).first()
    results["portal_organization_detail"] = measure_page(client, f"/organizations/{org.pk}/")
    return results


def measure_import():
    """Import IMPORT_ROWS new organizations from an .xlsx in a child process (peak memory
    is that process's max RSS)."""
    script = ROOT / "bench" / "import_job.py"
    if not script.exists():
        return None
    started = time.perf_counter()
    out = subprocess.run(  # noqa: S603 - our own script, fixed arguments
        [sys.executable, str(script), str(IMPORT_ROWS)],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        cwd=ROOT,
    )
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-3000:])
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    figures["wall_seconds"] = round(time.perf_counter() - started, 1)
    figures["peak_mb"] = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)
    return figures


def write_results(results):
    (ROOT / "bench" / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=2))
    lines = [
        f"# Benchmark results ({results['measured_at']})",
        "",
        f"Machine: {results['machine']}. Dataset: {results['seed']['organizations']:,} "
        f"organizations in {STREETS} streets × {COMMUNITIES_PER_STREET} communities "
        f"(seeded in {results['seed']['seconds']} s).",
        "",
        "| page | p50 ms | p95 ms | queries | SQL share | target p95 |",
        "|---|---|---|---|---|---|",
    ]
    for name, page in results["pages"].items():
        ok = "✓" if page["p95_ms"] < TARGETS["page_p95_ms"] else "✗"
        lines.append(
            f"| {name} | {page['p50_ms']} | {page['p95_ms']} | {page['queries']} | "
            f"{page['sql_share']:.0%} | < {TARGETS['page_p95_ms']} {ok} |"
        )
    if results.get("import"):
        imp = results["import"]
        lines += [
            "",
            "| job | seconds | peak MB | target |",
            "|---|---|---|---|",
            f"| import {imp['rows']:,} new organizations (.xlsx) | {imp['seconds']} | "
            f"{imp['peak_mb']} | < {TARGETS['import_seconds']} s, "
            f"< {TARGETS['import_peak_mb']} MB |",
            f"| re-import the same file (nothing changes) | {imp['reimport_unchanged_seconds']} "
            f"| (same process) | — |",
            f"| re-import with every row changed | {imp['reimport_all_changed_seconds']} "
            f"| (same process) | — |",
        ]
    (ROOT / "bench" / "results.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


def main():
    import datetime
    import platform

    recreate_database()
    setup_django()
    results = {
        "measured_at": datetime.date.today().isoformat(),
        "machine": f"{os.cpu_count()} cores, Python {platform.python_version()}",
        "database": "PostgreSQL",
    }
    print(f"seeding {ORGANIZATIONS:,} organizations …", flush=True)
    results["seed"] = seed()
    print("measuring pages …", flush=True)
    results["pages"] = measure_pages()
    print("measuring import …", flush=True)
    results["import"] = measure_import()
    write_results(results)


if __name__ == "__main__":
    main()
