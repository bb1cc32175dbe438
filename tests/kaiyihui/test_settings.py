"""Start-up configuration, checked in a fresh interpreter for each environment."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "x7#Qm2!vR9pL4@zK8wN1$bT6^yH3&cF5*jD0(eG)uA_sXo-iVrMlKq",
    "DJANGO_ALLOWED_HOSTS": "kaiyihui.example.gov.cn",
    "DATABASE_URL": "sqlite:////tmp/kaiyihui-deploy-check.sqlite3",
    # Production refuses to start without a broker (the check does not connect to it).
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
}


def run_manage(*args, **env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_"))}
    clean.pop("DATABASE_URL", None)
    clean.update(env)
    # An empty .env stand-in: the checks must not depend on a developer's .env file.
    clean["DJANGO_READ_DOT_ENV"] = "false"
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_bad_boolean_stops_start_up_with_its_name():
    result = run_manage("check", DJANGO_DEBUG="maybe")
    assert result.returncode != 0
    assert "DJANGO_DEBUG='maybe' is not a boolean" in result.stderr


def test_a_missing_secret_with_debug_off_stops_start_up():
    result = run_manage("check", DJANGO_DEBUG="false", DJANGO_ALLOWED_HOSTS="example.org")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_production_settings_pass_the_deploy_check_without_warnings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_debug_defaults_to_off():
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.DEBUG)",
        DJANGO_SECRET_KEY="k" * 60,
        DJANGO_ALLOWED_HOSTS="example.org",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
    )
    assert result.stdout.strip().endswith("False"), result.stderr


# --- The suite's own settings (kaiyihui.settings_test) -------------------------------------

_SPY_ON_DOT_ENV = """
import environ
calls = []
environ.Env.read_env = classmethod(lambda cls, *args, **kwargs: calls.append(args))
{before}
import kaiyihui.settings_test as s
print(len(calls), s.DEBUG, s.CELERY_TASK_ALWAYS_EAGER, repr(s.CELERY_BROKER_URL))
"""


def run_settings_test(before="", **env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_"))}
    clean.pop("REDIS_URL", None)
    clean.update(env)
    result = subprocess.run(
        [sys.executable, "-c", _SPY_ON_DOT_ENV.format(before=before)],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_it_never_reads_a_dot_env_in_the_suite_settings():
    # Even when the environment asks for .env and says production: the suite's settings
    # are its own, not a developer's.
    calls, debug, eager, broker = run_settings_test(
        "import pytest", DJANGO_READ_DOT_ENV="true", DJANGO_DEBUG="false"
    )
    assert (calls, debug, eager, broker) == ("0", "True", "True", "''")


def test_it_runs_tasks_inline_in_the_suite_even_with_a_broker_exported():
    _, _, eager, broker = run_settings_test(
        "import pytest", CELERY_BROKER_URL="filesystem://localhost/"
    )
    assert (eager, broker) == ("True", "''")


def test_it_leaves_a_worker_started_by_a_test_its_broker():
    # No pytest imported: a worker process the suite starts with a broker in its env.
    _, _, eager, broker = run_settings_test(CELERY_BROKER_URL="redis://127.0.0.1:6379/15")
    assert (eager, broker) == ("False", "'redis://127.0.0.1:6379/15'")


def test_a_redis_cache_url_gives_every_worker_one_cache_and_cached_sessions():
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; "
        "print(settings.CACHES['default']['BACKEND'], settings.SESSION_ENGINE)",
        **PRODUCTION,
        CACHE_URL="redis://127.0.0.1:6379/2",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split() == [
        "django.core.cache.backends.redis.RedisCache",
        "django.contrib.sessions.backends.cached_db",
    ]


def test_without_a_cache_url_sessions_stay_in_the_database_only():
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; "
        "print(settings.CACHES['default']['BACKEND'], settings.SESSION_ENGINE)",
        **PRODUCTION,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split() == [
        "django.core.cache.backends.locmem.LocMemCache",
        "django.contrib.sessions.backends.db",
    ]


def test_a_cache_url_of_another_kind_stops_start_up():
    result = run_manage("check", **PRODUCTION, CACHE_URL="memcached://127.0.0.1:11211")
    assert result.returncode != 0
    assert "only redis:// is supported" in result.stderr
