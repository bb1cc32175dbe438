"""Security headers, redirects and sessions: the checks issue 8 names that concern every
page rather than one app."""

import datetime

import pytest
import time_machine
from axes.models import AccessLog
from django.urls import reverse


def _policy(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.mark.parametrize("url", ["/accounts/login/", "/admin/login/"])
def test_every_page_has_a_policy_without_inline_scripts(client, db, url):
    policy = _policy(client.get(url))
    assert policy["script-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]


def test_logged_in_pages_carry_the_policy_too(client, tenant):
    client.force_login(tenant.street_admin)
    for url in ("/", "/dashboard/", "/admin/"):
        assert "'unsafe-inline'" not in _policy(client.get(url))["script-src"]


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "http://testserver.evil.example/"]
)
def test_login_never_redirects_off_site(client, tenant, target):
    tenant.leader.set_password("pw-123456")
    tenant.leader.save()
    response = client.post(
        f"/accounts/login/?next={target}",
        {"username": tenant.leader.username, "password": "pw-123456", "next": target},
    )
    assert response.status_code == 302
    assert "evil" not in response.url


def test_a_login_is_recorded(client, tenant):
    tenant.leader.set_password("pw-123456")
    tenant.leader.save()
    client.post(reverse("login"), {"username": tenant.leader.username, "password": "pw-123456"})
    assert AccessLog.objects.filter(username=tenant.leader.username).count() == 1


def test_a_session_expires(client, tenant, settings):
    with time_machine.travel(datetime.datetime(2026, 11, 28, 9, tzinfo=datetime.UTC), tick=False):
        client.force_login(tenant.leader)
        # "/" is the public board for everyone; the organization list needs a live session.
        assert client.get(reverse("incubation:organizations")).status_code == 200
    later = datetime.datetime(2026, 11, 28, 9, tzinfo=datetime.UTC) + datetime.timedelta(
        seconds=settings.SESSION_COOKIE_AGE + 60
    )
    with time_machine.travel(later, tick=False):
        response = client.get(reverse("incubation:organizations"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
