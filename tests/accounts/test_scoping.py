"""Every role sees its own slice and nothing of another street (the outsider tests)."""

import pytest
from django.http import Http404

from accounts.models import Community, Street, User
from accounts.scoping import get_visible_or_404
from incubation.models import Organization

ROLES = ["street_admin", "community_staff", "leader", "evaluator", "party_worker"]


def visible_orgs(user):
    return set(Organization.objects.visible_to(user))


def test_street_admin_sees_every_organization_of_the_street(tenant):
    assert visible_orgs(tenant.street_admin) == {tenant.org, tenant.other_org}


def test_community_staff_see_only_their_community(tenant):
    assert visible_orgs(tenant.community_staff) == {tenant.org}
    assert set(Community.objects.visible_to(tenant.community_staff)) == {tenant.community}


def test_a_leader_sees_only_their_organization(tenant):
    assert visible_orgs(tenant.leader) == {tenant.org}


def test_evaluators_and_party_workers_see_no_organization_without_assignments(tenant):
    assert visible_orgs(tenant.evaluator) == set()
    assert visible_orgs(tenant.party_worker) == set()


def test_anonymous_and_inactive_users_see_nothing(tenant):
    from django.contrib.auth.models import AnonymousUser

    assert visible_orgs(AnonymousUser()) == set()
    tenant.street_admin.is_active = False
    assert visible_orgs(tenant.street_admin) == set()


@pytest.mark.parametrize("role", ROLES)
def test_outsider_of_every_role_sees_nothing_of_another_street(role, tenant, outsider_tenant):
    outsider = getattr(outsider_tenant, role)
    assert (
        not Organization.objects.visible_to(outsider)
        .filter(community__street=tenant.street)
        .exists()
    )
    assert not Community.objects.visible_to(outsider).filter(street=tenant.street).exists()
    assert not Street.objects.visible_to(outsider).filter(pk=tenant.street.pk).exists()
    assert not User.objects.visible_to(outsider).filter(street=tenant.street).exists()
    with pytest.raises(Http404):
        get_visible_or_404(Organization, outsider, pk=tenant.org.pk)


@pytest.mark.parametrize("role", ROLES)
def test_every_role_sees_its_own_account(role, tenant):
    user = getattr(tenant, role)
    assert user in User.objects.visible_to(user)


def test_missing_and_foreign_ids_give_the_same_404(tenant, outsider_tenant):
    for lookup in ({"pk": outsider_tenant.org.pk}, {"pk": 10**9}, {"pk": "not-a-number"}):
        with pytest.raises(Http404):
            get_visible_or_404(Organization, tenant.street_admin, **lookup)


def test_a_user_with_two_roles_gets_no_duplicate_rows(tenant):
    from django.contrib.auth.models import Group

    tenant.community_staff.groups.add(Group.objects.get(name="org_leader"))
    tenant.org.leader_accounts.add(tenant.community_staff)
    tenant.community_staff.__dict__.pop("_role_codes", None)
    rows = list(Organization.objects.visible_to(tenant.community_staff))
    assert rows == [tenant.org]
