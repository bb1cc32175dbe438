"""Coverage, flags, cross-appointments and compliance on a hand-made street whose answers
are known in advance."""

import datetime
from decimal import Decimal

import pytest

from incubation.models import Organization
from partybuilding import selectors
from partybuilding.choices import (
    ActivityKind,
    CoverageKind,
    Establishment,
    MemberStatus,
    PartyOrgKind,
)
from partybuilding.models import PartyOrganization

from .pb_helpers import activity, coverage_street, instruct, member, members, party_org

PROBATIONARY = MemberStatus.PROBATIONARY


@pytest.fixture
def street(tenant, outsider_tenant):
    return coverage_street(tenant, outsider_tenant)


def _street_orgs(street):
    return Organization.objects.filter(community__street=street.tenant.street)


# --- Coverage kind per organization ------------------------------------------------------------


def test_it_classifies_every_organization_in_one_query(street, django_assert_num_queries):
    with django_assert_num_queries(1):
        kinds = {
            org.name: org.coverage_kind
            for org in selectors.coverage_by_organization(_street_orgs(street))
        }
    assert kinds == {
        street.own.name: CoverageKind.OWN_BRANCH,
        street.joint.name: CoverageKind.JOINT_BRANCH,
        street.exited.name: CoverageKind.OWN_BRANCH,
        street.functional.name: CoverageKind.JOINT_BRANCH,
        street.instructor.name: CoverageKind.INSTRUCTOR,
        street.nothing.name: CoverageKind.NONE,
    }


def test_it_annotates_branch_liaison_instructor_and_full_members(street):
    rows = {org.pk: org for org in selectors.coverage_by_organization(_street_orgs(street))}
    functional = rows[street.functional.pk]
    assert functional.branch_name == "孵化基地功能型党支部"
    assert functional.branch_establishment == Establishment.FUNCTIONAL
    assert functional.liaison == "赵联络"
    assert rows[street.instructor.pk].instructor_name == "王指导"
    assert rows[street.instructor.pk].branch_name is None
    # Probationary members are not full members.
    assert rows[street.joint.pk].full_members == 3
    assert rows[street.nothing.pk].full_members == 2
    assert rows[street.instructor.pk].full_members == 0


def test_it_prefers_a_branch_over_an_instructor(street):
    instruct(street.own, street.committee)
    org = selectors.coverage_by_organization(_street_orgs(street)).get(pk=street.own.pk)
    assert org.coverage_kind == CoverageKind.OWN_BRANCH


# --- Rates -------------------------------------------------------------------------------------


def test_it_computes_rates_per_community_with_their_denominators(street, django_assert_num_queries):
    with django_assert_num_queries(1):
        rates = selectors.coverage_rates(_street_orgs(street))
    first, second = rates.groups
    assert (first.community_name, first.denominator) == ("a一社区", 2)  # exited not counted
    assert (first.organization_covered, first.organization_rate) == (2, Decimal("1.0000"))
    assert (first.work_covered, first.work_rate) == (2, Decimal("1.0000"))
    assert (second.community_name, second.denominator) == ("a二社区", 3)
    assert (second.organization_covered, second.organization_rate) == (1, Decimal("0.3333"))
    # 2/3 rounds half-up to 0.6667.
    assert (second.work_covered, second.work_rate) == (2, Decimal("0.6667"))
    assert second.work_percent == Decimal("66.67")


def test_the_street_total_sums_the_communities(street):
    total = selectors.coverage_rates(_street_orgs(street)).total
    assert total.community_id is None
    assert total.denominator == 5
    assert (total.organization_covered, total.organization_rate) == (3, Decimal("0.6000"))
    assert (total.work_covered, total.work_rate) == (4, Decimal("0.8000"))
    assert total.organization_percent == Decimal("60.00")


def test_it_computes_an_ungrouped_total_in_one_query(street, django_assert_num_queries):
    with django_assert_num_queries(1):
        rates = selectors.coverage_rates(_street_orgs(street), group_by=None)
    assert rates.groups == []
    assert (rates.total.denominator, rates.total.organization_covered) == (5, 3)
    assert rates.total.work_rate == Decimal("0.8000")


def test_an_empty_register_has_denominator_zero_and_no_rate(tenant):
    rates = selectors.coverage_rates(Organization.objects.none())
    assert rates.total.denominator == 0
    assert rates.total.organization_rate is None
    assert rates.total.work_percent is None


