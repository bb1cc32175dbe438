"""A party member's own portal account: linked by those who manage their branch (never by
the member), one member per account, an account of the member's street."""

import pytest
from django.core.exceptions import ValidationError

from core.errors import ActionRefused
from partybuilding.services.members import member_link_account
from tests.factories import UserFactory
from tests.partybuilding.member_helpers import make_member, make_tree
from tests.partybuilding.test_party_admin import form_data, member_change_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(tenant):
    return make_tree(tenant)


def test_branch_managers_link_and_unlink_the_members_account(tenant, tree):
    member = make_member(tree.branch, 1)
    account = UserFactory(street=tenant.street)
    member_link_account(member=member, account=account, actor=tenant.street_admin)
    member.refresh_from_db()
    assert member.account == account
    member_link_account(member=member, account=None, actor=tenant.street_admin)
    member.refresh_from_db()
    assert member.account is None


def test_the_member_cannot_link_themself(tenant, tree):
    member = make_member(tree.branch, 1)
    account = UserFactory(street=tenant.street)
    with pytest.raises(ActionRefused):
        member_link_account(member=member, account=account, actor=account)
    member.refresh_from_db()
    assert member.account is None


def test_one_member_per_account_and_the_same_street(tenant, tree, outsider_tenant):
    first, second = make_member(tree.branch, 1), make_member(tree.branch, 2)
    account = UserFactory(street=tenant.street)
    member_link_account(member=first, account=account, actor=tenant.street_admin)
    with pytest.raises(ValidationError, match="already linked|已关联"):
        member_link_account(member=second, account=account, actor=tenant.street_admin)
    stranger = UserFactory(street=outsider_tenant.street)
    with pytest.raises(ValidationError, match="another street|其他街道"):
        member_link_account(member=second, account=stranger, actor=tenant.street_admin)
    second.refresh_from_db()
    assert second.account is None


def test_the_admin_links_by_user_name(client, tenant, tree):
    member = make_member(tree.branch, 1)
    account = UserFactory(street=tenant.street, username="dangyuan_li")
    client.force_login(tenant.street_admin)
    page = client.get(member_change_url(member))
    response = client.post(
        member_change_url(member), form_data(page, account_username="dangyuan_li")
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    member.refresh_from_db()
    assert member.account == account
    page = client.get(member_change_url(member))
    assert page.context["adminform"].form["account_username"].value() == "dangyuan_li"


def test_an_unknown_user_name_shows_on_its_field(client, tenant, tree):
    member = make_member(tree.branch, 1)
    client.force_login(tenant.street_admin)
    page = client.get(member_change_url(member))
    response = client.post(member_change_url(member), form_data(page, account_username="nobody"))
    assert response.status_code == 200
    assert "account_username" in response.context["adminform"].form.errors


def test_a_volunteer_linked_later_becomes_the_members_record(tenant, tree):
    from volunteering.services.volunteers import volunteer_for_account

    member = make_member(tree.branch, 1)
    account = UserFactory(street=tenant.street)
    volunteer = volunteer_for_account(account)
    assert volunteer.party_member is None
    member_link_account(member=member, account=account, actor=tenant.street_admin)
    account.refresh_from_db()
    assert volunteer_for_account(account).party_member == member
