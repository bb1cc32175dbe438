"""Demo organizations: the 477 registered and filed social organizations of 凯旋街道.

Everything is written through the registry's own services with ``actor=None`` (the
system), so every row passes the same identifier checks, transition table and 双孵六同步
checkpoints as real data, and every change has its audit event.

- Deterministic: one ``random.Random(SEED)`` builds the whole plan before anything is
  written. Dates that reminders must find (council terms ending soon or overdue,
  incubation periods ending) are relative to today; the rest is fixed.
- Idempotent: an organization whose name (in its community) or identifier already exists
  is skipped together with everything planned for it; a pairing is skipped when its
  mentee already has an active mentor. Running the seed twice leaves 477 organizations
  and 138 active pairings.
"""

import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from accounts.models import Street, User
from core.identifiers import complete_uscc
from incubation.choices import (
    AnnualReviewResult,
    CreditGround,
    CreditList,
    GrowthLevel,
    IncubationServiceKind,
    IncubationType,
    LegalStatus,
    PoliticalStatus,
    ServiceField,
)
from incubation.models import Organization, Pairing
from incubation.rules import add_months, add_years
from incubation.services import (
    MENTOR_GRADES,
    credit_list_add,
    credit_list_clear,
    incubation_intake,
    incubation_service_record,
    organization_add_leader,
    organization_change_phase,
    organization_change_stage,
    organization_confirm_independence,
    organization_create,
    organization_graduate,
    organization_record_annual_review,
    organization_set_grade,
    pairing_create,
    re_election_complete,
    term_extend,
)
from incubation.workflows import EXIT_STAGES, IncubationPhase, Stage

SEED = 2011_0825  # the year 凯益荟 was founded, and any fixed day
ORGANIZATION_TOTAL = 477  # 登记备案类社会组织 of 凯益荟 (人民网, 2024-10-12)
PAIRING_TOTAL = 138  # 结对联系社区草根社会组织138家
REGION = "330102"  # 上城区

S, G, P = LegalStatus, GrowthLevel, Stage
SG, PNE, FOUNDATION, FILED = S.SOCIAL_GROUP, S.PRIVATE_NON_ENTERPRISE, S.FOUNDATION, S.FILED
RT, PC, CO, HUB = G.RESIDENT_TEAM, G.PIONEER_CLUB, G.COMMUNITY_ORG, G.HUB_ORG

# (growth level, final stage, how many) of the generated registered organizations ...
REGISTERED_PROFILES = [
    (HUB, P.MANAGEMENT, 14),
    (HUB, P.AWARDS, 3),
    (HUB, P.ANNUAL_REVIEW, 1),
    (CO, P.MANAGEMENT, 55),
    (CO, P.RE_ELECTION, 20),
    (CO, P.ANNUAL_REVIEW, 14),
    (CO, P.AWARDS, 12),
    (CO, P.REGISTRATION, 3),
    (CO, P.ONBOARDING, 5),
    (CO, P.GRADUATED, 4),
    (CO, P.WITHDRAWN, 1),
    (CO, P.DEREGISTERED, 6),
]
REGISTERED_STATUSES = [SG] * 66 + [PNE] * 68 + [FOUNDATION] * 4
# ... and of the filed ones.
FILED_PROFILES = [
    (RT, P.MANAGEMENT, 99),
    (PC, P.MANAGEMENT, 80),
    (CO, P.MANAGEMENT, 65),
    (RT, P.REGISTRATION, 14),
    (PC, P.REGISTRATION, 6),
    (CO, P.REGISTRATION, 2),
    (RT, P.ONBOARDING, 12),
    (PC, P.ONBOARDING, 9),
    (CO, P.ONBOARDING, 4),
    (RT, P.ANNUAL_REVIEW, 5),
    (PC, P.ANNUAL_REVIEW, 10),
    (CO, P.ANNUAL_REVIEW, 10),
    (PC, P.GRADUATED, 3),
    (CO, P.GRADUATED, 7),
    (RT, P.WITHDRAWN, 5),
    (PC, P.WITHDRAWN, 2),
]
# Grades of the generated hubs and of the other registered organizations, best first.
HUB_GRADES = ["5A"] * 5 + ["4A"] * 7 + ["3A"] * 6
OTHER_GRADES = ["5A"] + ["4A"] * 4 + ["3A"] * 14 + ["2A"] * 8 + ["1A"] * 2
ENTERED_COUNT, INCUBATING_COUNT, INCUBATION_ENDING_SOON = 25, 45, 5

# --- Vocabulary -------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    return text.split()


SURNAMES = (
    "王陈张李徐沈吴周金胡朱杨钱俞章孙郑楼何叶方汪蒋刘黄赵许施姚马丁邵陆顾冯潘应毛范邱鲁傅宋"
    "孔屠戴袁严韩唐曹"
)
GIVEN_NAMES = _words(
    "建国 建华 国平 国强 志明 志强 伟明 卫东 立新 海燕 丽娟 秀英 桂芳 美华 玉兰 红梅 雪芬 "
    "月娥 素珍 凤英 金花 惠芳 亚萍 晓红 建英 德明 永康 文华 宝林 爱萍 丽萍 彩琴 雅琴 佩华 "
    "松林 荣华 明芳 林芳 晓东 俊杰 一鸣 思远 佳怡 婷婷 静怡 浩然 晨阳 海波 国庆 建军 爱华 "
    "淑贞 巧英 菊芳 水根 杏娟 琴芳 美琴 丽华 伟 敏 静 军 芳 勇 燕 洁 斌 健"
)
MOBILE_PREFIXES = _words(
    "130 131 132 133 135 136 137 138 139 150 151 152 153 155 157 158 159 "
    "180 181 182 183 186 187 188 189"
)

