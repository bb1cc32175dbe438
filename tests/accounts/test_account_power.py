"""Issue 13, item 1: nobody changes an account with more power than their own, or outside
their street, and nobody grants a role or permission they do not hold.

The matrix: every role (superuser, street admin, community staff, party worker, leader,
evaluator) × every account-changing action (the services; the admin's change form, password
form and delete) × every kind of target (a superuser, another street admin of the same
street, a street admin of another street, community staff, a leader, oneself). Each case
reads the database afterwards: a refused action leaves the password and flags as they were.
"""

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from accounts.admin import UserAdmin
from accounts.models import User
from accounts.power import (
    Power,
    can_change_access,
    can_grant_group,
    can_manage_account,
    groups_grantable_by,
    power_of,
    users_manageable_by,
)
from accounts.roles import Role
from accounts.services import (
    user_delete,
    user_set_active,
    user_set_password,
    user_set_permissions,
    user_set_roles,
    user_set_superuser,
    user_update_profile,
)
from tests.factories import StreetFactory, UserFactory

OLD_PASSWORD = "pw-for-tests-1"  # tests.factories.UserFactory
NEW_PASSWORD = "Nw-Strong-Pass-2026!"
MISSING_ID = 10**9

ACTORS = ["superuser", "street_admin", "community_staff", "party_worker", "leader", "evaluator"]
TARGETS = ["superuser", "peer_admin", "foreign_admin", "community_staff", "leader", "self"]

# Who may manage whom (password, profile). Superusers: everyone. Street admins: accounts of
# their street with no more power (a peer street admin included, a superuser not). The other
# roles have no user permission (accounts.roles.ROLE_PERMISSIONS): nobody, not even
# themselves through the admin (their own password they change with the old one).
MANAGES = {
    "superuser": set(TARGETS),
    "street_admin": {"peer_admin", "community_staff", "leader", "self"},
}
# Roles, permissions, flags and deletion: the same, never one's own account.
CHANGES_ACCESS = {actor: targets - {"self"} for actor, targets in MANAGES.items()}


def manages(actor, target) -> bool:
    return target in MANAGES.get(actor, set())


def changes_access(actor, target) -> bool:
    return target in CHANGES_ACCESS.get(actor, set())


@dataclass
class World:
    users: dict  # actor name -> user
    targets: dict  # (actor name, target name) is resolved by target_of


@pytest.fixture
def world(tenant):
    root = UserFactory(username="a-root", is_superuser=True, is_staff=True, street=tenant.street)
    peer = UserFactory(username="a-admin2", role=Role.STREET_ADMIN, street=tenant.street)
    other_street = StreetFactory(name="b街道", code="b-street")
    foreign = UserFactory(username="b-admin", role=Role.STREET_ADMIN, street=other_street)
    root2 = UserFactory(username="a-root2", is_superuser=True, is_staff=True, street=tenant.street)
    actors = {
        "superuser": root,
        "street_admin": tenant.street_admin,
        "community_staff": tenant.community_staff,
        "party_worker": tenant.party_worker,
        "leader": tenant.leader,
        "evaluator": tenant.evaluator,
    }
    targets = {
        "superuser": root2,
        "peer_admin": peer,
        "foreign_admin": foreign,
        "community_staff": tenant.community_staff,
        "leader": tenant.leader,
    }
    return World(users=actors, targets=targets)


def pick(world, actor_name, target_name):
    actor = world.users[actor_name]
    if target_name == "self":
        return actor, actor
    target = world.targets[target_name]
    assert target.pk != actor.pk
    return actor, target


def snapshot(user) -> dict:
    user = User.objects.get(pk=user.pk)
    return {
        "password_unchanged": user.check_password(OLD_PASSWORD),
        "is_superuser": user.is_superuser,
        "is_staff": user.is_staff,
        "is_active": user.is_active,
        "groups": set(user.groups.values_list("name", flat=True)),
        "permissions": set(user.user_permissions.values_list("codename", flat=True)),
        "full_name": user.full_name,
    }


def foreign_permission():
    # A permission no role holds: managing the roles themselves.
    return Permission.objects.get(content_type__app_label="auth", codename="change_group")


# The community staff member and the leader are both an actor and a target: as their own
# target they are the "self" column.
MATRIX = [
    (actor, target)
    for actor in ACTORS
    for target in TARGETS
    if actor != target or actor == "superuser"
]


# --- The services -------------------------------------------------------------------------


