import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from accounts.roles import Role, roles_of
from accounts.services import roles_sync, user_create
from tests.factories import CommunityFactory, StreetFactory


def test_it_creates_every_role_as_a_group_idempotently(db):
    first = roles_sync()
    second = roles_sync()
    assert first == second
    assert set(Group.objects.values_list("name", flat=True)) >= set(Role.values)


def test_it_gives_street_admins_organization_permissions_and_leaders_none(db):
    counts = roles_sync()
    admin_perms = set(
        Group.objects.get(name=Role.STREET_ADMIN).permissions.values_list("codename", flat=True)
    )
    assert {"view_organization", "change_organization", "view_community"} <= admin_perms
    assert counts[Role.ORG_LEADER] == 0
    staff_perms = set(
        Group.objects.get(name=Role.COMMUNITY_STAFF).permissions.values_list("codename", flat=True)
    )
    assert "delete_organization" not in staff_perms
    assert "view_organization" in staff_perms


def test_it_requires_a_community_for_community_staff(db):
    with pytest.raises(ValidationError):
        user_create(username="x", password="pw-long-enough-1", role=Role.COMMUNITY_STAFF)


def test_it_ties_community_staff_to_the_street_of_their_community(db):
    community = CommunityFactory()
    user = user_create(
        username="staff",
        password="pw-long-enough-1",
        role=Role.COMMUNITY_STAFF,
        community=community,
    )
    assert user.street == community.street
    assert user.is_staff
    assert roles_of(user) == {Role.COMMUNITY_STAFF}


def test_it_keeps_organization_leaders_out_of_the_admin(db):
    user = user_create(
        username="lead", password="pw-long-enough-1", role=Role.ORG_LEADER, street=StreetFactory()
    )
    assert not user.is_staff


def test_migrate_gives_roles_the_permissions_of_every_app(db):
    from django.core.management import call_command

    Group.objects.all().delete()
    call_command("migrate", verbosity=0)
    staff_perms = set(
        Group.objects.get(name=Role.COMMUNITY_STAFF).permissions.values_list("codename", flat=True)
    )
    assert "view_organization" in staff_perms