# Sub-areas and roads of each community (names as in accounts.demo.COMMUNITIES).
PLACES = {
    "南肖埠社区": ("南肖埠新村", "景华苑"),
    "景昙社区": ("景昙苑", "景新"),
    "凯旋社区": ("凯旋新村", "凯旋苑"),
    "新风社区": ("新风新村", "凯旋公寓"),
    "华家池社区": ("华家池北苑", "华池"),
    "凤凰社区": ("凤凰城", "凤起东苑"),
    "濮家社区": ("濮家新村", "濮家东村"),
    "金秋花园社区": ("金秋", "景秋苑"),
    "三里亭社区": ("三里亭苑", "三里亭东苑"),
    "庆和社区": ("庆和苑", "庆春东"),
}
ROADS = {
    "南肖埠社区": ("凯旋路", "景昙路"),
    "景昙社区": ("景昙路", "凯旋路"),
    "凯旋社区": ("凯旋路", "天城路"),
    "新风社区": ("新风路", "凤起东路"),
    "华家池社区": ("凯旋路", "机场路"),
    "凤凰社区": ("凤起东路", "秋涛北路"),
    "濮家社区": ("机场路", "濮家路"),
    "金秋花园社区": ("秋涛北路", "景芳路"),
    "三里亭社区": ("三里亭路", "天城路"),
    "庆和社区": ("庆春东路", "景昙路"),
}
BRANDS = _words(
    "红枫 暖阳 益家 同心 微光 向阳花 银杏 和美 乐活 睦邻 阳光 善缘 春晖 知行 馨悦 恒爱 益心 "
    "悦龄 颐康 启航 绿叶 朝晖 心桥 乐龄 彩虹 星光 暖心 凯益 秋涛 仁和 同乐 安康 德馨 康乐 "
    "众益 益友 惠民 致远 善达 邻家 家和 福寿 众诚 晨曦 青禾 拾光"
)

FIELD_WEIGHTS = {
    ServiceField.CULTURE_SPORTS: 22,
    ServiceField.ELDERLY: 18,
    ServiceField.NEIGHBOURLY_HELP: 12,
    ServiceField.RESIDENT_SERVICES: 12,
    ServiceField.YOUTH: 9,
    ServiceField.SAFETY: 8,
    ServiceField.CHARITY: 8,
    ServiceField.ENVIRONMENT: 5,
    ServiceField.DISABILITY: 4,
    ServiceField.OTHER: 2,
}
# Filed community organizations: '<community or sub-area><suffix>'.
FILED_SUFFIXES = {
    ServiceField.ELDERLY: "夕阳红志愿服务队 银龄互助会 老年协会 助老服务队 老伙伴互助组 "
    "长者食堂志愿队 银发学习社 金晖助老服务社 爱心陪伴队 老年活动室自管小组",
    ServiceField.CULTURE_SPORTS: "老年书画社 太极拳队 广场舞队 合唱团 越剧社 排舞队 摄影社 "
    "旗袍秀队 乒乓球队 健身气功站 京剧票友社 腰鼓队 民乐队 读书会 柔力球队 象棋社 葫芦丝队 "
    "手工编织社 模特队 健身操队 诗词社 剪纸社 书法社 门球队 舞蹈队",
    ServiceField.NEIGHBOURLY_HELP: "邻里帮帮团 邻里互助会 睦邻服务社 邻里守望队 "
    "和事佬调解工作室 老娘舅调解队 楼道长联谊会 邻里节志愿队 好邻居互助社",
    ServiceField.RESIDENT_SERVICES: "便民服务队 家电维修志愿队 理发志愿服务队 居民议事会 "
    "加装电梯协调小组 停车自治管理小组 楼道自治小组 家园服务社 物业议事会 "
    "老旧小区改造监督小组 便民修补队",
    ServiceField.SAFETY: "平安巡防队 义警队 消防志愿队 治安巡逻队 反诈宣传队 红袖章志愿队 "
    "平安守护队 交通劝导队",
    ServiceField.YOUTH: "亲子阅读会 四点半课堂志愿队 青少年成长营 小候鸟服务队 少儿科普社 "
    "家长学校 红领巾小队 亲子手工坊 青年志愿者服务队 绘本馆志愿队",
    ServiceField.CHARITY: "爱心驿站 慈善互助会 微心愿志愿队 公益服务社 红领志愿服务队 "
    "爱心妈妈团 党员志愿服务队 公益伙伴服务队",
    ServiceField.DISABILITY: "助残服务社 阳光助残志愿队 残疾人互助会 心语手语队 助残康复小组",
    ServiceField.ENVIRONMENT: "垃圾分类督导队 绿色环保队 美丽庭院志愿队 护河志愿队 花友会 "
    "护绿队 垃圾分类宣讲团 低碳生活社",
    ServiceField.OTHER: "退役军人志愿队 法律服务志愿队 心理关爱志愿队 新居民联谊会 侨眷联谊会",
}
# Registered social groups (社会团体): '杭州市上城区<street, community or brand><suffix>'.
SOCIAL_GROUP_SUFFIXES = {
    ServiceField.ELDERLY: "老年协会 老年人体育协会 老龄事业促进会",
    ServiceField.CULTURE_SPORTS: "书画协会 摄影协会 太极拳协会 舞蹈协会 体育协会 文化艺术协会 "
    "戏曲协会 围棋协会",
    ServiceField.NEIGHBOURLY_HELP: "邻里互助协会 睦邻促进会",
    ServiceField.RESIDENT_SERVICES: "业主自治促进会 居民自治协会 物业管理促进会",
    ServiceField.SAFETY: "平安志愿者协会 治安联防协会",
    ServiceField.YOUTH: "家庭教育促进会 青少年发展促进会 青年志愿者协会",
    ServiceField.CHARITY: "慈善协会 志愿者协会 公益促进会 社会工作者协会",
    ServiceField.DISABILITY: "残疾人互助协会 助残志愿者协会",
    ServiceField.ENVIRONMENT: "环保志愿者协会 垃圾分类促进会",
    ServiceField.OTHER: "社会组织联合会 新的社会阶层人士联谊会",
}
# Registered private non-enterprise units (民办非企业单位 / 社会服务机构).
PNE_SUFFIXES = {
    ServiceField.ELDERLY: "居家养老服务中心 养老服务中心 颐养服务中心 长者服务中心",
    ServiceField.CULTURE_SPORTS: "文化艺术中心 书画院 艺术团 体育健身俱乐部 文化传播中心",
    ServiceField.NEIGHBOURLY_HELP: "邻里服务社 社区服务中心 邻里互助服务中心",
    ServiceField.RESIDENT_SERVICES: "社会工作服务中心 家庭服务中心 社区营造服务中心 "
    "物业纠纷调解服务中心",
    ServiceField.SAFETY: "平安服务中心 应急救护服务中心",
    ServiceField.YOUTH: "青少年服务中心 托育服务中心 儿童发展中心 青少年活动中心",
    ServiceField.CHARITY: "公益服务中心 慈善服务中心 公益发展中心",
    ServiceField.DISABILITY: "助残服务中心 康复服务中心 阳光家园",
    ServiceField.ENVIRONMENT: "环境保护服务中心 绿色生活服务中心",
    ServiceField.OTHER: "心理咨询服务中心 法律服务中心 社会组织发展中心",
}
FOUNDATION_SUFFIXES = ("公益基金会", "慈善基金会", "社区发展基金会", "助学基金会")