def test_it_refuses_an_unknown_grouping(tenant):
    with pytest.raises(ValueError):
        selectors.coverage_rates(Organization.objects.all(), group_by="street")


def test_ending_a_coverage_lowers_the_rate(street):
    street.own.party_coverages.update(ended_on=datetime.date(2024, 1, 1))
    first = selectors.coverage_rates(_street_orgs(street)).groups[0]
    assert (first.denominator, first.organization_covered) == (2, 1)
    assert first.organization_rate == Decimal("0.5000")


# --- Flags -------------------------------------------------------------------------------------


def test_it_flags_organizations_that_should_set_up_a_branch(street):
    flagged = selectors.organizations_needing_own_branch(_street_orgs(street))
    # own has its own branch, nothing has only 2 full members, exited has left the hub.
    assert [org.name for org in flagged] == [street.joint.name]


def test_a_third_full_member_makes_an_organization_flagged(street):
    member(street.joint_branch, organization=street.nothing)
    flagged = selectors.organizations_needing_own_branch(_street_orgs(street))
    assert {org.name for org in flagged} == {street.joint.name, street.nothing.name}


def test_it_flags_branches_of_more_than_fifty_members(tenant):
    big = party_org(tenant.street, "大支部")
    fifty = party_org(tenant.street, "五十人支部")
    members(big, 50)
    member(big, status=PROBATIONARY)  # probationary members are members
    members(fifty, 50)
    branches = PartyOrganization.objects.filter(street=tenant.street)
    flagged = list(selectors.branches_too_large(branches))
    assert [(branch.name, branch.member_count) for branch in flagged] == [("大支部", 51)]


def test_it_flags_branches_of_seven_full_members_without_a_committee(tenant):
    seven = party_org(tenant.street, "七人支部")
    members(seven, 7)
    short = party_org(tenant.street, "六人支部")
    members(short, 6)
    members(short, 3, status=PROBATIONARY)  # the committee rule counts full members
    with_committee = party_org(tenant.street, "有支委会支部", has_committee=True)
    members(with_committee, 8)
    general = party_org(tenant.street, "总支", kind=PartyOrgKind.GENERAL_BRANCH)
    members(general, 9)  # not a branch
    branches = PartyOrganization.objects.filter(street=tenant.street)
    flagged = list(selectors.branches_needing_committee(branches))
    assert [(branch.name, branch.full_member_count) for branch in flagged] == [("七人支部", 7)]


# --- Cross-appointments ------------------------------------------------------------------------


@pytest.fixture
def secretary(street):
    Organization.objects.filter(pk=street.own.pk).update(
        leader_name="张建国", leader_phone="13812345678"
    )
    person = member(street.own_branch, "张建国", organization=street.own, phone="138 1234 5678")
    PartyOrganization.objects.filter(pk=street.own_branch.pk).update(secretary=person)
    return person


def test_it_derives_a_cross_appointment_from_the_data(street, secretary, django_assert_num_queries):
    with django_assert_num_queries(1):
        found = selectors.cross_appointments(street.tenant.street)
    assert found.count == 1
    (row,) = found.rows
    assert row.party_organization == street.own_branch
    assert row.member == secretary
    assert row.organization == street.own


def test_changing_the_leaders_name_breaks_the_cross_appointment(street, secretary):
    Organization.objects.filter(pk=street.own.pk).update(leader_name="张建华")
    assert selectors.cross_appointments(street.tenant.street).count == 0


def test_a_different_phone_breaks_it_and_a_missing_one_does_not(street, secretary):
    Organization.objects.filter(pk=street.own.pk).update(leader_phone="13900000000")
    assert selectors.cross_appointments(street.tenant.street).count == 0
    Organization.objects.filter(pk=street.own.pk).update(leader_phone="")
    assert selectors.cross_appointments(street.tenant.street).count == 1


def test_a_secretary_who_works_elsewhere_is_no_cross_appointment(street, secretary):
    # Same name as the leader of "own", but the member works in another organization.
    type(secretary).objects.filter(pk=secretary.pk).update(organization=street.joint)
    assert selectors.cross_appointments(street.tenant.street).count == 0


