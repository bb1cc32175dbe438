"""`make load`: the last hour before the annual review deadline.

Seeds LEADERS organizations, each with a leader account and a draft review of this
year's open cycle, into a PostgreSQL database of its own; starts gunicorn with several
workers (production settings: debug off); runs locust headless for RUN_SECONDS with one
simulated user per leader — save the draft a few times, submit once, keep reading — then
counts in the database that every submission is stored exactly once. Writes
bench/load-results.json and bench/load-results.md.

Run: make load   (LOAD_DATABASE_URL, LOAD_LEADERS, LOAD_SECONDS, LOAD_WORKERS to change)
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
LEADERS = int(os.environ.get("LOAD_LEADERS", "200"))
RUN_SECONDS = int(os.environ.get("LOAD_SECONDS", "60"))
WORKERS = int(os.environ.get("LOAD_WORKERS", str(2 * (os.cpu_count() or 1) + 1)))
PORT = int(os.environ.get("LOAD_PORT", "8765"))
PASSWORD = "load-test-2026"
OUT = ROOT / "bench" / "out"
TARGETS = {"p95_ms": 500, "server_errors": 0}

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
    # Production serves hashed static files from STATIC_ROOT, as a deployment would.
    call_command("collectstatic", "--noinput", verbosity=0)


def seed() -> list[dict]:
    """LEADERS organizations in management, each led by its own account, with a draft
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
        for n in range(LEADERS)
    )
    password = make_password(PASSWORD)
    leaders = User.objects.bulk_create(
        User(username=f"load-leader-{n:04d}", password=password, street=street)
        for n in range(LEADERS)
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


def run_locust(accounts: list[dict]) -> dict:
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "load-accounts.json").write_text(json.dumps(accounts))
    prefix = OUT / "load"
    env = {
        **os.environ,
        "LOAD_ACCOUNTS": str(OUT / "load-accounts.json"),
        "LOAD_PASSWORD": PASSWORD,
    }
    subprocess.run(
        [
            str(ROOT / ".venv" / "bin" / "locust"),
            "-f",
            str(ROOT / "bench" / "locustfile.py"),
            "--headless",
            "--users",
            str(len(accounts)),
            "--spawn-rate",
            "20",
            "--run-time",
            f"{RUN_SECONDS}s",
            "--host",
            f"http://127.0.0.1:{PORT}",
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
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
        "requests": int(total["Request Count"]),
        "failures": int(total["Failure Count"]),
        "requests_per_second": round(float(total["Requests/s"]), 1),
        "p50_ms": float(total["50%"]),
        "p95_ms": float(total["95%"]),
        "by_request": {
            name: {
                "count": int(row["Request Count"]),
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


def write_results(results: dict) -> None:
    (ROOT / "bench" / "load-results.json").write_text(
        json.dumps(results, ensure_ascii=False, indent=2)
    )
    load, db = results["load"], results["database_check"]
    submit = load["by_request"].get("submit", {"count": 0, "failures": 0})
    acknowledged = submit["count"] - submit["failures"]
    ok_p95 = "✓" if load["p95_ms"] < TARGETS["p95_ms"] else "✗"
    ok_errors = "✓" if load["server_errors"] == 0 else "✗"
    once = db["stored_more_than_once"] == 0 and db["submitted_without_version"] == 0
    lines = [
        f"# Load test ({results['measured_at']})",
        "",
        f"Machine: {results['machine']}. gunicorn {results['workers']} workers, PostgreSQL on "
        f"127.0.0.1, locust {results['users']} users for {results['seconds']} s: leaders in "
        "the last hour before the annual review deadline, saving drafts and submitting once, "
        f"{results['wait']} s between clicks; signed in beforehand.",
        "",
        "| figure | value | target |",
        "|---|---|---|",
        f"| requests | {load['requests']:,} | — |",
        f"| requests per second | {load['requests_per_second']} | — |",
        f"| p50 ms | {load['p50_ms']:.0f} | — |",
        f"| p95 ms | {load['p95_ms']:.0f} | < {TARGETS['p95_ms']} {ok_p95} |",
        f"| failed requests (any) | {load['failures']} | — |",
        f"| server errors (5xx) | {load['server_errors']} | 0 {ok_errors} |",
        f"| submissions acknowledged by the server | {acknowledged} | — |",
        f"| reviews stored as submitted / leaders | {db['submitted']} / {db['reviews']} | "
        f"≥ acknowledged {'✓' if db['submitted'] >= acknowledged else '✗'} |",
        f"| submissions stored more than once | {db['stored_more_than_once']} | "
        f"0 {'✓' if once else '✗'} |",
        "",
        "Every acknowledged submission is stored, each exactly once (one version per "
        "review); a submission in flight when the run stops may be stored without its "
        "answer being counted.",
        "",
        "| request | count | p95 ms | failures |",
        "|---|---|---|---|",
        *[
            f"| {name} | {row['count']:,} | {row['p95_ms']:.0f} | {row['failures']} |"
            for name, row in load["by_request"].items()
        ],
    ]
    (ROOT / "bench" / "load-results.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


def main():
    import platform

    recreate_database()
    setup_django()
    print(f"seeding {LEADERS} leaders with draft reviews …", flush=True)
    started = time.monotonic()
    accounts = seed()
    print(f"seeded in {time.monotonic() - started:.1f} s; starting gunicorn …", flush=True)
    server = start_server()
    try:
        print(f"locust: {LEADERS} users for {RUN_SECONDS} s …", flush=True)
        load = run_locust(accounts)
    finally:
        server.terminate()
        server.wait(timeout=30)
    results = {
        "measured_at": datetime.date.today().isoformat(),
        "machine": f"{os.cpu_count()} cores, Python {platform.python_version()}",
        "workers": WORKERS,
        "users": LEADERS,
        "seconds": RUN_SECONDS,
        "wait": os.environ.get("LOAD_WAIT", "3,8").replace(",", "–"),
        "load": load,
        "database_check": count_submissions(accounts),
    }
    write_results(results)
    db = results["database_check"]
    if load["server_errors"] or db["stored_more_than_once"] or db["submitted_without_version"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
