"""Concurrent writes against a real server: four browser tabs of each leader submitting the
same annual review, two staff returning the same review, four tabs submitting the same
grant application — all at the same moment. No request may end in a server error, and
every write is stored exactly once.

The server is gunicorn (several workers, several threads each, as in production) on a
database of its own: a SQLite *file* — the embedded default of `make run`, where an
in-memory test database could never show a lock — and, when the suite runs on
PostgreSQL (CI), a fresh PostgreSQL database beside the suite's test database."""

import html
import http.client
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg
import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
LEADERS = 6
TABS = 4
CSRF = "c" * 32  # the browser's CSRF cookie; the form sends the same secret back
TIMEOUT = 120


def _postgres_url(name: str) -> str:
    db = settings.DATABASES["default"]
    user = urllib.parse.quote(db.get("USER") or "postgres")
    password = urllib.parse.quote(db.get("PASSWORD") or "")
    auth = f"{user}:{password}" if password else user
    return f"postgres://{auth}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{name}"


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'embedded.sqlite3'}"
        return
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("the suite runs on SQLite; with DATABASE_URL on PostgreSQL (CI) this runs")
    name = f"kyh_concurrent_{secrets.token_hex(4)}"
    with psycopg.connect(_postgres_url("postgres"), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield _postgres_url(name)
    with psycopg.connect(_postgres_url("postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def server_env(database_url: str, media: Path) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("CELERY_BROKER_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")
    }
    env.update(
        DATABASE_URL=database_url,
        DJANGO_READ_DOT_ENV="false",
        # Debug on: plain HTTP without secure cookies, and a 500 shows its cause (a
        # "database is locked" traceback) in the failure message. Database settings are
        # the same as in production.
        DJANGO_DEBUG="true",
        DJANGO_SECRET_KEY="concurrency-test-only-" + "x" * 40,
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_MEDIA_ROOT=str(media),
        DJANGO_LOG_LEVEL="WARNING",
    )
    return env


def manage(env: dict, code: str) -> dict:
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    line = next(row for row in done.stdout.splitlines() if row.startswith("RESULT "))
    return json.loads(line.removeprefix("RESULT "))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def server(database_url, tmp_path):
    """A migrated, seeded database and gunicorn serving it; yields (port, seeded, env)."""
    env = server_env(database_url, tmp_path / "media")
    migrate = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT * 3,
    )
    assert migrate.returncode == 0, migrate.stderr[-3000:]
    seeded = manage(env, f"from tests.kaiyihui.concurrency import seed; seed({LEADERS})")
    port = free_port()
    log = (tmp_path / "gunicorn.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "kaiyihui.wsgi",
            # Two processes with four threads each: writers in other processes *and* in
            # the same process, as behind `make run` or a production gunicorn.
            "--workers",
            "2",
            "--threads",
            "4",
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "120",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if request(port, "GET", "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            assert process.poll() is None, (tmp_path / "gunicorn.log").read_text()[-3000:]
            assert time.monotonic() < deadline, "gunicorn did not answer /healthz in 60 s"
            time.sleep(0.3)
        yield port, seeded, env
    finally:
        process.terminate()
        process.wait(30)
        log.close()


def request(port, method, path, session=None, fields=None) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    headers = {}
    body = None
    if session:
        headers["Cookie"] = f"sessionid={session}; csrftoken={CSRF}"
    if method == "POST":
        body = urllib.parse.urlencode({**(fields or {}), "csrfmiddlewaretoken": CSRF})
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        conn.close()


def fire(port, posts) -> list[tuple[int, str]]:
    """Every POST at the same moment, each on its own connection (one browser tab)."""
    barrier = threading.Barrier(len(posts))

    def one(post):
        barrier.wait()
        return request(port, "POST", *post)

    with ThreadPoolExecutor(max_workers=len(posts)) as pool:
        return list(pool.map(one, posts))


def server_errors(answers) -> dict:
    """How many answers were 5xx, and why (the debug page's exception line)."""
    causes = set()
    for status, body in answers:
        if status >= 500:
            match = re.search(r'<pre class="exception_value">(.*?)</pre>', body, re.S)
            causes.add(html.unescape(match.group(1)).strip() if match else body[:200])
    failed = sum(1 for status, _ in answers if status >= 500)
    return {"server errors": failed, "of": len(answers), "causes": sorted(causes)} if failed else {}


def test_it_stores_each_concurrent_write_once_without_server_errors(server, tmp_path):
    port, seeded, env = server
    leaders, staff = seeded["leaders"], seeded["staff"]
    answers = {}

    # Each leader presses 提交 in four tabs at once.
    answers["review submit"] = fire(
        port,
        [
            (
                f"/evaluation/reviews/{a['review']}/",
                a["session"],
                {**a["review_form"], "action": "submit"},
            )
            for a in leaders
            for _ in range(TABS)
        ],
    )
    # Two staff return the same submitted review at the same moment.
    answers["staff return"] = fire(
        port,
        [
            (
                f"/evaluation/reviews/{a['review']}/return/",
                session,
                {"comment": "请补充年度财务说明。"},
            )
            for a in leaders
            for session in staff
        ],
    )
    # Each leader submits the grant application in four tabs at once.
    answers["application submit"] = fire(
        port,
        [
            (f"/funding/applications/{a['application']}/submit/", a["session"], {})
            for a in leaders
            for _ in range(TABS)
        ],
    )

    errors = {name: server_errors(got) for name, got in answers.items()}
    assert not any(errors.values()), json.dumps(errors, ensure_ascii=False, indent=1)
    # The winner is redirected; a losing tab gets the page again or a redirect with a
    # message saying the review was already submitted — never an error.
    statuses = {name: sorted({status for status, _ in got}) for name, got in answers.items()}
    assert all(set(found) <= {200, 302} for found in statuses.values()), statuses

    ids = tmp_path / "ids.json"
    ids.write_text(
        json.dumps(
            {
                "reviews": [a["review"] for a in leaders],
                "applications": [a["application"] for a in leaders],
            }
        )
    )
    stored = manage(env, f"from tests.kaiyihui.concurrency import counts; counts({str(ids)!r})")
    once = {str(a["review"]): 1 for a in leaders}
    assert stored["versions"] == once, "one stored version per review"
    assert stored["submitted"] == once, "one submission event per review"
    assert stored["returned"] == once, "one return per review"
    assert stored["applications_submitted"] == {str(a["application"]): 1 for a in leaders}
