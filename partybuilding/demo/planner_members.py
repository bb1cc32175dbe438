"""The planner's members and the development pipeline (a mixin of ``PartyPlanner``)."""

from __future__ import annotations

import datetime

from incubation.models import Organization
from incubation.rules import add_years
from partybuilding.choices import DevelopmentStage, Establishment
from partybuilding.demo.plan import BranchPlan, DevelopmentPlan, MemberPlan
from partybuilding.demo.vocabulary import (
    DEVELOPED_PROBATIONARY,
    DEVELOPED_TOTAL,
    FLAGGED_JOINT_EVERY,
    JOINT_FULL_CAP,
    LEADER_PIPELINE_DAYS,
    MEMBER_TOTAL,
    OFFICER_POSTS,
    _person_sex,
)


class MemberPlanning:
    """Members and the development pipeline, for ``PartyPlanner``."""

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
