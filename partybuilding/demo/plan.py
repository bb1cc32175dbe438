"""The demo party tree planned as data: people, members, developments, activities, branches."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from incubation.choices import PoliticalStatus
from incubation.models import Organization
from partybuilding.choices import DevelopmentStage
from partybuilding.rules import party_tree_rules

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
        return self.full_members >= party_tree_rules().committee_from_full_members

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
