"""`make run`'s embedded default, for real: scripts/run_all.py starts the web server, a
Celery worker and beat on Kombu's filesystem broker (no Redis); beat sends the 换届
reminder of an organization whose term ended yesterday, the worker stores the
notification and prints the e-mail on the console; SIGINT then stops all three.

No Redis or PostgreSQL needed: a SQLite file and a broker folder under tmp_path."""

import datetime
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LEADER_EMAIL = "embedded-leader@example.org"

SETUP = f"""
import datetime
from django.utils import timezone
from tests.conftest import make_tenant
tenant = make_tenant("嵌入")
tenant.leader.email = "{LEADER_EMAIL}"
tenant.leader.save()
org = tenant.org
org.term_end = timezone.localdate() - datetime.timedelta(days=1)
org.term_extended_until = None
org.save()
"""

# Once beat has started (and written the settings' schedule over the database's): the
# daily 08:00 incubation reminder becomes "every 2 seconds". Saving a PeriodicTask tells
# the running DatabaseScheduler that the schedule changed.
FIRE_SOON = """
from django_celery_beat.models import IntervalSchedule, PeriodicTask
every, _ = IntervalSchedule.objects.get_or_create(every=2, period=IntervalSchedule.SECONDS)
task = PeriodicTask.objects.get(name="incubation-reminders")
task.crontab = None
task.interval = every
task.save()
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Output:
    """The launcher's lines, collected by a thread; wait_for() polls them."""

    def __init__(self, stream):
        self.lines: list[str] = []
        self._thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._thread.start()

    def _read(self, stream):
        for raw in iter(stream.readline, b""):
            self.lines.append(raw.decode("utf-8", "replace"))

    @property
    def text(self) -> str:
        return "".join(self.lines)

    def wait_for(self, needle: str, timeout: float) -> float:
        started = time.monotonic()
        while needle not in self.text:
            if time.monotonic() - started > timeout:
                raise AssertionError(f"{needle!r} not seen in {timeout} s:\n{self.text[-6000:]}")
            time.sleep(0.2)
        return time.monotonic() - started


def processes_with(marker: str) -> list[int]:
    """Live processes whose environment holds ``marker`` (ours: the tmp broker folder)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if marker.encode() in (entry / "environ").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue
    return [pid for pid in found if pid != os.getpid()]


@pytest.fixture(scope="module")
def embedded_env(tmp_path_factory):
    # One migrated database for both tests (a migrate takes ~20 s).
    tmp_path = tmp_path_factory.mktemp("embedded")
    broker = tmp_path / "broker"
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "CELERY_", "KAIYIHUI_")) and key != "REDIS_URL"
    }
    env.update(
        DJANGO_SETTINGS_MODULE="kaiyihui.settings",
        DJANGO_READ_DOT_ENV="false",
        DJANGO_DEBUG="true",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        DJANGO_MEDIA_ROOT=str(tmp_path / "media"),
        CELERY_BROKER_URL="filesystem://localhost/",
        CELERY_BROKER_FILESYSTEM_DIR=str(broker),
        EMAIL_URL="consolemail://",
        PYTHONUNBUFFERED="1",
    )
    for args in (["migrate", "--no-input", "-v", "0"], ["shell", "-c", SETUP]):
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr
    return env, tmp_path


def test_it_sends_an_overdue_reminder_through_beat_and_the_worker_then_stops_all(
    embedded_env,
):
    env, tmp_path = embedded_env
    launcher = subprocess.Popen(
        [sys.executable, "scripts/run_all.py", "--port", str(free_port())],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    out = Output(launcher.stdout)
    try:
        out.wait_for("embedded@", timeout=90)
        out.wait_for(" ready.", timeout=90)
        out.wait_for("beat: Starting", timeout=90)
        out.wait_for("Starting development server", timeout=90)
        fired = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", FIRE_SOON],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert fired.returncode == 0, fired.stderr

        # Beat sends the reminder task, the worker stores the notification and hands its
        # e-mail to the console backend: all within the minute the README promises.
        seconds = out.wait_for(f"To: {LEADER_EMAIL}", timeout=60)
        assert "worker | " in out.text
        assert "Sending due task incubation-reminders" in out.text
        due = (datetime.date.today() - datetime.timedelta(days=1)).isoformat()
        assert "届满" in out.text or due in out.text
        with sqlite3.connect(tmp_path / "db.sqlite3") as db:
            emailed = db.execute(
                "SELECT count(*) FROM notifications_notification n "
                "JOIN accounts_user u ON u.id = n.recipient_id "
                "WHERE n.kind = 're_election_due' AND u.email = ? "
                "AND n.emailed_at IS NOT NULL",
                (LEADER_EMAIL,),
            ).fetchone()[0]
        assert emailed == 1, seconds

        launcher.send_signal(signal.SIGINT)
        assert launcher.wait(timeout=60) == 0, out.text[-4000:]
        out.wait_for("all stopped", timeout=5)
        assert "Warm shutdown" in out.text
        time.sleep(0.5)
        assert processes_with(str(tmp_path / "broker")) == []
    finally:
        if launcher.poll() is None:
            os.killpg(launcher.pid, signal.SIGKILL)
        for pid in processes_with(str(tmp_path / "broker")):
            os.kill(pid, signal.SIGKILL)


def test_it_stops_the_others_when_one_child_dies(embedded_env):
    env, tmp_path = embedded_env
    launcher = subprocess.Popen(
        [sys.executable, "scripts/run_all.py", "--no-web"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    out = Output(launcher.stdout)
    try:
        out.wait_for("beat: Starting", timeout=90)
        beat = [
            pid
            for pid in processes_with(str(tmp_path / "broker"))
            if b"\x00beat\x00" in Path(f"/proc/{pid}/cmdline").read_bytes()
        ]
        assert beat
        os.kill(beat[0], signal.SIGKILL)
        assert launcher.wait(timeout=60) == 1
        out.wait_for("stopping the others", timeout=5)
        time.sleep(0.5)
        assert processes_with(str(tmp_path / "broker")) == []
    finally:
        if launcher.poll() is None:
            os.killpg(launcher.pid, signal.SIGKILL)
        for pid in processes_with(str(tmp_path / "broker")):
            os.kill(pid, signal.SIGKILL)


def run_check(**env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "CELERY_", "KAIYIHUI_")) and k not in ("REDIS_URL",)
    }
    clean.pop("DATABASE_URL", None)
    clean.update(
        DJANGO_READ_DOT_ENV="false",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="x7#Qm2!vR9pL4@zK8wN1$bT6^yH3&cF5*jD0(eG)uA_sXo-iVrMlKq",
        DJANGO_ALLOWED_HOSTS="kaiyihui.example.gov.cn",
        **env,
    )
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_it_refuses_production_settings_with_tasks_silently_inline():
    result = run_check()
    assert result.returncode != 0
    assert "CELERY_BROKER_URL is not set and DJANGO_DEBUG is off" in result.stderr
    assert "KAIYIHUI_ALLOW_INLINE_TASKS=true" in result.stderr


def test_it_runs_production_inline_only_when_explicitly_allowed():
    assert run_check(KAIYIHUI_ALLOW_INLINE_TASKS="true").returncode == 0
    assert run_check(CELERY_BROKER_URL="redis://127.0.0.1:6379/0").returncode == 0
