"""What the marketplace's pages, figures and rankings read. Counts and sums are done by the
database in a fixed number of queries, whatever the number of rows."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Avg, Case, Count, Exists, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from core.public_cache import cached_public
from marketplace.models import (
    Category,
    Claim,
    FundCommitment,
    Need,
    Project,
    Resource,
    Wish,
    WishTally,
)
from marketplace.rules import marketplace_rules
from marketplace.workflows import (
    DONE_CLAIM_STATUSES,
    MATCHED_PROJECT_STATUSES,
    OPEN_CLAIM_STATUSES,
    PUBLIC_WISH_STATUSES,
    ClaimStatus,
    ListingStatus,
    WishStatus,
)


def _place(street=None, community=None, path: str = "community") -> Q:
    if community is not None:
        return Q(**{f"{path}": community})
    if street is not None:
        return Q(**{f"{path}__street": street})
    return Q()


def marketplace_figures(*, street=None, community=None) -> dict:
    """The marketplace's headline figures (``stats --json`` and the dashboard)."""
    # Counted with the status in WHERE (not a FILTER over every row): index-only scans of
    # the (community, status) and (street, status) indexes.
    needs_listed = Need.objects.filter(
        _place(street, community), status__in=(ListingStatus.LISTED, ListingStatus.FULFILLED)
    ).count()
    # A community's resources: those of its street serving the whole street, and those
    # serving it by name (two counts: an anti-join and a small join, no DISTINCT).
    in_street = Q(street=street) if street is not None else Q()
    if community is not None:
        in_street = Q(street_id=community.street_id)
    resources = Resource.objects.filter(in_street, status=ListingStatus.LISTED)
    if community is None:
        resources_listed = resources.count()
    else:
        served = Resource.communities.through.objects
        resources_listed = (
            resources.filter(~Exists(served.filter(resource_id=OuterRef("pk")))).count()
            + resources.filter(communities=community).count()
        )
    wishes = Wish.objects.filter(_place(street, community), status=WishStatus.CONFIRMED).count()
    matched = Project.objects.filter(
        _place(street, community), status__in=MATCHED_PROJECT_STATUSES
    ).count()
    funds = FundCommitment.objects.filter(
        _place(street, community, "project__community")
    ).aggregate(total=Sum("amount"))["total"] or Decimal("0")
    claims_open = Claim.objects.filter(
        _place(street, community), status__in=OPEN_CLAIM_STATUSES
    ).count()
    return {
        "wishes_fulfilled": wishes,
        "projects_matched": matched,
        "social_funds_raised": funds.quantize(Decimal("0.01")),
        "needs_listed": needs_listed,
        "resources_listed": resources_listed,
        "claims_open": claims_open,
    }


def public_wishes(*, community_id: int | None = None):
    """The wish wall's rows: what a resident may see, newest first, nothing that
    identifies the person (the beneficiary record is never joined)."""
    qs = Wish.objects.filter(status__in=PUBLIC_WISH_STATUSES)
    if community_id is not None:
        qs = qs.filter(community_id=community_id)
    return qs.order_by("-published_at", "-pk")


WALL_PAGE_SIZE = 60


