"""Coverage of social organizations: a branch set up alone covers one organization, a
joint branch at most five, an organization has one covering branch at a time; instructors
go to organizations without their own branch; pre-reviews of new leadership."""

import datetime
from datetime import date
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import translation

from accounts.roles import Role
from core.errors import ActionRefused
from incubation.choices import EventKind
from incubation.models import OrganizationEvent
from partybuilding.choices import Establishment, PreReviewResult
from partybuilding.models import InstructorAssignment, LeadershipPreReview, PartyCoverage
from partybuilding.services.coverage import (
    coverage_assign,
    coverage_end,
    instructor_assign,
    instructor_end,
    prereview_record,
)
from tests.factories import OrganizationFactory, UserFactory
from tests.partybuilding.helpers import branch, link, make_tree

STARTED = date(2026, 1, 5)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(
        datetime.datetime(2026, 6, 1, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False
    ):
        yield


@pytest.fixture
def tree(tenant):
    return make_tree(tenant.street)


def assign(branch, organization, actor=None, liaison="王红", started_on=STARTED):
    return coverage_assign(
        branch=branch,
        organization=organization,
        liaison=liaison,
        started_on=started_on,
        actor=actor,
    )


def orgs(tenant, count):
    return [OrganizationFactory(community=tenant.community) for _ in range(count)]


def coverage_events(org):
    return OrganizationEvent.objects.filter(
        organization=org, kind=EventKind.UPDATED, evidence__has_key="party_coverage"
    )


# --- Branch coverage ------------------------------------------------------------------------


def test_it_covers_an_organization_and_records_it_on_the_timeline(tenant, tree):
    coverage = assign(tree.joint, tenant.org, actor=tenant.street_admin)

    assert (coverage.branch, coverage.organization, coverage.liaison) == (
        tree.joint,
        tenant.org,
        "王红",
    )
    (event,) = coverage_events(tenant.org)
    assert event.actor == tenant.street_admin
    assert event.evidence["party_coverage"] == {
        "action": "assigned",
        "coverage": "joint_branch",
        "branch": tree.joint.name,
        "liaison": "王红",
        "started_on": "2026-01-05",
    }


def test_a_branch_set_up_alone_covers_only_its_own_organization(tenant, tree):
    assign(tree.single, tenant.org)

    with translation.override("en"), pytest.raises(ActionRefused) as exc:
        assign(tree.single, tenant.other_org)

    assert "set up alone" in exc.value.message
    assert not PartyCoverage.objects.filter(organization=tenant.other_org).exists()


def test_a_joint_branch_covers_at_most_five_organizations(tenant, tree):
    first_five, (sixth, seventh) = orgs(tenant, 5), orgs(tenant, 2)
    for org in first_five:
        assign(tree.joint, org)

    with translation.override("en"), pytest.raises(ActionRefused) as exc:
        assign(tree.joint, sixth)
    with pytest.raises(ActionRefused):
        assign(tree.joint, seventh)

    assert "already covers 5 organizations" in exc.value.message
    assert PartyCoverage.objects.active().filter(branch=tree.joint).count() == 5


def test_ending_a_coverage_frees_a_place_in_a_joint_branch(tenant, tree):
    covered = [assign(tree.joint, org) for org in orgs(tenant, 5)]
    sixth = OrganizationFactory(community=tenant.community)

    coverage_end(coverage=covered[0], ended_on=date(2026, 5, 1), actor=None)
    assign(tree.joint, sixth)

    assert PartyCoverage.objects.active().filter(branch=tree.joint).count() == 5


def test_an_organization_has_one_covering_branch_at_a_time(tenant, tree):
    assign(tree.joint, tenant.org)

    with translation.override("en"), pytest.raises(ActionRefused) as exc:
        assign(tree.single, tenant.org)

    assert tree.joint.name in exc.value.message
    assert "end that coverage" in exc.value.message


def test_assigning_the_covering_branch_again_changes_nothing(tenant, tree):
    first = assign(tree.joint, tenant.org)

    again = assign(tree.joint, tenant.org)

    assert again.pk == first.pk
    assert coverage_events(tenant.org).count() == 1


def test_assigning_the_covering_branch_with_another_liaison_changes_the_liaison(tenant, tree):
    assign(tree.joint, tenant.org)

    coverage = assign(tree.joint, tenant.org, liaison="李明")

    coverage.refresh_from_db()
    assert coverage.liaison == "李明"
    assert coverage_events(tenant.org).first().evidence["party_coverage"]["liaison"] == [
        "王红",
        "李明",
    ]


def test_it_refuses_a_functional_branch(tenant, tree):
    functional = branch(tree.committee, establishment=Establishment.FUNCTIONAL)

    with translation.override("en"), pytest.raises(ActionRefused) as exc:
        assign(functional, tenant.org)

    assert "functional branch" in exc.value.message


def test_only_a_branch_covers_organizations(tenant, tree):
    with pytest.raises(ActionRefused):
        assign(tree.general_branch, tenant.org)


def test_it_refuses_an_organization_of_another_street(tree, outsider_tenant):
    with pytest.raises(ActionRefused):
        assign(tree.joint, outsider_tenant.org)


def test_it_requires_a_liaison(tenant, tree):
    with pytest.raises(ValidationError) as exc:
        assign(tree.joint, tenant.org, liaison="  ")

    assert "liaison" in exc.value.message_dict


def test_it_refuses_a_start_in_the_future(tenant, tree):
    with pytest.raises(ValidationError) as exc:
        assign(tree.joint, tenant.org, started_on=date(2026, 6, 2))

    assert "started_on" in exc.value.message_dict


def test_it_ends_a_coverage_once(tenant, tree):
    coverage = assign(tree.joint, tenant.org)

    coverage_end(coverage=coverage, ended_on=date(2026, 5, 1), actor=tenant.street_admin)
    coverage_end(coverage=coverage, ended_on=date(2026, 5, 20), actor=tenant.street_admin)

    coverage.refresh_from_db()
    assert coverage.ended_on == date(2026, 5, 1)
    assert coverage_events(tenant.org).count() == 2


def test_it_refuses_a_coverage_by_street_staff_of_another_street(tenant, tree, outsider_tenant):
    with pytest.raises(ActionRefused):
        assign(tree.joint, tenant.org, actor=outsider_tenant.street_admin)


def test_it_refuses_a_coverage_by_a_party_worker_not_linked(tenant, tree):
    link(tenant.party_worker, tree.single)

    with pytest.raises(ActionRefused):
        assign(tree.joint, tenant.org, actor=tenant.party_worker)


def test_it_lets_the_branchs_party_worker_cover_an_organization(tenant, tree):
    link(tenant.party_worker, tree.joint)

    coverage = assign(tree.joint, tenant.org, actor=tenant.party_worker)

    assert coverage.pk


# --- Instructors ----------------------------------------------------------------------------


def send(organization, sent_by, actor=None, name="赵指导", **fields):
    fields = {"phone": "138 1234 5678", "started_on": STARTED, **fields}
    return instructor_assign(
        organization=organization, name=name, sent_by=sent_by, actor=actor, **fields
    )


def test_it_sends_an_instructor_to_an_organization_without_a_branch(tenant, tree):
    assignment = send(tenant.org, tree.committee, actor=tenant.street_admin)

    assert (assignment.name, assignment.phone, assignment.sent_by) == (
        "赵指导",
        "13812345678",
        tree.committee,
    )
    assert coverage_events(tenant.org).get().evidence["party_coverage"]["coverage"] == (
        "instructor"
    )


def test_it_refuses_an_instructor_for_an_organization_with_its_own_branch(tenant, tree):
    assign(tree.single, tenant.org)

    with translation.override("en"), pytest.raises(ActionRefused) as exc:
        send(tenant.org, tree.committee)

    assert tree.single.name in exc.value.message
    assert not InstructorAssignment.objects.exists()


def test_it_sends_an_instructor_alongside_a_joint_branch(tenant, tree):
    assign(tree.joint, tenant.org)

    assert send(tenant.org, tree.committee).pk


def test_it_refuses_a_second_instructor_and_repeats_the_first_as_done(tenant, tree):
    first = send(tenant.org, tree.committee)

    assert send(tenant.org, tree.committee).pk == first.pk
    with pytest.raises(ActionRefused):
        send(tenant.org, tree.committee, name="钱指导")


def test_it_sends_a_new_instructor_after_the_first_ends(tenant, tree):
    first = send(tenant.org, tree.committee)

    instructor_end(assignment=first, ended_on=date(2026, 3, 1), actor=None)
    second = send(tenant.org, tree.committee, name="钱指导")

    first.refresh_from_db()
    assert first.ended_on == date(2026, 3, 1)
    assert second.pk != first.pk


def test_an_instructor_account_must_be_a_party_worker_of_the_street(tenant, tree, outsider_tenant):
    with pytest.raises(ValidationError) as exc:
        send(tenant.org, tree.committee, account=outsider_tenant.party_worker)
    assert "account" in exc.value.message_dict
    with pytest.raises(ValidationError):
        send(tenant.org, tree.committee, account=tenant.community_staff)

    own = UserFactory(role=Role.PARTY_WORKER, street=tenant.street)
    assert send(tenant.org, tree.committee, account=own).account == own


def test_it_refuses_an_instructor_sent_by_another_streets_staff(tenant, tree, outsider_tenant):
    with pytest.raises(ActionRefused):
        send(tenant.org, tree.committee, actor=outsider_tenant.street_admin)


def test_it_refuses_an_instructor_with_an_invalid_phone(tenant, tree):
    with pytest.raises(ValidationError) as exc:
        send(tenant.org, tree.committee, phone="12345")

    assert "phone" in exc.value.message_dict


# --- Leadership pre-reviews -----------------------------------------------------------------


def review(organization, reviewed_by, result=PreReviewResult.APPROVED, actor=None, **fields):
    fields = {"reviewed_on": date(2026, 5, 10), "candidates": "张三、李四", "note": "", **fields}
    return prereview_record(
        organization=organization, reviewed_by=reviewed_by, result=result, actor=actor, **fields
    )


def test_it_records_a_pre_review_on_the_timeline(tenant, tree):
    record = review(tenant.org, tree.committee, actor=tenant.street_admin)

    assert record.result == PreReviewResult.APPROVED
    evidence = coverage_events(tenant.org).get().evidence["party_coverage"]
    assert (evidence["action"], evidence["result"]) == ("prereview", "approved")


def test_a_rejection_gives_its_reason(tenant, tree):
    with pytest.raises(ValidationError) as exc:
        review(tenant.org, tree.committee, result=PreReviewResult.REJECTED)
    assert "note" in exc.value.message_dict

    record = review(
        tenant.org, tree.committee, result=PreReviewResult.REJECTED, note="候选人不符合条件"
    )
    assert record.note == "候选人不符合条件"


def test_it_requires_the_candidates(tenant, tree):
    with pytest.raises(ValidationError) as exc:
        review(tenant.org, tree.committee, candidates=" ")

    assert "candidates" in exc.value.message_dict


def test_it_refuses_a_pre_review_by_a_party_worker_not_linked(tenant, tree, outsider_tenant):
    with pytest.raises(ActionRefused):
        review(tenant.org, tree.committee, actor=tenant.party_worker)
    with pytest.raises(ActionRefused):
        review(tenant.org, tree.committee, actor=outsider_tenant.street_admin)

    assert not LeadershipPreReview.objects.exists()
