"""Issue 13, item 2: two-factor sign-in for staff — required for superusers and street
staff, optional for the others; set up with a QR code; recovery codes; the admin too."""

import re

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEntry
from kaiyihui import settings as production_settings
from tests.factories import UserFactory
from tests.twofactor.conftest import code_for, sign_in
from twofactor.checks import check_two_factor_settings
from twofactor.services import authenticator_confirm, authenticator_start
from twofactor.testing import force_login_as_required, force_login_verified

SETUP = "/accounts/two-factor/setup/"
VERIFY = "/accounts/two-factor/verify/"
MANAGE = "/accounts/two-factor/"
CODES = "/accounts/two-factor/recovery-codes/"
STEP = 60  # seconds: two time steps, so the authenticator shows a fresh code


@pytest.fixture(autouse=True)
def clock():
    """A stopped clock for each test (codes depend on the time); ``clock.shift(STEP)``
    moves on to the next code. Sessions are saved in this time too, so they stay valid."""
    with time_machine.travel("2026-11-28 09:00:00 +0800", tick=False) as traveller:
        yield traveller


def enrolled(user, clock) -> tuple[TOTPDevice, list[str]]:
    """A user who set up an authenticator (as through the set-up page) a step ago."""
    device = authenticator_start(user=user)
    codes = authenticator_confirm(device=device, token=code_for(device), actor=user)
    device.refresh_from_db()
    clock.shift(STEP)
    return device, codes


def test_the_production_rule_requires_superusers_and_street_staff():
    assert production_settings.KAIYIHUI_REQUIRE_2FA_ROLES == ("superuser", "street_admin")


def test_it_sends_a_street_admin_without_an_authenticator_to_set_up_after_the_password(
    client, tenant, two_factor_required
):
    response = sign_in(client, tenant.street_admin)
    assert response.status_code == 302
    following = client.get(response.url)
    assert following.status_code == 302
    assert following.url.startswith(SETUP)
    body = client.get(following.url).content.decode()
    assert "设置两步验证" in body
    assert "必须使用两步验证" in body


@pytest.mark.parametrize("path", ["/admin/", "/admin/incubation/organization/", "/dashboard/", "/"])
def test_it_keeps_a_street_admin_without_a_second_factor_out_of_every_page(
    client, tenant, two_factor_required, path
):
    client.force_login(tenant.street_admin)
    response = client.get(path)
    assert response.status_code == 302
    assert response.url == f"{SETUP}?next={path.replace('/', '%2F')}"


def test_it_requires_it_of_a_superuser_too(client, db, two_factor_required):
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(root)
    assert client.get("/admin/").url.startswith(SETUP)


def test_a_leader_is_not_asked_but_may_turn_it_on(client, tenant, two_factor_required):
    client.force_login(tenant.leader)
    assert client.get("/").status_code == 200
    body = client.get(MANAGE).content.decode()
    assert "两步验证未开启" in body
    assert SETUP in body


def test_it_turns_on_with_a_code_from_the_app_and_shows_ten_recovery_codes_once(
    client, tenant, two_factor_required
):
    admin = tenant.street_admin
    client.force_login(admin)
    page = client.get(SETUP, {"next": "/admin/"})
    body = page.content.decode()
    # The QR code is an inline SVG image (the CSP allows data: images, no script).
    assert re.search(r'<img src="data:image/svg\+xml', body)
    # No script draws it: the only scripts are the site's shared static files.
    scripts = re.findall(r"<script[^>]*>", body)
    assert all('src="/static/js/' in tag for tag in scripts), scripts
    assert "qr" not in " ".join(scripts).lower()
    device = TOTPDevice.objects.get(user=admin, confirmed=False)
    key = re.search(r'<code id="totp-key">([A-Z2-7 ]+)</code>', body).group(1)
    assert len(key.replace(" ", "")) == 32
    # The same key on a reload, until confirmed.
    assert key in client.get(SETUP).content.decode()
    response = client.post(SETUP, {"code": code_for(device), "next": "/admin/"})
    assert response.status_code == 302
    assert response.url.startswith(CODES)
    shown = client.get(response.url).content.decode()
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", shown)
    assert len(codes) == 10
    assert set(codes) == set(
        StaticToken.objects.filter(device__user=admin).values_list("token", flat=True)
    )
    assert 'href="/admin/"' in shown
    # Shown once: a second visit has nothing to show.
    assert client.get(CODES).status_code == 302
    # The session is verified: the admin opens.
    assert client.get("/admin/").status_code == 200
    entry = AuditEntry.objects.filter(object_pk=str(admin.pk), model="user").latest("pk")
    assert entry.changes == {"two_factor": ["off", "on"]}