REVIEW_RESULTS = [
    (AnnualReviewResult.PASSED, 80),
    (AnnualReviewResult.BASICALLY_PASSED, 12),
    (AnnualReviewResult.FAILED, 4),
    (AnnualReviewResult.ABSENT, 4),
]
POLITICAL_STATUSES = [
    (PoliticalStatus.PARTY_MEMBER, 23),
    (PoliticalStatus.PROBATIONARY_MEMBER, 2),
    (PoliticalStatus.LEAGUE_MEMBER, 8),
    (PoliticalStatus.DEMOCRATIC_PARTY, 3),
    (PoliticalStatus.MASSES, 64),
]
SERVICE_PROVIDERS = (
    "凯益荟党委",
    "凯旋街道社会组织服务中心",
    "上城区社会组织发展中心",
    "凯育沙龙",
    "浙江工业大学社会工作系",
    "杭州市上城区红枫社会工作服务中心",
)
SERVICE_NOTES = {
    IncubationServiceKind.PARTY_BUILDING: "“每月一提升”领航讲堂;党员固定奉献日活动指导",
    IncubationServiceKind.CAPACITY: "项目设计与财务管理培训",
    IncubationServiceKind.TALENT: "骨干成员社工证考前辅导",
    IncubationServiceKind.SUPPORT: "公益微创投项目申报辅导",
    IncubationServiceKind.SUPERVISION: "季度督导:台账、制度与活动记录",
    IncubationServiceKind.ASSESSMENT: "年度能力评估:独立运行、党建、项目承接、居民满意度",
    IncubationServiceKind.FOLLOW_UP: "出壳后跟踪回访",
}


@dataclass
class Spec:
    """Everything planned for one organization, decided before anything is written."""

    name: str
    community: int
    legal_status: str
    identifier: str
    service_field: str
    founded_on: datetime.date
    growth_level: str
    stage: str
    address: str = ""
    leader_name: str = ""
    leader_phone: str = ""
    leader_political_status: str = ""
    party_member_count: int | None = None
    leader_username: str | None = None
    term: tuple[datetime.date, datetime.date] | None = None
    renewed_term: tuple[datetime.date, datetime.date] | None = None
    extension_until: datetime.date | None = None
    review: tuple[int, str] | None = None
    review_round_trip: bool = False
    grade: tuple[str, datetime.date] | None = None
    intake: tuple[datetime.date, int, str] | None = None
    phase: str = IncubationPhase.NONE
    withdraw_from: str = P.MANAGEMENT
    coverage: str = "instructor"
    party_liaison: str = ""
    party_activities: int = 1
    services: list[tuple] = field(default_factory=list)
    credit: list[tuple] = field(default_factory=list)

    @property
    def key(self) -> tuple[int, str]:
        return (self.community, self.name)

    @property
    def registered(self) -> bool:
        return self.legal_status != FILED

    def evidence(self, from_stage: str) -> dict:
        """The checkpoint evidence of the stage being left (双孵六同步)."""
        return {
            P.ONBOARDING: {"coverage": self.coverage, "party_liaison": self.party_liaison},
            P.MANAGEMENT: {"party_activity_count": self.party_activities},
            P.ANNUAL_REVIEW: {"party_section_included": True},
            P.RE_ELECTION: {"party_prereview_passed": True},
            P.AWARDS: {"party_building_in_criteria": True},
        }.get(from_stage, {})


# --- The plan ---------------------------------------------------------------------------


