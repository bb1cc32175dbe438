"""Funding test helpers: a call, an eligible organization and a ready draft."""

import datetime
from decimal import Decimal

from django.utils import timezone

from funding.choices import MilestoneKind, TrackKind
from funding.models import Application, GrantCall
from funding.services.applications import application_create, application_update
from funding.services.calls import call_create
from incubation.choices import AnnualReviewResult
from incubation.models import Organization

CRITERIA = (("民生性", 30), ("操作性", 30), ("成熟性", 20), ("创新性", 20))


def make_call(
    tenant, *, year=None, budget="500000", cap="50000", milestones=None, **kw
) -> GrantCall:
    today = timezone.localdate()
    options = {}
    if milestones is not None:
        options["milestones"] = milestones
    return call_create(
        street=tenant.street,
        year=year or today.year,
        title=kw.pop("title", f"{today.year}年公益微创投"),
        total_budget=Decimal(budget),
        per_project_cap=Decimal(cap),
        opens_on=kw.pop("opens_on", today - datetime.timedelta(days=10)),
        closes_on=kw.pop("closes_on", today + datetime.timedelta(days=20)),
        criteria=CRITERIA,
        tracks=kw.pop("tracks", ((TrackKind.REGISTERED, None), (TrackKind.FILED, "30000"))),
        actor=tenant.street_admin,
        **options,
        **kw,
    )


def make_eligible(org, year=None) -> Organization:
    Organization.objects.filter(pk=org.pk).update(
        last_annual_review_year=year or timezone.localdate().year - 1,
        last_annual_review_result=AnnualReviewResult.PASSED,
    )
    org.refresh_from_db()
    return org


def make_draft(call, org, leader, *, title="邻里守望互助计划", amount="20000", lines=None):
    today = timezone.localdate()
    app = application_create(call=call, organization=org, actor=leader, title=title)
    lines = lines or [
        {"item": "活动物料", "amount": Decimal(amount) / 2},
        {"item": "志愿者培训", "amount": Decimal(amount) / 2},
    ]
    return application_update(
        application=app,
        actor=leader,
        summary="为独居老人提供每周探访。",
        target_community=org.community,
        beneficiaries="独居老人",
        beneficiary_count=60,
        starts_on=today + datetime.timedelta(days=40),
        ends_on=today + datetime.timedelta(days=300),
        requested_amount=Decimal(amount),
        budget_lines=lines,
    )


def refresh(app) -> Application:
    return Application.objects.get(pk=app.pk)


PLAN_WITH_MIDTERM = (
    (MilestoneKind.AGREEMENT, Decimal("40")),
    (MilestoneKind.MIDTERM, Decimal("30")),
    (MilestoneKind.FINAL, Decimal("30")),
)
