"""Issue 14, item 2: the street's staff look after the accounts of their street from
/accounts/staff/ — list, create, deactivate / reactivate, hand over a password (one-time
link or temporary password that must be changed), unlock after failed sign-ins, reset the
second factor — never for an account with more power than theirs (404 like a missing id,
database unchanged). And every user with an address resets their password by e-mail.
"""

import re

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from accounts.roles import Role
from audit.models import AuditEntry
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests-1"
NEW_PASSWORD = "Xq7-lantern-harbor"


@pytest.fixture
def staff(client, tenant):
    client.force_login(tenant.street_admin)
    return client


def _url(name, user):
    return reverse(f"accounts:{name}", kwargs={"pk": user.pk})


def _state(user):
    user.refresh_from_db()
    return (user.password, user.is_active, user.must_change_password)


def _fail_login(client, username, times):
    for _ in range(times):
        client.post(reverse("login"), {"username": username, "password": "wrong-password"})


def _beyond_power(tenant, outsider_tenant):
    """Accounts a's street admin may not manage: a superuser of a's street, and each
    account of another street."""
    return {
        "superuser": UserFactory(username="root-a", is_superuser=True, street=tenant.street),
        "other street leader": outsider_tenant.leader,
        "other street admin": outsider_tenant.street_admin,
    }


# --- The list ------------------------------------------------------------------------------


def test_it_lists_the_accounts_of_the_street_with_their_state(staff, tenant, outsider_tenant):
    TOTPDevice.objects.create(user=tenant.leader, name="authenticator", confirmed=True)
    UserFactory(username="root-a", is_superuser=True, street=tenant.street)

    response = staff.get(reverse("accounts:care"))

    assert response.status_code == 200
    listed = {account.username for account, _roles in response.context["rows"]}
    assert {"a-leader", "a-staff", "a-expert", "a-party", "a-admin"} <= listed
    assert "root-a" not in listed
    assert not any(name.startswith("b-") for name in listed)
    page = response.content.decode()
    assert "组织负责人" in page  # the role in Chinese
    assert tenant.org.name in page  # the organization the leader runs
    row = next(a for a, _r in response.context["rows"] if a.username == "a-leader")
    assert row.has_two_factor and not row.is_locked


def test_it_searches_by_name_or_user_name(staff, tenant):
    response = staff.get(reverse("accounts:care"), {"q": "leader"})

    assert [a.username for a, _r in response.context["rows"]] == ["a-leader"]


@pytest.mark.parametrize("role", ["community_staff", "leader", "evaluator", "party_worker"])
def test_it_refuses_the_page_to_other_roles(client, tenant, role):
    client.force_login(getattr(tenant, role))

    assert client.get(reverse("accounts:care")).status_code == 403
    assert client.get(_url("care_detail", tenant.leader)).status_code == 404


def test_it_lists_in_a_constant_number_of_queries(staff, tenant, count_queries):
    def measure():
        with count_queries() as counter:
            response = staff.get(reverse("accounts:care"))
        assert response.status_code == 200
        return counter

    few = measure()
    for i in range(8):
        user = UserFactory(username=f"a-more{i}", role=Role.ORG_LEADER, street=tenant.street)
        tenant.org.leader_accounts.add(user)
        TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    many = measure()

    assert many.count == few.count, many.dump()


# --- Create ----------------------------------------------------------------------------------


def test_it_creates_a_leader_of_an_organization_of_the_street(staff, tenant):
    response = staff.post(
        reverse("accounts:care_create"),
        {
            "username": "a-newleader",
            "full_name": "新负责人",
            "email": "new@example.cn",
            "role": Role.ORG_LEADER,
            "organization": tenant.org.pk,
        },
    )

    user = User.objects.get(username="a-newleader")
    assert response.status_code == 302 and response.url == _url("care_detail", user)
    assert user.street == tenant.street
    assert set(user.groups.values_list("name", flat=True)) == {Role.ORG_LEADER}
    assert list(user.led_organizations.all()) == [tenant.org]
    assert not user.has_usable_password()  # staff hand a password over next


def test_it_creates_community_staff_only_with_a_community_of_the_street(
    staff, tenant, outsider_tenant
):
    data = {"username": "a-newstaff", "role": Role.COMMUNITY_STAFF}

    missing = staff.post(reverse("accounts:care_create"), data)
    other = staff.post(
        reverse("accounts:care_create"), {**data, "community": outsider_tenant.community.pk}
    )
    assert missing.status_code == other.status_code == 200
    assert not User.objects.filter(username="a-newstaff").exists()

    staff.post(reverse("accounts:care_create"), {**data, "community": tenant.community.pk})
    user = User.objects.get(username="a-newstaff")
    assert (user.street, user.community, user.is_staff) == (tenant.street, tenant.community, True)


