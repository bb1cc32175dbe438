"""The planner's organizational life, instructors and pre-reviews (a mixin of ``PartyPlanner``)."""

from __future__ import annotations

import datetime
import random

from incubation.rules import add_months
from incubation.workflows import Stage
from partybuilding.choices import ActivityKind, DevelopmentStage, Establishment
from partybuilding.demo.plan import ActivityPlan, BranchPlan
from partybuilding.demo.vocabulary import (
    ASSEMBLY_TOPICS,
    COMMITTEE_MEETING_TOPICS,
    DEDICATION_SERVICES,
    GROUP_MEETING_TOPICS,
    GROUP_OF_FIELD,
    GROUPS,
    LECTURE_TITLES,
    ORGANIZATIONS_PER_INSTRUCTOR,
    PAST_ACTIVITY_REGULARITY,
    PREREVIEW_COUNT,
    SEED,
    THEME_DAY_BY_MONTH,
    VOLUNTEERING_TITLES,
    _days_in_month,
)


class ActivityPlanning:
    """Organizational life, instructors and pre-reviews, for ``PartyPlanner``."""

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

    def plan_past_activities(self, branches: list[BranchPlan]) -> None:
        """The organizational life of the years before this one, so the dashboard's
        year-on-year chart has a history: fewer branches existed the further back (each
        from its founding date) and their life was less regular (PAST_ACTIVITY_REGULARITY,
        the share of the meetings held). Each year draws from its own generator, so this
        year's plan (drawn before) is the same with or without the history."""
        for back, regularity in enumerate(PAST_ACTIVITY_REGULARITY, start=1):
            year = self.today.year - back
            rng = random.Random(f"{SEED}-activities-{year}")
            for branch in branches:
                if branch.founded_on.year <= year:
                    self.plan_past_year(branch, year, regularity, rng)

    def plan_past_year(
        self, branch: BranchPlan, year: int, regularity: float, rng: random.Random
    ) -> None:
        founded = branch.founded_on
        orgs = branch.organizations
        # Members joined over the years: the further back, the smaller the branch.
        size = max(3, round(branch.size * (1 - 0.06 * (self.today.year - year))))
        add = branch.activities.append

        def on(month: int, lo: int, hi: int) -> datetime.date | None:
            day = datetime.date(year, month, rng.randint(lo, min(hi, _days_in_month(year, month))))
            return day if day >= founded else None

        def held(share: float = 1.0) -> bool:
            return rng.random() < regularity * share

        def attendees(low: float) -> int:
            return rng.randint(max(2, round(size * low)), size)

        def with_org(day: datetime.date):
            # Only an organization already founded (and so covered) on the day.
            there = [o for o in orgs if o.founded_on <= day]
            if branch.establishment == Establishment.SINGLE:
                return there[0] if there else None
            return rng.choice(there) if there and rng.random() < 0.6 else None

        for month in range(1, 13):
            if branch.has_committee and held() and (day := on(month, 2, 10)):
                title = f"{month}月支委会:{rng.choice(COMMITTEE_MEETING_TOPICS)}"
                add(ActivityPlan(ActivityKind.COMMITTEE_MEETING, day, title, rng.randint(3, 5)))
            if held() and (day := on(month, 5, 20)):
                title = f"{month}月党小组会:{rng.choice(GROUP_MEETING_TOPICS)}"
                add(ActivityPlan(ActivityKind.GROUP_MEETING, day, title, attendees(0.6)))
            if held() and (day := on(month, 8, 22)):
                title = THEME_DAY_BY_MONTH[month].format(anniversary=year - 1921)
                add(ActivityPlan(ActivityKind.THEME_DAY, day, title, attendees(0.7), with_org(day)))
            if held(0.92) and (day := on(month, 25, 25)):
                title = f"党员固定奉献日:{rng.choice(DEDICATION_SERVICES)}"
                people = attendees(0.6) + rng.randint(0, 15)
                add(ActivityPlan(ActivityKind.DEDICATION_DAY, day, title, people, with_org(day)))
        for quarter in range(4):
            month = quarter * 3 + rng.randint(1, 3)
            if held() and (day := on(month, 10, 28)):
                title = f"第{quarter + 1}季度支部党员大会:{rng.choice(ASSEMBLY_TOPICS)}"
                add(ActivityPlan(ActivityKind.GENERAL_ASSEMBLY, day, title, attendees(0.8)))
            month = quarter * 3 + rng.randint(1, 3)
            if held() and (day := on(month, 10, 28)):
                title = rng.choice(LECTURE_TITLES)
                add(ActivityPlan(ActivityKind.PARTY_LECTURE, day, title, size + rng.randint(0, 12)))
        for _ in range(rng.randint(1, 4)):
            if day := on(rng.randint(1, 12), 1, 28):
                title = rng.choice(VOLUNTEERING_TITLES)
                org = with_org(day)
                add(ActivityPlan(ActivityKind.VOLUNTEERING, day, title, rng.randint(6, 30), org))

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
        """Party-building instructors for the organizations without a branch that need
        work coverage (双覆盖): every one that passes 入驻 on its way or is in the register
        past 登记. Only the newest registrations (登记) have neither."""
        covered = {o.pk for b in branches for o in b.organizations}
        chosen = [o for o in self.everyone if o.pk not in covered and self.needs_coverage(o)]
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
        due = [o for o in live if self.stage(o) == Stage.RE_ELECTION]
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
        # Every organization whose walk completes a 换届 had its new leadership pre-reviewed
        # (the 换届 checkpoint reads an approved pre-review of the last 6 months).
        for org in self.everyone:
            if self.leaves(org, Stage.RE_ELECTION):
                leader = org.leader_name or self.person(1960, 1985).name
                deputy, secretary_general = (self.person(1960, 1990) for _ in range(2))
                candidates = (
                    f"理事长(负责人):{leader};副理事长:{deputy.name};"
                    f"秘书长:{secretary_general.name}"
                )
                on = self.days(-rng.randint(7, 150))
                group = GROUP_OF_FIELD[org.service_field]
                plan.append((org, covering.get(org.pk), group, on, candidates))
        return plan

    def plan_checkpoint_activities(self, branches, instructors) -> None:
        """A party activity of the last 12 months for every organization whose walk leaves
        管理 (the checkpoint counts those held with it or by its covering branch): the
        covering branch's organizational life mostly gives one already; otherwise (an
        organization with an instructor, or a branch with nothing in the window yet) a
        party lecture is held with the organization, by its branch or by the 总支's
        functional branch."""
        rng = self.rng
        window_opens = add_months(self.today, -12) + datetime.timedelta(days=1)
        covering = {o.pk: b for b in branches for o in b.organizations}
        functional = {b.group: b for b in branches if b.establishment == Establishment.FUNCTIONAL}
        instructed = {org.pk: start for org, _name, _phone, _group, start in instructors}
        for org in self.everyone:
            if not self.leaves(org, Stage.MANAGEMENT):
                continue
            branch = covering.get(org.pk)
            if branch is not None and any(
                window_opens <= a.date <= self.today for a in branch.activities
            ):
                continue
            host = branch or functional[GROUP_OF_FIELD[org.service_field]]
            earliest = max(
                window_opens, instructed.get(org.pk, window_opens), host.founded_on, org.founded_on
            )
            title = f"党课进组织:{rng.choice(LECTURE_TITLES)}"
            on = self.between(earliest, self.today)
            host.activities.append(
                ActivityPlan(ActivityKind.PARTY_LECTURE, on, title, rng.randint(8, 30), org)
            )