def test_a_wrong_set_up_code_is_refused_in_chinese(client, tenant, two_factor_required):
    client.force_login(tenant.street_admin)
    client.get(SETUP)
    response = client.post(SETUP, {"code": "000000"})
    assert "验证码 000000 与验证器当前显示的不一致" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=tenant.street_admin, confirmed=True).exists()
    assert client.get("/admin/").status_code == 302


def test_it_asks_for_the_code_after_the_password_and_then_goes_on(
    client, tenant, two_factor_required, clock
):
    device, _codes = enrolled(tenant.street_admin, clock)
    response = sign_in(client, tenant.street_admin, **{"QUERY_STRING": "next=/admin/"})
    response = client.get(response.url)
    assert response.url == f"{VERIFY}?next=%2Fadmin%2F"
    assert "输入登录验证码" in client.get(response.url).content.decode()
    wrong = client.post(VERIFY, {"code": "123456", "next": "/admin/"})
    assert "验证码 123456 错误或已使用过" in wrong.content.decode()
    # A wrong code costs a wait of a second (django-otp's throttling), then:
    clock.shift(2)
    right = client.post(VERIFY, {"code": code_for(device), "next": "/admin/"})
    assert right.status_code == 302
    assert right.url == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_it_throttles_repeated_wrong_codes(client, tenant, two_factor_required, clock):
    device, _codes = enrolled(tenant.street_admin, clock)
    client.force_login(tenant.street_admin)
    client.post(VERIFY, {"code": "111111"})
    response = client.post(VERIFY, {"code": code_for(device)})
    assert "验证码错误次数过多" in response.content.decode()
    assert client.get("/admin/").status_code == 302


def test_a_recovery_code_signs_in_once(client, tenant, two_factor_required, clock):
    _device, codes = enrolled(tenant.street_admin, clock)
    client.force_login(tenant.street_admin)
    response = client.post(VERIFY, {"code": codes[0].upper(), "next": "/admin/"}, follow=True)
    assert response.redirect_chain[-1][0] == "/admin/"
    assert "还剩 9 个" in response.content.decode()
    client.logout()
    client.force_login(tenant.street_admin)
    reused = client.post(VERIFY, {"code": codes[0]})
    assert "错误或已使用过" in reused.content.decode()


def test_an_unverified_session_cannot_replace_the_authenticator(
    client, tenant, two_factor_required, clock
):
    enrolled(tenant.street_admin, clock)
    client.force_login(tenant.street_admin)
    response = client.get(SETUP)
    assert response.url.startswith(VERIFY)
    assert client.post(SETUP, {"code": "123456"}).url.startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=tenant.street_admin).count() == 1


def test_a_leader_with_an_authenticator_is_asked_for_the_code(client, tenant, clock):
    # Optional for leaders (not required here), but once on it is asked every time.
    enrolled(tenant.leader, clock)
    sign_in(client, tenant.leader)
    assert client.get("/").url.startswith(VERIFY)


def test_signing_out_and_switching_language_stay_open_while_a_code_is_owed(
    client, tenant, two_factor_required
):
    client.force_login(tenant.street_admin)
    assert client.post(reverse("set_language"), {"language": "en"}).status_code == 302
    assert client.post(reverse("logout")).url == reverse("login")
    # "/" is the public board once signed out; a signed-in page sends to the sign-in.
    assert client.get(reverse("incubation:organizations")).url.startswith(reverse("login"))


def test_next_never_leads_off_site(client, tenant, two_factor_required, clock):
    device, _codes = enrolled(tenant.street_admin, clock)
    client.force_login(tenant.street_admin)
    response = client.post(VERIFY, {"code": code_for(device), "next": "https://evil.example/"})
    assert response.url == "/"


