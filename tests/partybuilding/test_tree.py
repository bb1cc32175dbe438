"""The 1+6+X tree: which kind sits under which, one street per tree, how a branch is set
up, how long a term lasts, who may write, and the secretary."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from core.errors import ActionRefused
from partybuilding.choices import Establishment, MemberStatus, PartyOrgKind
from partybuilding.rules import DEFAULT_RULES as RULES
from partybuilding.services.coverage import coverage_assign
from partybuilding.services.tree import (
    party_org_create,
    party_org_renew_term,
    party_org_set_secretary,
    party_org_update,
)
from tests.partybuilding.helpers import branch, committee, link, make_tree, member


def create(street, kind, name="新党组织", actor=None, **fields):
    return party_org_create(street=street, kind=kind, name=name, actor=actor, **fields)


# --- The shape of the tree ----------------------------------------------------------------


def test_it_builds_a_committee_a_general_branch_and_branches(tenant):
    top = create(tenant.street, PartyOrgKind.COMMITTEE, "街道党委", actor=tenant.street_admin)
    middle = create(
        tenant.street,
        PartyOrgKind.GENERAL_BRANCH,
        "社会组织党总支",
        parent=top,
        actor=tenant.street_admin,
    )
    low = create(
        tenant.street,
        PartyOrgKind.BRANCH,
        "联合党支部",
        parent=middle,
        establishment=Establishment.JOINT,
        actor=tenant.street_admin,
    )
    direct = create(
        tenant.street,
        PartyOrgKind.BRANCH,
        "直属党支部",
        parent=top,
        establishment=Establishment.SINGLE,
        actor=tenant.street_admin,
    )

    assert (low.parent, middle.parent, top.parent) == (middle, top, None)
    assert direct.parent == top
    assert (top.term_years, middle.term_years, low.term_years) == (5, 3, 3)


@pytest.mark.parametrize(
    ("kind", "parent_kind"),
    [
        (PartyOrgKind.COMMITTEE, PartyOrgKind.COMMITTEE),
        (PartyOrgKind.GENERAL_BRANCH, None),
        (PartyOrgKind.GENERAL_BRANCH, PartyOrgKind.GENERAL_BRANCH),
        (PartyOrgKind.BRANCH, None),
        (PartyOrgKind.BRANCH, PartyOrgKind.BRANCH),
    ],
)
def test_it_refuses_a_kind_under_a_parent_it_may_not_have(tenant, kind, parent_kind):
    tree = make_tree(tenant.street)
    parent = {
        PartyOrgKind.COMMITTEE: tree.committee,
        PartyOrgKind.GENERAL_BRANCH: tree.general_branch,
        PartyOrgKind.BRANCH: tree.joint,
        None: None,
    }[parent_kind]
    establishment = Establishment.JOINT if kind == PartyOrgKind.BRANCH else ""

    with pytest.raises(ValidationError) as exc:
        create(tenant.street, kind, parent=parent, establishment=establishment)

    assert "parent" in exc.value.message_dict


def test_it_refuses_a_parent_in_another_street(tenant, outsider_tenant):
    theirs = committee(outsider_tenant.street)

    with translation.override("en"), pytest.raises(ValidationError) as exc:
        create(tenant.street, PartyOrgKind.BRANCH, parent=theirs, establishment=Establishment.JOINT)

    assert exc.value.message_dict["parent"] == [
        "The parent party organization belongs to another street."
    ]


def test_it_refuses_a_community_of_another_street(tenant, outsider_tenant):
    top = committee(tenant.street)

    with pytest.raises(ValidationError) as exc:
        create(
            tenant.street,
            PartyOrgKind.BRANCH,
            parent=top,
            establishment=Establishment.SINGLE,
            community=outsider_tenant.community,
        )

    assert "community" in exc.value.message_dict


def test_it_requires_the_establishment_of_a_branch(tenant):
    top = committee(tenant.street)

    with pytest.raises(ValidationError) as exc:
        create(tenant.street, PartyOrgKind.BRANCH, parent=top)

    assert "establishment" in exc.value.message_dict


def test_it_refuses_an_establishment_on_a_general_branch(tenant):
    top = committee(tenant.street)

    with pytest.raises(ValidationError) as exc:
        create(tenant.street, PartyOrgKind.GENERAL_BRANCH, parent=top, establishment="joint")

    assert "establishment" in exc.value.message_dict


def test_it_refuses_a_second_party_organization_of_the_same_name_in_a_street(tenant):
    top = committee(tenant.street)
    branch(top, "同名党支部")

    with pytest.raises(ValidationError):
        branch(top, "同名党支部")


# --- Terms --------------------------------------------------------------------------------


def test_it_accepts_a_branch_term_of_exactly_three_years(tenant):
    top = committee(tenant.street)

    low = branch(top, term_start=date(2024, 1, 10), term_end=date(2027, 1, 10))

    assert low.term_years == 3


def test_it_refuses_a_branch_term_longer_than_three_years_naming_the_last_day(tenant):
    top = committee(tenant.street)

    with translation.override("en"), pytest.raises(ValidationError) as exc:
        branch(top, term_start=date(2024, 1, 10), term_end=date(2027, 1, 11))

    (message,) = exc.value.message_dict["term_end"]
    assert "3 years" in message
    assert "Jan. 10, 2027" in message


def test_it_gives_a_branch_in_a_community_a_three_year_term(tenant):
    top = committee(tenant.street)

    low = branch(
        top,
        community=tenant.community,
        term_start=date(2024, 1, 10),
        term_end=date(2027, 1, 10),
    )

    assert low.term_years == 3
    with pytest.raises(ValidationError):
        branch(
            top,
            name="五年任期支部",
            community=tenant.community,
            term_start=date(2024, 1, 10),
            term_end=date(2029, 1, 10),
        )


def test_it_refuses_a_term_that_ends_before_it_starts(tenant):
    top = committee(tenant.street)

    with pytest.raises(ValidationError) as exc:
        branch(top, term_start=date(2024, 1, 10), term_end=date(2024, 1, 10))

    assert "term_end" in exc.value.message_dict


def test_it_renews_a_term_for_the_full_length_by_default(tenant):
    top = committee(tenant.street)
    low = branch(top, term_start=date(2021, 3, 1), term_end=date(2024, 3, 1))

    renewed = party_org_renew_term(party_org=low, term_start=date(2024, 3, 1), actor=None)

    assert (renewed.term_start, renewed.term_end) == (date(2024, 3, 1), date(2027, 3, 1))


def test_it_treats_renewing_the_current_term_again_as_done(tenant):
    top = committee(tenant.street)
    low = branch(top, term_start=date(2021, 3, 1), term_end=date(2024, 3, 1))

    again = party_org_renew_term(party_org=low, term_start=date(2021, 3, 1), actor=None)

    assert (again.term_start, again.term_end) == (date(2021, 3, 1), date(2024, 3, 1))


def test_it_refuses_a_renewal_that_does_not_start_after_the_current_term(tenant):
    top = committee(tenant.street)
    low = branch(top, term_start=date(2021, 3, 1), term_end=date(2024, 3, 1))

    with pytest.raises(ValidationError) as exc:
        party_org_renew_term(party_org=low, term_start=date(2020, 3, 1), actor=None)

    assert "term_start" in exc.value.message_dict


# --- Edits ------------------------------------------------------------------------------


def test_it_moves_a_branch_under_a_general_branch(tenant):
    tree = make_tree(tenant.street)

    moved = party_org_update(
        party_org=tree.single, parent=tree.general_branch, actor=tenant.street_admin
    )

    moved.refresh_from_db()
    assert moved.parent == tree.general_branch


def test_it_does_not_change_the_kind_or_street_of_a_party_organization(tenant):
    tree = make_tree(tenant.street)

    with pytest.raises(TypeError):
        party_org_update(party_org=tree.joint, kind=PartyOrgKind.COMMITTEE, actor=None)


def test_it_refuses_to_set_up_a_branch_alone_while_it_covers_two_organizations(tenant):
    tree = make_tree(tenant.street)
    for org in (tenant.org, tenant.other_org):
        coverage_assign(
            branch=tree.joint,
            organization=org,
            liaison="王红",
            started_on=date(2025, 1, 1),
            actor=None,
        )

    with pytest.raises(ActionRefused):
        party_org_update(party_org=tree.joint, establishment=Establishment.SINGLE, actor=None)

    tree.joint.refresh_from_db()
    assert tree.joint.establishment == Establishment.JOINT


# --- Permissions --------------------------------------------------------------------------


def test_it_lets_only_street_staff_of_the_street_set_up_a_committee(tenant, outsider_tenant):
    with pytest.raises(ActionRefused):
        create(tenant.street, PartyOrgKind.COMMITTEE, actor=outsider_tenant.street_admin)
    with pytest.raises(ActionRefused):
        create(tenant.street, PartyOrgKind.COMMITTEE, actor=tenant.party_worker)


def test_it_refuses_a_branch_by_street_staff_of_another_street(tenant, outsider_tenant):
    top = committee(tenant.street)

    with pytest.raises(ActionRefused):
        create(
            tenant.street,
            PartyOrgKind.BRANCH,
            parent=top,
            establishment=Establishment.JOINT,
            actor=outsider_tenant.street_admin,
        )


def test_it_refuses_a_party_worker_not_linked_to_the_parent(tenant):
    tree = make_tree(tenant.street)
    link(tenant.party_worker, tree.single)  # linked elsewhere in the tree

    with translation.override("en"), pytest.raises(ActionRefused) as exc:
        create(
            tenant.street,
            PartyOrgKind.BRANCH,
            parent=tree.general_branch,
            establishment=Establishment.JOINT,
            actor=tenant.party_worker,
        )

    assert tree.general_branch.name in exc.value.message


def test_it_lets_a_party_worker_of_an_ancestor_add_a_branch(tenant):
    tree = make_tree(tenant.street)
    link(tenant.party_worker, tree.committee)

    low = create(
        tenant.street,
        PartyOrgKind.BRANCH,
        parent=tree.general_branch,
        establishment=Establishment.FUNCTIONAL,
        actor=tenant.party_worker,
    )

    assert low.parent == tree.general_branch


# --- The secretary ------------------------------------------------------------------------


def test_it_names_a_full_member_of_the_branch_secretary(tenant):
    tree = make_tree(tenant.street)
    chosen = member(tree.joint)

    party_org_set_secretary(party_org=tree.joint, member=chosen, actor=tenant.street_admin)

    tree.joint.refresh_from_db()
    assert tree.joint.secretary == chosen


def test_it_refuses_a_secretary_from_another_branch(tenant):
    tree = make_tree(tenant.street)
    stranger = member(tree.single)

    with pytest.raises(ActionRefused):
        party_org_set_secretary(party_org=tree.joint, member=stranger, actor=None)


def test_it_refuses_a_probationary_member_as_secretary(tenant):
    tree = make_tree(tenant.street)
    newcomer = member(tree.joint, status=MemberStatus.PROBATIONARY)

    with pytest.raises(ActionRefused):
        party_org_set_secretary(party_org=tree.joint, member=newcomer, actor=None)


def test_it_refuses_a_secretary_by_a_party_worker_not_linked(tenant):
    tree = make_tree(tenant.street)
    chosen = member(tree.joint)

    with pytest.raises(ActionRefused):
        party_org_set_secretary(party_org=tree.joint, member=chosen, actor=tenant.party_worker)


# --- The size rules, as data --------------------------------------------------------------


def test_the_size_rules_follow_the_design():
    assert RULES.joint_branch_max_organizations == 5
    assert not RULES.needs_committee(6, has_committee=False)
    assert RULES.needs_committee(7, has_committee=False)
    assert not RULES.needs_committee(7, has_committee=True)
    assert not RULES.should_become_general_branch(50)
    assert RULES.should_become_general_branch(51)
    assert RULES.should_have_own_branch(3, has_own_branch=False)
    assert not RULES.should_have_own_branch(3, has_own_branch=True)
    assert not RULES.should_have_own_branch(2, has_own_branch=False)


def test_it_refuses_an_edit_by_street_staff_of_another_street(tenant, outsider_tenant):
    tree = make_tree(tenant.street)

    with pytest.raises(ActionRefused):
        party_org_update(party_org=tree.joint, name="改名", actor=outsider_tenant.street_admin)

    tree.joint.refresh_from_db()
    assert tree.joint.name == "联合党支部"