def test_it_refuses_to_link_an_organization_of_another_street(staff, outsider_tenant):
    response = staff.post(
        reverse("accounts:care_create"),
        {"username": "a-x", "role": Role.ORG_LEADER, "organization": outsider_tenant.org.pk},
    )

    assert response.status_code == 200
    assert "organization" in response.context["form"].errors
    assert not User.objects.filter(username="a-x").exists()


def test_it_offers_only_the_roles_the_actor_may_grant(staff):
    response = staff.get(reverse("accounts:care_create"))

    offered = {code for code, _label in response.context["form"].fields["role"].choices}
    assert offered == set(Role.values)
    assert "street" not in response.context["form"].fields  # fixed to the actor's


# --- Deactivate and reactivate ---------------------------------------------------------------


def test_it_deactivates_and_reactivates_after_confirmation(staff, tenant):
    leader = tenant.leader
    unconfirmed = staff.post(_url("care_set_active", leader), {"active": "0"})
    assert unconfirmed.status_code == 302
    assert _state(leader)[1] is True

    staff.post(_url("care_set_active", leader), {"active": "0", "confirm": "yes"})
    assert _state(leader)[1] is False
    staff.post(_url("care_set_active", leader), {"active": "1", "confirm": "yes"})
    assert _state(leader)[1] is True
    changes = AuditEntry.objects.filter(object_pk=str(leader.pk)).values_list("changes", flat=True)
    assert {"account_care": "deactivated"} in list(changes)


def test_it_does_not_let_staff_deactivate_themselves(staff, tenant):
    admin = tenant.street_admin
    response = staff.post(_url("care_set_active", admin), {"active": "0", "confirm": "yes"})

    assert response.status_code == 302
    assert _state(admin)[1] is True


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("care_detail", None),
        ("care_set_active", {"active": "0", "confirm": "yes"}),
        ("care_reset_password", {"mode": "temporary"}),
        ("care_reset_password", {"mode": "link"}),
        ("care_unlock", {}),
        ("care_reset_2fa", {}),
    ],
)
def test_it_answers_an_account_beyond_power_as_a_missing_one(
    staff, tenant, outsider_tenant, name, data
):
    targets = _beyond_power(tenant, outsider_tenant)
    for target in targets.values():
        TOTPDevice.objects.create(user=target, name="authenticator", confirmed=True)
        AccessAttempt.objects.create(
            username=target.username, ip_address="10.0.0.9", failures_since_start=5
        )
    before = {label: _state(user) for label, user in targets.items()}

    missing = User(pk=2_000_000_000)
    send = staff.get if data is None else staff.post
    assert send(_url(name, missing), data).status_code == 404
    for label, target in targets.items():
        assert send(_url(name, target), data).status_code == 404, label

    assert {label: _state(user) for label, user in targets.items()} == before
    assert TOTPDevice.objects.filter(user__in=targets.values()).count() == len(targets)
    assert AccessAttempt.objects.count() == len(targets)


def test_it_answers_get_on_an_action_with_405(staff, tenant):
    leader = tenant.leader
    for name in ("care_set_active", "care_reset_password", "care_unlock", "care_reset_2fa"):
        assert staff.get(_url(name, leader)).status_code == 405


def test_a_superuser_manages_every_account(client, tenant, outsider_tenant):
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(root)

    listed = {a.username for a, _r in client.get(reverse("accounts:care")).context["rows"]}
    assert {"root", "a-admin", "b-admin"} <= listed
    client.post(
        _url("care_set_active", outsider_tenant.street_admin), {"active": "0", "confirm": "yes"}
    )
    assert _state(outsider_tenant.street_admin)[1] is False


# --- Password handover -------------------------------------------------------------------------


def test_it_hands_over_a_one_time_link_that_sets_a_new_password(staff, client, tenant):
    leader = tenant.leader
    response = staff.post(_url("care_reset_password", leader), {"mode": "link"})

    assert response.status_code == 200
    link = response.context["link"]
    assert link.startswith("http://testserver/accounts/password/reset/")
    assert _state(leader)[0] == User.objects.get(pk=leader.pk).password  # unchanged yet

    staff.logout()
    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"]
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    leader.refresh_from_db()
    assert leader.check_password(NEW_PASSWORD)
    assert client.get(link, follow=True).context["validlink"] is False  # used once