@pytest.mark.parametrize(("actor_name", "target_name"), MATRIX)
def test_it_sets_a_password_only_within_the_actors_power(world, actor_name, target_name):
    actor, target = pick(world, actor_name, target_name)
    if manages(actor_name, target_name):
        user_set_password(user=target, password=NEW_PASSWORD, actor=actor)
        assert User.objects.get(pk=target.pk).check_password(NEW_PASSWORD)
    else:
        with pytest.raises(PermissionDenied):
            user_set_password(user=target, password=NEW_PASSWORD, actor=actor)
        assert snapshot(target)["password_unchanged"]


@pytest.mark.parametrize(("actor_name", "target_name"), MATRIX)
def test_it_deactivates_only_within_the_actors_power(world, actor_name, target_name):
    actor, target = pick(world, actor_name, target_name)
    if changes_access(actor_name, target_name):
        user_set_active(user=target, is_active=False, actor=actor)
        assert not User.objects.get(pk=target.pk).is_active
    else:
        with pytest.raises(PermissionDenied):
            user_set_active(user=target, is_active=False, actor=actor)
        assert User.objects.get(pk=target.pk).is_active


@pytest.mark.parametrize(("actor_name", "target_name"), MATRIX)
def test_only_a_superuser_makes_a_superuser(world, actor_name, target_name):
    actor, target = pick(world, actor_name, target_name)
    before = snapshot(target)["is_superuser"]
    if actor_name == "superuser" and changes_access(actor_name, target_name):
        user_set_superuser(user=target, is_superuser=True, actor=actor)
        assert User.objects.get(pk=target.pk).is_superuser
    else:
        with pytest.raises(PermissionDenied):
            user_set_superuser(user=target, is_superuser=True, actor=actor)
        assert User.objects.get(pk=target.pk).is_superuser == before


@pytest.mark.parametrize(("actor_name", "target_name"), MATRIX)
def test_it_sets_roles_only_within_the_actors_power(world, actor_name, target_name):
    actor, target = pick(world, actor_name, target_name)
    before = snapshot(target)["groups"]
    street_admin = Group.objects.get(name=Role.STREET_ADMIN)
    if changes_access(actor_name, target_name):
        # A street admin may hand out their own role: it holds nothing they lack.
        user_set_roles(user=target, groups=[street_admin], actor=actor)
        assert snapshot(target)["groups"] == {Role.STREET_ADMIN}
    else:
        with pytest.raises(PermissionDenied):
            user_set_roles(user=target, groups=[street_admin], actor=actor)
        assert snapshot(target)["groups"] == before


@pytest.mark.parametrize(("actor_name", "target_name"), MATRIX)
def test_it_grants_only_permissions_the_actor_holds(world, actor_name, target_name):
    actor, target = pick(world, actor_name, target_name)
    perm = foreign_permission()
    if actor_name == "superuser" and changes_access(actor_name, target_name):
        user_set_permissions(user=target, permissions=[perm], actor=actor)
        assert snapshot(target)["permissions"] == {"change_group"}
    else:
        with pytest.raises(PermissionDenied):
            user_set_permissions(user=target, permissions=[perm], actor=actor)
        assert snapshot(target)["permissions"] == set()


@pytest.mark.parametrize(("actor_name", "target_name"), MATRIX)
def test_it_deletes_only_within_the_actors_power(world, actor_name, target_name):
    actor, target = pick(world, actor_name, target_name)
    if changes_access(actor_name, target_name):
        user_delete(user=target, actor=actor)
        assert not User.objects.filter(pk=target.pk).exists()
    else:
        with pytest.raises(PermissionDenied):
            user_delete(user=target, actor=actor)
        assert User.objects.filter(pk=target.pk).exists()


# --- The admin ----------------------------------------------------------------------------


def change_form_data(target, **extra) -> dict:
    """Everything the change form posts, trying to escalate: superuser status, a single
    permission no role has, the street admin role, and is_active left out (unticked)."""
    data = {
        "username": target.username,
        "first_name": target.first_name,
        "last_name": target.last_name,
        "email": target.email,
        "full_name": "改过的名字",
        "phone": target.phone,
        "street": target.street_id or "",
        "community": target.community_id or "",
        "is_staff": "on",
        "is_superuser": "on",
        "groups": [Group.objects.get(name=Role.STREET_ADMIN).pk],
        "user_permissions": [foreign_permission().pk],
    }
    data.update(extra)
    return data


def admin_url(page, pk):
    # Django's user admin names its password page after auth's own user model.
    name = (
        "admin:auth_user_password_change"
        if page == "password_change"
        else f"admin:accounts_user_{page}"
    )
    return reverse(name, args=[pk])


REFUSED = (403, 404)


def refused(response) -> bool:
    """403 or 404; people who do not work in the admin (leaders, evaluators) are sent to
    the admin's sign-in page instead."""
    if response.status_code == 302:
        return response.url.startswith(reverse("admin:login"))
    return response.status_code in REFUSED


