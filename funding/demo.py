"""The funding part of the demo dataset: ten years of micro-venture calls (2016–2025, 130
funded projects — the published figure), the community foundation 美好凯旋社区发展基金会
(2,000,000 yuan seed, 14 council units, about 2,500,000 yuan raised, a spending record) and
this year's call open, with a draft by leader1's organization and, from
``seed_applications_to_score``, a few submitted applications for expert1 to score.

History is written with bulk_create (it is fast and nothing in it is a live decision); the
current call, leader1's draft and the expert assignment go through the services."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from funding.choices import AcceptanceResult, MilestoneKind, ReportKind, TrackKind
from funding.eligibility import eligibility_reasons
from funding.models import (
    Application,
    BudgetLine,
    CallTrack,
    CouncilUnit,
    Criterion,
    Donation,
    ExpertAssignment,
    Fund,
    FundSpending,
    GrantAgreement,
    GrantCall,
    Milestone,
    ProjectReport,
    Score,
    Tranche,
)
from funding.selectors import fund_ledger_balance
from funding.services.applications import (
    application_create,
    application_transition,
    application_update,
)
from funding.services.calls import call_create
from funding.services.foundation import fund_create
from funding.services.review import expert_assign
from funding.workflows import ApplicationStatus
from incubation.choices import ServiceField
from incubation.models import Organization

S = ApplicationStatus
FUND_NAME = "美好凯旋社区发展基金会"
SEED = Decimal("2000000")
# Funded projects per year, 2016–2025: 130 in all (the published figure).
FUNDED_PER_YEAR = dict(zip(range(2016, 2026), (8, 10, 11, 12, 13, 14, 14, 15, 16, 17), strict=True))
PUBLISHED_FUNDED = 130
LAST_HISTORY_YEAR = 2025
CALL_BUDGET = Decimal("500000")
CALL_CAP = Decimal("30000")
CRITERIA = (("民生性", 30), ("操作性", 30), ("成熟性", 20), ("创新性", 20))
COUNCIL_UNITS = (
    "凯旋街道办事处",
    "南肖埠社区居委会",
    "景昙社区居委会",
    "凯旋社区居委会",
    "新风社区居委会",
    "华家池社区居委会",
    "杭州凯旋商贸有限公司",
    "浙江景和物业服务有限公司",
    "杭州华家池农产品市场",
    "凯旋街道社区卫生服务中心",
    "杭州市上城区凯益荟社会组织服务中心",
    "杭州新风实业有限公司",
    "浙江凤凰建设集团",
    "杭州庆和餐饮管理有限公司",
)
PROJECT_WORDS = (
    ("邻里守望", "独居老人"),
    ("楼道微更新", "老旧小区居民"),
    ("四点半课堂", "双职工家庭儿童"),
    ("垃圾分类督导", "社区居民"),
    ("助残康复陪伴", "残障人士"),
    ("家门口文艺", "社区文艺爱好者"),
    ("平安巡防", "社区居民"),
    ("银龄互助", "低龄老人"),
    ("新杭州人融入", "外来务工人员"),
    ("口袋公园养护", "社区居民"),
)
FIELDS = (
    ServiceField.ELDERLY,
    ServiceField.RESIDENT_SERVICES,
    ServiceField.YOUTH,
    ServiceField.ENVIRONMENT,
    ServiceField.DISABILITY,
    ServiceField.CULTURE_SPORTS,
    ServiceField.SAFETY,
    ServiceField.NEIGHBOURLY_HELP,
    ServiceField.CHARITY,
    ServiceField.ENVIRONMENT,
)
LEADER1_ORG = "南肖埠陆号邻里服务社"


def seed_funding(street, users) -> dict[str, int]:
    admin = users["admin"]
    if GrantCall.objects.filter(street=street, year=2016).exists():
        return _counts(street)
    rng = random.Random(2016)
    orgs = list(Organization.objects.filter(community__street=street).order_by("pk"))
    if not orgs:
        return {}
    _seed_history(street, orgs, rng)
    _seed_foundation(street, admin, rng)
    _seed_current_call(street, users, orgs)
    return _counts(street)


def _counts(street) -> dict[str, int]:
    fund = Fund.objects.filter(street=street).first()
    return {
        "grant_calls": GrantCall.objects.filter(street=street).count(),
        "grant_projects_funded": Application.objects.filter(
            call__street=street, status__in=[S.APPROVED, S.IN_PROGRESS, S.COMPLETED, S.TERMINATED]
        ).count(),
        "foundation_council_units": CouncilUnit.objects.filter(fund=fund).count() if fund else 0,
        "foundation_donations": Donation.objects.filter(fund=fund).count() if fund else 0,
    }


def _history_call(street, year: int) -> GrantCall:
    return GrantCall(
        street=street,
        year=year,
        title=f"{year}年凯旋街道公益微创投",
        theme="聚焦民生需求，培育社区治理型社会组织。",
        total_budget=CALL_BUDGET,
        per_project_cap=CALL_CAP,
        opens_on=datetime.date(year, 3, 1),
        closes_on=datetime.date(year, 3, 31),
    )


def _seed_history(street, orgs, rng) -> None:
    calls = GrantCall.objects.bulk_create([_history_call(street, year) for year in FUNDED_PER_YEAR])
    CallTrack.objects.bulk_create(
        CallTrack(
            call=call,
            kind=kind,
            per_project_cap=None if kind == TrackKind.REGISTERED else Decimal("20000"),
        )
        for call in calls
        for kind in TrackKind.values
    )
    Criterion.objects.bulk_create(
        Criterion(call=call, name=name, weight=Decimal(weight), position=i)
        for call in calls
        for i, (name, weight) in enumerate(CRITERIA)
    )
    Milestone.objects.bulk_create(
        Milestone(call=call, kind=kind, percent=Decimal("50"))
        for call in calls
        for kind in (MilestoneKind.AGREEMENT, MilestoneKind.FINAL)
    )
    leader1_org = next((o for o in orgs if o.name == LEADER1_ORG), None)
    candidates = [o for o in orgs if o is not leader1_org and not o.has_left]
    apps = []
    for call in calls:
        count = FUNDED_PER_YEAR[call.year]
        picked = rng.sample(candidates, min(count + 3, len(candidates)))
        if call.year == 2024 and leader1_org is not None:
            picked[0] = leader1_org
        for index, org in enumerate(picked):
            funded = index < count
            words, people = PROJECT_WORDS[(call.year + index) % len(PROJECT_WORDS)]
            cap = CALL_CAP if org.is_registered else Decimal("20000")
            requested = Decimal(rng.randrange(8, int(cap / 1000) + 1) * 1000)
            status, result = _history_outcome(call.year, index, funded, rng)
            apps.append(
                Application(
                    call=call,
                    organization=org,
                    track=TrackKind.REGISTERED if org.is_registered else TrackKind.FILED,
                    title=f"{words}·{org.name[:6]}",
                    summary=f"面向{people}的{words}项目。",
                    service_field=FIELDS[(call.year + index) % len(FIELDS)],
                    target_community_id=org.community_id,
                    beneficiaries=people,
                    beneficiary_count=rng.randrange(30, 400),
                    starts_on=datetime.date(call.year, 5, 1),
                    ends_on=_ends(call.year),
                    requested_amount=requested,
                    status=status,
                    submitted_at=_at(call.year, 3, 25),
                    awarded_amount=requested if funded else None,
                    decision_message="经专家评审，同意立项。"
                    if funded
                    else "本次未获资助，欢迎明年再申报。",
                    decided_at=_at(call.year, 4, 20),
                    agreement_signed_on=datetime.date(call.year, 5, 1) if funded else None,
                    midterm_due_on=_midterm_due(call.year) if funded else None,
                    final_due_on=_ends(call.year) if funded else None,
                    acceptance_result=result,
                    accepted_on=datetime.date(call.year + 1, 1, 15) if result else None,
                )
            )
    apps = Application.objects.bulk_create(apps)
    lines, tranches, reports = [], [], []
    for app in apps:
        half = (app.requested_amount / 2).quantize(Decimal("0.01"))
        lines += [
            BudgetLine(application=app, item="活动物料", amount=half, position=0),
            BudgetLine(
                application=app,
                item="人员及志愿者补贴",
                amount=app.requested_amount - half,
                position=1,
            ),
        ]
        if app.awarded_amount is None:
            continue
        year = app.call.year
        if app.status == S.IN_PROGRESS:
            # The running projects handed in their mid-term report in time.
            reports.append(
                ProjectReport(
                    application=app,
                    kind=ReportKind.MIDTERM,
                    content="项目按计划推进，已完成过半活动。",
                    spent_amount=half,
                )
            )
        for kind, paid_on in (
            (MilestoneKind.AGREEMENT, datetime.date(year, 5, 10)),
            (MilestoneKind.FINAL, datetime.date(year + 1, 1, 25)),
        ):
            paid = kind == MilestoneKind.AGREEMENT or app.acceptance_result in (
                AcceptanceResult.PASSED,
                AcceptanceResult.BASICALLY_PASSED,
            )
            tranches.append(
                Tranche(
                    application=app,
                    milestone=kind,
                    percent=Decimal("50"),
                    amount=half if kind == MilestoneKind.AGREEMENT else app.awarded_amount - half,
                    paid_on=paid_on if paid else None,
                    reference=f"KX{year}{app.pk:05d}{kind[0].upper()}" if paid else "",
                )
            )
    BudgetLine.objects.bulk_create(lines)
    Tranche.objects.bulk_create(tranches)
    ProjectReport.objects.bulk_create(reports)
    _issue_agreements(apps)
    _seed_history_scores(street, calls, apps, rng)


def _issue_agreements(apps) -> None:
    """Each funded project's agreement is issued as if recorded on its signing day: the
    snapshot fixes the content now; the PDF is rendered on first download (or by workers
    when a broker is configured) — from the snapshot either way."""
    from django.conf import settings

    from funding.agreements import agreement_schedule, agreement_snapshot

    documents = []
    for app in apps:
        if app.agreement_signed_on is None:
            continue
        document = GrantAgreement(
            application=app,
            issued_at=timezone.make_aware(
                datetime.datetime.combine(app.agreement_signed_on, datetime.time(10))
            ),
        )
        document.snapshot = agreement_snapshot(app, document.verification_code)
        documents.append(document)
    GrantAgreement.objects.bulk_create(documents)
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        for document in documents:
            agreement_schedule(document.application_id)


def _seed_history_scores(street, calls, apps, rng) -> None:
    """Three experts scored every application of each past call; the funded ones (listed
    first for their call) scored higher, so the ranking shows how the money was decided."""
    experts = list(
        User.objects.filter(street=street, groups__name=Role.EVALUATOR).order_by("pk")[:3]
    )
    if not experts:
        return
    ExpertAssignment.objects.bulk_create(
        ExpertAssignment(call=call, expert=expert) for call in calls for expert in experts
    )
    criteria = {}
    for criterion in Criterion.objects.filter(call__in=calls):
        criteria.setdefault(criterion.call_id, []).append(criterion)
    scores, rank = [], {}
    for app in apps:
        index = rank[app.call_id] = rank.get(app.call_id, -1) + 1
        base = 93 - index * 1.6
        for expert in experts:
            for criterion in criteria[app.call_id]:
                value = max(40, min(100, base + rng.uniform(-4, 4)))
                scores.append(
                    Score(
                        application=app,
                        expert=expert,
                        criterion=criterion,
                        value=Decimal(str(round(value, 1))),
                    )
                )
    Score.objects.bulk_create(scores, batch_size=1000)


def _history_outcome(year: int, index: int, funded: bool, rng) -> tuple[str, str]:
    if not funded:
        return S.REJECTED, ""
    if year == LAST_HISTORY_YEAR:
        return S.IN_PROGRESS, ""
    # Mostly 合格, some 基本合格, a rare 不合格 (long enough ago not to block anyone now).
    roll = rng.random()
    if year <= 2021 and roll < 0.04:
        return S.COMPLETED, AcceptanceResult.FAILED
    if roll < 0.2:
        return S.COMPLETED, AcceptanceResult.BASICALLY_PASSED
    return S.COMPLETED, AcceptanceResult.PASSED


def _ends(year: int) -> datetime.date:
    # The last year's projects run for eighteen months; earlier ones within their year.
    return datetime.date(year + 1 if year == LAST_HISTORY_YEAR else year, 12, 31)


def _midterm_due(year: int) -> datetime.date:
    if year == LAST_HISTORY_YEAR:
        return datetime.date(year + 1, 3, 31)
    return datetime.date(year, 8, 31)


def _at(year, month, day):
    return timezone.make_aware(datetime.datetime(year, month, day, 10, 0))


def _seed_foundation(street, admin, rng) -> None:
    fund = fund_create(
        street=street,
        name=FUND_NAME,
        seed_capital=SEED,
        established_on=datetime.date(2019, 6, 18),
        actor=admin,
    )
    CouncilUnit.objects.bulk_create(
        CouncilUnit(fund=fund, name=name, joined_on=datetime.date(2019, 6, 18))
        for name in COUNCIL_UNITS
    )
    donors = COUNCIL_UNITS[6:] + ("爱心居民（匿名）", "凯旋街道商会", "杭州慈善总会")
    purposes = ("", "", "助老服务", "困境儿童", "社区微更新")
    donations, total, number = [], Decimal("0"), 0
    target = Decimal("2500000")
    while total < target - Decimal("60000"):
        number += 1
        amount = Decimal(rng.randrange(10, 120) * 1000)
        year = 2019 + (number % 7)
        donations.append(
            Donation(
                fund=fund,
                donor=donors[number % len(donors)],
                amount=amount,
                received_on=datetime.date(year, 1 + number % 12, 1 + number % 27),
                restricted_purpose=purposes[number % len(purposes)],
                receipt_number=f"MHKX-{year}-{number:04d}",
            )
        )
        total += amount
    Donation.objects.bulk_create(donations)
    spending = [
        ("南肖埠老旧小区加装电梯补助", "320000", datetime.date(2020, 9, 10)),
        ("困境儿童微心愿", "86000", datetime.date(2021, 6, 1)),
        ("凯旋社区口袋公园", "245000", datetime.date(2022, 5, 20)),
        ("助老食堂运营补贴", "310000", datetime.date(2023, 3, 15)),
        ("社区应急物资储备", "128000", datetime.date(2024, 7, 8)),
        ("邻里节活动", "65000", datetime.date(2025, 10, 1)),
    ]
    FundSpending.objects.bulk_create(
        FundSpending(
            fund=fund,
            project=name,
            amount=Decimal(amount),
            spent_on=day,
            reference=f"ZC-{day:%Y%m%d}",
        )
        for name, amount, day in spending
    )
    # The bulk entries bypass the running total: set it from the ledger, once.
    Fund.objects.filter(pk=fund.pk).update(balance=fund_ledger_balance(fund))


def _seed_current_call(street, users, orgs) -> None:
    admin = users["admin"]
    today = timezone.localdate()
    year = max(today.year, 2026)
    call = call_create(
        street=street,
        year=year,
        title=f"{year}年凯旋街道公益微创投",
        theme="聚焦“一老一小”、邻里互助与社区微治理。",
        total_budget=CALL_BUDGET,
        per_project_cap=CALL_CAP,
        opens_on=today - datetime.timedelta(days=14),
        closes_on=today + datetime.timedelta(days=30),
        criteria=CRITERIA,
        tracks=((TrackKind.REGISTERED, None), (TrackKind.FILED, Decimal("20000"))),
        actor=admin,
    )
    if "expert1" in users:
        expert_assign(call=call, expert=users["expert1"], actor=admin)
    leader = users.get("leader1")
    org = next((o for o in orgs if o.name == LEADER1_ORG), None)
    if leader is None or org is None:
        return
    draft = application_create(
        call=call, organization=org, actor=leader, title="陆号邻里守望·独居老人关爱"
    )
    application_update(
        application=draft,
        actor=leader,
        summary="组织志愿者每周探访南肖埠社区独居老人，提供助餐、陪诊和安全检查。",
        service_field=ServiceField.ELDERLY,
        target_community=org.community,
        beneficiaries="南肖埠社区独居及空巢老人",
        beneficiary_count=80,
        starts_on=datetime.date(year + 1, 3, 1),
        ends_on=datetime.date(year + 1, 12, 31),
        requested_amount=Decimal("28000"),
        budget_lines=[
            {"item": "志愿者培训", "amount": Decimal("6000"), "note": "4场"},
            {"item": "探访物资", "amount": Decimal("12000"), "note": "80户"},
            {"item": "陪诊交通补贴", "amount": Decimal("10000"), "note": ""},
        ],
    )


def seed_applications_to_score(street, pairs, users) -> int:
    """This year's open call, with submitted applications waiting for expert1's scores:
    each (organization, leader account) of ``pairs`` whose organization is eligible drafts
    and submits a project through the services, as a leader would. Returns how many
    applications of the call are submitted."""
    today = timezone.localdate()
    call = (
        GrantCall.objects.filter(street=street, opens_on__lte=today, closes_on__gte=today)
        .order_by("-year")
        .first()
    )
    if call is None:
        return 0
    rng = random.Random(f"funding-queue-{street.code}-{today.year}")
    for n, (org, leader) in enumerate(pairs):
        if eligibility_reasons(org, call, today=today):
            continue
        if Application.objects.filter(call=call, organization=org).exists():
            continue
        words, people = PROJECT_WORDS[(n * 3 + 1) % len(PROJECT_WORDS)]
        app = application_create(
            call=call, organization=org, actor=leader, title=f"{words}·{people}服务计划"
        )
        lines = [
            {"item": "活动物资", "amount": Decimal(rng.randrange(4, 8) * 1000), "note": ""},
            {"item": "志愿者培训与保险", "amount": Decimal(rng.randrange(2, 5) * 1000), "note": ""},
            {"item": "宣传与成果汇编", "amount": Decimal(rng.randrange(1, 4) * 1000), "note": ""},
        ]
        application_update(
            application=app,
            actor=leader,
            summary=f"面向{people},开展“{words}”系列服务,每月不少于两次。",
            service_field=FIELDS[n % len(FIELDS)],
            target_community=org.community,
            beneficiaries=people,
            beneficiary_count=rng.randint(40, 200),
            starts_on=datetime.date(call.year + 1, 3, 1),
            ends_on=datetime.date(call.year + 1, 12, 31),
            requested_amount=sum(line["amount"] for line in lines),
            budget_lines=lines,
        )
        application_transition(application=app, to=S.SUBMITTED, actor=leader, today=today)
    return Application.objects.filter(call=call, status=S.SUBMITTED).count()
