"""Which server-less broker for `make run`: Kombu's filesystem transport or its SQLAlchemy
transport on a SQLite file. For each, one prefork worker (concurrency 1, as `make run`
starts it) runs TASKS no-op tasks; we time publishing them, draining them (first publish
to last task run), the publish-to-run latency of single tasks on an idle worker, and the
CPU the idle worker spends polling. Results: bench/broker-results.md.

    .venv/bin/python bench/broker.py            # both transports, 1,000 tasks
    BENCH_SQLA_PATH=/tmp/kyh-sqla .venv/bin/python bench/broker.py

The SQLAlchemy transport needs SQLAlchemy, which the project does not depend on; install
it somewhere outside .venv (pip install --target /tmp/kyh-sqla sqlalchemy) and point
BENCH_SQLA_PATH at it, or that transport is skipped.

The app here is a bare Celery app with the project's task options (acks late, prefetch
1, JSON, no results), not the Django one: the broker is what is measured.
"""

import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from celery import Celery

ROOT = Path(__file__).resolve().parent.parent
TASKS = int(os.environ.get("BENCH_BROKER_TASKS", "1000"))
LATENCY_SAMPLES = 10
IDLE_SECONDS = 10
# A transport that polls once a second needs ~1,000 s for 1,000 tasks; stop at this.
DRAIN_TIMEOUT = float(os.environ.get("BENCH_BROKER_DRAIN_TIMEOUT", "600"))
# Kombu's default polling interval, and the one settings.py uses for the filesystem broker.
POLLS = [float(p) for p in os.environ.get("BENCH_BROKER_POLLS", "1.0,0.1").split(",") if p]


def transport_options(url: str, folder: Path, poll: float) -> dict:
    # Kombu's virtual transports poll; after each message (prefetch 1, acks late) the
    # worker sleeps one polling interval, which caps throughput at 1/interval.
    if not url.startswith("filesystem"):
        # The SQLAlchemy transport hands every transport option to create_engine(), which
        # refuses polling_interval (and visibility_timeout): it always polls once a second.
        return {}
    options = {"polling_interval": poll}
    # One folder is both "in" and "out": producers and the worker share one queue.
    return options | {
        "data_folder_in": str(folder / "queue"),
        "data_folder_out": str(folder / "queue"),
        "control_folder": str(folder / "control"),
        "processed_folder": str(folder / "processed"),
        "store_processed": False,
    }


FOLDER = Path(os.environ.get("BENCH_BROKER_DIR", tempfile.gettempdir()))
URL = os.environ.get("BENCH_BROKER_URL", "memory://")
POLL = float(os.environ.get("BENCH_BROKER_POLL", "1.0"))
app = Celery("brokerbench", broker=URL)
app.conf.update(
    broker_transport_options=transport_options(URL, FOLDER, POLL),
    broker_connection_retry_on_startup=True,
    task_acks_late=True,
    task_ignore_result=True,
    result_backend=None,
    worker_prefetch_multiplier=1,
    accept_content=["json"],
    task_serializer="json",
    worker_hijack_root_logger=False,
)


@app.task(name="bench.noop")
def noop(sent_at: float) -> None:
    # One short line per task; O_APPEND keeps lines whole.
    with open(FOLDER / "done.log", "a") as log:
        log.write(f"{time.time() - sent_at:.4f}\n")


def done_lines() -> list[float]:
    try:
        return [float(x) for x in (FOLDER / "done.log").read_text().split()]
    except FileNotFoundError:
        return []


def wait_for(count: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while len(done_lines()) < count:
        if time.monotonic() > deadline:
            raise TimeoutError(f"only {len(done_lines())} of {count} tasks ran")
        time.sleep(0.02)


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(name: str, url: str, poll: float, extra_path: str = "") -> dict:
    folder = Path(tempfile.mkdtemp(prefix=f"kyh-broker-{name}-"))
    for sub in ("queue", "control", "processed"):
        (folder / sub).mkdir()
    if url.startswith("sqla+sqlite"):
        url = f"sqla+sqlite:///{folder / 'broker.sqlite3'}"
    env = {
        **os.environ,
        "BENCH_BROKER_URL": url,
        "BENCH_BROKER_DIR": str(folder),
        "BENCH_BROKER_POLL": str(poll),
        "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), extra_path) if p),
    }
    log = (folder / "worker.log").open("w")
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "bench.broker", "worker", "--pool", "prefork"]
        + ["--concurrency", "1", "--loglevel", "warning", "--without-gossip"]
        + ["--without-mingle", "--without-heartbeat"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    publisher = subprocess.run(
        [sys.executable, __file__, "--publish"],
        env={**env, "BENCH_WORKER_PID": str(worker.pid)},
        capture_output=True,
        text=True,
    )
    worker.terminate()
    worker.wait(timeout=30)
    if publisher.returncode:
        raise SystemExit(f"{name}: {publisher.stderr}\n{(folder / 'worker.log').read_text()}")
    result = json.loads(publisher.stdout.strip().splitlines()[-1])
    result.update(name=name, url=url, polling_interval=poll)
    return result


def publish() -> dict:
    """Runs in its own process, with the app bound to BENCH_BROKER_URL."""
    worker_pid = int(os.environ.get("BENCH_WORKER_PID", "0")) or None
    # A first task shows the worker is up and consuming.
    noop.delay(time.time())
    wait_for(1, timeout=60)
    # Single tasks on an idle worker: how long a beat-sent reminder waits for a worker.
    latencies = []
    for n in range(LATENCY_SAMPLES):
        time.sleep(1.3)  # let the worker go back to polling an empty queue
        noop.delay(time.time())
        wait_for(2 + n, timeout=30)
        latencies.append(done_lines()[-1])
    started = time.monotonic()
    for _ in range(TASKS):
        noop.delay(time.time())
    published = time.monotonic() - started
    with contextlib.suppress(TimeoutError):  # reported as tasks_run below
        wait_for(1 + LATENCY_SAMPLES + TASKS, timeout=DRAIN_TIMEOUT)
    drained = time.monotonic() - started
    ran = len(done_lines()) - 1 - LATENCY_SAMPLES
    idle_cpu = None
    if worker_pid:
        before = cpu_seconds(worker_pid)
        time.sleep(IDLE_SECONDS)
        idle_cpu = (cpu_seconds(worker_pid) - before) / IDLE_SECONDS
    return {
        "tasks": TASKS,
        "tasks_run": ran,
        "publish_seconds": round(published, 2),
        "drain_seconds": round(drained, 2),
        "tasks_per_second": round(ran / drained, 1),
        "latency_median_seconds": round(sorted(latencies)[len(latencies) // 2], 3),
        "latency_max_seconds": round(max(latencies), 3),
        "idle_worker_cpu_percent": None if idle_cpu is None else round(idle_cpu * 100, 2),
    }


def main() -> None:
    sqla_path = os.environ.get("BENCH_SQLA_PATH", "")
    results = []
    for poll in POLLS:
        results.append(measure("filesystem", "filesystem://", poll))
    if sqla_path:
        results.append(measure("sqlalchemy-sqlite", "sqla+sqlite://", 1.0, sqla_path))
    if not sqla_path:
        print("BENCH_SQLA_PATH unset: SQLAlchemy transport skipped", file=sys.stderr)
    out = Path(os.environ.get("BENCH_BROKER_OUT", ROOT / "bench" / "broker-results.json"))
    out.write_text(json.dumps(results, indent=2) + "\n")
    for r in results:
        print(json.dumps(r))


if __name__ == "__main__":
    if sys.argv[1:] == ["--publish"]:
        print(json.dumps(publish()))
    else:
        main()
