"""The Celery app. Settings come from Django settings under the ``CELERY_`` namespace;
with no broker configured, tasks run inline (see kaiyihui.settings)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaiyihui.settings")

app = Celery("kaiyihui")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
