"""Demo party building of 凯益荟: the "1+6+X" tree of the 综合党委 with its 326 members.

The figures are the article's (人民网, 2024-10-12): 党委下设6个总支、36个党支部、党员326名;
23名社会组织负责人担任党组织书记; 累计发展党员35名; 每月25日党员固定奉献日; 每年组织活动超过
300场次. Everything is written through the party-building services with ``actor=None`` (the
system), so every row passes the same checks as real data.

- Deterministic: one ``random.Random(SEED)`` plans everything from the street's
  organizations (read in a fixed order) before anything is written. Dates are relative to
  today: terms ending soon, probations ending, this year's organizational life.
- Idempotent: the whole layer is skipped when the street already has the committee
  (``COMMITTEE_NAME``); ``kaiyihui.demo.seed_demo`` runs in one transaction, so the layer
  is either all there or not at all.
- Built on the incubation demo (477 organizations) but reads only what is stored: the
  organizations' fields, grades, credit listings and leader accounts.

What the data show:

- 6 总支 by service field, each with single (单独组建), joint (联合组建, 2-5 organizations)
  and one functional (功能型) branch; all 5A organizations have their own branch.
- 23 branch secretaries are leaders of an organization the branch covers (cross-appointment,
  derived from name and phone); where a chosen organization's leader is not recorded as a
  party member, ``organization_update`` aligns the leader's political status.
- 35 members came through the development pipeline with dated steps (most are full
  members, some still probationary); about ten more are applicants, activists and
  candidates.
- Organizations without a branch mostly have a party-building instructor (work coverage
  about 70%); the newest registrations and some teams have neither.
- This year's organizational life: 支委会/党小组会/主题党日 monthly, 支部党员大会 and 党课
  quarterly with a few gaps, the 党员固定奉献日 on every 25th so far, and volunteer service.
"""

from __future__ import annotations

import calendar
import datetime
import random
from dataclasses import dataclass, field

from django.utils import timezone

from accounts.models import Street
from incubation.choices import CreditGround, LegalStatus, PoliticalStatus, ServiceField
from incubation.models import CreditListing, Organization
from incubation.rules import add_years
from incubation.services import organization_update
from incubation.workflows import EXIT_STAGES, Stage
from partybuilding.choices import (
    ActivityKind,
    DevelopmentStage,
    Establishment,
    MemberStatus,
    PartyOrgKind,
    PreReviewResult,
)
from partybuilding.models import (
    Development,
    InstructorAssignment,
    PartyActivity,
    PartyCoverage,
    PartyMember,
    PartyOrganization,
)
from partybuilding.selectors import cross_appointments
from partybuilding.services.activities import activity_record
from partybuilding.services.coverage import coverage_assign, instructor_assign, prereview_record
from partybuilding.services.development import (
    development_advance,
    development_extend_probation,
    development_start,
)
from partybuilding.services.members import member_create
from partybuilding.services.tree import party_org_create, party_org_set_secretary
from partybuilding.workflows import TREE_RULES

SEED = 2011_0901  # the day 凯益荟 and its party committee were set up
COMMITTEE_NAME = "中共杭州市上城区凯益荟社会组织综合党委"
COMMITTEE_FOUNDED = datetime.date(2011, 9, 1)
GENERAL_BRANCH_TOTAL = 6
BRANCH_TOTAL = 36
SINGLE_TOTAL = 14  # 单独组建; the other 22 are 16 joint and 6 functional (one per 总支)
MEMBER_TOTAL = 326
CROSS_APPOINTMENT_TOTAL = 23
DEVELOPED_TOTAL = 35  # reached 预备党员 or 正式党员
DEVELOPED_PROBATIONARY = 8  # of those, still probationary
STREET_WIDE_JOINT = 3  # joint branches whose organizations are in several communities
TERMS_ENDING_SOON = 3  # branch terms ending within 90 days
WORK_COVERAGE_TARGET = 0.72
ORGANIZATIONS_PER_INSTRUCTOR = 10
PREREVIEW_COUNT = 4
# The longest a leader's development takes to reach probation (see PartyPlanner.development).
LEADER_PIPELINE_DAYS = 345 + 90 + 366 + 30 + 90
# Members of another organization of a joint branch: up to this many full members each, so
# few organizations end up "应建未建" (≥ 3 full members without an own branch) ...
JOINT_FULL_CAP = 2
# ... except the first organization of every fifth joint branch, which the flag then finds.
FLAGGED_JOINT_EVERY = 5

GROUPS = (
    # (总支 label, service fields, the functional branch)
    ("为老服务", (ServiceField.ELDERLY, ServiceField.DISABILITY), "凯益荟银龄先锋功能型党支部"),
    ("文体", (ServiceField.CULTURE_SPORTS,), "凯益荟文艺轻骑兵功能型党支部"),
    ("公益慈善", (ServiceField.CHARITY, ServiceField.OTHER), "凯益荟红领志愿服务功能型党支部"),
    (
        "邻里互助",
        (ServiceField.NEIGHBOURLY_HELP, ServiceField.RESIDENT_SERVICES),
        "凯益荟流动党员功能型党支部",
    ),
    ("平安治理", (ServiceField.SAFETY, ServiceField.ENVIRONMENT), "凯益荟平安护航功能型党支部"),
    ("青少年", (ServiceField.YOUTH,), "凯益荟青春益站功能型党支部"),
)
GROUP_OF_FIELD = {f: index for index, (_label, fields, _f) in enumerate(GROUPS) for f in fields}
CHINESE_NUMBERS = "一二三四五六七八九十"

# --- Vocabulary -------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    return text.split()


