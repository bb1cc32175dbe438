"""Settings for the test suite (pyproject's DJANGO_SETTINGS_MODULE): kaiyihui.settings
as the suite was written for, whatever a developer's .env says.

- .env is never read (DJANGO_READ_DOT_ENV forced off before settings.py runs, since it
  reads .env at import): `make run`'s .env names a filesystem broker, and any other line
  a developer adds there (DJANGO_DEBUG, EMAIL_URL, ...) would change what the suite does.
- DEBUG-derived defaults are those of .env.example (DJANGO_DEBUG=true), set here rather
  than read from a file; pytest-django still runs the tests themselves with DEBUG off.
- DATABASE_URL comes from the real environment, so CI's PostgreSQL still applies.
- Tasks run inline in the pytest process, even when the shell exports a broker. The
  processes a test starts (a Celery worker in tests/kaiyihui/test_worker_kill.py) inherit
  this module and get their broker from the environment the test gives them; tests that
  want a broker in-process point the app at one for a moment (tests/kaiyihui/brokers.py).
"""

import os
import sys

os.environ["DJANGO_READ_DOT_ENV"] = "false"
os.environ["DJANGO_DEBUG"] = "true"

# The pytest process itself; a worker it starts does not import pytest.
_IN_THE_SUITE = "pytest" in sys.modules
_BROKER_IN_ENVIRONMENT = bool(os.environ.get("CELERY_BROKER_URL") or os.environ.get("REDIS_URL"))

from kaiyihui.settings import *  # noqa: E402, F403

if _IN_THE_SUITE or not _BROKER_IN_ENVIRONMENT:
    CELERY_BROKER_URL = ""
    CELERY_TASK_ALWAYS_EAGER = True
    CELERY_RESULT_BACKEND = None
    CELERY_BROKER_TRANSPORT_OPTIONS = {  # noqa: F405
        "visibility_timeout": CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]  # noqa: F405
    }
