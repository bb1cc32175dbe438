"""The planner of the demo party tree: small helpers and the tree of branches."""

from __future__ import annotations

import datetime
import random

from incubation.choices import LegalStatus, PoliticalStatus
from incubation.models import Organization
from incubation.rules import add_years
from incubation.workflows import EXIT_STAGES, Stage
from partybuilding.choices import Establishment
from partybuilding.demo.plan import BranchPlan, PartyPlan, Person, _leads_as_member
from partybuilding.demo.planner_activities import ActivityPlanning
from partybuilding.demo.planner_members import MemberPlanning
from partybuilding.demo.vocabulary import (
    _ID_WEIGHTS,
    CHINESE_NUMBERS,
    CROSS_APPOINTMENT_TOTAL,
    FEMALE_GIVEN,
    GROUP_OF_FIELD,
    GROUPS,
    ID_REGIONS,
    MALE_GIVEN,
    MOBILE_PREFIXES,
    SEED,
    SINGLE_TOTAL,
    STREET_WIDE_JOINT,
    SURNAMES,
    TERMS_ENDING_SOON,
    _person_sex,
)


def stage_of(org: Organization, paths: dict) -> str:
    """The organization's planned stage when its walk is still to come, else its stage."""
    path = paths.get(org.pk)
    return path.stage if path is not None else org.stage


class PartyPlanner(MemberPlanning, ActivityPlanning):
    def __init__(
        self,
        organizations: list[Organization],
        today: datetime.date,
        *,
        paths: dict | None = None,
        everyone: list[Organization] | None = None,
    ):
        self.rng = random.Random(SEED)
        self.today = today
        self.organizations = organizations
        # incubation.demo.Path per organization still to walk (none: read the stages).
        self.paths = paths or {}
        # Every organization the plan may cover, the deregistered ones included (they
        # pass 入驻 and 管理 on their way out).
        self.everyone = everyone if everyone is not None else organizations
        self.used_names = {o.leader_name for o in organizations if o.leader_name}
        self.used_phones = {o.leader_phone for o in organizations if o.leader_phone}
        self.used_ids: set[str] = set()
        self.alignments: dict[int, dict] = {}
        self.extended = False

    # Small helpers.

    def stage(self, org: Organization) -> str:
        return stage_of(org, self.paths)

    def leaves(self, org: Organization, stage: str) -> bool:
        """Does the organization's walk pass ``stage``'s checkpoint?"""
        path = self.paths.get(org.pk)
        return path is not None and stage in path.leaves

    def needs_coverage(self, org: Organization) -> bool:
        path = self.paths.get(org.pk)
        if path is not None:
            return path.needs_coverage
        return self.stage(org) not in EXIT_STAGES and self.stage(org) != Stage.REGISTRATION

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
            if self.stage(o) not in EXIT_STAGES and o.service_field in GROUP_OF_FIELD
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
            pool = [o for o in orgs if o.pk not in taken and self.stage(o) != Stage.REGISTRATION]
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
        self.plan_checkpoint_activities(branches, instructors)
        self.plan_past_activities(branches)
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
                and self.stage(o) not in (Stage.REGISTRATION, Stage.ONBOARDING)
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
