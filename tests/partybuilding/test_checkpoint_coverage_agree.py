"""The lifecycle's coverage checkpoints and the coverage figures can never disagree.

Every combination of what a database can hold about one organization's coverage — a
branch set up alone or jointly, active or ended or without a liaison (a row written
around the service), an instructor active or ended — is built for one organization each.
Then: the 入驻 checker passes exactly for the organizations that the coverage selector
calls work-covered; the rates count exactly those; moving every organization on to 管理
moves exactly those; the others pass only by a street administrator's override, and the
figures count them as "covered by override", never as covered. The 管理 and 换届
checkers, with their own facts recorded for everyone, agree the same way.
"""

import datetime
import itertools
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from core.errors import ActionRefused
from incubation import checkpoints as registry
from incubation.models import CheckpointOverride, Organization
from incubation.services import organization_change_stage
from incubation.workflows import Stage
from partybuilding.choices import ActivityKind, Establishment, PreReviewResult
from partybuilding.models import (
    InstructorAssignment,
    LeadershipPreReview,
    PartyActivity,
    PartyCoverage,
)
from partybuilding.selectors import WORK_COVERED, coverage_by_organization, coverage_rates
from reporting.selectors import headline_figures
from tests.factories import OrganizationFactory
from tests.partybuilding.helpers import branch as make_branch
from tests.partybuilding.helpers import make_tree

TODAY = datetime.date(2026, 11, 28)
STARTED = datetime.date(2025, 3, 1)

BRANCH_STATES = ("none", "own", "joint", "own_ended", "joint_ended", "joint_no_liaison")
INSTRUCTOR_STATES = ("none", "active", "ended")
STATES = list(itertools.product(BRANCH_STATES, INSTRUCTOR_STATES))


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(
        datetime.datetime(2026, 11, 28, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False
    ):
        yield


def _build(tenant, tree, branch_state, instructor_state, stage=Stage.ONBOARDING):
    """One organization in ``stage`` with the given coverage, written directly (the
    database may hold rows the services would refuse; the figures and the checkpoints
    must still agree about them)."""
    org = OrganizationFactory(
        community=tenant.community,
        name=f"组织-{branch_state}-{instructor_state}-{stage}",
        leader_political_status="masses",
        party_member_count=0,
    )
    Organization.objects.filter(pk=org.pk).update(stage=stage)
    org.refresh_from_db()
    if branch_state != "none":
        kind, _sep, rest = branch_state.partition("_")
        # Each single branch covers one organization: give each its own.
        branch = tree.joint
        if kind == "own":
            branch = make_branch(
                tree.committee, f"单独党支部-{org.pk}", establishment=Establishment.SINGLE
            )
        PartyCoverage.objects.create(
            branch=branch,
            organization=org,
            liaison="" if rest == "no_liaison" else "王红",
            started_on=STARTED,
            ended_on=TODAY if rest == "ended" else None,
        )
    if instructor_state != "none":
        InstructorAssignment.objects.create(
            organization=org,
            name="赵指导",
            sent_by=tree.committee,
            started_on=STARTED,
            ended_on=TODAY if instructor_state == "ended" else None,
        )
    return org


def _expected_covered(branch_state, instructor_state) -> bool:
    return branch_state in ("own", "joint") or instructor_state == "active"


@pytest.fixture
def orgs(tenant):
    tree = make_tree(tenant.street)
    return {state: _build(tenant, tree, *state) for state in STATES}


def _covered_by_selector(orgs) -> dict:
    rows = coverage_by_organization(Organization.objects.filter(pk__in=[o.pk for o in orgs]))
    return {row.pk: row.coverage_kind in WORK_COVERED for row in rows}


def test_it_passes_onboarding_exactly_where_the_selector_sees_coverage(orgs):
    by_selector = _covered_by_selector(orgs.values())

    for state, org in orgs.items():
        passed = registry.run_checkpoint(org, Stage.ONBOARDING, {}).ok
        assert passed == by_selector[org.pk], state
        assert passed == _expected_covered(*state), state
    rates = coverage_rates(Organization.objects.filter(pk__in=[o.pk for o in orgs.values()]))
    assert rates.total.work_covered == sum(by_selector.values())


def test_typed_evidence_never_passes_onboarding(orgs):
    typed = {"coverage": "joint_branch", "party_liaison": "王红"}

    for state, org in orgs.items():
        assert registry.run_checkpoint(org, Stage.ONBOARDING, typed).ok == _expected_covered(
            *state
        ), state


def test_moving_on_moves_exactly_the_covered_and_overrides_are_counted_apart(orgs, tenant):
    moved, refused = [], []
    for org in orgs.values():
        try:
            organization_change_stage(organization=org, to_stage=Stage.MANAGEMENT, actor=None)
        except ActionRefused:
            refused.append(org)
        else:
            moved.append(org)
    everyone = Organization.objects.filter(pk__in=[o.pk for o in orgs.values()])
    rates = coverage_rates(everyone, group_by=None).total
    assert len(moved) == rates.work_covered == sum(_expected_covered(*s) for s in STATES)
    assert rates.covered_by_override == 0

    for org in refused:
        organization_change_stage(
            organization=org,
            to_stage=Stage.MANAGEMENT,
            actor=tenant.street_admin,
            override_reason="街道党工委同意先行入驻,三个月内落实党建指导员",
        )
    rates = coverage_rates(everyone, group_by=None).total
    assert everyone.filter(stage=Stage.MANAGEMENT).count() == len(orgs)
    assert rates.work_covered == len(moved)  # an override is not coverage
    assert rates.covered_by_override == len(refused)
    assert CheckpointOverride.objects.count() == len(refused)
    figures = headline_figures(street=tenant.street, today=TODAY)
    assert figures["covered_by_override"] == len(refused)
    assert figures["work_coverage_rate"] * figures["organizations_in_register"] == pytest.approx(
        rates.work_covered, abs=0.5
    )


def test_management_and_re_election_agree_with_the_selector_too(orgs, tenant):
    tree_branch = PartyCoverage.objects.values_list("branch", flat=True).first()
    for org in orgs.values():
        PartyActivity.objects.create(
            branch_id=tree_branch,
            kind=ActivityKind.PARTY_LECTURE,
            date=datetime.date(2026, 10, 1),
            title="党课",
            organization=org,
        )
        LeadershipPreReview.objects.create(
            organization=org,
            reviewed_by_id=tree_branch,
            reviewed_on=datetime.date(2026, 10, 1),
            candidates="张三",
            result=PreReviewResult.APPROVED,
        )
    by_selector = _covered_by_selector(orgs.values())

    for state, org in orgs.items():
        for stage in (Stage.MANAGEMENT, Stage.RE_ELECTION):
            assert registry.run_checkpoint(org, stage, {}).ok == by_selector[org.pk], (
                state,
                stage,
            )


def test_the_stats_command_prints_covered_by_override(orgs, tenant, capsys):
    org = orgs[("none", "none")]
    organization_change_stage(
        organization=org,
        to_stage=Stage.MANAGEMENT,
        actor=tenant.street_admin,
        override_reason="先行入驻",
    )

    call_command("stats", "--json", "--street", tenant.street.code)

    assert '"covered_by_override": 1' in capsys.readouterr().out
