from unittest import mock

from django.urls import reverse


def test_it_answers_200_with_the_database_up_and_no_broker(client, db):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "broker": "inline"}}


def test_it_answers_503_when_the_broker_is_unreachable(client, db, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["checks"]["broker"].startswith("broker:")


def test_it_answers_200_when_a_configured_broker_answers(client, db, settings):
    from tests.kaiyihui.test_celery import REDIS_URL, redis_available

    if not redis_available():
        import pytest

        pytest.skip("no Redis here")
    settings.CELERY_BROKER_URL = REDIS_URL
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json()["checks"]["broker"] == "ok"


def test_it_answers_503_when_the_database_fails(client, db):
    with mock.patch("core.health.connection.cursor", side_effect=RuntimeError("down")):
        response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "database: RuntimeError"


def test_it_answers_on_any_host_name_for_internal_probes(client, db, settings):
    settings.ALLOWED_HOSTS = ["kaiyihui.example.gov.cn"]
    response = client.get("/healthz", HTTP_HOST="10.0.0.5:8000")
    assert response.status_code == 200
