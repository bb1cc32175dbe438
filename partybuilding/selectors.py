"""Reads of party-building data: coverage, flags, cross-appointments, compliance.

Every function here answers in a fixed number of queries, however many organizations,
branches or members there are: per-row facts are annotations (``Exists``, ``Subquery``,
conditional ``Count``), never a query per row.

Definitions (DESIGN.md, "Party building"):

- **Coverage kind** of an organization, first match wins:
  ``own_branch``   an active ``PartyCoverage`` by a party organization set up alone
                   (establishment ``single``);
  ``joint_branch`` an active ``PartyCoverage`` by any other branch (set up jointly;
                   ``coverage_assign`` refuses functional branches, which are not set up
                   in an organization);
  ``instructor``   no active coverage, an active ``InstructorAssignment``;
  ``none``         neither.
- **Organization coverage** = own or joint branch. **Work coverage** = organization
  coverage or an instructor. A named liaison is part of a coverage row
  (``PartyCoverage.liaison`` is required; a row with a blank one counts as no coverage),
  so it adds nothing beyond organization coverage until the model can record a liaison
  without a covering branch. The lifecycle's 入驻, 管理 and 换届 checkpoints read this
  same coverage (``partybuilding.checkpoints``), so they agree with the rates.
- **Covered by override**: in the register, no work coverage, yet a street administrator
  let one of those checkpoints pass with a reason (``incubation.CheckpointOverride``).
  Counted apart; never part of either rate.
- **Denominator** = the organizations given, minus those that left the hub
  (``incubation.workflows.EXIT_STAGES``). Rates are ``Decimal`` fractions rounded half-up
  to 4 places (``Decimal("0.6667")``), ``None`` when the denominator is 0.
- **应建未建**: ≥ 3 *full* members work in the organization and it has no active own
  (single) branch coverage.
- **Should become a general branch**: a branch with more than 50 members (full and
  probationary: 党员人数). **Should elect a committee**: a branch with ≥ 7 *full* members
  (支部工作条例: 有正式党员7人以上的党支部设立支部委员会) and ``has_committee`` False.
  (3, 50 and 7 are the defaults of ``partybuilding.rules``; the flags read the rules in
  force.)
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, ExtractMonth

from incubation.models import CheckpointOverride, Organization
from incubation.workflows import EXIT_STAGES, Stage
from partybuilding.choices import (
    ActivityKind,
    CoverageKind,
    Establishment,
    MemberStatus,
    PartyOrgKind,
)
from partybuilding.models import (
    InstructorAssignment,
    PartyActivity,
    PartyCoverage,
    PartyMember,
    PartyOrganization,
)
from partybuilding.rules import party_tree_rules

RATE_PLACES = Decimal("0.0001")
# The thresholds of the flags below (应建未建, committee, general branch) are
# ``partybuilding.rules.party_tree_rules()``: the same the tree services check.

# The lifecycle checkpoints that need coverage (partybuilding.checkpoints).
COVERAGE_STAGES = (Stage.ONBOARDING, Stage.MANAGEMENT, Stage.RE_ELECTION)

ORGANIZATION_COVERED = (CoverageKind.OWN_BRANCH, CoverageKind.JOINT_BRANCH)
WORK_COVERED = (*ORGANIZATION_COVERED, CoverageKind.INSTRUCTOR)


# --- Coverage per organization ---------------------------------------------------------------


def in_register(organizations_qs):
    """The organizations that count: those that have not left the hub."""
    return organizations_qs.exclude(stage__in=EXIT_STAGES)


def covering():
    """The coverage rows that count: active, with a named party liaison (the 入驻
    checkpoint asks for both; ``coverage_assign`` refuses a blank liaison, so a row without
    one was written around the service and covers nothing)."""
    return PartyCoverage.objects.active().exclude(liaison="")


def _active_coverage():
    return covering().filter(organization=OuterRef("pk"))


def _active_instructor():
    return InstructorAssignment.objects.filter(organization=OuterRef("pk"), ended_on__isnull=True)


def _member_count(of: str, **filters):
    """The members of the outer row (``of``: "organization" or "branch") matching
    ``filters``, counted in a subquery: one index probe per row, where a join and GROUP BY
    would read every member of the street."""
    return Coalesce(
        Subquery(
            PartyMember.objects.filter(**{of: OuterRef("pk")}, **filters)
            .order_by()
            .values(of)
            .annotate(n=Count("*"))
            .values("n"),
            output_field=IntegerField(),
        ),
        0,
    )


def _full_member_count():
    return _member_count("organization", status=MemberStatus.FULL)


def coverage_by_organization(organizations_qs):
    """``organizations_qs`` annotated, in one query, with:

    ``coverage_kind`` (a ``CoverageKind`` value), ``branch_id``, ``branch_name``,
    ``branch_establishment`` and ``liaison`` of the active coverage (None without one),
    ``instructor_name`` of the active instructor, and ``full_members`` (full party members
    who work in the organization). ``community`` is selected too.

    The active coverage and instructor are unique per organization (database
    constraints), so the subqueries return at most one row.
    """
    coverage = _active_coverage()
    return (
        organizations_qs.select_related("community")
        .annotate(
            branch_id=Subquery(coverage.values("branch_id")[:1]),
            branch_name=Subquery(coverage.values("branch__name")[:1]),
            branch_establishment=Subquery(coverage.values("branch__establishment")[:1]),
            liaison=Subquery(coverage.values("liaison")[:1]),
            instructor_name=Subquery(_active_instructor().values("name")[:1]),
            full_members=_full_member_count(),
        )
        .annotate(
            coverage_kind=Case(
                When(
                    branch_establishment=Establishment.SINGLE, then=Value(CoverageKind.OWN_BRANCH)
                ),
                When(branch_id__isnull=False, then=Value(CoverageKind.JOINT_BRANCH)),
                When(instructor_name__isnull=False, then=Value(CoverageKind.INSTRUCTOR)),
                default=Value(CoverageKind.NONE),
                output_field=CharField(),
            )
        )
    )


# --- Rates ------------------------------------------------------------------------------------


def rate(numerator: int, denominator: int) -> Decimal | None:
    """``numerator / denominator`` as a Decimal rounded half-up to 4 places; None for 0."""
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(RATE_PLACES, ROUND_HALF_UP)


@dataclass(frozen=True)
class CoverageRate:
    """Coverage of one community (or of everything given, ``community_id`` None)."""

    community_id: int | None
    community_name: str
    denominator: int  # organizations in the register (not exited)
    organization_covered: int  # own or joint branch
    work_covered: int  # organization coverage or an instructor
    # No work coverage, yet a coverage checkpoint was let pass by a staff override.
    covered_by_override: int = 0

    @property
    def organization_rate(self) -> Decimal | None:
        return rate(self.organization_covered, self.denominator)

    @property
    def work_rate(self) -> Decimal | None:
        return rate(self.work_covered, self.denominator)

    @property
    def organization_percent(self) -> Decimal | None:
        """The rate as a percentage with 2 places, for display: Decimal("66.67")."""
        return _percent(self.organization_rate)

    @property
    def work_percent(self) -> Decimal | None:
        return _percent(self.work_rate)


def _percent(value: Decimal | None) -> Decimal | None:
    return None if value is None else (value * 100).quantize(Decimal("0.01"))


@dataclass(frozen=True)
class CoverageRates:
    groups: list[CoverageRate]  # one per community, by name; empty when not grouped
    total: CoverageRate


def coverage_rates(organizations_qs, group_by: str | None = "community") -> CoverageRates:
    """Organization and work coverage of ``organizations_qs`` in one aggregate query.

    ``group_by="community"`` adds one ``CoverageRate`` per community that has at least one
    organization in the register; the total is their sum, so the figures always add up.
    """
    if group_by not in ("community", None):
        raise ValueError(f"group_by must be 'community' or None, not {group_by!r}")
    has_coverage = Exists(_active_coverage())
    has_instructor = Exists(_active_instructor())
    has_override = Exists(
        CheckpointOverride.objects.filter(organization=OuterRef("pk"), stage__in=COVERAGE_STAGES)
    )
    counts = {
        "denominator": Count("pk"),
        "organization_covered": Count("pk", filter=Q(has_coverage)),
        "work_covered": Count("pk", filter=Q(has_coverage) | Q(has_instructor)),
        "covered_by_override": Count(
            "pk", filter=Q(has_override) & ~Q(has_coverage) & ~Q(has_instructor)
        ),
    }
    base = in_register(organizations_qs).order_by()
    if group_by is None:
        row = base.aggregate(**counts)
        return CoverageRates(groups=[], total=CoverageRate(None, "", **row))
    rows = base.values("community_id", "community__name").annotate(**counts)
    groups = sorted(
        (
            CoverageRate(
                community_id=row["community_id"],
                community_name=row["community__name"],
                denominator=row["denominator"],
                organization_covered=row["organization_covered"],
                work_covered=row["work_covered"],
                covered_by_override=row["covered_by_override"],
            )
            for row in rows
        ),
        key=lambda group: (group.community_name, group.community_id),
    )
    total = CoverageRate(
        community_id=None,
        community_name="",
        denominator=sum(group.denominator for group in groups),
        organization_covered=sum(group.organization_covered for group in groups),
        work_covered=sum(group.work_covered for group in groups),
        covered_by_override=sum(group.covered_by_override for group in groups),
    )
    return CoverageRates(groups=groups, total=total)


# --- Flags ------------------------------------------------------------------------------------


def organizations_needing_own_branch(organizations_qs):
    """应建未建: in the register, enough full members (rules), no active own (single)
    branch."""
    return (
        coverage_by_organization(in_register(organizations_qs))
        .filter(full_members__gte=party_tree_rules().own_branch_from_full_members)
        .exclude(coverage_kind=CoverageKind.OWN_BRANCH)
    )


def branches_with_member_counts(branches_qs):
    """Branches (kind ``branch``) with ``member_count`` (full and probationary) and
    ``full_member_count`` annotated."""
    return (
        branches_qs.filter(kind=PartyOrgKind.BRANCH)
        .select_related("community")
        .annotate(
            member_count=_member_count("branch"),
            full_member_count=_member_count("branch", status=MemberStatus.FULL),
        )
    )


def branches_too_large(branches_qs):
    """Branches of more members than the rules allow: should become a general branch."""
    limit = party_tree_rules().general_branch_above_members
    return branches_with_member_counts(branches_qs).filter(member_count__gt=limit)


def branches_needing_committee(branches_qs):
    """Branches with enough full members for a committee (rules) and none."""
    return branches_with_member_counts(branches_qs).filter(
        full_member_count__gte=party_tree_rules().committee_from_full_members,
        has_committee=False,
    )


# --- Cross-appointments (双向进入、交叉任职) ------------------------------------------------------


@dataclass(frozen=True)
class CrossAppointment:
    party_organization: PartyOrganization
    member: PartyMember
    organization: Organization


@dataclass(frozen=True)
class CrossAppointments:
    rows: list[CrossAppointment]

    @property
    def count(self) -> int:
        return len(self.rows)


_PHONE_NOISE = re.compile(r"[\s\-()()]")


def _same_phone(a: str, b: str) -> bool:
    """Phones are compared when both are set, ignoring spaces, hyphens, parentheses and a
    +86 prefix (phones typed in the admin are stored as typed)."""
    if not a or not b:
        return True

    def digits(phone: str) -> str:
        text = _PHONE_NOISE.sub("", phone)
        return text.removeprefix("+86").removeprefix("0086")

    return digits(a) == digits(b)


def of_community_or_street_level(party_organizations_qs, community_id: int | None):
    """The party organizations of one community, with those of the street level (no
    community) that every community page shows too; all of them for None."""
    if community_id is None:
        return party_organizations_qs
    return party_organizations_qs.filter(Q(community_id=community_id) | Q(community__isnull=True))


def cross_appointments(street, *, user=None, community_id: int | None = None) -> CrossAppointments:
    """Organization leaders who are the secretary of a party organization of ``street``
    (a ``Street`` or its pk; None: every street, for a superuser without one), or only of
    ``community_id`` and the street level (``of_community_or_street_level``).

    Derived, never typed: a party organization's secretary is a member who works in an
    organization whose ``leader_name`` is the member's name (and ``leader_phone`` the
    member's phone when both are set). One query; with ``user``, only what they may see.
    """
    party_organizations = PartyOrganization.objects.filter(
        secretary__isnull=False,
        secretary__organization__isnull=False,
        secretary__organization__leader_name=F("secretary__name"),
    ).exclude(secretary__organization__leader_name="")
    if street is not None:
        party_organizations = party_organizations.filter(street=street)
    party_organizations = of_community_or_street_level(party_organizations, community_id)
    if user is not None:
        party_organizations = party_organizations.visible_to(user).filter(
            secretary__organization__in=Organization.objects.visible_to(user).values("pk")
        )
    rows = [
        CrossAppointment(
            party_organization=party_organization,
            member=party_organization.secretary,
            organization=party_organization.secretary.organization,
        )
        for party_organization in party_organizations.select_related(
            "community", "secretary__organization__community"
        ).order_by("name", "pk")
        if _same_phone(
            party_organization.secretary.organization.leader_phone,
            party_organization.secretary.phone,
        )
    ]
    return CrossAppointments(rows=rows)


# --- Organizational life (三会一课) -----------------------------------------------------------

# Which activities a branch owes, and how often. ``needs_committee``: only branches with a
# branch committee hold committee meetings.
MONTHLY = "monthly"
QUARTERLY = "quarterly"


@dataclass(frozen=True)
class Requirement:
    kind: str
    every: str
    needs_committee: bool = False


REQUIREMENTS = (
    Requirement(ActivityKind.COMMITTEE_MEETING, MONTHLY, needs_committee=True),
    Requirement(ActivityKind.GROUP_MEETING, MONTHLY),
    Requirement(ActivityKind.THEME_DAY, MONTHLY),
    Requirement(ActivityKind.GENERAL_ASSEMBLY, QUARTERLY),
)


@dataclass
class MonthCompliance:
    month: int
    due: list[str] = field(default_factory=list)  # kinds owed in this month
    missing: list[str] = field(default_factory=list)  # of those, the ones not held
    before_founding: bool = False  # the branch did not exist yet: nothing owed

    @property
    def ok(self) -> bool:
        return not self.missing

    @property
    def missing_labels(self) -> list[str]:
        return [str(ActivityKind(kind).label) for kind in self.missing]


@dataclass
class BranchCompliance:
    branch: PartyOrganization
    months: list[MonthCompliance]

    @property
    def missing_count(self) -> int:
        return sum(len(month.missing) for month in self.months)


def _quarter_months(month: int) -> range:
    first = (month - 1) // 3 * 3 + 1
    return range(first, first + 3)


def compliance(branches_qs, year: int, upto_month: int) -> list[BranchCompliance]:
    """Months 1..``upto_month`` of ``year`` for every branch of ``branches_qs``: what was
    owed and what is missing. Two queries: the branches, and one count of activities
    grouped by branch, kind and month.

    Monthly kinds are owed every month; the quarterly general assembly is owed once per
    quarter and reported missing in the quarter's last month (a quarter that has not ended
    by ``upto_month`` owes nothing yet). Months before the month a branch was founded owe
    nothing.
    """
    if not 1 <= upto_month <= 12:
        raise ValueError("upto_month must be 1 to 12")
    branches_qs = branches_qs.filter(kind=PartyOrgKind.BRANCH)
    branches = list(branches_qs.order_by("name", "pk"))
    start = datetime.date(year, 1, 1)
    end = (
        datetime.date(year + 1, 1, 1)
        if upto_month == 12
        else datetime.date(year, upto_month + 1, 1)
    )
    held = defaultdict(set)  # (branch_id, kind) → months with at least one activity
    rows = (
        PartyActivity.objects.filter(
            branch__in=branches_qs.values("pk"),
            kind__in=[requirement.kind for requirement in REQUIREMENTS],
            date__gte=start,
            date__lt=end,
        )
        .annotate(month=ExtractMonth("date"))
        .order_by()
        .values("branch_id", "kind", "month")
        .annotate(n=Count("pk"))
    )
    if branches:
        for row in rows:
            held[(row["branch_id"], row["kind"])].add(row["month"])
    result = []
    for branch in branches:
        founded = branch.founded_on
        first_month = 1
        if founded is not None and founded >= start:
            first_month = 13 if founded.year > year else founded.month
        months = []
        for month in range(1, upto_month + 1):
            cell = MonthCompliance(month=month, before_founding=month < first_month)
            if not cell.before_founding:
                for requirement in REQUIREMENTS:
                    if requirement.needs_committee and not branch.has_committee:
                        continue
                    done = held[(branch.pk, requirement.kind)]
                    if requirement.every == MONTHLY:
                        cell.due.append(requirement.kind)
                        if month not in done:
                            cell.missing.append(requirement.kind)
                    elif month % 3 == 0:
                        quarter = [m for m in _quarter_months(month) if m >= first_month]
                        cell.due.append(requirement.kind)
                        if not done.intersection(quarter):
                            cell.missing.append(requirement.kind)
            months.append(cell)
        result.append(BranchCompliance(branch=branch, months=months))
    return result