@pytest.mark.parametrize(("actor_name", "target_name"), MATRIX)
def test_the_change_form_changes_only_what_the_actor_may(client, world, actor_name, target_name):
    actor, target = pick(world, actor_name, target_name)
    before = snapshot(target)
    client.force_login(actor)
    response = client.post(admin_url("change", target.pk), change_form_data(target))
    after = snapshot(target)
    if not manages(actor_name, target_name):
        assert refused(response)
        assert after == before
        return
    assert response.status_code == 302, response.content.decode()[:2000]
    assert after["full_name"] == "改过的名字"
    assert after["password_unchanged"]
    if not changes_access(actor_name, target_name):
        # Oneself: the profile changes, never one's own access.
        assert {k: after[k] for k in ("is_superuser", "is_active", "groups", "permissions")} == {
            k: before[k] for k in ("is_superuser", "is_active", "groups", "permissions")
        }
    elif actor_name == "superuser":
        assert after["is_superuser"] and not after["is_active"]
        assert after["groups"] == {Role.STREET_ADMIN}
        assert after["permissions"] == {"change_group"}
    else:
        # A street admin: the role they hold, the active flag; never superuser status or
        # single permissions (not even shown as fields).
        assert not after["is_superuser"]
        assert not after["is_active"]
        assert after["groups"] == {Role.STREET_ADMIN}
        assert after["permissions"] == set()


