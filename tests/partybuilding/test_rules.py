"""The party tree's size rules are defined once (``partybuilding.rules``): one setting
moves the coverage page's flags and the tree service's check together."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from incubation.models import Organization
from partybuilding import selectors
from partybuilding.models import PartyOrganization
from partybuilding.rules import party_tree_rules
from partybuilding.services.tree import party_org_size_findings
from tests.factories import OrganizationFactory

from .pb_helpers import member, members, party_org


def _committee_flags(tenant, branch):
    flagged = selectors.branches_needing_committee(
        PartyOrganization.objects.filter(street=tenant.street)
    )
    with translation.override("en"):
        findings = party_org_size_findings(branch)
    return [b.pk for b in flagged] == [branch.pk], any("committee" in f for f in findings)


def test_it_moves_the_committee_flag_and_the_service_check_with_one_setting(tenant):
    branch = party_org(tenant.street, "五人支部", community=tenant.community)
    members(branch, 5)

    assert _committee_flags(tenant, branch) == (False, False)
    with override_settings(PARTY_TREE_RULES={"committee_from_full_members": 5}):
        assert _committee_flags(tenant, branch) == (True, True)


def test_it_moves_the_general_branch_flag_and_the_service_check_with_one_setting(tenant):
    branch = party_org(tenant.street, "四人支部", has_committee=True)
    members(branch, 4)
    branches = PartyOrganization.objects.filter(street=tenant.street)

    assert not selectors.branches_too_large(branches).exists()
    assert party_org_size_findings(branch) == []
    with override_settings(PARTY_TREE_RULES={"general_branch_above_members": 3}):
        assert [b.pk for b in selectors.branches_too_large(branches)] == [branch.pk]
        with translation.override("en"):
            findings = party_org_size_findings(branch)
        assert any("general party branch" in f for f in findings)


def test_it_moves_the_own_branch_flag_and_the_page_threshold_with_one_setting(client, tenant):
    branch = party_org(tenant.street, "联合支部", establishment="joint")
    org = OrganizationFactory(community=tenant.community, name="两人社")
    member(branch, organization=org)
    member(branch, organization=org)
    orgs = Organization.objects.filter(pk=org.pk)

    assert not selectors.organizations_needing_own_branch(orgs).exists()
    with override_settings(PARTY_TREE_RULES={"own_branch_from_full_members": 2}):
        assert [o.pk for o in selectors.organizations_needing_own_branch(orgs)] == [org.pk]
        client.force_login(tenant.street_admin)
        response = client.get(reverse("partybuilding:coverage"))
        assert response.context["thresholds"]["own_branch"] == 2


def test_it_gives_no_finding_for_a_committee_or_a_small_branch(tenant):
    top = party_org(tenant.street, "街道党委", kind="committee")
    members(top, 9)
    small = party_org(tenant.street, "小支部")
    members(small, 6)

    assert party_org_size_findings(top) == []
    assert party_org_size_findings(small) == []


def test_it_refuses_a_misspelt_rule_rather_than_ignore_it():
    with (
        override_settings(PARTY_TREE_RULES={"committee_from_members": 5}),
        pytest.raises(ImproperlyConfigured, match="committee_from_members"),
    ):
        party_tree_rules()
