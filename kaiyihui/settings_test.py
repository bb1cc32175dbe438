"""Settings for the test suite (pyproject's DJANGO_SETTINGS_MODULE): kaiyihui.settings,
with tasks inline unless the real environment names a broker.

`make run`'s .env sets CELERY_BROKER_URL=filesystem://, and settings.py reads .env; the
suite must not need a worker nor queue its tasks in var/celery, so a broker that only
.env names is dropped here. Tests that want a broker set CELERY_BROKER_URL in the
environment of the process they start (tests/kaiyihui/test_worker_kill.py), or point the
app at one for a moment (tests/kaiyihui/brokers.py).
"""

import os

_BROKER_IN_ENVIRONMENT = bool(os.environ.get("CELERY_BROKER_URL") or os.environ.get("REDIS_URL"))

from kaiyihui.settings import *  # noqa: E402, F403

if not _BROKER_IN_ENVIRONMENT:
    CELERY_BROKER_URL = ""
    CELERY_TASK_ALWAYS_EAGER = True
    CELERY_RESULT_BACKEND = None
    CELERY_BROKER_TRANSPORT_OPTIONS = {  # noqa: F405
        "visibility_timeout": CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]  # noqa: F405
    }
    # Reading .env copied its broker into os.environ; processes a test starts with this
    # environment would pick it up again.
    os.environ.pop("CELERY_BROKER_URL", None)
