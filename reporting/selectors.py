"""The hub's headline figures, computed from data with aggregate queries (a constant number
of queries however many rows). ``python manage.py stats --json`` prints them; the street
dashboard will show the same dictionary.

Grant and foundation figures come from funding's selectors; money stays Decimal here and
is written as yuan with two decimals where it leaves the platform (JSON, Excel).
"""

import datetime
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractMonth, ExtractYear
from django.utils import timezone

from accounts.models import Community, Street
from awards.selectors import campaign_figures
from funding import selectors as funding_selectors
from incubation.choices import Grade, GrowthLevel, LegalStatus
from incubation.models import Organization, Pairing
from incubation.workflows import LIFECYCLE_STAGES
from marketplace.selectors import marketplace_figures
from partybuilding.choices import DevelopmentStage, PartyOrgKind
from partybuilding.models import Development, PartyActivity, PartyMember, PartyOrganization
from partybuilding.selectors import coverage_rates, cross_appointments, in_register
from rankings.figures import rankings_figures
from volunteering.figures import volunteering_figures


def _rate(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


BREAKDOWN = ("stage", "legal_status", "growth_level", "grade", "community__name")


def _breakdowns(orgs) -> dict[str, Counter]:
    """Organizations counted by each field of BREAKDOWN, from one grouped query.
    ``count(*)`` (not of a column) lets PostgreSQL answer from an index alone."""
    counts: dict[str, Counter] = {field: Counter() for field in BREAKDOWN}
    for *values, n in orgs.values_list(*BREAKDOWN).annotate(n=Count("*")).order_by():
        for field, value in zip(BREAKDOWN, values, strict=True):
            counts[field][value] += n
    return counts


@dataclass(frozen=True)
class _Scope:
    """The querysets behind the figures, narrowed to one street and/or community."""

    orgs: QuerySet
    party_orgs: QuerySet
    members: QuerySet
    developments: QuerySet
    activities: QuerySet


def _scope(street: Street | None, community: Community | None) -> _Scope:
    orgs = Organization.objects.all()
    party_orgs = PartyOrganization.objects.all()
    members = PartyMember.objects.all()
    developments = Development.objects.all()
    activities = PartyActivity.objects.all()
    if street is not None:
        orgs = orgs.filter(community__street=street)
        party_orgs = party_orgs.filter(street=street)
        members = members.filter(branch__street=street)
        developments = developments.filter(branch__street=street)
        activities = activities.filter(branch__street=street)
    if community is not None:
        orgs = orgs.filter(community=community)
        party_orgs = party_orgs.filter(community=community)
        members = members.filter(organization__community=community)
        developments = developments.filter(organization__community=community)
        activities = activities.filter(branch__community=community)
    return _Scope(orgs, party_orgs, members, developments, activities)


def headline_figures(
    *,
    street: Street | None = None,
    community: Community | None = None,
    today: datetime.date | None = None,
) -> dict:
    today = today or timezone.localdate()
    scope = _scope(street, community)
    orgs, party_orgs, members = scope.orgs, scope.party_orgs, scope.members
    developments, activities = scope.developments, scope.activities

    counted = _breakdowns(orgs)
    by_stage, by_status = counted["stage"], counted["legal_status"]
    by_growth, by_grade = counted["growth_level"], counted["grade"]
    by_community = counted["community__name"]
    party_counts = party_orgs.aggregate(
        committees=Count("pk", filter=Q(kind=PartyOrgKind.COMMITTEE)),
        general_branches=Count("pk", filter=Q(kind=PartyOrgKind.GENERAL_BRANCH)),
        branches=Count("pk", filter=Q(kind=PartyOrgKind.BRANCH)),
    )
    rates = coverage_rates(in_register(orgs), group_by=None).total
    secretaries = cross_appointments(street.pk if street else None)
    if community is not None:
        secretary_count = sum(
            1 for row in secretaries.rows if row.organization.community_id == community.pk
        )
    else:
        secretary_count = secretaries.count
    return {
        "organizations_total": sum(by_stage.values()),
        "organizations_by_stage": {
            stage.value: by_stage.get(stage, 0) for stage in LIFECYCLE_STAGES
        },
        "organizations_by_legal_status": {
            status.value: by_status.get(status, 0) for status in LegalStatus
        },
        "organizations_by_growth_level": {
            level.value: by_growth.get(level, 0) for level in GrowthLevel
        },
        "organizations_by_grade": {
            **{grade.value: by_grade.get(grade, 0) for grade in Grade},
            "ungraded": by_grade.get("", 0),
        },
        "organizations_by_community": dict(sorted(by_community.items())),
        "organizations_4a_or_above": by_grade[Grade.A4] + by_grade[Grade.A5],
        "paired_grassroots_organizations": Pairing.objects.active()
        .filter(mentee__in=orgs)
        .values("mentee")
        .distinct()
        .count(),
        "party_committees": party_counts["committees"],
        "party_general_branches": party_counts["general_branches"],
        "party_branches": party_counts["branches"],
        "party_members": members.count(),
        "leaders_serving_as_secretaries": secretary_count,
        "members_developed": developments.filter(
            stage__in=[DevelopmentStage.PROBATIONARY, DevelopmentStage.FULL]
        ).count(),
        "organizations_in_register": rates.denominator,
        "organization_coverage_rate": _rate(rates.organization_rate),
        "work_coverage_rate": _rate(rates.work_rate),
        # Apart from both rates: past a coverage checkpoint by a staff override only.
        "covered_by_override": rates.covered_by_override,
        "party_activities_this_year": activities.filter(
            date__year=today.year, date__lte=today
        ).count(),
        **funding_selectors.headline_figures(street=street, community=community, today=today),
        **marketplace_figures(street=street, community=community),
        **volunteering_figures(street=street, community=community, today=today),
        **rankings_figures(street=street, community=community),
        **campaign_figures(street or (community.street if community else None)),
    }


TREND_YEARS = 5


def trend_figures(
    *,
    street: Street | None = None,
    community: Community | None = None,
    today: datetime.date | None = None,
) -> dict:
    """Month by month this year and year on year for the last five years (one grouped
    query per series)."""
    today = today or timezone.localdate()
    scope = _scope(street, community)
    years = list(range(today.year - TREND_YEARS + 1, today.year + 1))
    by_month = dict(
        scope.activities.filter(date__year=today.year, date__lte=today)
        .annotate(month=ExtractMonth("date"))
        .values_list("month")
        .annotate(n=Count("*"))
        .order_by()
    )
    activities_by_year = dict(
        scope.activities.filter(date__year__gte=years[0], date__lte=today)
        .annotate(year=ExtractYear("date"))
        .values_list("year")
        .annotate(n=Count("*"))
        .order_by()
    )
    founded_by_year = dict(
        scope.orgs.filter(founded_on__year__gte=years[0])
        .annotate(year=ExtractYear("founded_on"))
        .values_list("year")
        .annotate(n=Count("*"))
        .order_by()
    )
    grants = {
        year: (count, amount)
        for year, count, amount in funding_selectors.grants_by_year(
            street=street, community=community
        )
    }
    return {
        "grants_by_year": {year: grants.get(year, (0, Decimal("0.00"))) for year in years},
        "party_activities_by_month": {month: by_month.get(month, 0) for month in range(1, 13)},
        "party_activities_by_year": {year: activities_by_year.get(year, 0) for year in years},
        "organizations_founded_by_year": {year: founded_by_year.get(year, 0) for year in years},
    }