class Planner:
    def __init__(self, community_names: list[str], today: datetime.date):
        self.rng = random.Random(SEED)
        self.communities = community_names
        self.today = today
        self.names: set[str] = set()
        self.bodies: set[str] = set()
        self.filing_sequence: dict[int, int] = {}
        self.filing_numbers: set[str] = set()

    # Small helpers.

    def weighted(self, pairs):
        values, weights = zip(*pairs, strict=True)
        return self.rng.choices(values, weights)[0]

    def date_between(self, start: datetime.date, end: datetime.date) -> datetime.date:
        end = min(end, self.today)
        start = min(start, end)
        return start + datetime.timedelta(days=self.rng.randint(0, (end - start).days))

    def days(self, offset: int) -> datetime.date:
        return self.today + datetime.timedelta(days=offset)

    def person(self) -> str:
        given = self.rng.choice(GIVEN_NAMES)
        return self.rng.choice(SURNAMES) + given

    def mobile(self) -> str:
        return self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"

    def uscc(self, legal_status: str) -> str:
        type_digit = {SG: "1", PNE: "2", FOUNDATION: "3"}[legal_status]
        while True:
            body = f"MJ{self.rng.randrange(10**6):06d}"
            if body not in self.bodies:
                self.bodies.add(body)
                return complete_uscc(f"5{type_digit}{REGION}{body}")

    def filing_number(self, year: int) -> str:
        while True:
            self.filing_sequence[year] = self.filing_sequence.get(year, 0) + 1
            number = f"上城凯旋备字{year}第{self.filing_sequence[year]:03d}号"
            if number not in self.filing_numbers:
                self.filing_numbers.add(number)
                return number

    def address(self, community: int) -> str:
        name = self.communities[community]
        prefix = f"杭州市上城区凯旋街道{name}"
        places = [p for p in PLACES.get(name, ()) if p.endswith(("新村", "苑", "城", "村"))]
        if places and self.rng.random() < 0.5:
            place = self.rng.choice(places)
            return f"{prefix}{place}{self.rng.randint(1, 36)}幢{self.rng.randint(1, 4)}单元"
        road = self.rng.choice(ROADS.get(name, ("凯旋路",)))
        return f"{prefix}{road}{self.rng.randint(1, 420)}号"

    def unique(self, make) -> str:
        for _attempt in range(200):
            name = make()
            if name not in self.names:
                self.names.add(name)
                return name
        raise RuntimeError("ran out of demo organization names")

    def name(self, legal_status: str, service_field: str, community: int) -> str:
        rng, community_name = self.rng, self.communities[community]
        short = community_name.removesuffix("社区")
        if legal_status == FILED:
            suffixes = FILED_SUFFIXES[service_field].split()
            places = [community_name] * 6 + list(PLACES.get(community_name, (short,))) * 2
            places.append("凯旋街道")
            return self.unique(lambda: rng.choice(places) + rng.choice(suffixes))
        if legal_status == FOUNDATION:
            return self.unique(
                lambda: f"杭州市上城区{rng.choice(BRANDS)}{rng.choice(FOUNDATION_SUFFIXES)}"
            )
        # Social groups are mostly named after their area, service centres after a brand.
        table = SOCIAL_GROUP_SUFFIXES if legal_status == SG else PNE_SUFFIXES
        suffixes = table[service_field].split()
        areas = ["凯旋街道", community_name, short]
        brand_share = 0.2 if legal_status == SG else 0.6

        def make() -> str:
            place = rng.choice(BRANDS if rng.random() < brand_share else areas)
            return f"杭州市上城区{place}{rng.choice(suffixes)}"

        return self.unique(make)

    def leader(self, spec: Spec) -> None:
        spec.leader_name, spec.leader_phone = self.person(), self.mobile()
        spec.leader_political_status = self.weighted(POLITICAL_STATUSES)
        in_party = spec.leader_political_status in (
            PoliticalStatus.PARTY_MEMBER,
            PoliticalStatus.PROBATIONARY_MEMBER,
        )
        if in_party:
            spec.party_member_count = self.rng.choice([1, 1, 2, 2, 3, 3, 4, 5, 6, 8])
        else:
            spec.party_member_count = self.rng.choice([0, 0, 0, 0, 0, 1, 1, 2, 3, 4])
        self.party_coverage(spec)

    def party_coverage(self, spec: Spec) -> None:
        count = spec.party_member_count or 0
        if count >= 3:
            spec.coverage = "own_branch" if self.rng.random() < 0.6 else "joint_branch"
        elif count:
            spec.coverage = "joint_branch" if self.rng.random() < 0.7 else "instructor"
        else:
            spec.coverage = "instructor"
        spec.party_liaison = self.person()
        spec.party_activities = self.rng.randint(2, 24)

    def term(self, spec: Spec, end: datetime.date, years: int = 5) -> None:
        start = max(spec.founded_on, add_years(end, -years) + datetime.timedelta(days=1))
        spec.term = (start, end)

    # The organizations.

    def generated(self) -> list[Spec]:
        rng = self.rng
        profiles = [(FILED, level, stage) for level, stage, n in FILED_PROFILES for _ in range(n)]
        registered = [(level, stage) for level, stage, n in REGISTERED_PROFILES for _ in range(n)]
        statuses = list(REGISTERED_STATUSES)
        rng.shuffle(statuses)
        profiles += [
            (status, *profile) for status, profile in zip(statuses, registered, strict=True)
        ]
        rng.shuffle(profiles)
        communities = [i % len(self.communities) for i in range(len(profiles))]
        rng.shuffle(communities)
        fields = list(FIELD_WEIGHTS)
        specs = []
        for (legal_status, level, stage), community in zip(profiles, communities, strict=True):
            service_field = rng.choices(fields, list(FIELD_WEIGHTS.values()))[0]
            founded = self.founding_date(legal_status, level, stage)
            spec = Spec(
                name=self.name(legal_status, service_field, community),
                community=community,
                legal_status=legal_status,
                identifier=(
                    self.filing_number(founded.year)
                    if legal_status == FILED
                    else self.uscc(legal_status)
                ),
                service_field=service_field,
                founded_on=founded,
                growth_level=level,
                stage=stage,
                address=self.address(community),
            )
            self.leader(spec)
            if stage == P.WITHDRAWN and legal_status == FILED:
                spec.withdraw_from = rng.choice([P.REGISTRATION, P.ONBOARDING, P.MANAGEMENT])
            specs.append(spec)
        return specs

    def founding_date(self, legal_status: str, level: str, stage: str) -> datetime.date:
        d = datetime.date
        if stage in (P.REGISTRATION, P.ONBOARDING):
            return self.date_between(d(2025, 1, 1), d(2025, 12, 31))
        if level == HUB:
            return self.date_between(d(2008, 1, 1), d(2016, 12, 31))
        if legal_status != FILED:
            return self.date_between(d(2008, 1, 1), d(2021, 12, 31))
        if stage == P.GRADUATED:
            return self.date_between(d(2012, 1, 1), d(2022, 6, 30))
        return self.date_between(d(2010, 1, 1), d(2024, 12, 31))

    def specials(self) -> list[Spec]:
        """The organizations named in the article, and the two with demo leader accounts."""
        d = datetime.date
        index = {name: i for i, name in enumerate(self.communities)}
        kaixuan = index.get("凯旋社区", 2 % len(self.communities))
        march_end = self.next_march_end()
        rows = [
            # 南肖埠陆号: a registered social group led by leader1; 换届 due next March.
            Spec(
                name="南肖埠陆号邻里服务社",
                community=0,
                legal_status=SG,
                identifier=complete_uscc(f"51{REGION}MJ190612"),
                service_field=ServiceField.NEIGHBOURLY_HELP,
                founded_on=d(2012, 5, 18),
                growth_level=CO,
                stage=P.MANAGEMENT,
                address="杭州市上城区凯旋街道南肖埠社区南肖埠新村6幢",
                leader_name="陈国平",
                leader_username="leader1",
                leader_political_status=PoliticalStatus.PARTY_MEMBER,
                party_member_count=5,
                term=(d(march_end.year - 10, 4, 1), d(march_end.year - 5, 3, 31)),
                renewed_term=(d(march_end.year - 5, 4, 1), march_end),
                grade=("4A", d(2024, 12, 20)),
            ),
            Spec(
                name="景新书画院",
                community=1 % len(self.communities),
                legal_status=PNE,
                identifier=complete_uscc(f"52{REGION}MJ090327"),
                service_field=ServiceField.CULTURE_SPORTS,
                founded_on=d(2009, 3, 27),
                growth_level=CO,
                stage=P.MANAGEMENT,
                address="杭州市上城区凯旋街道景昙社区景昙路9号",
                leader_name="周丽娟",
                leader_username="leader2",
                leader_political_status=PoliticalStatus.PARTY_MEMBER,
                party_member_count=7,
                grade=("5A", d(2023, 11, 30)),
            ),
            Spec(
                name="杭州市上城区凯益荟社会组织服务中心",
                community=kaixuan,
                legal_status=PNE,
                identifier=complete_uscc(f"52{REGION}MJ110901"),
                service_field=ServiceField.OTHER,
                founded_on=d(2011, 9, 1),
                growth_level=HUB,
                stage=P.MANAGEMENT,
                address="杭州市上城区凯旋街道凯旋社区凯旋路445号",
                leader_political_status=PoliticalStatus.PARTY_MEMBER,
                party_member_count=8,
                grade=("5A", d(2022, 12, 15)),
            ),
            Spec(
                name="杭州市上城区美好凯旋社区发展基金会",
                community=kaixuan,
                legal_status=FOUNDATION,
                identifier=complete_uscc(f"53{REGION}MJ200518"),
                service_field=ServiceField.CHARITY,
                founded_on=d(2020, 5, 18),
                growth_level=HUB,
                stage=P.MANAGEMENT,
                address="杭州市上城区凯旋街道凯旋社区凯旋路445号",
                leader_political_status=PoliticalStatus.PARTY_MEMBER,
                party_member_count=3,
                grade=("4A", d(2024, 6, 28)),
            ),
            # Governance organizations grown by the community stations (小凯益荟).
            Spec(
                name="凯旋街道既有住宅加装电梯服务中心",
                community=kaixuan,
                legal_status=PNE,
                identifier=complete_uscc(f"52{REGION}MJ190830"),
                service_field=ServiceField.RESIDENT_SERVICES,
                founded_on=d(2019, 8, 30),
                growth_level=CO,
                stage=P.GRADUATED,
                address="杭州市上城区凯旋街道凯旋社区凯旋新村12幢",
                leader_political_status=PoliticalStatus.PARTY_MEMBER,
                party_member_count=4,
                intake=(d(2020, 3, 1), 24, IncubationType.GROWING),
                phase=IncubationPhase.FOLLOW_UP,
            ),
            Spec(
                name="凯居宜家园服务社",
                community=kaixuan,
                legal_status=FILED,
                identifier="上城凯旋备字2018第021号",
                service_field=ServiceField.RESIDENT_SERVICES,
                founded_on=d(2018, 6, 12),
                growth_level=CO,
                stage=P.MANAGEMENT,
                address="杭州市上城区凯旋街道凯旋社区凯旋苑3幢",
                leader_political_status=PoliticalStatus.PARTY_MEMBER,
                party_member_count=3,
            ),
        ]
        for spec in rows:
            self.names.add(spec.name)
            if spec.registered:
                self.bodies.add(spec.identifier[8:16])
            else:
                self.filing_numbers.add(spec.identifier)
            spec.leader_name = spec.leader_name or self.person()
            spec.leader_phone = self.mobile()
            self.party_coverage(spec)
            if spec.party_member_count >= 3:
                spec.coverage = "own_branch"
            if spec.registered and spec.term is None:
                self.term(spec, self.days(self.rng.randint(400, 1500)))
        return rows

    def next_march_end(self) -> datetime.date:
        """The first 31 March more than three months ahead: leader1's 换届 is always next."""
        limit = add_months(self.today, 3)
        year = limit.year if limit < datetime.date(limit.year, 3, 31) else limit.year + 1
        return datetime.date(year, 3, 31)

    # Terms, reviews, credit lists, grades, incubation and pairings.

    def plan_terms(self, specs: list[Spec]) -> None:
        rng = self.rng
        management = [s for s in specs if s.registered and s.stage == P.MANAGEMENT and not s.term]
        soon, overdue, extended = management[:6], management[6:10], management[10:12]
        renewable = [s for s in management[12:] if s.founded_on.year <= 2019][:15]
        for spec in soon:
            self.term(spec, self.days(rng.randint(10, 85)))
        for spec in overdue:
            self.term(spec, self.days(-rng.randint(5, 150)))
        for spec in extended:
            self.term(spec, self.days(rng.randint(100, 200)))
            spec.extension_until = add_months(spec.term[1], 6)
        for spec in renewable:
            new_start = self.days(-rng.randint(30, 700))
            self.term(spec, new_start - datetime.timedelta(days=1))
            spec.renewed_term = (new_start, add_years(new_start, 5) - datetime.timedelta(days=1))
        for spec in specs:
            if not spec.registered or spec.term:
                continue
            if spec.stage == P.RE_ELECTION:
                self.term(spec, self.days(rng.randint(-60, 80)))
            else:
                self.term(spec, self.days(rng.randint(100, 1700)), rng.choice([5, 5, 5, 4, 3]))

    def plan_reviews(self, specs: list[Spec]) -> None:
        year = self.today.year - 1
        for spec in specs:
            if spec.stage in (P.REGISTRATION, P.ONBOARDING) or (
                spec.stage == P.WITHDRAWN and spec.withdraw_from != P.MANAGEMENT
            ):
                continue
            review_year = year - 1 if spec.stage == P.ANNUAL_REVIEW else year
            if spec.founded_on > datetime.date(review_year, 6, 30):
                continue
            trusted = spec.growth_level == HUB or spec.grade or spec.stage == P.GRADUATED
            if trusted or spec.stage == P.AWARDS:
                result = AnnualReviewResult.PASSED
            elif self.rng.random() < 0.08:
                continue  # the report is still owed: reminders and dashboards find it
            else:
                result = self.weighted(REVIEW_RESULTS)
            spec.review = (review_year, result)
            spec.review_round_trip = spec.registered and spec.stage != P.ANNUAL_REVIEW

    def plan_credit(self, specs: list[Spec]) -> None:
        candidates = [
            s
            for s in specs
            if s.registered
            and s.stage == P.MANAGEMENT
            and s.growth_level != HUB
            and not s.grade
            and not s.leader_username
        ]
        # Two of them still owe last year's annual report.
        late = [s for s in candidates if s.review is None][:2]
        late += [s for s in candidates if s not in late][: 2 - len(late)]
        for spec in late:
            spec.review, spec.review_round_trip = None, False
        others = [s for s in candidates if s not in late]
        for spec in late:
            spec.credit.append(
                (
                    CreditList.ABNORMAL,
                    CreditGround.LATE_ANNUAL_REPORT,
                    self.date_between(datetime.date(self.today.year, 6, 1), self.days(-20)),
                    None,
                    "未按时报送年度工作报告",
                )
            )
        others[0].credit.append(
            (
                CreditList.ABNORMAL,
                CreditGround.UNREACHABLE,
                self.days(-self.rng.randint(60, 300)),
                None,
                "通过登记的住所无法联系",
            )
        )
        cleared = others[1]
        cleared.party_member_count = max(cleared.party_member_count or 0, 3)
        cleared.credit.append(
            (
                CreditList.ABNORMAL,
                CreditGround.NO_PARTY_ORGANIZATION,
                self.days(-420),
                self.days(-150),
                "党员3名以上未建立党组织;已单独组建党支部,移出名录",
            )
        )
        cleared.coverage = "own_branch"
        deregistered = next(s for s in specs if s.registered and s.stage == P.DEREGISTERED)
        deregistered.credit.append(
            (
                CreditList.SERIOUS,
                CreditGround.FINE_50K_OR_MORE,
                self.days(-self.rng.randint(200, 500)),
                None,
                "受到5万元以上罚款处罚",
            )
        )

    def plan_grades(self, specs: list[Spec]) -> None:
        rng = self.rng
        cutoff = add_years(self.today, -3)

        def eligible(spec: Spec) -> bool:
            return (
                spec.registered
                and spec.grade is None
                and spec.stage in (P.MANAGEMENT, P.AWARDS, P.ANNUAL_REVIEW, P.RE_ELECTION)
                and spec.founded_on <= cutoff
                and not spec.credit
                and (spec.review is None or spec.review[1] == AnnualReviewResult.PASSED)
            )

        hubs = [s for s in specs if s.growth_level == HUB and eligible(s)]
        others = [s for s in specs if s.growth_level != HUB and eligible(s)]
        rng.shuffle(others)
        others.sort(key=lambda s: s.stage != P.AWARDS)  # award candidates are graded first
        for spec, grade in [
            *zip(hubs, HUB_GRADES, strict=False),
            *zip(others, OTHER_GRADES, strict=False),
        ]:
            start = max(add_years(spec.founded_on, 2), datetime.date(2022, 1, 1))
            spec.grade = (grade, self.date_between(start, self.days(-30)))
            if grade == "5A":  # no party organization ⇒ at most 4A
                spec.party_member_count = max(spec.party_member_count or 0, 3)
                spec.coverage = "own_branch"
            if spec.review is None and spec.stage != P.ANNUAL_REVIEW:
                spec.review = (self.today.year - 1, AnnualReviewResult.PASSED)
                spec.review_round_trip = True

    def plan_incubation(self, specs: list[Spec]) -> None:
        rng = self.rng

        def kind(spec: Spec) -> str:
            """初创型 for resident teams, 成长型 or 成熟型 the further along they are."""
            if spec.growth_level == RT:
                return IncubationType.STARTUP
            if spec.growth_level == PC:
                return rng.choice([IncubationType.STARTUP, IncubationType.GROWING])
            return rng.choice([IncubationType.GROWING, IncubationType.MATURE])

        for spec in specs:
            if spec.stage == P.GRADUATED and spec.intake is None:
                start = max(spec.founded_on, datetime.date(2019, 1, 1))
                agreed = self.date_between(start, add_months(self.today, -14))
                spec.intake = (agreed, rng.choice([12, 18, 24]), kind(spec))
                spec.phase = rng.choice([IncubationPhase.GRADUATED, IncubationPhase.FOLLOW_UP])
            if spec.stage == P.GRADUATED:
                spec.review = (self.today.year - 1, AnnualReviewResult.PASSED)

        grassroots = [
            s
            for s in specs
            if s.growth_level != HUB and not s.grade and not s.credit and s.intake is None
        ]
        entered = [s for s in grassroots if s.stage in (P.REGISTRATION, P.ONBOARDING)]
        entered += [s for s in grassroots if s.stage == P.MANAGEMENT and s.founded_on.year >= 2023]
        for spec in entered[:ENTERED_COUNT]:
            agreed = max(spec.founded_on, self.days(-rng.randint(0, 75)))
            spec.intake = (agreed, rng.choice([12, 18, 24]), kind(spec))
            spec.phase = IncubationPhase.ENTERED
        incubating = [
            s
            for s in grassroots
            if s.intake is None
            and s.stage in (P.MANAGEMENT, P.ANNUAL_REVIEW)
            and s.founded_on.year >= 2018
        ]
        rng.shuffle(incubating)
        for n, spec in enumerate(incubating[:INCUBATING_COUNT]):
            months = rng.choice([12, 18, 24, 36])
            if n < INCUBATION_ENDING_SOON:
                agreed = add_months(self.days(rng.randint(3, 28)), -months)
            else:
                agreed = self.days(-rng.randint(90, months * 30 - 10))
            spec.intake = (max(agreed, spec.founded_on), months, kind(spec))
            spec.phase = IncubationPhase.INCUBATING

    def plan_services(self, specs: list[Spec]) -> None:
        rng = self.rng
        kinds = [k for k in IncubationServiceKind if k != IncubationServiceKind.FOLLOW_UP]
        for spec in specs:
            if not spec.intake:
                continue
            count = 1 if spec.phase == IncubationPhase.ENTERED else rng.randint(1, 3)
            chosen = [IncubationServiceKind.PARTY_BUILDING, *rng.sample(kinds[1:], 2)][:count]
            if spec.phase == IncubationPhase.FOLLOW_UP:
                chosen.append(IncubationServiceKind.FOLLOW_UP)
            for kind in chosen:
                spec.services.append(
                    (
                        kind,
                        self.date_between(spec.intake[0], self.today),
                        rng.choice(SERVICE_PROVIDERS),
                        Decimal(rng.choice(["1.5", "2.0", "2.5", "3.0", "4.0", "6.0", "8.0"])),
                        SERVICE_NOTES[kind],
                    )
                )

    def plan_pairings(self, specs: list[Spec]) -> list[tuple]:
        rng = self.rng
        active = [s for s in specs if s.stage not in EXIT_STAGES and not s.credit]
        mentors = [
            s for s in active if s.growth_level == HUB or (s.grade and s.grade[0] in MENTOR_GRADES)
        ]
        mentor_keys = {s.key for s in mentors}
        mentees = [
            s
            for s in active
            if s.key not in mentor_keys and s.growth_level != HUB and s.stage != P.REGISTRATION
        ]
        rng.shuffle(mentees)
        # The organizations being incubated come first: they are the ones 1+X is for.
        mentees.sort(
            key=lambda s: s.phase not in (IncubationPhase.ENTERED, IncubationPhase.INCUBATING)
        )
        load = {s.key: 0 for s in mentors}
        pairings = []
        for mentee in mentees[:PAIRING_TOTAL]:
            near = [m for m in mentors if m.community == mentee.community and load[m.key] < 6]
            pool = near or sorted(mentors, key=lambda m: load[m.key])[:5]
            mentor = rng.choice(pool)
            load[mentor.key] += 1
            start = max(
                mentee.founded_on,
                mentor.founded_on,
                mentee.intake[0] if mentee.intake else datetime.date(2021, 1, 1),
                datetime.date(2021, 1, 1),
            )
            pairings.append((mentor.key, mentee.key, self.date_between(start, self.days(-7))))
        return pairings