SURNAMES = (
    "王陈张李徐沈吴周金胡朱杨钱俞章孙郑楼何叶方汪蒋刘黄赵许施姚马丁邵陆顾冯潘应毛范邱鲁傅宋"
    "孔屠戴袁严韩唐曹骆吕夏蔡程高罗郭"
)
MALE_GIVEN = _words(
    "建国 建华 国平 国强 志明 志强 伟明 卫东 立新 德明 永康 文华 宝林 松林 荣华 晓东 俊杰 一鸣 "
    "思远 浩然 晨阳 海波 国庆 建军 水根 伟 军 勇 斌 健 明华 振华 忠良 金龙 国栋 宏伟 凯 磊 涛 "
    "子轩 宇航 嘉诚 鹏飞 文杰 天翔 志刚 建平 小龙 新民 学军"
)
FEMALE_GIVEN = _words(
    "海燕 丽娟 秀英 桂芳 美华 玉兰 红梅 雪芬 月娥 素珍 凤英 金花 惠芳 亚萍 晓红 建英 爱萍 丽萍 "
    "彩琴 雅琴 佩华 明芳 林芳 佳怡 婷婷 静怡 爱华 淑贞 巧英 菊芳 杏娟 琴芳 美琴 丽华 敏 静 芳 燕 "
    "洁 晓燕 春燕 雪梅 慧敏 若曦 诗涵 雨桐 梦瑶 欣怡 秀兰 翠英"
)
# Characters that end mostly women's given names (for leaders named by the registry).
FEMALE_ENDINGS = set("芳英娟兰梅芬娥珍花萍琴燕洁敏静婷怡贞娣妹霞莉丽娜瑶涵桐")
MOBILE_PREFIXES = _words(
    "130 131 132 133 135 136 137 138 139 150 151 152 153 155 157 158 159 "
    "177 180 181 182 183 186 187 188 189 199"
)
# Resident ID regions: mostly 上城区 (and the former 江干区 it absorbed), some from elsewhere.
ID_REGIONS = (
    ["330102"] * 10
    + ["330104"] * 6
    + _words(
        "330103 330105 330106 330108 330109 330110 330381 330521 330624 330782 341122 362330 "
        "420106 320583"
    )
)
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)

LECTURE_TITLES = (
    "书记讲党课:学习《中国共产党章程》,做合格党员",
    "专题党课:党建引领社会组织高质量发展",
    "专题党课:深入贯彻中央八项规定精神",
    "专题党课:学习《中国共产党纪律处分条例》",
    "“凯育沙龙·每月一提升”领航讲堂:社会组织党员的先锋作用",
    "党史党课:从红船精神到“八八战略”",
    "专题党课:“红领”社会组织参与基层治理",
    "专题党课:习近平新时代中国特色社会主义思想学习",
)
GROUP_MEETING_TOPICS = (
    "学习传达上级党组织会议精神",
    "交流党员志愿服务情况",
    "讨论本月“公益伙伴日”活动安排",
    "学习《社区社会组织双孵化服务规范》党建条款",
    "开展批评与自我批评",
    "收缴党费,通报党员参加组织生活情况",
)
COMMITTEE_MEETING_TOPICS = (
    "研究本月组织生活安排",
    "研究发展党员工作",
    "研究党员教育管理和党费收缴",
    "研究支部参与社区治理项目",
    "研究走访慰问困难党员",
    "研究社会组织业务与党建工作融合",
)
ASSEMBLY_TOPICS = (
    "通报季度支部工作,听取党员意见",
    "学习上级党组织文件精神",
    "讨论支部年度工作计划落实情况",
    "民主评议党员情况通报",
)
THEME_DAY_BY_MONTH = {
    1: "主题党日:新春走访慰问困难党员和老党员",
    2: "主题党日:学习全国两会精神前瞻",
    3: "主题党日:学雷锋志愿服务月",
    4: "主题党日:清明祭英烈,缅怀革命先烈",
    5: "主题党日:五四青年节,党员带团员",
    6: "主题党日:重温入党誓词,迎接“七一”",
    7: "主题党日:庆祝中国共产党成立{anniversary}周年",
    8: "主题党日:“八一”走访慰问退役军人",
    9: "主题党日:九九重阳,敬老助老",
    10: "主题党日:国庆主题教育,唱响红歌",
    11: "主题党日:“119”消防安全宣传",
    12: "主题党日:宪法宣传日,学法用法",
}
DEDICATION_SERVICES = (
    "楼道清洁与杂物清理",
    "为独居老人送餐上门",
    "义诊义剪便民服务",
    "垃圾分类督导",
    "反诈宣传进楼道",
    "“微心愿”认领",
    "家电义务维修",
    "文明劝导与交通疏导",
    "关爱“一老一小”",
    "助学帮困结对走访",
    "社区环境整治",
    "党员亮身份,邻里议事",
)
VOLUNTEERING_TITLES = (
    "“公益伙伴日”志愿服务",
    "“凯益集市”便民服务",
    "“美好凯旋”社区发展基金会公益项目志愿服务",
    "“红领社企服务站”就业帮扶",
    "助力乡村振兴爱心义卖",
    "“圆梦微心愿”志愿服务",
    "老旧小区改造居民议事志愿服务",
)
OFFICER_POSTS = ("组织委员", "宣传委员", "纪检委员")


def _person_sex(name: str) -> str:
    given = name[1:]
    if given in FEMALE_GIVEN:
        return "F"
    if given in MALE_GIVEN:
        return "M"
    return "F" if given and given[-1] in FEMALE_ENDINGS else "M"


