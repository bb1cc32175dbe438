"""Celery: inline without a broker; a real worker on Redis when one is available."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from celery import Celery

from kaiyihui.celery import app
from operations.tasks import ping

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("KAIYIHUI_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def test_tasks_run_inline_without_a_broker(settings):
    assert app.conf.task_always_eager
    assert ping.delay().get() == "pong"


def test_the_app_accepts_only_json_and_acks_late():
    assert app.conf.accept_content == ["json"]
    assert app.conf.task_acks_late is True
    assert app.conf.task_time_limit and app.conf.task_soft_time_limit


def redis_available() -> bool:
    import redis

    try:
        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.RedisError:
        return False


@pytest.fixture
def redis_broker():
    if not redis_available():
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but Redis at {REDIS_URL} is not reachable.")
        pytest.skip(f"Redis at {REDIS_URL} is not reachable (set CI=true to make this fail).")
    return REDIS_URL


@pytest.mark.worker
def test_a_real_worker_answers_through_redis(redis_broker):
    env = {**os.environ, "CELERY_BROKER_URL": redis_broker, "CELERY_RESULT_BACKEND": redis_broker}
    env.setdefault("DJANGO_DEBUG", "true")
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "kaiyihui",
            "worker",
            "--pool",
            "solo",
            "--loglevel",
            "warning",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    # Not the current app: shared tasks of later tests must keep running inline.
    client = Celery("probe", broker=redis_broker, backend=redis_broker, set_as_current=False)
    try:
        result = client.send_task("kaiyihui.ping")
        deadline = time.monotonic() + 60
        while not result.ready() and time.monotonic() < deadline:
            if worker.poll() is not None:
                pytest.fail("worker exited early:\n" + worker.stdout.read())
            time.sleep(0.2)
        assert result.get(timeout=1) == "pong"
    finally:
        client.close()
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