def build_plan(community_names: list[str], today: datetime.date) -> tuple[list[Spec], list[tuple]]:
    """The whole demo registry as data: organization specs and (mentor, mentee, start)."""
    planner = Planner(community_names, today)
    specials = planner.specials()
    generated = planner.generated()
    specs = specials + generated
    # A third of the newest registrations have not had their leader surveyed (排摸) yet.
    for spec in [s for s in generated if s.stage == P.REGISTRATION][::3]:
        spec.leader_political_status, spec.party_member_count = "", None
    planner.plan_terms(generated)
    planner.plan_reviews(specs)
    planner.plan_credit(generated)
    planner.plan_grades(specs)
    planner.plan_incubation(specs)
    planner.plan_services(specs)
    pairings = planner.plan_pairings(specs)
    return specs, pairings


# --- Writing it through the services ----------------------------------------------------


def _create(spec: Spec, community) -> Organization:
    identifier = {"filing_number" if spec.legal_status == FILED else "uscc": spec.identifier}
    term = {"term_start": spec.term[0], "term_end": spec.term[1]} if spec.term else {}
    return organization_create(
        actor=None,
        name=spec.name,
        community=community,
        legal_status=spec.legal_status,
        service_field=spec.service_field,
        founded_on=spec.founded_on,
        address=spec.address,
        leader_name=spec.leader_name,
        leader_phone=spec.leader_phone,
        leader_political_status=spec.leader_political_status,
        party_member_count=spec.party_member_count,
        growth_level=spec.growth_level,
        **identifier,
        **term,
    )