def test_it_sets_a_temporary_password_that_must_be_changed_at_first_login(staff, client, tenant):
    leader = tenant.leader
    response = staff.post(_url("care_reset_password", leader), {"mode": "temporary"})

    password = response.context["password"]
    assert password in response.content.decode()
    assert "仅显示这一次" in response.content.decode()
    leader.refresh_from_db()
    assert leader.must_change_password and leader.check_password(password)

    staff.logout()
    client.post(reverse("login"), {"username": leader.username, "password": password})
    held = client.get(reverse("incubation:organizations"))
    assert held.status_code == 302 and held.url == reverse("password_change")
    assert client.get(reverse("password_change")).status_code == 200

    client.post(
        reverse("password_change"),
        {
            "old_password": password,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    leader.refresh_from_db()
    assert not leader.must_change_password and leader.check_password(NEW_PASSWORD)
    assert client.get(reverse("incubation:organizations")).status_code == 200


def test_it_refuses_a_password_handover_for_a_deactivated_account_link(staff, tenant):
    leader = tenant.leader
    leader.is_active = False
    leader.save()

    response = staff.post(_url("care_reset_password", leader), {"mode": "link"})

    assert response.status_code == 302  # back to the account, with the reason


# --- Unlock and two-factor -----------------------------------------------------------------------


def test_it_unlocks_an_account_locked_after_five_failures(staff, client, tenant, settings):
    settings.AXES_FAILURE_LIMIT = 5
    leader = tenant.leader
    staff.logout()
    _fail_login(client, leader.username, 5)
    locked = client.post(reverse("login"), {"username": leader.username, "password": PASSWORD})
    assert locked.status_code == 429

    client.force_login(tenant.street_admin)
    rows = client.get(reverse("accounts:care")).context["rows"]
    assert next(a for a, _r in rows if a.pk == leader.pk).is_locked
    assert client.post(_url("care_unlock", leader)).status_code == 302
    assert not AccessAttempt.objects.filter(username=leader.username).exists()
    client.logout()

    signed_in = client.post(reverse("login"), {"username": leader.username, "password": PASSWORD})
    assert signed_in.status_code == 302


def test_it_resets_two_factor_of_an_account_in_power(staff, tenant):
    TOTPDevice.objects.create(user=tenant.community_staff, name="authenticator", confirmed=True)

    staff.post(_url("care_reset_2fa", tenant.community_staff))

    assert not TOTPDevice.objects.filter(user=tenant.community_staff).exists()


# --- Self-service reset by e-mail ---------------------------------------------------------------


def test_it_mails_a_working_reset_link_to_a_known_address(client, tenant):
    leader = tenant.leader
    leader.email = "leader@example.cn"
    leader.save()

    login_page = client.get(reverse("login")).content.decode()
    assert reverse("password_reset") in login_page and "忘记密码" in login_page
    response = client.post(reverse("password_reset"), {"email": "leader@example.cn"})

    assert response.status_code == 302 and response.url == reverse("password_reset_done")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["leader@example.cn"]
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", mail.outbox[0].body)
    form_page = client.get(link.group(1), follow=True)
    assert form_page.context["validlink"]
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert done.url == reverse("password_reset_complete")
    leader.refresh_from_db()
    assert leader.check_password(NEW_PASSWORD)


def test_it_answers_the_same_for_an_unknown_address(client, tenant):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.cn"})

    assert response.status_code == 302 and response.url == reverse("password_reset_done")
    assert mail.outbox == []


def test_it_shows_the_care_link_to_street_staff_only(client, tenant):
    client.force_login(tenant.street_admin)
    assert reverse("accounts:care") in client.get(reverse("password_change")).content.decode()
    client.force_login(tenant.community_staff)
    assert reverse("accounts:care") not in client.get(reverse("password_change")).content.decode()


def test_it_never_caches_the_handover_page(staff, tenant):
    response = staff.post(_url("care_reset_password", tenant.leader), {"mode": "temporary"})

    assert "no-store" in response["Cache-Control"]


def test_it_asks_for_the_second_factor_before_the_new_password(client, tenant, settings):
    """A street admin must set up two-factor sign-in (production rule) and holds a
    temporary password: the set-up page comes first and stays open, no back and forth."""
    settings.KAIYIHUI_REQUIRE_2FA_ROLES = ("street_admin",)
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(root)
    password = client.post(
        _url("care_reset_password", tenant.street_admin), {"mode": "temporary"}
    ).context["password"]
    client.logout()

    client.post(reverse("login"), {"username": "a-admin", "password": password})
    first = client.get(reverse("incubation:organizations"))
    assert first.status_code == 302 and first.url.startswith(reverse("twofactor:setup"))
    assert client.get(reverse("twofactor:setup")).status_code == 200


def test_a_new_account_chooses_its_password_through_the_link(staff, client, tenant):
    staff.post(
        reverse("accounts:care_create"),
        {"username": "a-fresh", "role": Role.EVALUATOR},
    )
    fresh = User.objects.get(username="a-fresh")
    link = staff.post(_url("care_reset_password", fresh), {"mode": "link"}).context["link"]
    staff.logout()

    form_page = client.get(link, follow=True)
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    fresh.refresh_from_db()
    assert fresh.check_password(NEW_PASSWORD)
