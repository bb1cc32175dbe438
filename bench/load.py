"""`make load`: the last hour before the annual review deadline, and a public read surge.

Into a PostgreSQL database of its own it seeds the demo street (its published rankings,
portraits, wishes and activities) and, for each step of the capacity curve, as many
organizations again, each with a leader account and a draft review of this year's open
cycle. It starts gunicorn (production settings: debug off) and runs locust headless:

1. **The capacity curve**: 50, 100, 150, 200 and 400 leaders (``LOAD_STEPS``) clicking every
   1–3 s (``LOAD_WAIT``) for LOAD_SECONDS each — save the draft a few times, submit once,
   keep reading — each step with leaders of its own, then counts in the database that
   every submission is stored exactly once. The capacity is the most leaders held with
   p95 < 500 ms and no error.
2. **The read surge**: LOAD_VISITORS (1,000) anonymous visitors on the public pages.

Every result records the machine's calibration (bench/calibration.py). Writes
bench/load-results.json and bench/load-results.md.

Run: make load   (LOAD_DATABASE_URL, LOAD_STEPS, LOAD_SECONDS, LOAD_WAIT, LOAD_VISITORS,
LOAD_SURGE_SECONDS, LOAD_WORKERS to change)
"""

import csv
import datetime
import json
import os
import subprocess
import sys
import time
import urllib.request
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DB_URL = os.environ.get("LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kaiyihui_load")
STEPS = [int(n) for n in os.environ.get("LOAD_STEPS", "50,100,150,200,400").split(",")]
RUN_SECONDS = int(os.environ.get("LOAD_SECONDS", "60"))
WAIT = os.environ.get("LOAD_WAIT", "1,3")
VISITORS = int(os.environ.get("LOAD_VISITORS", "1000"))
SURGE_SECONDS = int(os.environ.get("LOAD_SURGE_SECONDS", "60"))
PORTRAITS = 200
# Cores + 1, chosen by measurement (bench/load-results.md): on 2 cores shared with
# PostgreSQL and locust, 3 sync workers served 200 leaders at 86 requests/s where the
# customary 2 × cores + 1 = 5 served 70, each worker's time going to switching.
WORKERS = int(os.environ.get("LOAD_WORKERS", str((os.cpu_count() or 1) + 1)))
PORT = int(os.environ.get("LOAD_PORT", "8765"))
PASSWORD = "load-test-2026"
OUT = ROOT / "bench" / "out"
TARGETS = {"p95_ms": 500, "server_errors": 0, "surge_p95_ms": 300}

SERVER_ENV = {
    "DATABASE_URL": DB_URL,
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "load-test-only-" + "x" * 40,
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
    "DJANGO_READ_DOT_ENV": "false",
    # No broker: the pages measured do not queue work (production refuses this unasked).
    "KAIYIHUI_ALLOW_INLINE_TASKS": "true",
    # Plain HTTP on the loopback: the load generator says it came through TLS (as a proxy
    # in front of gunicorn would) so secure cookies and redirects behave as in production.
    "DJANGO_SECURE_SSL_REDIRECT": "false",
    "DJANGO_LOG_LEVEL": "WARNING",
    "AXES_FAILURE_LIMIT": "1000",
    # One cache for every worker, and sessions read from it, as docker-compose.yml runs.
    "CACHE_URL": os.environ.get("LOAD_CACHE_URL", "redis://127.0.0.1:6379/3"),
}