def test_cross_appointments_stay_in_their_street_and_scope(street, secretary, outsider_tenant):
    assert selectors.cross_appointments(outsider_tenant.street).count == 0
    assert selectors.cross_appointments(street.tenant.street, user=street.tenant.leader).count == 0
    staff = street.tenant.community_staff  # 一社区, where "own" and its branch are
    assert selectors.cross_appointments(street.tenant.street, user=staff).count == 1


# --- Compliance --------------------------------------------------------------------------------


def _month(row, month):
    return row.months[month - 1]


@pytest.fixture
def branches(tenant):
    """2025, months 1-6: a branch with a committee that skipped some meetings, and a branch
    without one founded in May."""
    old = party_org(
        tenant.street, "A支部", has_committee=True, founded_on=datetime.date(2019, 3, 1)
    )
    for month in range(1, 7):
        day = datetime.date(2025, month, 10)
        if month != 4:
            activity(old, ActivityKind.COMMITTEE_MEETING, day)
        activity(old, ActivityKind.GROUP_MEETING, day)
        if month != 2:
            activity(old, ActivityKind.THEME_DAY, day)
    activity(old, ActivityKind.GENERAL_ASSEMBLY, datetime.date(2025, 2, 20))  # Q1 only
    activity(old, ActivityKind.GENERAL_ASSEMBLY, datetime.date(2024, 5, 20))  # another year
    activity(old, ActivityKind.GENERAL_ASSEMBLY, datetime.date(2025, 7, 1))  # after June
    new = party_org(tenant.street, "B支部", founded_on=datetime.date(2025, 5, 10))
    activity(new, ActivityKind.GROUP_MEETING, datetime.date(2025, 5, 25))
    activity(new, ActivityKind.THEME_DAY, datetime.date(2025, 5, 25))
    activity(new, ActivityKind.PARTY_LECTURE, datetime.date(2025, 6, 1))  # not owed
    party_org(tenant.street, "总支", kind=PartyOrgKind.GENERAL_BRANCH)  # not a branch
    return old, new


def test_compliance_lists_the_missing_activities_per_month(
    tenant, branches, django_assert_num_queries
):
    with django_assert_num_queries(2):
        rows = selectors.compliance(PartyOrganization.objects.filter(street=tenant.street), 2025, 6)
    old, new = rows
    assert (old.branch.name, new.branch.name) == ("A支部", "B支部")
    assert [len(row.months) for row in rows] == [6, 6]
    assert [month.missing for month in old.months] == [
        [],
        [ActivityKind.THEME_DAY],
        [],
        [ActivityKind.COMMITTEE_MEETING],
        [],
        [ActivityKind.GENERAL_ASSEMBLY],  # Q2 had no general assembly
    ]
    assert _month(old, 3).due == [
        ActivityKind.COMMITTEE_MEETING,
        ActivityKind.GROUP_MEETING,
        ActivityKind.THEME_DAY,
        ActivityKind.GENERAL_ASSEMBLY,
    ]
    assert old.missing_count == 3
    assert _month(old, 4).missing_labels == [str(ActivityKind.COMMITTEE_MEETING.label)]


def test_a_branch_owes_nothing_before_it_was_founded_nor_committee_meetings_without_one(
    tenant, branches
):
    _old, new = selectors.compliance(
        PartyOrganization.objects.filter(street=tenant.street), 2025, 6
    )
    assert [month.before_founding for month in new.months] == [True] * 4 + [False] * 2
    assert [month.due for month in new.months[:4]] == [[]] * 4
    assert _month(new, 5).ok
    assert _month(new, 5).due == [ActivityKind.GROUP_MEETING, ActivityKind.THEME_DAY]
    assert _month(new, 6).missing == [
        ActivityKind.GROUP_MEETING,
        ActivityKind.THEME_DAY,
        ActivityKind.GENERAL_ASSEMBLY,
    ]


def test_a_quarter_that_has_not_ended_owes_no_general_assembly_yet(tenant, branches):
    old, _new = selectors.compliance(
        PartyOrganization.objects.filter(street=tenant.street), 2025, 5
    )
    assert [month.missing for month in old.months][-2:] == [[ActivityKind.COMMITTEE_MEETING], []]


def test_compliance_of_no_branches_is_empty(tenant, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert selectors.compliance(PartyOrganization.objects.none(), 2025, 12) == []
