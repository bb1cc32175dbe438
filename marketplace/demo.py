"""The marketplace's demo: the hub's published results (850 micro-wishes fulfilled, 340
projects matched, more than 15 million yuan of social funds drawn in) rebuilt from
records spread over 2021–2026, and this month's live lists through the services.

History is written in bulk (it happened before the platform; no notifications, no
events beyond the confirmation); today's items go through ``marketplace.services`` like
a community worker's."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from incubation.models import Organization
from marketplace import wish_tally
from marketplace.categories import seed_default_categories
from marketplace.choices import (
    AgeBand,
    ClaimTarget,
    FundSource,
    ListKind,
    NeedNature,
    NeedSource,
    ProviderKind,
    TargetGroup,
)
from marketplace.eligibility import CLAIMING_STAGES
from marketplace.models import (
    Category,
    Claim,
    FundCommitment,
    Need,
    PartnerUnit,
    Project,
    Resource,
    Wish,
    WishBeneficiary,
)
from marketplace.workflows import (
    BatchStatus,
    ClaimStatus,
    ListingStatus,
    ProjectStatus,
    WishStatus,
)

WISHES_FULFILLED = 850
PROJECTS_MATCHED = 340
SOCIAL_FUNDS_YUAN = 15_360_000  # what the ledgers add up to (whole yuan, rounded down)
YEARS = (2021, 2022, 2023, 2024, 2025, 2026)

WISH_TITLES = [
    ("goods-daily", "一台电饭煲", "180"),
    ("goods-daily", "冬季棉被一床", "150"),
    ("goods-study", "一套课外读物", "120"),
    ("goods-study", "一个新书包", "90"),
    ("goods-daily", "一台取暖器", "220"),
    ("health-checkup", "一次上门体检", "200"),
    ("elderly-companionship", "陪同去医院复诊", "100"),
    ("goods-daily", "一副老花镜", "80"),
    ("goods-study", "一台二手电脑", "300"),
    ("children-tutoring", "一学期数学辅导", "280"),
]
ALIASES = [
    "王奶奶",
    "李爷爷",
    "小林",
    "张阿姨",
    "陈伯伯",
    "小周",
    "刘奶奶",
    "赵爷爷",
    "小吴",
    "孙阿姨",
]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "秀英桂兰建国志强丽华玉梅海燕国平淑珍金凤永刚春花"
PARTNERS = [
    "凯旋街道卫生服务中心",
    "杭州银行凯旋支行",
    "景芳中学",
    "浙江某律师事务所",
    "凯旋派出所",
    "城市书房",
    "某物业服务公司",
    "社区老年食堂",
]
FUNDERS = {
    FundSource.ENTERPRISE: ["杭州银行凯旋支行", "某物业服务公司", "某电器商场", "辖区商户联盟"],
    FundSource.FOUNDATION: ["凯益荟社区发展基金会", "区慈善总会"],
    FundSource.GOVERNMENT: ["凯旋街道办事处", "区民政局"],
    FundSource.SELF_RAISED: ["组织自筹"],
    FundSource.IN_KIND: ["某超市", "辖区企业联合捐赠"],
}


def _moment(rng: random.Random, year: int, today: datetime.date) -> datetime.datetime:
    last = today if year == today.year else datetime.date(year, 12, 31)
    day = datetime.date(year, 1, 1) + datetime.timedelta(
        days=rng.randrange((last - datetime.date(year, 1, 1)).days + 1)
    )
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN[::2]) + rng.choice(GIVEN[1::2])


def seed_marketplace(street, users) -> dict[str, int]:
    if Wish.objects.filter(community__street=street).exists():
        return counts(street)
    rng = random.Random(2021)
    today = timezone.localdate()
    communities = list(street.communities.order_by("pk"))
    organizations = list(
        Organization.objects.filter(community__street=street, stage__in=CLAIMING_STAGES)
        .order_by("pk")
        .only("pk", "community_id")
    )
    seed_default_categories()  # in place unless a database was emptied after migrating
    categories = {c.code: c for c in Category.objects.all()}
    leaves = [c for c in categories.values() if c.parent_id]
    resources = _seed_resources(street, rng, organizations, communities, leaves)
    _seed_wish_history(rng, today, communities, organizations, categories)
    wish_tally.recount()  # the history is bulk-created, not moved one by one
    _seed_project_history(rng, today, communities, organizations, leaves, resources)
    _seed_current(street, users, rng, today, categories)
    return counts(street)


def counts(street) -> dict[str, int]:
    from marketplace.selectors import marketplace_figures

    figures = marketplace_figures(street=street)
    return {
        "market_wishes_fulfilled": figures["wishes_fulfilled"],
        "market_projects_matched": figures["projects_matched"],
        "market_social_funds_yuan": int(figures["social_funds_raised"]),
        "market_needs_listed": figures["needs_listed"],
        "market_resources_listed": figures["resources_listed"],
        "market_claims_open": figures["claims_open"],
    }


def _seed_resources(street, rng, organizations, communities, leaves) -> list[Resource]:
    partners = PartnerUnit.objects.bulk_create(
        [PartnerUnit(street=street, name=name) for name in PARTNERS]
    )
    listed_at = timezone.make_aware(datetime.datetime(2021, 3, 1, 9, 0))
    resources = []
    for n, org in enumerate(organizations[:90]):
        leaf = leaves[n % len(leaves)]
        resources.append(
            Resource(
                street=street,
                provider_kind=ProviderKind.ORGANIZATION,
                organization_id=org.pk,
                title=f"{leaf.name}服务",
                category=leaf,
                capacity_per_month=rng.randint(2, 8),
                status=ListingStatus.LISTED,
                listed_at=listed_at,
            )
        )
    for n, partner in enumerate(partners):
        leaf = leaves[(n * 3) % len(leaves)]
        resources.append(
            Resource(
                street=street,
                provider_kind=ProviderKind.PARTNER_UNIT,
                partner_unit=partner,
                title=f"{partner.name}·{leaf.name}",
                category=leaf,
                capacity_per_month=rng.randint(4, 12),
                status=ListingStatus.LISTED,
                listed_at=listed_at,
            )
        )
    resources = Resource.objects.bulk_create(resources)
    through = Resource.communities.through
    through.objects.bulk_create(
        [
            through(resource_id=r.pk, community_id=communities[n % len(communities)].pk)
            for n, r in enumerate(resources)
            if r.provider_kind == ProviderKind.ORGANIZATION
        ]
    )
    return resources


def _seed_wish_history(rng, today, communities, organizations, categories) -> None:
    wishes, people, claims = [], [], []
    for n in range(WISHES_FULFILLED):
        year = YEARS[n % len(YEARS)]
        code, title, value = WISH_TITLES[n % len(WISH_TITLES)]
        fulfilled = _moment(rng, year, today)
        community = communities[n % len(communities)]
        wishes.append(
            Wish(
                community=community,
                alias=ALIASES[n % len(ALIASES)],
                age_band=AgeBand.ELDER if "奶奶" in ALIASES[n % len(ALIASES)] else AgeBand.SENIOR,
                target_group=TargetGroup.ELDERLY_ALONE if n % 3 else TargetGroup.CHILDREN,
                category=categories[code],
                title=title,
                value=Decimal(value),
                status=WishStatus.CONFIRMED,
                collected_on=(fulfilled - datetime.timedelta(days=20)).date(),
                published_at=fulfilled - datetime.timedelta(days=14),
                fulfilled_at=fulfilled,
            )
        )
    wishes = Wish.objects.bulk_create(wishes)
    for n, wish in enumerate(wishes):
        people.append(
            WishBeneficiary(
                wish=wish,
                name=_person(rng),
                phone=f"139{rng.randrange(10**8):08d}",
                address=f"{wish.community.name}{rng.randint(1, 30)}幢{rng.randint(101, 1202)}室",
                handover_contact="社区网格员",
            )
        )
        org = organizations[n % len(organizations)]
        claims.append(
            Claim(
                target=ClaimTarget.WISH,
                wish=wish,
                community_id=wish.community_id,
                organization_id=org.pk,
                status=ClaimStatus.RATED if n % 4 else ClaimStatus.CONFIRMED,
                deadline=wish.fulfilled_at.date(),
                evidence_note="已送达并签收",
                confirmed_at=wish.fulfilled_at,
                rating=(5 if n % 3 else 4) if n % 4 else None,
            )
        )
    WishBeneficiary.objects.bulk_create(people)
    Claim.objects.bulk_create(claims)


def _seed_project_history(rng, today, communities, organizations, leaves, resources) -> None:
    needs, projects = [], []
    for n in range(PROJECTS_MATCHED):
        year = YEARS[n % len(YEARS)]
        matched = _moment(rng, year, today)
        leaf = leaves[n % len(leaves)]
        community = communities[n % len(communities)]
        start = matched.date()
        needs.append(
            Need(
                community=community,
                title=f"{leaf.name}需求",
                category=leaf,
                nature=NeedNature.SERVICE,
                target_group=TargetGroup.ELDERLY if n % 2 else TargetGroup.RESIDENTS,
                quantity=rng.randint(5, 60),
                window_start=start,
                window_end=start + datetime.timedelta(days=180),
                description=f"{community.name}居民的{leaf.name}需求",
                source=NeedSource.RESIDENT_MEETING,
                estimated_value=Decimal(rng.randrange(5_000, 80_000)),
                status=ListingStatus.FULFILLED,
                listed_at=matched - datetime.timedelta(days=10),
            )
        )
        done = matched.date() + datetime.timedelta(days=180) < today
        projects.append(
            Project(
                community=community,
                title=f"{community.name}{leaf.name}项目",
                category=leaf,
                budget=Decimal(rng.randrange(20_000, 90_000)),
                beneficiaries=rng.randint(20, 300),
                starts_on=start,
                ends_on=start + datetime.timedelta(days=180),
                status=ProjectStatus.COMPLETED if done else ProjectStatus.DELIVERING,
                matched_at=matched,
            )
        )
    needs = Need.objects.bulk_create(needs)
    projects = Project.objects.bulk_create(projects)
    Project.needs.through.objects.bulk_create(
        [
            Project.needs.through(project_id=p.pk, need_id=nd.pk)
            for p, nd in zip(projects, needs, strict=True)
        ]
    )
    Project.resources.through.objects.bulk_create(
        [
            Project.resources.through(project_id=p.pk, resource_id=resources[n % len(resources)].pk)
            for n, p in enumerate(projects)
        ]
    )
    # Each project's ledger has one to three lines of random size; the sizes are scaled so
    # that the street's ledgers add up to the hub's published "more than 15 million".
    plan = []
    sources = list(FUNDERS)
    for n, project in enumerate(projects):
        for k in range(rng.randint(1, 3)):
            plan.append((project, sources[(n + k) % len(sources)], rng.randrange(8, 32)))
    unit = SOCIAL_FUNDS_YUAN / sum(weight for _p, _s, weight in plan)
    lines = []
    for project, source, weight in plan:
        lines.append(
            FundCommitment(
                project=project,
                source=source,
                funder=rng.choice(FUNDERS[source]),
                amount=Decimal(int(weight * unit)),
                committed_on=project.starts_on,
                in_kind_description="米面油等生活物资" if source == FundSource.IN_KIND else "",
            )
        )
    FundCommitment.objects.bulk_create(lines)


def _seed_current(street, users, rng, today, categories) -> None:
    """This month's lists, through the services: a published needs list of community1's
    community with needs to claim, wishes on the wall and some waiting to be verified."""
    from marketplace.services import listings
    from marketplace.services.wishes import wish_create, wish_transition

    staff = users["community1"]
    community = staff.community
    batch = listings.batch_create(
        street=street,
        community=community,
        kind=ListKind.NEEDS,
        title=f"{community.name}{today.year}年{today.month}月需求清单",
        period_start=today.replace(day=1),
        period_end=today.replace(day=1) + datetime.timedelta(days=40),
        actor=staff,
    )
    for n, (code, title) in enumerate(
        [
            ("elderly-meal", "独居老人午餐送餐"),
            ("children-after_school", "四点半课堂志愿老师"),
            ("legal-consult", "老旧小区加装电梯法律咨询"),
            ("health-mental", "空巢老人心理陪伴"),
            ("environment-sorting", "垃圾分类桶边督导"),
            ("safety-fire", "老旧楼道消防检查"),
        ]
    ):
        need = listings.need_create(
            community=community,
            actor=staff,
            title=title,
            category=categories[code],
            target_group=TargetGroup.ELDERLY_ALONE if n % 2 == 0 else TargetGroup.RESIDENTS,
            window_start=today,
            window_end=today + datetime.timedelta(days=30 + n * 5),
            description=f"{title}，每周一次",
            source=NeedSource.HOME_VISIT,
            estimated_value=Decimal(800 + n * 300),
            max_claims=2 if n == 4 else 1,
        )
        if n < 5:
            listings.need_review(need=need, actor=staff, verified=True, batch=batch)
    listings.batch_transition(batch=batch, to=BatchStatus.PUBLISHED, actor=staff)
    for n in range(8):
        code, title, value = WISH_TITLES[n]
        wish = wish_create(
            community=community,
            actor=staff,
            beneficiary={
                "name": _person(rng),
                "phone": f"139{rng.randrange(10**8):08d}",
                "address": f"{community.name}{n + 1}幢{n + 301}室",
                "handover_contact": f"网格员{staff.full_name or staff.username}",
                "photo_consent": n % 2 == 0,
            },
            alias=ALIASES[n],
            age_band=AgeBand.ELDER if n % 2 else AgeBand.CHILD,
            target_group=TargetGroup.ELDERLY_ALONE if n % 2 else TargetGroup.CHILDREN,
            category=categories[code],
            title=title,
            value=Decimal(value),
            collected_on=today,
        )
        if n < 6:
            wish = wish_transition(wish=wish, to=WishStatus.VERIFIED, actor=staff)
            wish_transition(wish=wish, to=WishStatus.PUBLISHED, actor=staff)