def recreate_database():
    import psycopg

    base, name = DB_URL.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def setup_django():
    os.environ.update(SERVER_ENV)
    os.environ["DJANGO_SETTINGS_MODULE"] = "kaiyihui.settings"
    os.environ.pop("CELERY_BROKER_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    # The database was made again: nothing cached from an earlier run may answer.
    from django.core.cache import cache

    cache.clear()
    # Production serves hashed static files from STATIC_ROOT, as a deployment would.
    call_command("collectstatic", "--noinput", verbosity=0)


def seed(leaders: int) -> list[dict]:
    """``leaders`` organizations in management, each led by its own account, with a draft
    review that is complete except for what the leader changes during the run."""
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from accounts.models import Community, Street, User
    from accounts.roles import Role
    from evaluation.selectors import template_items
    from evaluation.services.cycles import cycle_change_status, cycle_create
    from evaluation.services.reviews import review_save, review_start
    from evaluation.services.templates import template_seed_default
    from evaluation.workflows import CycleStatus
    from incubation.models import Organization

    today = timezone.localdate()
    street = Street.objects.create(name="负载街道", code="load")
    community = Community.objects.create(street=street, name="负载社区", code="load-c1")
    orgs = Organization.objects.bulk_create(
        Organization(
            name=f"负载测试组织{n:04d}",
            legal_status="filed",
            filing_number=f"LOAD-{n:05d}",
            community=community,
            stage="management",
            founded_on=datetime.date(2018, 1, 1),
            leader_name="负责人",
            leader_political_status="masses",
        )
        for n in range(leaders)
    )
    password = make_password(PASSWORD)
    leaders = User.objects.bulk_create(
        User(username=f"load-leader-{n:04d}", password=password, street=street)
        for n in range(leaders)
    )
    group = Group.objects.get(name=Role.ORG_LEADER)
    group.user_set.add(*leaders)
    for org, leader in zip(orgs, leaders, strict=True):
        org.leader_accounts.add(leader)
    template = template_seed_default(street=street)
    cycle = cycle_create(
        street=street,
        year=today.year,
        template=template,
        opens_on=today - datetime.timedelta(days=30),
        deadline=today,
        actor=None,
    )
    cycle_change_status(cycle=cycle, to_status=CycleStatus.OPEN, actor=None)
    items = list(template_items(template))
    accounts = []
    for org, leader in zip(orgs, leaders, strict=True):
        review = review_start(cycle=cycle, organization=org, actor=leader, today=today)
        review_save(
            review=review,
            actor=leader,
            today=today,
            work_summary="全年开展邻里互助活动。",
            activities_held="邻里互助日",
            income=Decimal("10000.00"),
            expenditure=Decimal("8000.00"),
            net_assets=Decimal("2000.00"),
            staff_count=2,
            volunteer_count=10,
            party_section="党建指导员联系指导。",
            self_assessment={
                str(item.pk): str(item.max_points) for item in items if item.applies_to(org)
            },
        )
        accounts.append(
            {"username": leader.username, "review": review.pk, "session": _session(leader)}
        )
    return accounts


def _session(user) -> str:
    """A signed-in session, as the leader's browser holds from earlier in the hour: the run
    measures the saving and submitting, not 200 password hashes in the same ten seconds."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def start_server() -> subprocess.Popen:
    env = {**os.environ, **SERVER_ENV}
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "kaiyihui.wsgi",
            "--workers",
            str(WORKERS),
            "--bind",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=2):  # noqa: S310
                return server
        except OSError:
            time.sleep(0.5)
    server.kill()
    raise SystemExit("gunicorn did not answer /healthz within 60 s")


def seed_public() -> dict:
    """The demo street (rankings with their portraits, wishes, activities) and the URLs
    the visitors read: every published ranking and PORTRAITS portraits of ranked
    organizations."""
    from django.core.management import call_command

    from rankings.models import RankingRow
    from rankings.public import published_rankings

    call_command("seed_demo", "--force", verbosity=0)
    rankings = list(published_rankings().values_list("pk", flat=True))
    organizations = (
        RankingRow.objects.filter(ranking_id__in=rankings)
        .values_list("organization_id", flat=True)
        .distinct()
        .order_by("organization_id")[:PORTRAITS]
    )
    return {
        "rankings": [f"/rankings/{pk}/" for pk in rankings],
        "portraits": [f"/rankings/organizations/{pk}/" for pk in organizations],
    }


def _get(page: str, session: str = "") -> None:
    request = urllib.request.Request(  # noqa: S310 - the loopback
        f"http://127.0.0.1:{PORT}{page}",
        headers={"X-Forwarded-Proto": "https", "Cookie": f"sessionid={session}" if session else ""},
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        response.read()


def _public_pages(public: dict, rankings: int | None = None, portraits: int | None = None):
    """The visitors' pages: the board, the wish wall, the calendar, the published rankings
    and the portraits (the first ``rankings`` / ``portraits`` of each, or all)."""
    return [
        "/",
        "/market/wishes/",
        "/volunteer/calendar/",
        *public["rankings"][:rankings],
        *public["portraits"][:portraits],
    ]


def warm_up(accounts: list[dict], public: dict) -> None:
    """Each gunicorn worker imports, compiles templates and opens its connection on its
    first requests: a few rounds of every page before measuring, as a server that has run
    for a while has done."""
    for _ in range(3 * WORKERS):
        for page in _public_pages(public, rankings=3, portraits=3):
            _get(page)
        _get(f"/evaluation/reviews/{accounts[0]['review']}/", accounts[0]["session"])


def read_every_public_page(public: dict) -> float:
    """Before the surge the site was being read: each public page once, so the surge
    meets the shared cache as a live site has it (a page's rows are kept 60 s, a
    snapshot's an hour). Returns the seconds it took (the cold build of every page)."""
    started = time.monotonic()
    for page in _public_pages(public):
        _get(page)
    return round(time.monotonic() - started, 1)


def run_locust(*, label: str, user_class: str, users: int, seconds: int, env: dict) -> dict:
    """One headless locust run of ``users`` simulated people of ``user_class``; its
    aggregated and per-request figures from locust's CSV files."""
    prefix = OUT / f"load-{label}"
    subprocess.run(
        [
            str(ROOT / ".venv" / "bin" / "locust"),
            "-f",
            str(ROOT / "bench" / "locustfile.py"),
            "--headless",
            "--users",
            str(users),
            "--spawn-rate",
            str(max(20, users // 10)),
            "--run-time",
            f"{seconds}s",
            "--host",
            f"http://127.0.0.1:{PORT}",
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
            user_class,
        ],
        cwd=ROOT,
        env={**os.environ, **env},
        check=False,
    )
    with open(f"{prefix}_stats.csv", newline="") as handle:
        rows = {row["Name"]: row for row in csv.DictReader(handle)}
    failures = []
    if Path(f"{prefix}_failures.csv").exists():
        with open(f"{prefix}_failures.csv", newline="") as handle:
            failures = list(csv.DictReader(handle))
    total = rows["Aggregated"]
    return {
        "users": users,
        "seconds": seconds,
        "requests": int(total["Request Count"]),
        "failures": int(total["Failure Count"]),
        "requests_per_second": round(float(total["Requests/s"]), 1),
        "p50_ms": float(total["50%"]),
        "p95_ms": float(total["95%"]),
        "by_request": {
            name: {
                "count": int(row["Request Count"]),
                "p50_ms": float(row["50%"]),
                "p95_ms": float(row["95%"]),
                "failures": int(row["Failure Count"]),
            }
            for name, row in rows.items()
            if name != "Aggregated"
        },
        "server_errors": sum(
            int(row["Occurrences"]) for row in failures if "50" in row.get("Error", "")[:40]
        ),
        "failure_kinds": [f"{row['Name']}: {row['Error']}" for row in failures][:10],
    }


def run_step(accounts: list[dict]) -> dict:
    """One step of the capacity curve: these leaders for RUN_SECONDS, then the count."""
    path = OUT / f"load-accounts-{len(accounts)}.json"
    path.write_text(json.dumps(accounts))
    step = run_locust(
        label=f"leaders-{len(accounts)}",
        user_class="Leader",
        users=len(accounts),
        seconds=RUN_SECONDS,
        env={"LOAD_ACCOUNTS": str(path), "LOAD_WAIT": WAIT},
    )
    step["database_check"] = count_submissions(accounts)
    return step


def held(step: dict) -> bool:
    """The step's leaders were served: p95 under the target, no failure, nothing lost or
    doubled."""
    db = step["database_check"]
    submit = step["by_request"].get("submit", {"count": 0, "failures": 0})
    return (
        step["p95_ms"] < TARGETS["p95_ms"]
        and step["failures"] == 0
        and db["stored_more_than_once"] == 0
        and db["submitted_without_version"] == 0
        and db["submitted"] >= submit["count"] - submit["failures"]
    )


def count_submissions(accounts: list[dict]) -> dict:
    from django.db import connection

    from evaluation.models import Review, ReviewVersion

    connection.close()
    ids = [account["review"] for account in accounts]
    submitted = Review.objects.filter(pk__in=ids, status="submitted").count()
    versions = ReviewVersion.objects.filter(review_id__in=ids)
    per_review = {}
    for review_id in versions.values_list("review_id", flat=True):
        per_review[review_id] = per_review.get(review_id, 0) + 1
    return {
        "reviews": len(ids),
        "submitted": submitted,
        "versions": sum(per_review.values()),
        "stored_more_than_once": sum(1 for n in per_review.values() if n > 1),
        "submitted_without_version": submitted - len(per_review),
    }


def _baseline() -> dict | None:
    """The curve measured before a round of fixes, to compare with (kept by hand)."""
    path = ROOT / "bench" / "load-baseline.json"
    return json.loads(path.read_text()) if path.exists() else None


def write_results(results: dict) -> None:
    from bench.calibration import describe

    (ROOT / "bench" / "load-results.json").write_text(
        json.dumps(results, ensure_ascii=False, indent=2)
    )
    surge = results["surge"]
    capacity = results["capacity"]
    lines = [
        f"# Load test ({results['measured_at']})",
        "",
        f"Machine: {results['machine']}; {describe(results['calibration'])}. gunicorn "
        f"{results['workers']} workers (production settings, debug off), PostgreSQL on "
        "127.0.0.1, locust on the same machine.",
        "",
        "## The deadline rush: the capacity curve",
        "",
        f"Leaders in the last hour before the annual review deadline, {results['wait']} s "
        f"between clicks, {results['seconds']} s per step, each step with leaders of its "
        "own (signed in beforehand): they open the review, save the draft a few times, "
        "submit once and keep reading. After each step the database is counted.",
        "",
        "| leaders | requests/s | p50 ms | p95 ms | failed | 5xx | submitted (acknowledged) "
        "| stored twice | held |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for step in results["steps"]:
        db = step["database_check"]
        submit = step["by_request"].get("submit", {"count": 0, "failures": 0})
        lines.append(
            f"| {step['users']} | {step['requests_per_second']} | {step['p50_ms']:.0f} "
            f"| {step['p95_ms']:.0f} | {step['failures']} | {step['server_errors']} "
            f"| {db['submitted']} ({submit['count'] - submit['failures']}) "
            f"| {db['stored_more_than_once']} | {'✓' if held(step) else '✗'} |"
        )
    baseline = _baseline()
    if baseline:
        lines += [
            "",
            f"Before ({baseline['measured_at']}, {baseline['label']}; bench/load-baseline.json):",
            "",
            "| leaders | requests/s | p50 ms | p95 ms | failed | held |",
            "|---|---|---|---|---|---|",
            *[
                f"| {step['users']} | {step['requests_per_second']} | {step['p50_ms']:.0f} "
                f"| {step['p95_ms']:.0f} | {step['failures']} | {'✓' if held(step) else '✗'} |"
                for step in baseline["steps"]
            ],
            "",
            f"Capacity then: {baseline['capacity']} leaders.",
        ]
    lines += [
        "",
        f"**Capacity: {capacity} leaders** held with p95 < {TARGETS['p95_ms']} ms and no "
        "error (the largest step held)."
        if capacity
        else f"**Capacity: no step held** p95 < {TARGETS['p95_ms']} ms without error.",
        "",
        "Every acknowledged submission is stored, each exactly once (one version per "
        "review); a submission in flight when a step stops may be stored without its "
        "answer being counted.",
        "",
        "## The read surge on public pages",
        "",
        f"{surge['users']:,} anonymous visitors on phones for {surge['seconds']} s, "
        f"{results['visitor_wait']} s between pages: the board, the published rankings, "
        f"{results['portraits']} portraits, the wish wall and the activity calendar of the "
        "demo street. Before it each of these pages was read once "
        f"({results['surge_cold_build_s']} s for all of them, cold), as on a site that is "
        "being read: the surge meets the shared "
        "cache (Redis) as a live site has it.",
        "",
        "| request | count | p50 ms | p95 ms | failures |",
        "|---|---|---|---|---|",
        *[
            f"| {name} | {row['count']:,} | {row['p50_ms']:.0f} | {row['p95_ms']:.0f} "
            f"| {row['failures']} |"
            for name, row in surge["by_request"].items()
        ],
        f"| **all** | {surge['requests']:,} ({surge['requests_per_second']}/s) "
        f"| {surge['p50_ms']:.0f} | {surge['p95_ms']:.0f} "
        f"(target < {TARGETS['surge_p95_ms']} "
        f"{'✓' if surge['p95_ms'] < TARGETS['surge_p95_ms'] else '✗'}) | {surge['failures']} |",
    ]
    (ROOT / "bench" / "load-results.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


def main():
    import platform

    from bench.calibration import calibrate

    OUT.mkdir(parents=True, exist_ok=True)
    recreate_database()
    setup_django()
    from django.db import connection

    calibration = calibrate(connection)
    started = time.monotonic()
    print(f"seeding {sum(STEPS)} leaders with draft reviews and the demo street …", flush=True)
    public = seed_public()  # the demo first: it seeds only an empty database
    accounts = seed(sum(STEPS))
    (OUT / "load-public.json").write_text(json.dumps(public))
    connection.close()
    print(f"seeded in {time.monotonic() - started:.1f} s; starting gunicorn …", flush=True)
    server = start_server()
    steps = []
    try:
        warm_up(accounts, public)
        offset = 0
        for leaders in STEPS:
            print(f"locust: {leaders} leaders, {WAIT} s between clicks …", flush=True)
            steps.append(run_step(accounts[offset : offset + leaders]))
            offset += leaders
        print(f"locust: {VISITORS} visitors on the public pages …", flush=True)
        cold_build_s = read_every_public_page(public)
        surge = run_locust(
            label="surge",
            user_class="Visitor",
            users=VISITORS,
            seconds=SURGE_SECONDS,
            env={"LOAD_PUBLIC_URLS": str(OUT / "load-public.json")},
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
    held_steps = [step["users"] for step in steps if held(step)]
    results = {
        "measured_at": datetime.date.today().isoformat(),
        "machine": f"{os.cpu_count()} cores, Python {platform.python_version()}",
        "calibration": calibration,
        "workers": WORKERS,
        "seconds": RUN_SECONDS,
        "wait": WAIT.replace(",", "–"),
        "visitor_wait": os.environ.get("LOAD_VISITOR_WAIT", "5,15").replace(",", "–"),
        "portraits": len(public["portraits"]),
        "steps": steps,
        "capacity": max(held_steps, default=0),
        "surge": surge,
        "surge_cold_build_s": cold_build_s,
    }
    write_results(results)
    doubled = any(
        step["database_check"]["stored_more_than_once"]
        or step["database_check"]["submitted_without_version"]
        for step in steps
    )
    if doubled or surge["server_errors"] or any(step["server_errors"] for step in steps):
        sys.exit(1)


if __name__ == "__main__":
    main()
