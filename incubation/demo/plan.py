"""The demo registry planned as data: one ``Spec`` per organization, and the pairings."""

import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal

from core.identifiers import complete_uscc
from incubation.choices import (
    AnnualReviewResult,
    CreditGround,
    CreditList,
    IncubationServiceKind,
    IncubationType,
    PoliticalStatus,
    ServiceField,
)
from incubation.demo.vocabulary import (
    BRANDS,
    CO,
    ENTERED_COUNT,
    FIELD_WEIGHTS,
    FILED,
    FILED_PROFILES,
    FILED_SUFFIXES,
    FOUNDATION,
    FOUNDATION_SUFFIXES,
    GIVEN_NAMES,
    HUB,
    HUB_GRADES,
    INCUBATING_COUNT,
    INCUBATION_ENDING_SOON,
    MOBILE_PREFIXES,
    OTHER_GRADES,
    PAIRING_TOTAL,
    PC,
    PLACES,
    PNE,
    PNE_SUFFIXES,
    POLITICAL_STATUSES,
    REGION,
    REGISTERED_PROFILES,
    REGISTERED_STATUSES,
    REVIEW_RESULTS,
    ROADS,
    RT,
    SEED,
    SERVICE_NOTES,
    SERVICE_PROVIDERS,
    SG,
    SOCIAL_GROUP_SUFFIXES,
    SURNAMES,
    P,
)
from incubation.rules import add_months, add_years
from incubation.services import MENTOR_GRADES
from incubation.workflows import EXIT_STAGES, IncubationPhase


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
