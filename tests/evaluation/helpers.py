"""Builders for evaluation tests: an open cycle on the default template, a registered
organization in 管理 led by the tenant's leader, evaluators per group, and a complete
form."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from accounts.roles import Role
from evaluation.choices import EvaluatorGroup
from evaluation.selectors import applicable_items
from evaluation.services.cycles import cycle_change_status, cycle_create
from evaluation.services.reviews import review_save, review_start, review_submit
from evaluation.services.scoring import assignment_create, scores_save, scores_submit
from evaluation.services.templates import template_seed_default
from evaluation.workflows import CycleStatus
from partybuilding.choices import ActivityKind
from tests.factories import RegisteredOrganizationFactory, UserFactory
from tests.partybuilding.pb_helpers import activity, cover, party_org

TODAY = datetime.date(2026, 11, 20)
OPENS = datetime.date(2026, 11, 1)
DEADLINE = datetime.date(2026, 12, 15)

FORM = {
    "work_summary": "全年开展邻里互助服务,覆盖居民1200人次。",
    "activities_held": "重阳敬老活动\n垃圾分类宣传",
    "income": Decimal("128000.50"),
    "expenditure": Decimal("119500.00"),
    "net_assets": Decimal("36000.00"),
    "staff_count": 3,
    "volunteer_count": 45,
    "party_section": "联合党支部覆盖,全年开展主题党日12次。",
}


@dataclass
class Setup:
    tenant: object
    cycle: object
    org: object
    leader: object
    staff: object
    evaluators: dict  # group -> user


def make_cycle(street, year=2026, opens_on=OPENS, deadline=DEADLINE, open_it=True, **options):
    template = template_seed_default(street=street)
    cycle = cycle_create(
        street=street,
        year=year,
        template=template,
        opens_on=opens_on,
        deadline=deadline,
        actor=None,
        **options,
    )
    if open_it:
        cycle_change_status(cycle=cycle, to_status=CycleStatus.OPEN, actor=None)
    return cycle


def make_org(tenant, *, name="凯益测试服务社", leader=None, party=True, **fields):
    org = RegisteredOrganizationFactory(
        community=tenant.community,
        name=name,
        stage="management",
        founded_on=fields.pop("founded_on", datetime.date(2015, 5, 1)),
        **fields,
    )
    if leader is not None:
        org.leader_accounts.add(leader)
    if party:
        branch = party_org(tenant.street, f"{name}党支部")
        cover(branch, org)
        activity(branch, ActivityKind.THEME_DAY, datetime.date(2026, 3, 25), organization=org)
    return org


def make_evaluators(tenant, tag="") -> dict:
    return {
        group: UserFactory(
            username=f"{tenant.street.code}-{group}{tag}", role=Role.EVALUATOR, street=tenant.street
        )
        for group in EvaluatorGroup.values
    }


def setup(tenant) -> Setup:
    cycle = make_cycle(tenant.street)
    org = make_org(tenant, leader=tenant.leader)
    return Setup(
        tenant=tenant,
        cycle=cycle,
        org=org,
        leader=tenant.leader,
        staff=tenant.street_admin,
        evaluators=make_evaluators(tenant),
    )


def fill(review, actor, ratio=Decimal("0.9")):
    items = applicable_items(review)
    return review_save(
        review=review,
        actor=actor,
        self_assessment={str(i.pk): (i.max_points * ratio).quantize(Decimal("0.1")) for i in items},
        **FORM,
    )


def submitted_review(s: Setup):
    review = review_start(cycle=s.cycle, organization=s.org, actor=s.leader)
    fill(review, s.leader)
    return review_submit(review=review, actor=s.leader)


def score_all(review, evaluator, ratio: Decimal, comment=""):
    """Score every applicable item at ``ratio`` of its maximum (one decimal)."""
    assignment = review.assignments.get(evaluator=evaluator)
    points = {
        i.pk: ((i.max_points * ratio).quantize(Decimal("0.1")), "")
        for i in applicable_items(review)
    }
    scores_save(assignment=assignment, actor=evaluator, scores=points, comment=comment)
    scores_submit(assignment=assignment, actor=evaluator)
    return assignment


def assign_all(s: Setup, review, groups=None):
    for group in groups or s.evaluators:
        assignment_create(review=review, evaluator=s.evaluators[group], group=group, actor=s.staff)