def _move(org: Organization, spec: Spec, to_stage: str) -> None:
    organization_change_stage(
        organization=org, to_stage=to_stage, actor=None, evidence=spec.evidence(org.stage)
    )


def _intake(org: Organization, spec: Spec) -> Organization:
    agreed, months, kind = spec.intake
    return incubation_intake(
        organization=org,
        agreement_on=agreed,
        planned_months=months,
        incubation_type=kind,
        actor=None,
    )


def _write(spec: Spec, community) -> Organization:
    """Walk one organization along a valid path to its planned stage."""
    org = _create(spec, community)
    if spec.intake and spec.stage == P.REGISTRATION:
        org = _intake(org, spec)
    if spec.stage == P.REGISTRATION:
        return org
    if spec.stage == P.WITHDRAWN and spec.withdraw_from == P.REGISTRATION:
        _move(org, spec, P.WITHDRAWN)
        return org
    _move(org, spec, P.ONBOARDING)
    if spec.intake:
        org = _intake(org, spec)
    if spec.stage == P.ONBOARDING:
        return org
    if spec.stage == P.WITHDRAWN and spec.withdraw_from == P.ONBOARDING:
        _move(org, spec, P.WITHDRAWN)
        return org
    _move(org, spec, P.MANAGEMENT)
    if spec.phase not in (IncubationPhase.NONE, IncubationPhase.ENTERED):
        organization_change_phase(organization=org, to_phase=IncubationPhase.INCUBATING, actor=None)
    if spec.renewed_term:
        _move(org, spec, P.RE_ELECTION)
        start, end = spec.renewed_term
        org = re_election_complete(
            organization=org,
            term_start=start,
            term_end=end,
            actor=None,
            evidence=spec.evidence(P.RE_ELECTION),
        )
    if spec.review:
        if spec.review_round_trip:
            _move(org, spec, P.ANNUAL_REVIEW)
            _move(org, spec, P.MANAGEMENT)
        year, result = spec.review
        org = organization_record_annual_review(
            organization=org, year=year, result=result, actor=None
        )
    if spec.grade:
        grade, awarded_on = spec.grade
        org = organization_set_grade(
            organization=org, grade=grade, awarded_on=awarded_on, actor=None
        )
    if spec.extension_until:
        org = term_extend(
            organization=org,
            until=spec.extension_until,
            actor=None,
            reason="换届筹备期间申请延期,已报党组织同意",
        )
    if spec.stage == P.GRADUATED:
        org = organization_confirm_independence(organization=org, actor=None)
        organization_graduate(
            organization=org, actor=None, note="达到出壳标准", evidence=spec.evidence(org.stage)
        )
        if spec.phase == IncubationPhase.FOLLOW_UP:
            organization_change_phase(
                organization=org, to_phase=IncubationPhase.FOLLOW_UP, actor=None
            )
    elif spec.stage != P.MANAGEMENT:
        _move(org, spec, spec.stage)
    return org


