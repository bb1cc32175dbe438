"""What the public API reads: the same rows the public pages show, as querysets the API
pages through. Each joins what its serializer prints (``select_related``, annotations), so
a page costs the same few queries whatever its number of rows; nothing personal is joined
(no leader, volunteer, beneficiary, collector or account)."""

from __future__ import annotations

import datetime

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from awards.models import Honour
from incubation.models import Organization
from marketplace.models import FundCommitment, Need, Project, Resource
from marketplace.selectors import public_wishes
from marketplace.workflows import MATCHED_PROJECT_STATUSES, ListingStatus
from rankings.models import Ranking, RankingRow
from rankings.portrait import PUBLISHED_RANKINGS, public_organizations
from volunteering.models import Place, Session
from volunteering.selectors import public_sessions
from volunteering.workflows import TAKEN_PLACE_STATUSES


def organizations(*, community_id: int | None = None) -> QuerySet[Organization]:
    qs = (
        # Those with a portrait: not withdrawn or deregistered.
        public_organizations()
        .select_related("community")
        .only(
            "pk",
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
        )
    )
    if community_id is not None:
        qs = qs.filter(community_id=community_id)
    return qs.order_by("name", "pk")


def rankings(
    *,
    current: bool = True,
    period_kind: str | None = None,
    scope_kind: str | None = None,
    community_id: int | None = None,
) -> QuerySet[Ranking]:
    """Published rankings, newest period first. ``current``: only those no re-run has
    superseded (an old snapshot stays readable by its id)."""
    # On public notice (公示) or final; a computed one is staff's draft.
    qs = Ranking.objects.filter(status__in=PUBLISHED_RANKINGS).select_related("community")
    if current:
        qs = qs.filter(superseded_by__isnull=True)
    if period_kind:
        qs = qs.filter(period_kind=period_kind)
    if scope_kind:
        qs = qs.filter(scope_kind=scope_kind)
    if community_id is not None:
        qs = qs.filter(community_id=community_id)
    return qs.order_by("-period_start", "period_kind", "scope_key", "-pk")


def ranking_rows(ranking: Ranking) -> QuerySet[RankingRow]:
    return (
        RankingRow.objects.filter(ranking=ranking)
        .select_related("organization")
        .only(
            "pk",
            "rank",
            "score",
            "dimension_scores",
            "capped",
            "organization_id",
            "organization__name",
        )
        .order_by("rank")
    )


def needs(*, community_id: int | None = None) -> QuerySet[Need]:
    """Listed needs (the needs list of 三张清单): where and who, never the household."""
    qs = Need.objects.filter(status=ListingStatus.LISTED).select_related("community", "category")
    if community_id is not None:
        qs = qs.filter(community_id=community_id)
    return qs.order_by("window_end", "pk")


def resources() -> QuerySet[Resource]:
    """Listed resources; a party member's offer is shown by its kind, never the name."""
    return (
        Resource.objects.filter(status=ListingStatus.LISTED)
        .select_related("organization", "partner_unit", "category")
        .order_by("-listed_at", "pk")
    )


def projects(*, community_id: int | None = None) -> QuerySet[Project]:
    """Matched projects with the social funds committed to each (a subquery per row of
    the page, not a join to every ledger line)."""
    funds = (
        FundCommitment.objects.filter(project=OuterRef("pk"))
        .order_by()
        .values("project")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    qs = (
        Project.objects.filter(status__in=MATCHED_PROJECT_STATUSES)
        .select_related("community")
        .annotate(funds_committed=Subquery(funds))
    )
    if community_id is not None:
        qs = qs.filter(community_id=community_id)
    return qs.order_by("-matched_at", "-pk")


def wishes(*, community_id: int | None = None):
    """The wish wall: alias and age band, never the person (``public_wishes``)."""
    return public_wishes(community_id=community_id).select_related("community", "category")


def honours(*, organization_id: int | None = None):
    """Honours newest first (a person's name is masked by the serializer)."""
    qs = Honour.objects.select_related("campaign", "organization", "party_org")
    if organization_id is not None:
        qs = qs.filter(organization_id=organization_id, person_name="")
    return qs.order_by("-awarded_on", "-pk")


def sessions(
    *,
    community_id: int | None = None,
    starts_from: datetime.date | None = None,
    starts_before: datetime.date | None = None,
) -> QuerySet[Session]:
    """Sessions of published and finished activities (the public calendar), with the
    places taken counted per session shown."""
    taken = Coalesce(
        Subquery(
            Place.objects.filter(session=OuterRef("pk"), status__in=sorted(TAKEN_PLACE_STATUSES))
            .order_by()
            .values("session")
            .annotate(n=Count("pk"))
            .values("n"),
            output_field=IntegerField(),
        ),
        Value(0),
    )
    qs = public_sessions().select_related(
        "activity__organization",
        "activity__party_org",
        "activity__partner_unit",
        "activity__community",
        "activity__street",
    )
    if community_id is not None:
        qs = qs.filter(activity__community_id=community_id)
    if starts_from is not None:
        qs = qs.filter(starts_at__gte=_local_midnight(starts_from))
    if starts_before is not None:
        qs = qs.filter(starts_at__lt=_local_midnight(starts_before))
    return qs.annotate(taken=taken).order_by("starts_at", "pk")


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