def public_wall(*, community_id: int | None = None, page: int = 1) -> dict:
    """One page of the wish wall as plain values, with the communities that have wishes
    on it and the totals the header shows."""

    def build():
        qs = public_wishes(community_id=community_id)
        start = (page - 1) * WALL_PAGE_SIZE
        rows = list(
            qs.values(
                "pk",
                "alias",
                "age_band",
                "title",
                "description",
                "value",
                "status",
                "community__name",
                "category__name",
            )[start : start + WALL_PAGE_SIZE]
        )
        # Counted from the counts the wish service keeps (marketplace.wish_tally): at
        # province scale counting the public wishes themselves took 200–300 ms.
        communities = list(
            WishTally.objects.filter(status__in=PUBLIC_WISH_STATUSES)
            .values("community_id", "community__name")
            .annotate(n=Sum("n"))
            .filter(n__gt=0)
            .order_by("community__name", "community_id")
        )
        total = sum(
            row["n"]
            for row in communities
            if community_id is None or row["community_id"] == community_id
        )
        fulfilled = WishTally.objects.filter(status=WishStatus.CONFIRMED)
        if community_id is not None:
            fulfilled = fulfilled.filter(community_id=community_id)
        return {
            "rows": rows,
            "total": total,
            "pages": max(1, -(-total // WALL_PAGE_SIZE)),
            "communities": communities,
            "fulfilled": fulfilled.aggregate(n=Sum("n"))["n"] or 0,
        }

    return cached_public(f"market:wall:{community_id or 0}:{page}", build)


def public_lists() -> dict:
    """The three published lists (三张清单) as plain values: listed needs and resources of
    published batches and street-wide lists, and matched projects with their funds. A
    party member offering a resource is shown as 党员, never by name."""

    def build():
        needs = list(
            Need.objects.filter(status=ListingStatus.LISTED)
            .order_by("window_end", "pk")
            .values(
                "pk",
                "title",
                "description",
                "window_start",
                "window_end",
                "community__name",
                "category__name",
                "target_group",
            )[:100]
        )
        resources = list(
            Resource.objects.filter(status=ListingStatus.LISTED)
            .order_by("-listed_at", "pk")
            .values(
                "pk",
                "title",
                "provider_kind",
                "organization__name",
                "partner_unit__name",
                "team_name",
                "category__name",
                "capacity_per_month",
            )[:100]
        )
        funds_of_project = (
            FundCommitment.objects.filter(project=OuterRef("pk"))
            .order_by()
            .values("project")
            .annotate(total=Sum("amount"))
            .values("total")
        )
        projects = list(
            Project.objects.filter(status__in=MATCHED_PROJECT_STATUSES)
            .order_by("-matched_at", "-pk")
            .values("pk", "title", "status", "community__name", "beneficiaries")
            # Summed for the 100 rows shown only (a join to every ledger line and a GROUP
            # BY over every matched project otherwise).
            .annotate(funds=Subquery(funds_of_project))[:100]
        )
        return {"needs": needs, "resources": resources, "projects": projects}

    return cached_public("market:lists", build)


@dataclass
class Candidate:
    resource: Resource
    score: int
    reasons: list[str] = field(default_factory=list)


def match_shortlist(need: Need, *, today: datetime.date, limit: int) -> list[tuple[int, int, int]]:
    """The first ``limit`` candidate resources of ``need`` as (pk, same community 1/0,
    projects this month), in the order same community, least used this month, newest
    listed. Three narrow queries over the resource table, each stopping at ``limit``,
    whatever the street's size: those naming the need's community (few, sorted whole),
    the street-wide ones not used this month (a walk down the street's listed-resources
    index: a busy street holds tens of thousands) and the street-wide ones already used
    (this month's matches, read by their date). All three always run, so the page's
    query count is the same in every street; the first ``limit`` of them in that order
    is the shortlist."""
    month_start = today.replace(day=1)
    month_started_at = timezone.make_aware(
        datetime.datetime.combine(month_start, datetime.time.min)
    )
    category = need.category
    related = [category.pk] + ([category.parent_id] if category.parent_id else [])
    same_family = Q(pk__in=related) | Q(parent_id=category.pk)
    if category.parent_id:
        same_family |= Q(parent_id=category.parent_id)
    served = Resource.communities.through.objects
    used = Resource.projects.through.objects.filter(project__matched_at__gte=month_started_at)
    # The stubs do not see an annotation on an auto-created through model.
    used_count = (
        used.filter(resource_id=OuterRef("pk"))  # type: ignore[misc]
        .order_by()
        .values("resource_id")
        .annotate(projects_used=Count("project_id", distinct=True))
        .values("projects_used")
    )
    used_ids = used.values("resource_id")
    # The family's ids as values, not a subquery: a join would lose the index's order.
    family = list(Category.objects.filter(same_family).values_list("pk", flat=True))
    in_family = Resource.objects.filter(
        category_id__in=family,
        status=ListingStatus.LISTED,
        street_id=need.community.street_id,
    )
    least_used_newest = ("used_this_month", "-listed_at", "-pk")
    ranked = [
        (pk, 1, used_this_month)
        for pk, used_this_month in in_family.filter(
            pk__in=served.filter(community_id=need.community_id).values("resource_id")
        )
        .annotate(
            used_this_month=Case(
                When(pk__in=used_ids, then=Coalesce(used_count, 0)), default=Value(0)
            )
        )
        .order_by(*least_used_newest)
        .values_list("pk", "used_this_month")[:limit]
    ]
    street_wide = in_family.filter(~Exists(served.filter(resource_id=OuterRef("pk"))))
    unused = (
        street_wide.exclude(pk__in=used_ids)
        .order_by("-listed_at", "-pk")
        .values_list("pk", flat=True)[:limit]
    )
    ranked += [(pk, 0, 0) for pk in unused]
    ranked += [
        (pk, 0, used_this_month)
        for pk, used_this_month in street_wide.filter(pk__in=used_ids)
        .annotate(used_this_month=Coalesce(used_count, 0))
        .order_by(*least_used_newest)
        .values_list("pk", "used_this_month")[:limit]
    ]
    return ranked[:limit]


def match_candidates(need: Need, *, today: datetime.date | None = None) -> list[Candidate]:
    """Resources for ``need``, best first, each with its reasons in words
    (“同社区 · 同类别 · 近一年评分 4.8 · 本月尚余 3 次”). Listed resources of the need's
    street in its category (or the category's parent or children), serving its
    community or the whole street, with capacity left this month: a shortlist read with
    its providers and ratings and scored in Python."""
    today = today or timezone.localdate()
    year_ago = timezone.now() - datetime.timedelta(days=365)
    category = need.category
    ranked = match_shortlist(need, today=today, limit=marketplace_rules().match_candidates * 3)
    by_pk = Resource.objects.select_related(
        "category", "organization", "party_member", "partner_unit"
    ).in_bulk([pk for pk, _same, _used in ranked])
    rows = [(by_pk[pk], same_community, used) for pk, same_community, used in ranked]
    ratings = _provider_ratings([resource for resource, _same, _used in rows], year_ago)
    candidates = []
    for resource, same_community, used_this_month in rows:
        left = resource.capacity_per_month - used_this_month
        if left <= 0:
            continue
        reasons = []
        score = 0
        if same_community:
            reasons.append(_("same community"))
            score += 30
        else:
            reasons.append(_("street-wide"))
            score += 10
        if resource.category_id == category.pk:
            reasons.append(_("same category"))
            score += 30
        else:
            reasons.append(_("related category"))
            score += 15
        groups = [g for g in resource.target_groups.split(",") if g.strip()]
        if not groups or need.target_group in groups:
            score += 10
            if groups:
                reasons.append(_("serves this group"))
        rating = ratings.get(resource.organization_id) if resource.organization_id else None
        if rating is not None:
            reasons.append(_("rated %(rating).1f in the past year") % {"rating": rating})
            score += int(rating * 4)
        reasons.append(_("%(left)d left this month") % {"left": left})
        score += min(left, 10)
        candidates.append(Candidate(resource=resource, score=score, reasons=reasons))
    candidates.sort(key=lambda c: (-c.score, c.resource.pk))
    return candidates[: marketplace_rules().match_candidates]


def _provider_ratings(resources, since) -> dict[int, float]:
    organizations = {r.organization_id for r in resources if r.organization_id}
    if not organizations:
        return {}
    rows = (
        Claim.objects.filter(
            organization_id__in=organizations, rating__isnull=False, confirmed_at__gte=since
        )
        .values("organization_id")
        .annotate(avg=Avg("rating"))
    )
    return {row["organization_id"]: float(row["avg"]) for row in rows}


def staff_board(user, *, today: datetime.date | None = None) -> dict:
    """The staff board: items waiting for staff, overdue claims, needs nobody matched."""
    today = today or timezone.localdate()
    needs = Need.objects.visible_to(user)
    claims = Claim.objects.visible_to(user)
    escalate_before = timezone.now() - datetime.timedelta(
        days=marketplace_rules().unclaimed_escalation_days
    )
    return {
        "needs_to_verify": needs.filter(status=ListingStatus.PENDING)
        .select_related("community", "category")
        .order_by("created_at")[:50],
        "wishes_to_verify": Wish.objects.visible_to(user)
        .filter(status=WishStatus.COLLECTED)
        .select_related("community", "category")
        .order_by("collected_on")[:50],
        "evidence_to_confirm": claims.filter(status=ClaimStatus.EVIDENCE_SUBMITTED)
        .select_related("community", "need", "project", "wish", "organization", "party_member")
        .order_by("updated_at")[:50],
        "overdue_claims": claims.filter(status__in=OPEN_CLAIM_STATUSES, deadline__lt=today)
        .select_related("community", "need", "project", "wish", "organization", "party_member")
        .order_by("deadline")[:50],
        "unmatched_needs": needs.filter(status=ListingStatus.LISTED, listed_at__lt=escalate_before)
        .exclude(claims__status__in=OPEN_CLAIM_STATUSES | DONE_CLAIM_STATUSES)
        .exclude(projects__isnull=False)
        .select_related("community", "category")
        .order_by("listed_at")[:50],
    }


def marketplace_period_figures(street, start: datetime.date, end: datetime.date) -> dict:
    """What the marketplace did in a period (the monthly and annual reports): counted by
    the time each thing became true — fulfilment, match, confirmation, commitment."""
    window = (
        timezone.make_aware(datetime.datetime.combine(start, datetime.time.min)),
        timezone.make_aware(datetime.datetime.combine(end, datetime.time.max)),
    )
    funds = FundCommitment.objects.filter(
        project__community__street=street, committed_on__range=(start, end)
    ).aggregate(total=Sum("amount"))["total"] or Decimal("0")
    return {
        "wishes_fulfilled": Wish.objects.filter(
            community__street=street, status=WishStatus.CONFIRMED, fulfilled_at__range=window
        ).count(),
        "projects_matched": Project.objects.filter(
            community__street=street,
            status__in=MATCHED_PROJECT_STATUSES,
            matched_at__range=window,
        ).count(),
        "claims_confirmed": Claim.objects.filter(
            community__street=street,
            status__in=DONE_CLAIM_STATUSES,
            confirmed_at__range=window,
        ).count(),
        "needs_listed": Need.objects.filter(
            community__street=street, listed_at__range=window
        ).count(),
        "social_funds_committed": funds.quantize(Decimal("0.01")),
    }