def _extras(org: Organization, spec: Spec) -> None:
    for kind, date, provider, hours, notes in spec.services:
        incubation_service_record(
            organization=org,
            actor=None,
            kind=kind,
            date=date,
            provider=provider,
            hours=hours,
            notes=notes,
        )
    for list_kind, ground, listed_on, cleared_on, note in spec.credit:
        listing = credit_list_add(
            organization=org,
            list_kind=list_kind,
            ground=ground,
            listed_on=listed_on,
            actor=None,
            note=note,
        )
        if cleared_on:
            credit_list_clear(listing=listing, cleared_on=cleared_on, actor=None)


def seed_organizations(street: Street, users: dict[str, User]) -> list[Organization]:
    """Seed the street's demo registry; return all its organizations."""
    communities = list(street.communities.order_by("pk"))
    specs, pairings = build_plan([c.name for c in communities], timezone.localdate())

    def by_name():
        orgs = Organization.objects.filter(community__street=street)
        return {(o.community_id, o.name): o for o in orgs}

    existing = by_name()
    taken = set(
        Organization.objects.filter(
            Q(uscc__in=[s.identifier for s in specs if s.registered])
            | Q(filing_number__in=[s.identifier for s in specs if not s.registered])
        ).values_list("uscc", "filing_number")
    )
    taken_ids = {value for pair in taken for value in pair if value}
    for spec in specs:
        community = communities[spec.community]
        if (community.pk, spec.name) in existing or spec.identifier in taken_ids:
            continue
        org = _write(spec, community)
        _extras(org, spec)

    orgs = by_name()
    for spec in specs:
        if spec.leader_username:
            org = orgs.get((communities[spec.community].pk, spec.name))
            if org is not None:
                organization_add_leader(organization=org, user=users[spec.leader_username])

    paired = set(Pairing.objects.active().values_list("mentee_id", flat=True))
    for (mentor_c, mentor_name), (mentee_c, mentee_name), started_on in pairings:
        mentor = orgs.get((communities[mentor_c].pk, mentor_name))
        mentee = orgs.get((communities[mentee_c].pk, mentee_name))
        if mentor is None or mentee is None or mentee.pk in paired:
            continue
        pairing_create(mentor=mentor, mentee=mentee, started_on=started_on, actor=None)
        paired.add(mentee.pk)
    return list(orgs.values())