def test_a_street_admin_cannot_turn_it_off(client, tenant, two_factor_required):
    force_login_verified(client, tenant.street_admin)
    page = client.get(MANAGE).content.decode()
    assert "不能关闭" in page
    assert "/accounts/two-factor/turn-off/" not in page
    client.post("/accounts/two-factor/turn-off/")
    assert TOTPDevice.objects.filter(user=tenant.street_admin, confirmed=True).exists()


def test_a_leader_may_turn_it_off(client, tenant, two_factor_required):
    force_login_verified(client, tenant.leader)
    response = client.post("/accounts/two-factor/turn-off/", follow=True)
    assert "已关闭两步验证" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=tenant.leader).exists()
    assert client.get("/").status_code == 200
    entry = AuditEntry.objects.filter(object_pk=str(tenant.leader.pk), model="user").latest("pk")
    assert entry.changes == {"two_factor": ["on", "off"]}


def test_new_recovery_codes_replace_the_old_ones(client, tenant, two_factor_required, clock):
    _device, old = enrolled(tenant.street_admin, clock)
    force_login_verified(client, tenant.street_admin)
    assert "剩余恢复码：10 个" in client.get(MANAGE).content.decode()
    response = client.post("/accounts/two-factor/recovery-codes/new/")
    new = re.findall(
        r"<li><code>([a-z2-7]{8})</code></li>", client.get(response.url).content.decode()
    )
    assert len(new) == 10
    left = set(
        StaticToken.objects.filter(device__user=tenant.street_admin).values_list("token", flat=True)
    )
    assert left == set(new)
    assert not left & set(old)


def test_moving_to_a_new_phone_replaces_the_authenticator(
    client, tenant, two_factor_required, clock
):
    old, _codes = enrolled(tenant.street_admin, clock)
    force_login_verified(client, tenant.street_admin)
    client.get(SETUP)
    pending = TOTPDevice.objects.get(user=tenant.street_admin, confirmed=False)
    client.post(SETUP, {"code": code_for(pending)})
    assert list(TOTPDevice.objects.filter(user=tenant.street_admin)) == [pending]
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()


def test_an_operator_resets_a_lost_second_factor(
    client, tenant, two_factor_required, capsys, clock
):
    enrolled(tenant.street_admin, clock)
    client.force_login(tenant.street_admin)
    assert client.get("/").url.startswith(VERIFY)
    call_command("twofactor_reset", tenant.street_admin.username)
    assert "已重置" in capsys.readouterr().out
    assert not TOTPDevice.objects.filter(user=tenant.street_admin).exists()
    # The session that owed a code is now sent to set up a new authenticator.
    response = client.get(VERIFY)
    assert response.url.startswith(SETUP)


def test_the_device_admins_are_not_registered(client, db):
    from django.contrib import admin
    from django_otp.plugins.otp_static.models import StaticDevice

    assert not admin.site.is_registered(TOTPDevice)
    assert not admin.site.is_registered(StaticDevice)


def test_a_typo_in_the_required_roles_stops_start_up(settings):
    settings.KAIYIHUI_REQUIRE_2FA_ROLES = ("superuser", "street_admins")
    assert [error.id for error in check_two_factor_settings()] == ["twofactor.E001"]


def test_a_missing_middleware_stops_start_up(settings):
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if "TwoFactor" not in m]
    assert [error.id for error in check_two_factor_settings()] == ["twofactor.E002"]


def test_a_session_from_before_two_factor_is_held_on_its_next_request(
    client, tenant, two_factor_required
):
    # A session signed in before this release has no state yet: it is worked out.
    client.force_login(tenant.street_admin)
    session = client.session
    del session["twofactor_state"]
    session.save()
    assert client.get("/admin/").url.startswith(SETUP)


def test_benchmarks_sign_street_staff_in_as_after_the_code(client, tenant, two_factor_required):
    force_login_as_required(client, tenant.street_admin)
    assert client.get("/admin/").status_code == 200
    other = Client()
    force_login_as_required(other, tenant.leader)
    assert not TOTPDevice.objects.filter(user=tenant.leader).exists()
    assert other.get("/").status_code == 200
