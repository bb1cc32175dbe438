"""双孵六同步 read from party-building records: a recorded coverage completes 入驻, a
logged party activity completes 管理, an approved pre-review completes 换届 — without the
caller typing any evidence. All three need the coverage; typed evidence never replaces a
record (only a street administrator's override does, see tests/incubation)."""

import datetime
from datetime import date
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import translation

from core.errors import ActionRefused
from incubation import checkpoints as registry
from incubation import services
from incubation.models import Organization
from incubation.workflows import Stage
from partybuilding import checkpoints
from partybuilding.choices import ActivityKind, PreReviewResult
from partybuilding.models import PartyActivity
from partybuilding.services.coverage import (
    coverage_assign,
    coverage_end,
    instructor_assign,
    instructor_end,
    prereview_record,
)
from tests.factories import RegisteredOrganizationFactory
from tests.partybuilding.helpers import make_tree

TODAY = date(2026, 11, 28)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(
        datetime.datetime(2026, 11, 28, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False
    ):
        yield


@pytest.fixture
def tree(tenant):
    return make_tree(tenant.street)


def change(org, to_stage, evidence=None):
    return services.organization_change_stage(
        organization=org, to_stage=to_stage, actor=None, evidence=evidence
    )


def org_in(tenant, *stages):
    """An organization of the tenant put in the last of ``stages``, with no party records."""
    org = RegisteredOrganizationFactory(community=tenant.community)
    Organization.objects.filter(pk=org.pk).update(stage=stages[-1])
    org.refresh_from_db()
    return org


def covered(org, tree, branch=None):
    """Give ``org`` coverage by ``branch`` (the joint one by default)."""
    coverage_assign(
        branch=branch or tree.joint, organization=org, liaison="王红", started_on=TODAY, actor=None
    )
    return org


def log_activity(branch, day, organization=None):
    return PartyActivity.objects.create(
        branch=branch,
        kind=ActivityKind.THEME_DAY,
        date=day,
        title="主题党日",
        organization=organization,
    )


def test_the_party_checkers_are_registered():
    assert registry.checker_for(Stage.ONBOARDING) is checkpoints.check_onboarding
    assert registry.checker_for(Stage.MANAGEMENT) is checkpoints.check_management
    assert registry.checker_for(Stage.RE_ELECTION) is checkpoints.check_re_election


def test_registering_twice_changes_nothing(tenant, tree):
    checkpoints.register()
    org = org_in(tenant, Stage.ONBOARDING, Stage.MANAGEMENT, Stage.RE_ELECTION)

    result = registry.run_checkpoint(org, Stage.RE_ELECTION, {"party_prereview_passed": True})

    assert registry.checker_for(Stage.RE_ELECTION) is checkpoints.check_re_election
    assert registry.reads_records(Stage.RE_ELECTION)
    assert not result.ok


# --- 入驻 -------------------------------------------------------------------------------------


def test_a_recorded_coverage_completes_onboarding_without_typed_evidence(tenant, tree):
    org = org_in(tenant, Stage.ONBOARDING)
    coverage_assign(
        branch=tree.joint, organization=org, liaison="王红", started_on=TODAY, actor=None
    )

    event = change(org, Stage.MANAGEMENT)

    assert org.stage == Stage.MANAGEMENT
    assert event.evidence["checkpoint"] == {
        "coverage": "joint_branch",
        "branch": tree.joint.name,
        "party_liaison": "王红",
    }


def test_an_own_branch_is_reported_as_such(tenant, tree):
    org = org_in(tenant, Stage.ONBOARDING)
    coverage_assign(
        branch=tree.single, organization=org, liaison="李明", started_on=TODAY, actor=None
    )

    assert registry.run_checkpoint(org, Stage.ONBOARDING, {}).evidence["coverage"] == ("own_branch")


def test_an_instructor_completes_onboarding(tenant, tree):
    org = org_in(tenant, Stage.ONBOARDING)
    instructor_assign(
        organization=org,
        name="赵指导",
        phone="",
        sent_by=tree.committee,
        started_on=TODAY,
        actor=None,
    )

    event = change(org, Stage.MANAGEMENT)

    assert event.evidence["checkpoint"] == {
        "coverage": "instructor",
        "branch": tree.committee.name,
        "party_liaison": "赵指导",
    }


def test_onboarding_is_refused_without_recorded_coverage(tenant, tree):
    org = org_in(tenant, Stage.ONBOARDING)

    with translation.override("en"), pytest.raises(ActionRefused) as exc:
        change(org, Stage.MANAGEMENT)

    assert exc.value.missing == [
        "no party coverage is recorded (a covering branch with a named party liaison, or a "
        "party-building instructor)"
    ]
    org.refresh_from_db()
    assert org.stage == Stage.ONBOARDING


def test_typed_coverage_no_longer_completes_onboarding(tenant):
    org = org_in(tenant, Stage.ONBOARDING)

    with pytest.raises(ActionRefused):
        change(org, Stage.MANAGEMENT, {"coverage": "joint_branch", "party_liaison": "王红"})

    org.refresh_from_db()
    assert org.stage == Stage.ONBOARDING


def test_an_ended_coverage_or_instructor_does_not_count(tenant, tree):
    org = covered(org_in(tenant, Stage.ONBOARDING), tree)
    coverage_end(coverage=org.party_coverages.get(), ended_on=TODAY, actor=None)
    assignment = instructor_assign(
        organization=org,
        name="赵指导",
        phone="",
        sent_by=tree.committee,
        started_on=TODAY,
        actor=None,
    )
    instructor_end(assignment=assignment, ended_on=TODAY, actor=None)

    assert not registry.run_checkpoint(org, Stage.ONBOARDING, {}).ok


# --- 管理 -------------------------------------------------------------------------------------


def test_a_logged_activity_with_the_organization_completes_management(tenant, tree):
    org = covered(org_in(tenant, Stage.ONBOARDING, Stage.MANAGEMENT), tree)
    log_activity(tree.committee, date(2026, 7, 1), organization=org)

    event = change(org, Stage.ANNUAL_REVIEW)

    assert org.stage == Stage.ANNUAL_REVIEW
    assert event.evidence["checkpoint"] == {
        "coverage": "joint_branch",
        "party_activity_count": 1,
    }


def test_management_needs_coverage_besides_the_activities(tenant, tree):
    org = org_in(tenant, Stage.ONBOARDING, Stage.MANAGEMENT)
    log_activity(tree.committee, date(2026, 7, 1), organization=org)

    with translation.override("en"), pytest.raises(ActionRefused) as exc:
        change(org, Stage.ANNUAL_REVIEW)

    assert len(exc.value.missing) == 1
    assert "no party coverage is recorded" in exc.value.missing[0]


def test_the_covering_branchs_activities_count_for_the_organization(tenant, tree):
    org = covered(org_in(tenant, Stage.ONBOARDING, Stage.MANAGEMENT), tree)
    log_activity(tree.joint, date(2026, 9, 25))
    log_activity(tree.joint, date(2026, 10, 25))
    log_activity(tree.single, date(2026, 10, 25))  # another branch: not counted

    event = change(org, Stage.ANNUAL_REVIEW)

    assert event.evidence["checkpoint"]["party_activity_count"] == 2


def test_activities_older_than_twelve_months_do_not_count(tenant, tree):
    org = covered(org_in(tenant, Stage.ONBOARDING, Stage.MANAGEMENT), tree)
    log_activity(tree.committee, date(2025, 11, 28), organization=org)

    with translation.override("en"), pytest.raises(ActionRefused) as exc:
        change(org, Stage.ANNUAL_REVIEW)

    assert "no party activity of the organization is logged" in exc.value.message
    assert checkpoints.party_activity_count(org) == 0


def test_a_typed_count_no_longer_completes_management(tenant, tree):
    org = covered(org_in(tenant, Stage.ONBOARDING, Stage.MANAGEMENT), tree)

    with translation.override("en"), pytest.raises(ActionRefused) as exc:
        change(org, Stage.ANNUAL_REVIEW, {"party_activity_count": 3})

    assert exc.value.missing == ["no party activity of the organization is logged"]


# --- 换届 -------------------------------------------------------------------------------------


def pre_review(org, tree, result, reviewed_on=date(2026, 10, 10)):
    return prereview_record(
        organization=org,
        reviewed_by=tree.committee,
        reviewed_on=reviewed_on,
        candidates="张三、李四",
        result=result,
        note="" if result == PreReviewResult.APPROVED else "候选人不符合条件",
        actor=None,
    )


def test_an_approved_pre_review_completes_re_election(tenant, tree):
    org = covered(org_in(tenant, Stage.ONBOARDING, Stage.MANAGEMENT, Stage.RE_ELECTION), tree)
    pre_review(org, tree, PreReviewResult.APPROVED)

    event = change(org, Stage.MANAGEMENT)

    assert org.stage == Stage.MANAGEMENT
    assert event.evidence["checkpoint"] == {
        "coverage": "joint_branch",
        "party_prereview_passed": True,
        "reviewed_on": "2026-10-10",
    }


def test_re_election_needs_coverage_besides_the_pre_review(tenant, tree):
    org = org_in(tenant, Stage.ONBOARDING, Stage.MANAGEMENT, Stage.RE_ELECTION)
    pre_review(org, tree, PreReviewResult.APPROVED)

    with translation.override("en"), pytest.raises(ActionRefused) as exc:
        change(org, Stage.MANAGEMENT)

    assert len(exc.value.missing) == 1
    assert "no party coverage is recorded" in exc.value.missing[0]


def test_a_rejected_pre_review_refuses_re_election_even_with_the_box_ticked(tenant, tree):
    org = covered(org_in(tenant, Stage.ONBOARDING, Stage.MANAGEMENT, Stage.RE_ELECTION), tree)
    pre_review(org, tree, PreReviewResult.APPROVED, reviewed_on=date(2026, 9, 1))
    pre_review(org, tree, PreReviewResult.REJECTED)

    with translation.override("en"), pytest.raises(ActionRefused) as exc:
        change(org, Stage.MANAGEMENT, {"party_prereview_passed": True})

    assert "pre-review of Oct. 10, 2026 rejected the new leadership" in exc.value.message
    org.refresh_from_db()
    assert org.stage == Stage.RE_ELECTION


def test_a_pre_review_older_than_six_months_does_not_count(tenant, tree):
    org = covered(org_in(tenant, Stage.ONBOARDING, Stage.MANAGEMENT, Stage.RE_ELECTION), tree)
    pre_review(org, tree, PreReviewResult.APPROVED, reviewed_on=date(2026, 5, 27))

    with pytest.raises(ActionRefused):
        change(org, Stage.MANAGEMENT)


def test_the_typed_flag_no_longer_completes_re_election(tenant, tree):
    org = covered(org_in(tenant, Stage.ONBOARDING, Stage.MANAGEMENT, Stage.RE_ELECTION), tree)

    with translation.override("en"), pytest.raises(ActionRefused) as exc:
        change(org, Stage.MANAGEMENT, {"party_prereview_passed": True})

    assert exc.value.missing == [
        "the party organization has not pre-reviewed the new leadership candidates"
    ]
