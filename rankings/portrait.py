"""The public portrait (画像) of an organization: what residents and departments may see of
it, read in a fixed number of queries and cached.

Only fields on ``PUBLIC_FIELDS`` leave this module: an organization's registry facts, its
stage and grade, how the party covers it (the kind and the branch, never a person), what
it did (activities, hours, services and their ratings, grants) and its rank over time.
The leader, phones, the address and every person stay out; a test compares the keys with
the allow-list."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Avg, Count, DecimalField, Max, Q, Sum
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast

from awards.selectors import honours_of_organization
from core.public_cache import cached_public
from funding.models import Application
from funding.workflows import FUNDED_STATUSES
from incubation.models import Organization
from incubation.workflows import Stage
from marketplace.models import Claim
from marketplace.workflows import ClaimStatus
from partybuilding.selectors import coverage_by_organization
from rankings.choices import Dimension, PeriodKind, ScopeKind
from rankings.models import RankingRow
from rankings.workflows import RankingStatus
from volunteering.models import Activity, Place
from volunteering.workflows import PUBLIC_ACTIVITY_STATUSES, PlaceStatus

# Organizations that have left the register have no public page.
HIDDEN_STAGES = (Stage.WITHDRAWN, Stage.DEREGISTERED)
PUBLISHED_RANKINGS = (RankingStatus.NOTICE, RankingStatus.FINAL)
HISTORY_MONTHS = 24
CACHE_SECONDS = 300

# Every key the portrait carries; nothing else is ever shown or returned.
PUBLIC_FIELDS = frozenset(
    {
        "id",
        "name",
        "uscc",
        "legal_status",
        "community",
        "service_field",
        "founded_on",
        "growth_level",
        "stage",
        "grade",
        "grade_valid_until",
        "last_annual_review_year",
        "last_annual_review_result",
        "coverage_kind",
        "branch_name",
        "activities",
        "volunteer_hours",
        "volunteer_visits",
        "services_confirmed",
        "service_rating",
        "grants",
        "grants_awarded",
        "radar",
        "rank_history",
        "latest_rank",
        "honours",
    }
)

_ORG_VALUES = (
    "id",
    "name",
    "uscc",
    "legal_status",
    "community__name",
    "service_field",
    "founded_on",
    "growth_level",
    "stage",
    "grade",
    "grade_valid_until",
    "last_annual_review_year",
    "last_annual_review_result",
    "coverage_kind",
    "branch_name",
)


def public_organizations():
    """Organizations that have a public page."""
    return Organization.objects.exclude(stage__in=HIDDEN_STAGES)


def _facts(pk: int) -> dict | None:
    row = coverage_by_organization(public_organizations().filter(pk=pk)).values(*_ORG_VALUES)
    facts = row.first()
    if facts is None:
        return None
    facts["community"] = facts.pop("community__name")
    return facts


def _activities(pk: int) -> dict:
    activities = Activity.objects.filter(organization_id=pk, status__in=PUBLIC_ACTIVITY_STATUSES)
    served = Place.objects.filter(
        session__activity__organization_id=pk, status=PlaceStatus.ATTENDED
    ).aggregate(hours=Sum("hours"), visits=Count("pk"))
    return {
        "activities": activities.count(),
        "volunteer_hours": served["hours"] or Decimal(0),
        "volunteer_visits": served["visits"],
    }


def _services(pk: int) -> dict:
    done = Claim.objects.filter(
        organization_id=pk, status__in=(ClaimStatus.CONFIRMED, ClaimStatus.RATED)
    ).aggregate(count=Count("pk"), rating=Avg("rating", filter=Q(rating__isnull=False)))
    rating = done["rating"]
    return {
        "services_confirmed": done["count"],
        "service_rating": Decimal(str(rating)).quantize(Decimal("0.1")) if rating else None,
    }


def _grants(pk: int) -> dict:
    funded = Application.objects.filter(organization_id=pk, status__in=FUNDED_STATUSES).aggregate(
        count=Count("pk"), awarded=Sum("awarded_amount")
    )
    return {"grants": funded["count"], "grants_awarded": funded["awarded"] or Decimal(0)}


def _street_monthly_rows(pk: int):
    return RankingRow.objects.filter(
        organization_id=pk,
        ranking__scope_kind=ScopeKind.STREET,
        ranking__period_kind=PeriodKind.MONTH,
        ranking__status__in=PUBLISHED_RANKINGS,
        ranking__superseded_by__isnull=True,
    )


def _rank_history(pk: int) -> list[dict]:
    rows = list(
        _street_monthly_rows(pk)
        .order_by("-ranking__period_start")
        .values(
            "ranking_id",
            "ranking__period_start",
            "ranking__organizations",
            "rank",
            "score",
            "dimension_scores",
        )[:HISTORY_MONTHS]
    )
    rows.reverse()
    return rows


def _best_of(ranking_id: int) -> dict:
    """The best score of each dimension in a snapshot. The same for every portrait of its
    organizations and frozen, so cached an hour: it reads all the snapshot's rows (80 ms
    over 100,000 in the bench; a surge of 200 portraits read it once per worker)."""

    def build():
        return RankingRow.objects.filter(ranking_id=ranking_id).aggregate(
            **{
                dimension.value: Max(
                    Cast(
                        KeyTextTransform(dimension.value, "dimension_scores"),
                        DecimalField(max_digits=12, decimal_places=2),
                    )
                )
                for dimension in Dimension
            }
        )

    return cached_public(f"rankings:best:{ranking_id}", build, 3600)


def _radar(latest: dict | None) -> list[dict]:
    """Each dimension as a share (0–100) of the best score in the same ranking: the shape
    says where the organization stands among its peers that month."""
    if latest is None:
        return []
    best = _best_of(latest["ranking_id"])
    own = latest["dimension_scores"] or {}
    radar = []
    for dimension in Dimension:
        top = best.get(dimension.value) or Decimal(0)
        value = Decimal(str(own.get(dimension.value, 0)))
        share = int(max(value, Decimal(0)) * 100 / top) if top > 0 else 0
        radar.append({"key": dimension.value, "label": str(dimension.label), "value": share})
    return radar


def organization_portrait(pk: int) -> dict | None:
    """The portrait of organization ``pk`` as plain values (None when it has no public
    page): at most 8 queries, then cached for a few minutes."""
    return cached_public(f"rankings:portrait:{pk}", lambda: _portrait(pk), CACHE_SECONDS) or None


def _portrait(pk: int) -> dict:
    facts = _facts(pk)
    if facts is None:
        return {}  # cached too: a missing organization is not looked up again and again
    history = _rank_history(pk)
    latest = history[-1] if history else None
    return {
        **facts,
        **_activities(pk),
        **_services(pk),
        **_grants(pk),
        "radar": _radar(latest),
        "honours": [
            {key: honour[key] for key in ("title", "campaign", "year", "awarded_on")}
            for honour in honours_of_organization(pk)
        ],
        "rank_history": [
            {
                "period": f"{row['ranking__period_start']:%Y-%m}",
                "rank": row["rank"],
                "of": row["ranking__organizations"],
            }
            for row in history
        ],
        "latest_rank": (
            {
                "period": f"{latest['ranking__period_start']:%Y-%m}",
                "rank": latest["rank"],
                "of": latest["ranking__organizations"],
                "score": latest["score"],
            }
            if latest
            else None
        ),
    }