def _days_in_month(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


# --- The plan ---------------------------------------------------------------------------


@dataclass
class Person:
    name: str
    sex: str
    birth_date: datetime.date
    id_number: str
    phone: str


@dataclass
class MemberPlan:
    person: Person
    organization: Organization | None
    joined_on: datetime.date
    leader: bool = False
    posts: str = ""


@dataclass
class DevelopmentPlan:
    person: Person
    organization: Organization | None
    applied_on: datetime.date
    steps: list[tuple[str, datetime.date, str]] = field(default_factory=list)
    extend_until: datetime.date | None = None

    @property
    def final_stage(self) -> str:
        return self.steps[-1][0] if self.steps else DevelopmentStage.APPLICANT

    def step_on(self, stage: str) -> datetime.date | None:
        return next((on for s, on, _note in self.steps if s == stage), None)


@dataclass
class ActivityPlan:
    kind: str
    date: datetime.date
    title: str
    attendees: int
    organization: Organization | None = None


@dataclass
class BranchPlan:
    group: int
    establishment: str
    organizations: list[Organization]
    name: str = ""
    community: object = None
    founded_on: datetime.date | None = None
    term_start: datetime.date | None = None
    term_end: datetime.date | None = None
    cross: bool = False  # the secretary leads one of the covered organizations
    street_wide: bool = False
    size: int = 0  # members at the end, developed ones included
    dev_full: int = 0
    dev_probationary: int = 0
    members: list[MemberPlan] = field(default_factory=list)
    developments: list[DevelopmentPlan] = field(default_factory=list)
    secretary: Person | None = None
    liaisons: dict[int, str] = field(default_factory=dict)
    activities: list[ActivityPlan] = field(default_factory=list)

    @property
    def full_members(self) -> int:
        return self.size - self.dev_probationary

    @property
    def has_committee(self) -> bool:
        return self.full_members >= TREE_RULES.committee_from_members

    def party_leaders(self) -> list[Organization]:
        return [o for o in self.organizations if _leads_as_member(o)]

    def probationary_leaders(self) -> list[Organization]:
        return [
            o
            for o in self.organizations
            if o.leader_name and o.leader_political_status == PoliticalStatus.PROBATIONARY_MEMBER
        ]


def _leads_as_member(org: Organization) -> bool:
    return bool(org.leader_name) and org.leader_political_status == PoliticalStatus.PARTY_MEMBER


@dataclass
class PartyPlan:
    general_branches: list[dict]
    branches: list[BranchPlan]
    pipeline: list[tuple[int, DevelopmentPlan]]  # (branch index, development)
    instructors: list[tuple[Organization, str, str, int, datetime.date]]
    prereviews: list[tuple[Organization, int | None, int, datetime.date, str]]
    leader_alignments: dict[int, dict]  # organization pk → organization_update changes


class PartyPlanner:
    def __init__(self, organizations: list[Organization], today: datetime.date):
        self.rng = random.Random(SEED)
        self.today = today
        self.organizations = organizations
        self.used_names = {o.leader_name for o in organizations if o.leader_name}
        self.used_phones = {o.leader_phone for o in organizations if o.leader_phone}
        self.used_ids: set[str] = set()
        self.alignments: dict[int, dict] = {}
        self.extended = False

    # Small helpers.

    def days(self, offset: int) -> datetime.date:
        return self.today + datetime.timedelta(days=offset)

    def between(self, start: datetime.date, end: datetime.date) -> datetime.date:
        end = min(end, self.today)
        start = min(start, end)
        return start + datetime.timedelta(days=self.rng.randint(0, (end - start).days))

    def birth(self, first_year: int, last_year: int) -> datetime.date:
        first_year, last_year = max(first_year, 1950), min(last_year, 2000)
        return self.between(datetime.date(first_year, 1, 1), datetime.date(last_year, 12, 31))

    def resident_id(self, birth_date: datetime.date, sex: str) -> str:
        while True:
            region = self.rng.choice(ID_REGIONS)
            order = self.rng.randrange(500) * 2 + (1 if sex == "M" else 0)
            first17 = f"{region}{birth_date:%Y%m%d}{order:03d}"
            total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
            number = first17 + "10X98765432"[total % 11]
            if number not in self.used_ids:
                self.used_ids.add(number)
                return number

    def mobile(self) -> str:
        while True:
            phone = self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if phone not in self.used_phones:
                self.used_phones.add(phone)
                return phone

    def name(self, sex: str) -> str:
        given = FEMALE_GIVEN if sex == "F" else MALE_GIVEN
        while True:
            name = self.rng.choice(SURNAMES) + self.rng.choice(given)
            if name not in self.used_names:
                self.used_names.add(name)
                return name

    def person(
        self,
        first_year: int = 1950,
        last_year: int = 2000,
        *,
        birth_date: datetime.date | None = None,
    ) -> Person:
        sex = "F" if self.rng.random() < 0.55 else "M"
        birth_date = birth_date or self.birth(first_year, last_year)
        return Person(
            name=self.name(sex),
            sex=sex,
            birth_date=birth_date,
            id_number=self.resident_id(birth_date, sex),
            phone=self.mobile(),
        )

    def member_birth_years(self) -> tuple[int, int]:
        """Members of social organizations: many retired volunteers, some young staff."""
        return self.rng.choices([(1950, 1965), (1966, 1980), (1981, 2000)], [35, 35, 30])[0]

    def leader_person(self, org: Organization) -> Person:
        sex = _person_sex(org.leader_name)
        birth_date = self.birth(1955, 1988)
        return Person(
            name=org.leader_name,
            sex=sex,
            birth_date=birth_date,
            id_number=self.resident_id(birth_date, sex),
            phone=org.leader_phone,
        )

    def joined_on(self, birth_date: datetime.date, latest: datetime.date) -> datetime.date:
        start = add_years(birth_date, self.rng.randint(19, 24))
        end = min(add_years(birth_date, self.rng.randint(30, 50)), latest)
        return self.between(start, end)

    def align_leader(self, org: Organization) -> None:
        """Plan ``organization_update`` so that the organization's leader is a party member."""
        changes = {"leader_political_status": PoliticalStatus.PARTY_MEMBER}
        if not org.leader_name:
            changes["leader_name"] = self.name(self.rng.choice("MF"))
        if not org.leader_phone:
            changes["leader_phone"] = self.mobile()
        self.alignments[org.pk] = changes
        for name, value in changes.items():
            setattr(org, name, value)

    # The tree.

    def plan(self, credit_cleared: set[int], led_by_accounts: set[int]) -> PartyPlan:
        rng = self.rng
        live = [
            o
            for o in self.organizations
            if o.stage not in EXIT_STAGES and o.service_field in GROUP_OF_FIELD
        ]
        by_group: list[list[Organization]] = [[] for _ in GROUPS]
        for org in live:
            by_group[GROUP_OF_FIELD[org.service_field]].append(org)

        singles = self.choose_singles(by_group, credit_cleared, led_by_accounts)
        branches: list[BranchPlan] = []
        for group, orgs in enumerate(singles):
            for org in orgs:
                branch = BranchPlan(group, Establishment.SINGLE, [org])
                # The leader, a party member, is the secretary of the organization's branch.
                branch.cross = bool(branch.party_leaders())
                branches.append(branch)
        taken = {b.organizations[0].pk for b in branches}
        cross_singles = sum(b.cross for b in branches)
        joint_quota = [len(GROUPS) - 1 - len(orgs) for orgs in singles]
        joint_slots = [g for g, n in enumerate(joint_quota) for _ in range(n)]
        order = list(range(len(joint_slots)))
        rng.shuffle(order)
        needed = max(0, min(CROSS_APPOINTMENT_TOTAL - cross_singles, len(joint_slots)))
        cross = set(order[:needed])
        street_wide = set(order[needed : needed + STREET_WIDE_JOINT])
        if len(street_wide) < STREET_WIDE_JOINT:
            street_wide |= set(order[: STREET_WIDE_JOINT - len(street_wide)])
        pools = []
        for orgs in by_group:
            pool = [o for o in orgs if o.pk not in taken and o.stage != Stage.REGISTRATION]
            rng.shuffle(pool)
            pools.append(pool)
        for slot, group in enumerate(joint_slots):
            branch = self.joint_branch(group, pools[group], slot in cross, slot in street_wide)
            branch.name = self.joint_name(branch, branches)
            branches.append(branch)
        for group, (_label, _fields, name) in enumerate(GROUPS):
            branches.append(BranchPlan(group, Establishment.FUNCTIONAL, [], name=name))
        # Branches in tree order: by 总支, single, joint, functional.
        kind_order = {Establishment.SINGLE: 0, Establishment.JOINT: 1, Establishment.FUNCTIONAL: 2}
        branches.sort(key=lambda b: (b.group, kind_order[b.establishment]))

        general_branches = self.plan_general_branches()
        for branch in branches:
            self.plan_dates(branch, general_branches[branch.group], credit_cleared)
        settled = [i for i, b in enumerate(branches) if b.founded_on < self.days(-1200)]
        for index in rng.sample(settled, min(TERMS_ENDING_SOON, len(settled))):
            branch = branches[index]
            branch.term_end = self.days(rng.randint(15, 85))
            branch.term_start = add_years(branch.term_end + datetime.timedelta(days=1), -3)
            branch.founded_on = min(branch.founded_on, branch.term_start)

        self.plan_sizes(branches)
        for index, branch in enumerate(branches):
            self.plan_members(index, branch)
        pipeline = self.plan_pipeline(branches)
        for branch in branches:
            self.plan_activities(branch)
        self.plan_gaps(branches)
        instructors = self.plan_instructors(live, branches, general_branches)
        prereviews = self.plan_prereviews(live, branches)
        return PartyPlan(
            general_branches=general_branches,
            branches=branches,
            pipeline=pipeline,
            instructors=instructors,
            prereviews=prereviews,
            leader_alignments=self.alignments,
        )

    def choose_singles(self, by_group, credit_cleared, led_by_accounts) -> list[list]:
        """The organizations with their own branch: the 5A ones (a 5A grade needs a party
        organization), the one that left the 应建未建 list by setting one up, the demo
        leaders' ones; then registered organizations led by party members."""

        def must(org) -> bool:
            return org.grade == "5A" or org.pk in credit_cleared or org.pk in led_by_accounts

        musts = [[o for o in orgs if must(o)][: len(GROUPS) - 2] for orgs in by_group]
        quota = [max(2, len(m)) for m in musts]
        sizes = [len(orgs) for orgs in by_group]
        by_size = sorted(range(len(GROUPS)), key=lambda g: -sizes[g])
        while sum(quota) < SINGLE_TOTAL:
            group = next(g for g in by_size if quota[g] == min(quota[h] for h in by_size))
            quota[group] += 1
        while sum(quota) > SINGLE_TOTAL:
            group = max(range(len(GROUPS)), key=lambda g: (quota[g], -sizes[g]))
            quota[group] -= 1
            musts[group] = musts[group][: quota[group]]
        singles = []
        for group, orgs in enumerate(by_group):
            chosen = list(musts[group])
            candidates = [
                o
                for o in orgs
                if o not in chosen
                and o.stage not in (Stage.REGISTRATION, Stage.ONBOARDING)
                and _leads_as_member(o)
            ]
            self.rng.shuffle(candidates)
            candidates.sort(
                key=lambda o: (o.legal_status == LegalStatus.FILED, -(o.party_member_count or 0))
            )
            chosen += candidates[: quota[group] - len(chosen)]
            singles.append(chosen)
        return singles

    def joint_branch(self, group: int, pool: list, cross: bool, street_wide: bool):
        rng = self.rng
        size = rng.choice([2, 3, 3, 4, 4, 5, 5])
        anchor = None
        if cross:
            anchor = next((o for o in pool if _leads_as_member(o)), None)
        if anchor is None:
            anchor = next(
                (
                    o
                    for o in pool
                    if o.leader_political_status != PoliticalStatus.PROBATIONARY_MEMBER
                ),
                pool[0],
            )
            if cross:
                self.align_leader(anchor)
        pool.remove(anchor)
        near = [o for o in pool if o.community_id == anchor.community_id]
        others = near if not street_wide else [o for o in pool if o not in near]
        # Organizations with a few party members come first: they are what joint branches
        # are for.
        others.sort(key=lambda o: not 1 <= (o.party_member_count or 0) <= 2)
        companions = others[: size - 1]
        if len(companions) < size - 1:
            companions += [o for o in pool if o not in companions][: size - 1 - len(companions)]
        for org in companions:
            pool.remove(org)
        branch = BranchPlan(group, Establishment.JOINT, [anchor, *companions], cross=cross)
        branch.street_wide = len({o.community_id for o in branch.organizations}) > 1
        if not branch.street_wide:
            branch.community = anchor.community
        return branch

    def joint_name(self, branch: BranchPlan, existing: list[BranchPlan]) -> str:
        label = GROUPS[branch.group][0]
        if branch.community is not None:
            stem = f"{branch.community.name}{label}类社会组织联合党支部"
        else:
            stem = f"凯益荟{label}类社会组织联合党支部"
        names = {b.name for b in existing}
        if stem not in names and branch.community is not None:
            return stem
        for number in CHINESE_NUMBERS:
            name = stem.replace("联合党支部", f"第{number}联合党支部")
            if name not in names:
                return name
        raise RuntimeError("ran out of joint branch names")

    def plan_general_branches(self) -> list[dict]:
        result = []
        for label, _fields, _functional in GROUPS:
            founded = self.between(datetime.date(2016, 3, 1), datetime.date(2018, 12, 31))
            start = self.latest_term_start(founded, 3)
            result.append(
                {
                    "name": f"凯益荟{label}类社会组织党总支",
                    "founded_on": founded,
                    "term_start": start,
                    "term_end": add_years(start, 3) - datetime.timedelta(days=1),
                }
            )
        return result

    def latest_term_start(self, founded: datetime.date, years: int) -> datetime.date:
        """The start of the current term, elected every ``years`` since ``founded``."""
        start = founded
        while add_years(start, years) <= self.today:
            start = add_years(start, years)
        return start

    def plan_dates(self, branch: BranchPlan, general_branch: dict, credit_cleared) -> None:
        rng = self.rng
        parent_founded = general_branch["founded_on"]
        if branch.establishment == Establishment.SINGLE:
            org = branch.organizations[0]
            short = org.name.removeprefix("杭州市上城区")
            branch.name = f"{short}党支部"
            branch.community = org.community
            cleared = credit_cleared.get(org.pk)
            if cleared:
                # Set up this year, which took it off the 应建未建 list.
                founded = cleared - datetime.timedelta(days=rng.randint(5, 20))
            else:
                earliest = max(add_years(org.founded_on, 1), datetime.date(2012, 1, 1))
                founded = self.between(earliest, max(earliest, self.days(-5 * 365)))
        elif branch.establishment == Establishment.JOINT:
            # Set up around its first organization; the others joined later (their coverage
            # starts when they were founded, if that was after).
            earliest = max(parent_founded, branch.organizations[0].founded_on)
            founded = self.between(earliest, max(earliest, self.days(-2 * 365)))
        else:
            founded = self.between(
                max(parent_founded, datetime.date(2017, 1, 1)), self.days(-4 * 365)
            )
        branch.founded_on = founded
        branch.term_start = self.latest_term_start(founded, 3)
        branch.term_end = add_years(branch.term_start, 3) - datetime.timedelta(days=1)

    # Members.

    def min_size(self, branch: BranchPlan) -> int:
        base = {Establishment.SINGLE: 4, Establishment.JOINT: 5, Establishment.FUNCTIONAL: 7}
        return max(base[branch.establishment], len(branch.party_leaders()) + 3)

    def max_size(self, branch: BranchPlan) -> int:
        if branch.establishment == Establishment.SINGLE:
            return 16
        if branch.establishment == Establishment.JOINT:
            return 2 * len(branch.organizations) + 4
        return 18

    def plan_sizes(self, branches: list[BranchPlan]) -> None:
        rng = self.rng
        for branch in branches:
            if branch.establishment == Establishment.SINGLE:
                reported = branch.organizations[0].party_member_count or 3
                size = min(14, reported + rng.randint(1, 4))
            elif branch.establishment == Establishment.JOINT:
                k = len(branch.organizations)
                size = rng.randint(k + 3, 2 * k + 3)
            else:
                size = rng.randint(8, 14)
            branch.size = max(self.min_size(branch), min(size, self.max_size(branch)))
        while (total := sum(b.size for b in branches)) != MEMBER_TOTAL:
            if total < MEMBER_TOTAL:
                open_ = [b for b in branches if b.size < self.max_size(b)]
                rng.choice(open_).size += 1
            else:
                open_ = [b for b in branches if b.size > self.min_size(b)]
                rng.choice(open_).size -= 1

        # Who came through the development pipeline: the branch must have existed long
        # enough for the whole way (about 3 years to admission, a year of probation).
        # Each branch keeps at least 3 members who did not (two besides the organization
        # leaders: a secretary who leads no organization is possible, and a full branch).
        def room(branch: BranchPlan) -> int:
            direct = branch.size - branch.dev_full - branch.dev_probationary
            return direct - max(len(branch.party_leaders()) + 2, 3)

        # An organization leader recorded as a probationary member (预备党员) is one of them.
        reserved = 0
        for branch in branches:
            for _org in branch.probationary_leaders():
                if (
                    reserved < DEVELOPED_PROBATIONARY
                    and room(branch) > 0
                    and branch.founded_on <= self.days(-LEADER_PIPELINE_DAYS)
                ):
                    branch.dev_probationary += 1
                    reserved += 1
        for count, attribute in (
            (DEVELOPED_TOTAL - DEVELOPED_PROBATIONARY, "dev_full"),
            (DEVELOPED_PROBATIONARY - reserved, "dev_probationary"),
        ):
            for _ in range(count):
                eligible = [
                    b for b in branches if room(b) > 0 and b.founded_on <= self.days(-5 * 365)
                ]
                branch = rng.choices(eligible, [b.size for b in eligible])[0]
                setattr(branch, attribute, getattr(branch, attribute) + 1)

    def plan_members(self, index: int, branch: BranchPlan) -> None:
        rng = self.rng
        orgs = branch.organizations
        full_count = {o.pk: 0 for o in orgs}
        cap = {o.pk: JOINT_FULL_CAP for o in orgs}
        if branch.establishment == Establishment.SINGLE:
            cap = {o.pk: branch.size for o in orgs}
        elif index % FLAGGED_JOINT_EVERY == 0 and orgs:
            cap[orgs[0].pk] = JOINT_FULL_CAP + 1

        def place_full() -> Organization | None:
            if not orgs:
                return None
            start = rng.randrange(len(orgs))
            for offset in range(len(orgs)):
                org = orgs[(start + offset) % len(orgs)]
                if full_count[org.pk] < cap[org.pk]:
                    full_count[org.pk] += 1
                    return org
            return None

        latest_direct = self.days(-400)
        for org in branch.party_leaders():
            person = self.leader_person(org)
            joined = self.joined_on(person.birth_date, self.days(-3 * 365))
            branch.members.append(MemberPlan(person, org, joined, leader=True))
            full_count[org.pk] += 1
        direct = branch.size - branch.dev_full - branch.dev_probationary
        while len(branch.members) < direct:
            person = self.person(*self.member_birth_years())
            org = place_full()
            joined = self.joined_on(person.birth_date, latest_direct)
            branch.members.append(MemberPlan(person, org, joined))
        for _ in range(branch.dev_full):
            branch.developments.append(self.development(branch, place_full(), full=True))
        leaders = branch.probationary_leaders()
        for n in range(branch.dev_probationary):
            leader = leaders[n] if n < len(leaders) else None
            org = leader or (rng.choice(orgs) if orgs else None)
            # The first other probationary member had the probation extended (延长预备期);
            # it runs on.
            extended = leader is None and not self.extended
            self.extended = self.extended or extended
            branch.developments.append(
                self.development(branch, org, full=False, extended=extended, leader=leader)
            )

        # The secretary: the leader of the first organization for a cross-appointment, else
        # a long-standing member who leads no organization.
        if branch.cross:
            secretary = next(m for m in branch.members if m.leader and m.organization == orgs[0])
        else:
            others = sorted((m for m in branch.members if not m.leader), key=lambda m: m.joined_on)
            secretary = rng.choice(others[:3])
        secretary.posts = "支部书记"
        branch.secretary = secretary.person
        plain = [m for m in branch.members if m is not secretary and not m.leader]
        rng.shuffle(plain)
        if branch.has_committee:
            officers = 2 if branch.full_members < 9 else 3
            for member, post in zip(plain, OFFICER_POSTS[:officers], strict=False):
                member.posts = post
        elif branch.size >= 6 and plain:
            plain[0].posts = "党小组长"
        # Each covered organization's party liaison: a member working there, else the
        # secretary.
        for org in orgs:
            working = [m for m in branch.members if m.organization == org and m is not secretary]
            branch.liaisons[org.pk] = (working[0] if working else secretary).person.name

    def development(
        self, branch: BranchPlan, org, *, full: bool, extended: bool = False, leader=None
    ) -> DevelopmentPlan:
        """A development that reached 预备党员 (and 正式党员 when ``full``), dated backwards
        from the branch meeting that admitted the member."""
        rng = self.rng
        if full:
            earliest = max(
                branch.founded_on + datetime.timedelta(days=1160), datetime.date(2014, 1, 1)
            )
            admitted = self.between(earliest, self.days(-365 - 25))
        elif extended:
            admitted = self.days(-rng.randint(375, 420))
        else:
            admitted = self.days(-rng.randint(20, 345))
        # A leader came the shortest way (the minimum year as an activist), so the whole
        # way fits in the joint branch the organization belongs to.
        spread = (30, 90, 30, 90) if leader is not None else (60, 200, 150, 400)
        candidate = admitted - datetime.timedelta(days=rng.randint(spread[0], spread[1]))
        activist = add_years(candidate, -1) - datetime.timedelta(days=rng.randint(0, spread[2]))
        applied = activist - datetime.timedelta(days=rng.randint(spread[0], spread[3]))
        birth_date = add_years(applied, -rng.randint(19, 38)) - datetime.timedelta(
            days=rng.randint(0, 364)
        )
        if birth_date.year > 2000:
            birth_date = datetime.date(2000, 1, 1) + datetime.timedelta(days=rng.randint(0, 364))
        person = self.person(birth_date=birth_date)
        if leader is not None:  # the organization's leader, a probationary member
            person.name, person.sex = leader.leader_name, _person_sex(leader.leader_name)
            person.id_number = self.resident_id(birth_date, person.sex)
            person.phone = leader.leader_phone
        plan = DevelopmentPlan(person=person, organization=org, applied_on=applied)
        plan.steps = [
            (DevelopmentStage.ACTIVIST, activist, ""),
            (DevelopmentStage.CANDIDATE, candidate, ""),
            (DevelopmentStage.PROBATIONARY, admitted, "支部党员大会讨论通过,报党委审批"),
        ]
        if full:
            full_on = add_years(admitted, 1) + datetime.timedelta(days=rng.randint(0, 20))
            plan.steps.append(
                (DevelopmentStage.FULL, full_on, "预备期满,支部党员大会讨论同意按期转正")
            )
        if extended:
            plan.extend_until = add_years(admitted, 1) + datetime.timedelta(days=182)
        return plan

    def plan_pipeline(self, branches: list[BranchPlan]) -> list[tuple[int, DevelopmentPlan]]:
        """About ten more on the way (applicants, activists, candidates), one cancelled."""
        rng = self.rng
        stages = (
            [DevelopmentStage.APPLICANT] * 3
            + [DevelopmentStage.ACTIVIST] * 4
            + [DevelopmentStage.CANDIDATE] * 3
            + [DevelopmentStage.CANCELLED]
        )
        eligible = [
            i
            for i, b in enumerate(branches)
            if b.establishment != Establishment.FUNCTIONAL and b.founded_on <= self.days(-3 * 365)
        ]
        pipeline = []
        for stage in stages:
            index = rng.choice(eligible)
            branch = branches[index]
            org = rng.choice(branch.organizations)
            person = self.person(1985, 2000)
            if stage == DevelopmentStage.APPLICANT:
                applied = self.days(-rng.randint(20, 200))
                steps = []
            elif stage in (DevelopmentStage.ACTIVIST, DevelopmentStage.CANCELLED):
                activist = self.days(-rng.randint(30, 330))
                applied = activist - datetime.timedelta(days=rng.randint(60, 300))
                steps = [(DevelopmentStage.ACTIVIST, activist, "")]
                if stage == DevelopmentStage.CANCELLED:
                    steps.append(
                        (
                            DevelopmentStage.CANCELLED,
                            self.between(activist, self.days(-5)),
                            "本人工作调动离开本市,申请撤回入党申请",
                        )
                    )
            else:
                candidate = self.days(-rng.randint(20, 150))
                activist = add_years(candidate, -1) - datetime.timedelta(days=rng.randint(0, 120))
                applied = activist - datetime.timedelta(days=rng.randint(60, 300))
                steps = [
                    (DevelopmentStage.ACTIVIST, activist, ""),
                    (DevelopmentStage.CANDIDATE, candidate, ""),
                ]
            plan = DevelopmentPlan(person=person, organization=org, applied_on=applied)
            plan.steps = steps
            pipeline.append((index, plan))
        return pipeline

    # Organizational life.

    def day(self, month: int, lo: int, hi: int, founded: datetime.date) -> datetime.date | None:
        year = self.today.year
        hi = min(hi, _days_in_month(year, month))
        if month == self.today.month:
            hi = min(hi, self.today.day)
        if founded.year == year and founded.month == month:
            lo = max(lo, founded.day)
        if lo > hi:
            return None
        return datetime.date(year, month, self.rng.randint(lo, hi))

    def plan_activities(self, branch: BranchPlan) -> None:
        rng, today, year = self.rng, self.today, self.today.year
        founded = branch.founded_on
        if founded.year > year:
            return
        first_month = founded.month if founded.year == year else 1
        months = list(range(first_month, today.month + 1))
        size = branch.size
        orgs = branch.organizations
        add = branch.activities.append

        def with_org():
            if branch.establishment == Establishment.SINGLE:
                return orgs[0]
            if orgs and rng.random() < 0.6:
                return rng.choice(orgs)
            return None

        def share(low: float) -> int:
            return rng.randint(max(2, round(size * low)), size)

        for month in months:
            if branch.has_committee and (on := self.day(month, 2, 10, founded)):
                topic = rng.choice(COMMITTEE_MEETING_TOPICS)
                add(
                    ActivityPlan(
                        ActivityKind.COMMITTEE_MEETING,
                        on,
                        f"{month}月支委会:{topic}",
                        rng.randint(3, 5 if branch.full_members >= 9 else 3),
                    )
                )
            if on := self.day(month, 5, 20, founded):
                topic = rng.choice(GROUP_MEETING_TOPICS)
                add(
                    ActivityPlan(
                        ActivityKind.GROUP_MEETING, on, f"{month}月党小组会:{topic}", share(0.6)
                    )
                )
            if on := self.day(month, 8, 22, founded):
                title = THEME_DAY_BY_MONTH[month].format(anniversary=year - 1921)
                add(ActivityPlan(ActivityKind.THEME_DAY, on, title, share(0.7), with_org()))
            dedication = datetime.date(year, month, 25)
            if founded <= dedication <= today and rng.random() < 0.92:
                service = rng.choice(DEDICATION_SERVICES)
                add(
                    ActivityPlan(
                        ActivityKind.DEDICATION_DAY,
                        dedication,
                        f"党员固定奉献日:{service}",
                        share(0.6) + rng.randint(0, 15),
                        with_org(),
                    )
                )
        for quarter in range(4):
            quarter_months = [m for m in months if quarter * 3 < m <= quarter * 3 + 3]
            if not quarter_months:
                continue
            for kind in (ActivityKind.GENERAL_ASSEMBLY, ActivityKind.PARTY_LECTURE):
                # The quarter's month is drawn among those elapsed; a late draw in the
                # current month may fall after today, so try the other months too.
                rng.shuffle(quarter_months)
                on = next((d for m in quarter_months if (d := self.day(m, 10, 28, founded))), None)
                if on is None:
                    continue
                if kind == ActivityKind.GENERAL_ASSEMBLY:
                    title = f"第{quarter + 1}季度支部党员大会:{rng.choice(ASSEMBLY_TOPICS)}"
                    add(ActivityPlan(kind, on, title, share(0.8)))
                else:
                    title = rng.choice(LECTURE_TITLES)
                    add(ActivityPlan(kind, on, title, size + rng.randint(0, 12)))
        for _ in range(rng.randint(1, 4)):
            on = self.day(rng.choice(months), 1, 28, founded)
            if on:
                title = rng.choice(VOLUNTEERING_TITLES)
                org = with_org() or (rng.choice(orgs) if orgs else None)
                add(ActivityPlan(ActivityKind.VOLUNTEERING, on, title, rng.randint(6, 30), org))
        # The branch meetings that admitted or confirmed members this year.
        for plan in branch.developments:
            for stage, on, _note in plan.steps:
                if on.year != year:
                    continue
                if stage == DevelopmentStage.PROBATIONARY:
                    title = f"支部党员大会:讨论接收{plan.person.name}同志为预备党员"
                elif stage == DevelopmentStage.FULL:
                    title = f"支部党员大会:讨论{plan.person.name}同志预备党员转正"
                else:
                    continue
                add(ActivityPlan(ActivityKind.GENERAL_ASSEMBLY, on, title, share(0.8)))

    def plan_gaps(self, branches: list[BranchPlan]) -> None:
        """A few branches missed a meeting or two: the compliance page shows the gaps."""
        rng = self.rng
        if self.today.month < 3:
            return
        chosen = rng.sample(range(len(branches)), 5)
        for n, index in enumerate(chosen):
            branch = branches[index]
            kinds = [ActivityKind.GROUP_MEETING, ActivityKind.THEME_DAY]
            if branch.has_committee:
                kinds.append(ActivityKind.COMMITTEE_MEETING)
            missed = {(rng.choice(kinds), rng.randint(1, self.today.month - 1))}
            if n % 2:
                missed.add((rng.choice(kinds), rng.randint(1, self.today.month - 1)))
            if n == 0:  # one branch skipped its 2nd-quarter general assembly
                missed |= {(ActivityKind.GENERAL_ASSEMBLY, m) for m in (4, 5, 6)}
            branch.activities = [
                a
                for a in branch.activities
                if (a.kind, a.date.month) not in missed or "同志" in a.title
            ]
        # Whatever was skipped, the 25th was kept by someone each month.
        kept = {a.date.month for b in branches for a in b.activities if a.kind == "dedication_day"}
        for month in range(1, self.today.month + 1):
            day = datetime.date(self.today.year, month, 25)
            if day <= self.today and month not in kept:
                branch = next(b for b in branches if b.founded_on <= day)
                branch.activities.append(
                    ActivityPlan(
                        ActivityKind.DEDICATION_DAY,
                        day,
                        f"党员固定奉献日:{rng.choice(DEDICATION_SERVICES)}",
                        branch.size,
                    )
                )

    # Instructors and pre-reviews.

    def plan_instructors(self, live, branches, general_branches):
        """Party-building instructors for organizations without a branch, until about 72% of
        the organizations in the register have work coverage."""
        rng = self.rng
        covered = {o.pk for b in branches for o in b.organizations}
        target = round(WORK_COVERAGE_TARGET * len(live)) - len(covered)
        candidates = [o for o in live if o.pk not in covered and o.stage != Stage.REGISTRATION]
        rng.shuffle(candidates)
        # Organizations that passed 入驻 lately come first; then the settled ones.
        candidates.sort(key=lambda o: o.stage != Stage.ONBOARDING)
        chosen = candidates[: max(0, target)]
        plan = []
        for group in range(len(GROUPS)):
            orgs = sorted(
                (o for o in chosen if GROUP_OF_FIELD[o.service_field] == group),
                key=lambda o: (o.community_id, o.name),
            )
            if not orgs:
                continue
            count = max(1, round(len(orgs) / ORGANIZATIONS_PER_INSTRUCTOR))
            people = [self.person(1960, 1990) for _ in range(count)]
            founded = general_branches[group]["founded_on"]
            for n, org in enumerate(orgs):
                person = people[n * count // len(orgs)]
                start = self.between(
                    max(org.founded_on, founded, datetime.date(2017, 1, 1)), self.days(-7)
                )
                plan.append((org, person.name, person.phone, group, start))
        return plan

    def plan_prereviews(self, live, branches):
        rng = self.rng
        covering = {o.pk: i for i, b in enumerate(branches) for o in b.organizations}
        due = [o for o in live if o.stage == Stage.RE_ELECTION]
        rng.shuffle(due)
        due.sort(key=lambda o: o.pk not in covering)
        plan = []
        for org in due[:PREREVIEW_COUNT]:
            deputy, secretary_general, supervisor = (self.person(1960, 1990) for _ in range(3))
            leader = org.leader_name or self.person(1960, 1985).name
            candidates = (
                f"理事长(负责人):{leader}(拟连任);副理事长:{deputy.name};"
                f"秘书长:{secretary_general.name};监事:{supervisor.name}"
            )
            on = self.days(-rng.randint(7, 120))
            plan.append(
                (org, covering.get(org.pk), GROUP_OF_FIELD[org.service_field], on, candidates)
            )
        return plan


# --- Writing it through the services ----------------------------------------------------


def _write_development(plan: DevelopmentPlan, branch: PartyOrganization) -> Development:
    person = plan.person
    development = development_start(
        name=person.name,
        sex=person.sex,
        birth_date=person.birth_date,
        id_number=person.id_number,
        phone=person.phone,
        organization=plan.organization,
        branch=branch,
        applied_on=plan.applied_on,
        actor=None,
    )
    for stage, on, note in plan.steps:
        development_advance(development=development, to_stage=stage, on=on, actor=None, note=note)
    if plan.extend_until:
        development_extend_probation(
            development=development,
            until=plan.extend_until,
            actor=None,
            note="预备期间参加组织生活不够经常,支部党员大会决定延长预备期半年",
        )
    return development


def _write_branch(plan: BranchPlan, parent: PartyOrganization, street) -> PartyOrganization:
    branch = party_org_create(
        street=street,
        kind=PartyOrgKind.BRANCH,
        name=plan.name,
        parent=parent,
        community=plan.community,
        establishment=plan.establishment,
        founded_on=plan.founded_on,
        term_start=plan.term_start,
        term_end=plan.term_end,
        has_committee=plan.has_committee,
        actor=None,
    )
    for org in plan.organizations:
        coverage_assign(
            branch=branch,
            organization=org,
            liaison=plan.liaisons[org.pk],
            started_on=max(plan.founded_on, org.founded_on),
            actor=None,
        )
    secretary = None
    for member in plan.members:
        person = member.person
        created = member_create(
            name=person.name,
            sex=person.sex,
            birth_date=person.birth_date,
            id_number=person.id_number,
            phone=person.phone,
            organization=member.organization,
            branch=branch,
            status=MemberStatus.FULL,
            joined_on=member.joined_on,
            posts=member.posts,
            actor=None,
        )
        if person is plan.secretary:
            secretary = created
    for development in plan.developments:
        _write_development(development, branch)
    party_org_set_secretary(party_org=branch, member=secretary, actor=None)
    return branch


def party_counts(street: Street, today: datetime.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    party_orgs = PartyOrganization.objects.filter(street=street)
    reached = (DevelopmentStage.PROBATIONARY, DevelopmentStage.FULL)
    return {
        "party_organizations": party_orgs.count(),
        "party_branches": party_orgs.filter(kind=PartyOrgKind.BRANCH).count(),
        "party_members": PartyMember.objects.filter(branch__street=street).count(),
        "party_developed": Development.objects.filter(
            branch__street=street, stage__in=reached
        ).count(),
        "party_cross_appointments": cross_appointments(street).count,
        "party_instructors": InstructorAssignment.objects.active()
        .filter(sent_by__street=street)
        .count(),
        "party_activities": PartyActivity.objects.filter(
            branch__street=street, date__year=today.year
        ).count(),
    }


def seed_party(street: Street, users: dict | None = None) -> dict[str, int]:
    """Seed the street's party building on top of its demo organizations (once)."""
    today = timezone.localdate()
    if PartyOrganization.objects.filter(street=street, name=COMMITTEE_NAME).exists():
        return party_counts(street, today)
    # Organizations some other party organization already covers are left alone.
    busy = set(PartyCoverage.objects.active().values_list("organization_id", flat=True)) | set(
        InstructorAssignment.objects.active().values_list("organization_id", flat=True)
    )
    organizations = [
        o
        for o in Organization.objects.filter(community__street=street)
        .select_related("community")
        .order_by("name", "pk")
        if o.pk not in busy and o.stage != Stage.DEREGISTERED
    ]
    credit_cleared = dict(
        CreditListing.objects.filter(
            organization__community__street=street,
            ground=CreditGround.NO_PARTY_ORGANIZATION,
            cleared_on__isnull=False,
        ).values_list("organization_id", "cleared_on")
    )
    led_by_accounts = set(
        Organization.objects.filter(
            community__street=street, leader_accounts__isnull=False
        ).values_list("pk", flat=True)
    )
    planner = PartyPlanner(organizations, today)
    planner.used_ids |= set(PartyMember.objects.values_list("id_number", flat=True))
    planner.used_ids |= set(Development.objects.values_list("id_number", flat=True))
    plan = planner.plan(credit_cleared, led_by_accounts)

    # Organizations whose leader becomes a cross-appointed secretary but is not recorded
    # as a party member (acceptable for demo data: the survey is updated).
    by_pk = {o.pk: o for o in organizations}
    for pk, changes in plan.leader_alignments.items():
        organization_update(organization=by_pk[pk], actor=None, **changes)

    committee_term_start = planner.latest_term_start(COMMITTEE_FOUNDED, 5)
    committee = party_org_create(
        street=street,
        kind=PartyOrgKind.COMMITTEE,
        name=COMMITTEE_NAME,
        founded_on=COMMITTEE_FOUNDED,
        term_start=committee_term_start,
        term_end=add_years(committee_term_start, 5) - datetime.timedelta(days=1),
        has_committee=True,
        actor=None,
    )
    general_branches = [
        party_org_create(
            street=street,
            kind=PartyOrgKind.GENERAL_BRANCH,
            parent=committee,
            has_committee=True,
            actor=None,
            **values,
        )
        for values in plan.general_branches
    ]
    branches = [
        _write_branch(branch_plan, general_branches[branch_plan.group], street)
        for branch_plan in plan.branches
    ]
    for index, development in plan.pipeline:
        _write_development(development, branches[index])
    for org, name, phone, group, started_on in plan.instructors:
        instructor_assign(
            organization=org,
            name=name,
            phone=phone,
            sent_by=general_branches[group],
            started_on=started_on,
            actor=None,
        )
    for branch, branch_plan in zip(branches, plan.branches, strict=True):
        for activity in sorted(branch_plan.activities, key=lambda a: a.date):
            activity_record(
                branch=branch,
                kind=activity.kind,
                date=activity.date,
                title=activity.title,
                attendees=activity.attendees,
                organization=activity.organization,
                actor=None,
            )
    for org, branch_index, group, reviewed_on, candidates in plan.prereviews:
        reviewer = branches[branch_index] if branch_index is not None else general_branches[group]
        prereview_record(
            organization=org,
            reviewed_by=reviewer,
            reviewed_on=reviewed_on,
            candidates=candidates,
            result=PreReviewResult.APPROVED,
            note="经审核,拟任人选政治立场坚定、热心公益,符合任职条件",
            actor=None,
        )
    return party_counts(street, today)
