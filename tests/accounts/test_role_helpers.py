"""The one place that says who is street or community staff (accounts.roles)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpResponse
from django.test import RequestFactory

from accounts.decorators import role_required
from accounts.roles import (
    STAFF_ROLES,
    Role,
    has_role,
    holds_role,
    is_community_staff_of,
    is_leader_of,
    is_street_staff,
    is_street_staff_of,
)


def test_it_ties_street_staff_to_their_own_street(tenant, outsider_tenant):
    admin = tenant.street_admin
    assert is_street_staff(admin)
    assert is_street_staff_of(admin, tenant.street)
    assert is_street_staff_of(admin, tenant.street.pk)
    assert not is_street_staff_of(admin, outsider_tenant.street)
    assert not is_street_staff_of(tenant.community_staff, tenant.street)
    assert not is_street_staff(tenant.community_staff)


def test_it_ties_community_staff_to_their_own_community(tenant):
    staff = tenant.community_staff
    assert is_community_staff_of(staff, tenant.community)
    assert not is_community_staff_of(staff, tenant.other_community)
    assert not is_community_staff_of(tenant.street_admin, tenant.community)


def test_it_lets_superusers_through_and_never_the_anonymous(tenant, django_user_model):
    root = django_user_model.objects.create_superuser("root", "root@example.com", "x")
    assert is_street_staff_of(root, tenant.street)
    assert is_community_staff_of(root, tenant.community)
    assert has_role(root, {Role.EVALUATOR})
    for nobody in (None, AnonymousUser()):
        assert not is_street_staff(nobody)
        assert not is_street_staff_of(nobody, tenant.street)
        assert not has_role(nobody, STAFF_ROLES)


def test_it_answers_has_role_by_the_roles_held(tenant):
    assert has_role(tenant.community_staff, STAFF_ROLES)
    assert not has_role(tenant.leader, STAFF_ROLES)


def test_holds_role_wants_the_role_in_person(tenant, django_user_model):
    root = django_user_model.objects.create_superuser("root", "root@example.com", "x")
    assert holds_role(tenant.leader, Role.ORG_LEADER)
    assert not holds_role(tenant.street_admin, Role.ORG_LEADER)
    assert not holds_role(root, Role.EVALUATOR)
    assert not holds_role(None, Role.EVALUATOR)
    assert not holds_role(AnonymousUser(), Role.EVALUATOR)


def test_role_required_can_refuse_superusers_a_page_of_a_role_held_in_person(
    tenant, django_user_model
):
    root = django_user_model.objects.create_superuser("root", "root@example.com", "x")

    def page(request):
        return HttpResponse("ok")

    personal = role_required([Role.ORG_LEADER], refuse_as_missing=True, superusers=False)(page)
    powered = role_required([Role.ORG_LEADER], refuse_as_missing=True)(page)
    request = RequestFactory().get("/")
    request.user = tenant.leader
    assert personal(request).status_code == 200
    request.user = root
    assert powered(request).status_code == 200
    with pytest.raises(Http404):
        personal(request)


def test_is_leader_of_wants_the_role_and_the_link(tenant):
    assert is_leader_of(tenant.leader, tenant.org)
    assert not is_leader_of(tenant.leader, tenant.other_org)
    tenant.org.leader_accounts.add(tenant.evaluator)  # linked, but not a leader by role
    assert not is_leader_of(tenant.evaluator, tenant.org)
    assert not is_leader_of(None, tenant.org)
