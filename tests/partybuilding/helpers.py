"""Builders for the tree, coverage, development and checkpoint tests: a street's party tree
made through the tree service (so the rules hold), members made directly, and valid resident
ID numbers for as many applicants as a test needs."""

import datetime
import itertools
from dataclasses import dataclass

from partybuilding.choices import Establishment, MemberStatus, PartyOrgKind
from partybuilding.models import PartyMember, PartyOrganization
from partybuilding.services.tree import party_org_create

_sequence = itertools.count(1)

# The public test vector of GB 11643: a woman born 1949-12-31.
VALID_ID = "11010519491231002X"
VALID_ID_BIRTH = datetime.date(1949, 12, 31)
VALID_ID_SEX = "F"
# The same number with a wrong check character.
INVALID_ID = "110105194912310021"

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def resident_id(birth_date: datetime.date, sex: str = "M") -> str:
    """A valid, unique 18-character resident ID number for ``birth_date`` and ``sex``."""
    order = next(_sequence) % 500 * 2 + (1 if sex == "M" else 0)  # odd: male, even: female
    first17 = f"330102{birth_date:%Y%m%d}{order:03d}"
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return first17 + "10X98765432"[total % 11]


def committee(street, name=None) -> PartyOrganization:
    return party_org_create(
        street=street,
        kind=PartyOrgKind.COMMITTEE,
        name=name or f"{street.name}党委",
        actor=None,
    )


def general_branch(parent, name=None) -> PartyOrganization:
    return party_org_create(
        street=parent.street,
        kind=PartyOrgKind.GENERAL_BRANCH,
        name=name or f"第{next(_sequence)}党总支",
        parent=parent,
        actor=None,
    )


def branch(parent, name=None, *, establishment=Establishment.JOINT, **fields):
    return party_org_create(
        street=parent.street,
        kind=PartyOrgKind.BRANCH,
        name=name or f"第{next(_sequence)}党支部",
        parent=parent,
        establishment=establishment,
        actor=None,
        **fields,
    )


def member(branch, *, status=MemberStatus.FULL, organization=None, name=None) -> PartyMember:
    birth = datetime.date(1980, 5, 1)
    return PartyMember.objects.create(
        branch=branch,
        name=name or f"党员{next(_sequence)}",
        sex="M",
        birth_date=birth,
        id_number=resident_id(birth, "M"),
        organization=organization,
        status=status,
        joined_on=datetime.date(2010, 7, 1),
    )


def link(user, party_org) -> None:
    """Make ``user`` (a party worker) one of the party organization's workers."""
    party_org.worker_accounts.add(user)


@dataclass
class Tree:
    committee: PartyOrganization
    general_branch: PartyOrganization
    joint: PartyOrganization  # under the general branch
    single: PartyOrganization  # under the committee


def make_tree(street) -> Tree:
    top = committee(street)
    middle = general_branch(top)
    return Tree(
        committee=top,
        general_branch=middle,
        joint=branch(middle, "联合党支部", establishment=Establishment.JOINT),
        single=branch(top, "单独党支部", establishment=Establishment.SINGLE),
    )
