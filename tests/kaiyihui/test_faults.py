"""Faults: the broker unreachable and a database connection dropped under the platform.

"Redis stopped" is a broker URL on a closed port: to the platform the two are the same
(connection refused), and the shared Redis of the CI machine keeps running for the other
tests.
"""

import datetime
import json

import psycopg
import pytest
from django.core import mail
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from incubation.services import organization_change_stage
from incubation.workflows import Stage
from jobs.models import Job, JobStatus
from jobs.runners import RUNNERS, register_runner
from jobs.services import job_requeue_waiting, job_start
from kaiyihui.celery import app
from notifications.models import Notification
from notifications.services import notifications_email_pending, notify
from tests.incubation.test_lifecycle import tenant_org
from tests.kaiyihui.brokers import broker

CLOSED_PORT_BROKER = "redis://127.0.0.1:1/0"


@pytest.fixture
def redis_down(settings):
    settings.CELERY_BROKER_URL = CLOSED_PORT_BROKER
    with broker(CLOSED_PORT_BROKER):
        yield


def test_pages_still_load_and_health_says_why(client, tenant, redis_down):
    client.force_login(tenant.street_admin)
    assert client.get("/").status_code == 200
    assert client.get("/dashboard/").status_code == 200
    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.json()["checks"]["database"] == "ok"


def test_a_stage_change_announces_itself_inline(
    tenant, redis_down, django_capture_on_commit_callbacks
):
    org = tenant_org(tenant, Stage.REGISTRATION)
    org.leader_accounts.add(tenant.leader)
    with django_capture_on_commit_callbacks(execute=True):
        organization_change_stage(
            organization=org, to_stage=Stage.ONBOARDING, actor=tenant.street_admin
        )
    assert Notification.objects.filter(recipient=tenant.leader, kind="stage_changed").exists()


def test_an_email_waits_for_the_broker_and_is_sent_once_it_is_back(
    tenant, django_capture_on_commit_callbacks, settings, request
):
    tenant.leader.email = "leader@example.org"
    tenant.leader.save()
    request.getfixturevalue("redis_down")
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(recipient=tenant.leader, kind="general", key="k", title="通知")
    notification.refresh_from_db()
    assert notification.emailed_at is None
    assert mail.outbox == []
    # The broker is back (inline again here); the sweep sends what was kept, once.
    app.conf.update(task_always_eager=True)
    later = timezone.now() + datetime.timedelta(minutes=10)
    assert notifications_email_pending(later) == 1
    assert notifications_email_pending(later) == 0
    assert len(mail.outbox) == 1


def test_a_job_is_kept_and_the_user_told(
    client, tenant, redis_down, django_capture_on_commit_callbacks
):
    @register_runner("test.fault", "Fault")
    def run(job, progress):
        return "r.txt", b"ok"

    try:
        with django_capture_on_commit_callbacks(execute=True):
            job = job_start(
                kind="test.fault", actor=tenant.street_admin, street=tenant.street, title="t"
            )
        job.refresh_from_db()
        assert job.status == JobStatus.QUEUED
        client.force_login(tenant.street_admin)
        page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
        assert "任务队列暂时无法连接" in page or "not reachable" in page
        app.conf.update(task_always_eager=True)
        assert job_requeue_waiting(timezone.now() + datetime.timedelta(minutes=5)) == 1
        assert Job.objects.get(pk=job.pk).status == JobStatus.DONE
    finally:
        RUNNERS.pop("test.fault")


@pytest.mark.django_db(transaction=True)
def test_a_dropped_database_connection_is_replaced_without_manual_action():
    """The server's persistent connection is cut, as a PostgreSQL restart does; the next
    request checks it (CONN_HEALTH_CHECKS), opens a new one and answers. Requests go
    through Django's WSGI handler in this thread, as in a gunicorn worker (the test client
    would skip the request-start connection check)."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (CI runs it)")
    assert connection.settings_dict["CONN_HEALTH_CHECKS"]
    assert _healthz()["checks"]["database"] == "ok"
    old = connection.connection.info.backend_pid
    settings_dict = connection.settings_dict
    with psycopg.connect(
        host=settings_dict["HOST"] or "127.0.0.1",
        port=settings_dict["PORT"] or 5432,
        user=settings_dict["USER"],
        password=settings_dict["PASSWORD"] or None,
        dbname=settings_dict["NAME"],
        autocommit=True,
    ) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [old])
    assert _healthz()["checks"]["database"] == "ok"
    assert connection.connection.info.backend_pid != old


def _healthz() -> dict:
    environ = RequestFactory().get("/healthz").environ
    statuses = []
    response = WSGIHandler()(environ, lambda status, headers: statuses.append(status))
    try:
        return json.loads(b"".join(response))
    finally:
        response.close()  # request_finished, as a real server sends it
