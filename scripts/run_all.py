"""`make run`: the web server, one Celery worker and Celery beat in one terminal.

Each runs as a child process in its own process group; their lines are printed with a
prefix (`web    |`, `worker |`, `beat   |`). Ctrl-C or SIGTERM stops all three (the
worker finishes its running task: a warm shutdown). When one of them dies, the others
are stopped with a message and the exit status is 1, so a broken worker cannot hide
behind a web server that still answers.

The broker is the one settings read (CELERY_BROKER_URL, from the environment or .env).
When none is set, as in a .env copied before the worker came to `make run`, the children
use Kombu's filesystem transport (var/celery), which needs no server.

    .venv/bin/python scripts/run_all.py [--host 127.0.0.1] [--port 8000] [--no-web]
"""

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# "localhost" only to spare a "No hostname was supplied" warning; the folders are set in
# settings.py (CELERY_BROKER_FILESYSTEM_DIR).
EMBEDDED_BROKER = "filesystem://localhost/"
# The worker finishes its running task on SIGTERM; a PDF takes a few seconds.
STOP_GRACE_SECONDS = float(os.environ.get("KAIYIHUI_RUN_STOP_GRACE", "20"))


def broker_env() -> dict:
    """The children's environment, with a broker that needs no server when none is set."""
    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "kaiyihui.settings")
    env["PYTHONUNBUFFERED"] = "1"
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", env["DJANGO_SETTINGS_MODULE"])
    from django.conf import settings

    if not settings.CELERY_BROKER_URL:
        print(
            f"{'run':<6} | CELERY_BROKER_URL is not set (.env); using {EMBEDDED_BROKER} in "
            f"var/celery. Add CELERY_BROKER_URL={EMBEDDED_BROKER} to .env to make it explicit.",
            flush=True,
        )
        env["CELERY_BROKER_URL"] = EMBEDDED_BROKER
    return env


def commands(host: str, port: int, web: bool) -> dict[str, list[str]]:
    py = sys.executable
    celery = [py, "-m", "celery", "-A", "kaiyihui"]
    children = {}
    if web:
        children["web"] = [py, "manage.py", "runserver", f"{host}:{port}"]
    children["worker"] = celery + [
        "worker",
        "--loglevel",
        "info",
        "--pool",
        "prefork",
        # One process: the demo machine is small, and the filesystem broker is meant for
        # one worker (bench/broker-results.md).
        "--concurrency",
        "1",
        "--hostname",
        "embedded@%h",
        # No other workers to greet or watch; these only add broker traffic and delay.
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
    ]
    # Beat's scheduler (django-celery-beat's DatabaseScheduler) comes from settings.
    children["beat"] = celery + ["beat", "--loglevel", "info"]
    return children


class Launcher:
    def __init__(self, children: dict[str, list[str]], env: dict):
        self.children = children
        self.env = env
        self.procs: dict[str, subprocess.Popen] = {}
        self.readers: list[threading.Thread] = []
        self.stopping = threading.Event()
        self.width = max(len(name) for name in children)
        self.print_lock = threading.RLock()  # say() is also called from a signal handler

    def say(self, name: str, line: str) -> None:
        with self.print_lock:
            sys.stdout.write(f"{name:<{self.width}} | {line}\n")
            sys.stdout.flush()

    def start(self) -> None:
        for name, argv in self.children.items():
            proc = subprocess.Popen(
                argv,
                cwd=ROOT,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                # Own process group: Ctrl-C reaches only this launcher, which stops the
                # children in order (a second SIGINT would make the worker cold-stop).
                start_new_session=True,
            )
            self.procs[name] = proc
            reader = threading.Thread(target=self._pump, args=(name, proc), daemon=True)
            reader.start()
            self.readers.append(reader)

    def _pump(self, name: str, proc: subprocess.Popen) -> None:
        for raw in iter(proc.stdout.readline, b""):
            self.say(name, raw.decode("utf-8", "replace").rstrip("\n"))

    def request_stop(self, signum, _frame) -> None:
        if self.stopping.is_set():
            # Asked twice: do not wait for the worker's running task.
            self._signal_all(signal.SIGKILL)
            return
        self.say("run", f"{signal.Signals(signum).name}: stopping web, worker and beat")
        self.stopping.set()

    def _signal_all(self, sig: int) -> None:
        # The whole group: runserver's autoreloader leaves its serving child behind when
        # it is stopped alone.
        for proc in self.procs.values():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, sig)

    def wait(self) -> int:
        status = 0
        while not self.stopping.wait(0.2):
            dead = [(name, p.returncode) for name, p in self.procs.items() if p.poll() is not None]
            if dead:
                name, code = dead[0]
                self.say("run", f"{name} stopped (exit status {code}); stopping the others")
                status = 1
                break
        # SIGTERM to each main process first: the worker then stops its own pool after the
        # running task (a warm shutdown) instead of its pool process dying under it.
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.terminate()
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for name, proc in self.procs.items():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.say("run", f"{name} did not stop in {STOP_GRACE_SECONDS:.0f} s; killed")
        # Then whatever is left in their process groups.
        self._signal_all(signal.SIGTERM)
        time.sleep(0.5)
        self._signal_all(signal.SIGKILL)
        for proc in self.procs.values():
            proc.wait()
        for reader in self.readers:
            reader.join(timeout=2)
        self.say("run", "all stopped")
        return status


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--no-web", action="store_true", help="only the worker and beat")
    args = parser.parse_args(argv)
    launcher = Launcher(commands(args.host, args.port, web=not args.no_web), broker_env())
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, launcher.request_stop)
    launcher.start()
    return launcher.wait()


if __name__ == "__main__":
    sys.exit(main())