@pytest.mark.parametrize(("actor_name", "target_name"), MATRIX)
def test_the_admin_password_form_sets_a_password_only_within_power(
    client, world, actor_name, target_name
):
    actor, target = pick(world, actor_name, target_name)
    client.force_login(actor)
    response = client.post(
        admin_url("password_change", target.pk),
        {"usable_password": "true", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    stored = User.objects.get(pk=target.pk)
    if manages(actor_name, target_name):
        assert response.status_code == 302
        assert stored.check_password(NEW_PASSWORD)
    else:
        assert refused(response)
        assert stored.check_password(OLD_PASSWORD)


@pytest.mark.parametrize(("actor_name", "target_name"), MATRIX)
def test_the_admin_deletes_only_within_power(client, world, actor_name, target_name):
    actor, target = pick(world, actor_name, target_name)
    client.force_login(actor)
    response = client.post(admin_url("delete", target.pk), {"post": "yes"})
    exists = User.objects.filter(pk=target.pk).exists()
    if changes_access(actor_name, target_name):
        assert response.status_code == 302
        assert not exists
    else:
        assert refused(response)
        assert exists


def test_it_answers_the_superusers_password_page_to_a_street_admin_with_404(client, world):
    """The reported attack: a street admin who is no superuser sets a superuser's password
    from the user admin, then signs in as them."""
    root = world.users["superuser"]
    client.force_login(world.users["street_admin"])
    url = f"/admin/accounts/user/{root.pk}/password/"
    assert client.get(url).status_code == 404
    response = client.post(
        url, {"usable_password": "true", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 404
    root.refresh_from_db()
    assert root.check_password(OLD_PASSWORD)
    assert not root.check_password(NEW_PASSWORD)
    client.logout()
    client.post(reverse("login"), {"username": root.username, "password": NEW_PASSWORD})
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("page", ["change", "history", "delete", "password_change"])
@pytest.mark.parametrize("target_name", ["superuser", "foreign_admin"])
def test_an_account_beyond_power_answers_like_a_missing_one(client, world, page, target_name):
    client.force_login(world.users["street_admin"])
    beyond = client.get(admin_url(page, world.targets[target_name].pk))
    missing = client.get(admin_url(page, MISSING_ID))
    assert beyond.status_code == missing.status_code == 404
    assert world.targets[target_name].username.encode() not in beyond.content


@pytest.mark.parametrize("page", ["change", "history", "delete", "password_change"])
@pytest.mark.parametrize("actor_name", ["community_staff", "party_worker"])
def test_staff_without_user_permissions_get_the_same_answer_for_any_id(
    client, world, page, actor_name
):
    client.force_login(world.users[actor_name])
    own_community = client.get(admin_url(page, world.targets["leader"].pk))
    missing = client.get(admin_url(page, MISSING_ID))
    assert own_community.status_code == missing.status_code
    assert refused(own_community)


def test_a_superusers_list_holds_every_account(client, world):
    client.force_login(world.users["superuser"])
    response = client.get(reverse("admin:accounts_user_changelist"))
    assert response.status_code == 200
    listed = {user.pk for user in response.context["cl"].result_list}
    assert listed == set(User.objects.values_list("pk", flat=True))
    assert len(listed) > 8


def test_a_street_admins_list_holds_their_streets_accounts_they_may_manage(client, world):
    client.force_login(world.users["street_admin"])
    response = client.get(reverse("admin:accounts_user_changelist"))
    listed = {user.username for user in response.context["cl"].result_list}
    assert {"a-admin", "a-admin2", "a-staff", "a-leader", "a-expert", "a-party"} == listed


def test_the_role_choices_hold_only_roles_the_actor_may_grant(world):
    custom = Group.objects.create(name="role-managers")
    custom.permissions.add(foreign_permission())
    admin_site_admin = UserAdmin(User, None)
    request = RequestFactory().get("/admin/")
    request.user = world.users["street_admin"]
    field = admin_site_admin.formfield_for_manytomany(User._meta.get_field("groups"), request)
    assert set(field.queryset.values_list("name", flat=True)) == set(Role.values)
    assert not can_grant_group(world.users["street_admin"], custom)
    request.user = world.users["superuser"]
    field = admin_site_admin.formfield_for_manytomany(User._meta.get_field("groups"), request)
    assert custom in field.queryset
    assert not groups_grantable_by(world.users["community_staff"]).exists()


def test_a_street_admin_cannot_give_a_role_holding_more_than_they_hold(world):
    custom = Group.objects.create(name="role-managers")
    custom.permissions.add(foreign_permission())
    leader = world.targets["leader"]
    with pytest.raises(PermissionDenied):
        user_set_roles(user=leader, groups=[custom], actor=world.users["street_admin"])
    assert snapshot(leader)["groups"] == {Role.ORG_LEADER}


def test_an_account_with_a_permission_the_actor_lacks_is_beyond_them(world):
    leader = world.targets["leader"]
    user_set_permissions(
        user=leader, permissions=[foreign_permission()], actor=world.users["superuser"]
    )
    street_admin = world.users["street_admin"]
    assert not can_manage_account(street_admin, leader)
    assert not users_manageable_by(street_admin).filter(pk=leader.pk).exists()
    with pytest.raises(PermissionDenied):
        user_set_password(user=leader, password=NEW_PASSWORD, actor=street_admin)


def test_a_deactivated_superuser_stays_beyond_a_street_admin(world):
    root = world.targets["superuser"]
    user_set_active(user=root, is_active=False, actor=world.users["superuser"])
    street_admin = world.users["street_admin"]
    with pytest.raises(PermissionDenied):
        user_set_active(user=root, is_active=True, actor=street_admin)
    assert not User.objects.get(pk=root.pk).is_active


@pytest.mark.parametrize("actor_name", ACTORS)
def test_the_admin_list_and_the_predicate_agree(world, actor_name):
    actor = world.users[actor_name]
    everyone = [*world.targets.values(), *world.users.values()]
    allowed = {user.pk for user in everyone if can_manage_account(actor, user)}
    listed = set(
        users_manageable_by(actor)
        .filter(pk__in=[u.pk for u in everyone])
        .values_list("pk", flat=True)
    )
    assert listed == allowed


def test_it_orders_power(world):
    assert [power_of(world.users[name]) for name in ACTORS] == [
        Power.SUPERUSER,
        Power.STREET,
        Power.STAFF,
        Power.STAFF,
        Power.PORTAL,
        Power.PORTAL,
    ]


def test_a_decision_says_why_in_chinese(world):
    with translation.override("zh-hans"):
        decision = can_manage_account(world.users["street_admin"], world.targets["superuser"])
        assert not decision
        assert decision.reason == "只有超级管理员可以管理超级管理员的账号。"
        decision = can_change_access(world.users["street_admin"], world.users["street_admin"])
        assert not decision
        assert "自己" in decision.reason


def test_a_street_admins_new_account_belongs_to_their_street(client, world):
    street_admin = world.users["street_admin"]
    client.force_login(street_admin)
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "newcomer",
            "usable_password": "true",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    created = User.objects.get(username="newcomer")
    assert created.street_id == street_admin.street_id
    assert not created.is_superuser and not created.groups.exists()
    assert client.get(admin_url("change", created.pk)).status_code == 200


def test_a_street_admin_cannot_take_an_account_out_of_the_street(client, world):
    leader = world.targets["leader"]
    client.force_login(world.users["street_admin"])
    data = change_form_data(leader, street="", is_superuser="", user_permissions=[])
    response = client.post(admin_url("change", leader.pk), data)
    assert response.status_code == 200  # the form again, with the error on the street
    assert User.objects.get(pk=leader.pk).street_id == leader.street_id
    with pytest.raises(PermissionDenied):
        user_update_profile(user=leader, street=None, actor=world.users["street_admin"])
