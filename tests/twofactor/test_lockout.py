"""Issue 13, item 2: the login lock-out is keyed by user name *and* the real client
address behind the production proxy, so that one person cannot lock everyone out; the
lock-out page states the configured time and links back to the login."""

from datetime import timedelta

import pytest
from django.test import RequestFactory

from core.clientip import client_ip
from tests.twofactor.conftest import sign_in

PROXY = "10.0.0.2"


def fail(client, user, times=5, **extra):
    for _ in range(times):
        client.post("/accounts/login/", {"username": user.username, "password": "wrong"}, **extra)


def test_it_locks_only_that_user_name_from_that_address(client, tenant):
    fail(client, tenant.leader, REMOTE_ADDR="203.0.113.7")
    assert sign_in(client, tenant.leader, REMOTE_ADDR="203.0.113.7").status_code == 429
    # The same user from elsewhere, and another user from the same address, sign in.
    assert sign_in(client, tenant.leader, REMOTE_ADDR="198.51.100.9").status_code == 302
    client.logout()
    assert sign_in(client, tenant.evaluator, REMOTE_ADDR="203.0.113.7").status_code == 302


def test_behind_the_proxy_it_keys_on_the_client_not_on_the_proxy(client, tenant, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    attacker = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "203.0.113.7"}
    colleague = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "198.51.100.9"}
    fail(client, tenant.street_admin, **attacker)
    assert sign_in(client, tenant.street_admin, **attacker).status_code == 429
    assert sign_in(client, tenant.street_admin, **colleague).status_code == 302


def test_an_address_written_by_the_client_is_ignored_without_a_trusted_proxy(client, tenant):
    # Default: no proxy trusted. Changing X-Forwarded-For on each try does not escape.
    for n in range(5):
        client.post(
            "/accounts/login/",
            {"username": tenant.leader.username, "password": "wrong"},
            REMOTE_ADDR="203.0.113.7",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}",
        )
    response = sign_in(
        client, tenant.leader, REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="192.0.2.99"
    )
    assert response.status_code == 429


def test_behind_the_proxy_only_the_entry_the_proxy_wrote_counts(client, tenant, settings):
    # nginx appends the address it saw; whatever the client sent stands to its left.
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(5):
        client.post(
            "/accounts/login/",
            {"username": tenant.leader.username, "password": "wrong"},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.7",
        )
    response = sign_in(
        client, tenant.leader, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="192.0.2.99, 203.0.113.7"
    )
    assert response.status_code == 429


def test_the_lock_out_page_states_the_configured_time_and_links_to_the_login(
    client, tenant, settings
):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = timedelta(minutes=30)
    fail(client, tenant.leader, times=3)
    response = sign_in(client, tenant.leader)
    body = response.content.decode()
    assert response.status_code == 429
    assert "密码连续错误 3 次后，该用户名在此地址被锁定 30 分钟" in body
    assert 'href="/accounts/login/"' in body


def test_the_login_page_states_the_configured_lock_out(client, db, settings):
    settings.AXES_FAILURE_LIMIT = 7
    settings.AXES_COOLOFF_TIME = timedelta(minutes=20)
    body = client.get("/accounts/login/").content.decode()
    assert "密码连续错误 7 次后，该用户名在该地址被锁定 20 分钟" in body


@pytest.mark.parametrize(
    ("trusted", "forwarded", "expected"),
    [
        (0, "192.0.2.1", "203.0.113.7"),  # header ignored: no proxy trusted
        (1, "", "203.0.113.7"),  # no header: the request did not pass the proxy
        (1, "192.0.2.1", "192.0.2.1"),
        (1, "192.0.2.66, 192.0.2.1", "192.0.2.1"),  # the client's own entry is ignored
        (2, "192.0.2.1, 10.1.1.1", "192.0.2.1"),  # load balancer, then nginx
        (2, "10.1.1.1", "203.0.113.7"),  # fewer hops than proxies: not trusted
        (1, "not-an-address", "203.0.113.7"),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_it_reads_the_client_address(settings, trusted, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = trusted
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected
