"""Reads of the public ranking pages and the hub's public board: published snapshots only
(on notice or final), as plain values, through the cache. A computed snapshot is the
staff's draft and never public; a superseded one stays readable with the reason it was
re-run, since past snapshots never change."""

from __future__ import annotations

from django.db.models import F, Max, Q

from core.public_cache import cached_public
from rankings.choices import PeriodKind, ScopeKind
from rankings.models import Ranking, RankingRow
from rankings.workflows import RankingStatus

PUBLISHED = (RankingStatus.NOTICE, RankingStatus.FINAL)
PAGE_ROWS = 50
BOARD_ROWS = 10

_RANKING_FIELDS = (
    "pk",
    "street__name",
    "period_kind",
    "period_start",
    "scope_kind",
    "community__name",
    "growth_level",
    "status",
    "organizations",
    "notice_until",
    "published_at",
    "finalized_at",
    "reason",
    "supersedes_id",
)
_ROW_FIELDS = ("rank", "score", "capped", "organization_id", "organization__name")


def published_rankings():
    return Ranking.objects.filter(status__in=PUBLISHED)


def _with_successor(rows: list[dict]) -> list[dict]:
    for row in rows:
        row["superseded_by_id"] = row.pop("superseded_by")
    return rows


def public_ranking(pk: int) -> dict | None:
    """One published snapshot's header (None when it is not public)."""

    def build():
        rows = _with_successor(
            list(published_rankings().filter(pk=pk).values(*_RANKING_FIELDS, "superseded_by"))
        )
        return rows[0] if rows else {}

    return cached_public(f"rankings:ranking:{pk}", build) or None


def public_ranking_rows(pk: int, page: int) -> list[dict]:
    """A page of a snapshot's rows in rank order. Frozen rows: cached an hour."""

    def build():
        # Ranks run 1..n in a snapshot: the page is a range of ranks on ranking_row_rank,
        # not an OFFSET (which read 50,000 rows for the middle of 100,000: 90 ms).
        start = (page - 1) * PAGE_ROWS
        qs = RankingRow.objects.filter(
            ranking_id=pk, rank__gt=start, rank__lte=start + PAGE_ROWS
        ).order_by("rank")
        return list(qs.values(*_ROW_FIELDS, community=F("organization__community__name")))

    return cached_public(f"rankings:rows:{pk}:{page}", build, 3600)


def sibling_rankings(ranking: dict) -> list[dict]:
    """The current published snapshots of the same street, period kind and start: the
    street-wide one and those per community and per growth level (the page's tabs)."""

    def build():
        return list(
            published_rankings()
            .filter(
                street__name=ranking["street__name"],
                period_kind=ranking["period_kind"],
                period_start=ranking["period_start"],
                superseded_by__isnull=True,
            )
            .order_by("scope_kind", "community__name", "growth_level", "pk")
            .values("pk", "scope_kind", "community__name", "growth_level")
        )

    key = f"rankings:siblings:{ranking['street__name']}:{ranking['period_kind']}:"
    return cached_public(key + f"{ranking['period_start']}", build)


def board_rankings() -> list[dict]:
    """For the public board: the latest current street-wide snapshot of each period kind
    and street (usually one street: the monthly and the yearly list), each with its top
    rows. Three queries, cached a minute."""

    def build():
        current = published_rankings().filter(
            scope_kind=ScopeKind.STREET, superseded_by__isnull=True
        )
        newest = (
            current.order_by()
            .values("street_id", "period_kind")
            .annotate(start=Max("period_start"))
        )
        wanted = Q(pk__in=[])
        for group in newest:
            wanted |= Q(
                street_id=group["street_id"],
                period_kind=group["period_kind"],
                period_start=group["start"],
            )
        latest = _with_successor(
            list(current.filter(wanted).values(*_RANKING_FIELDS, "superseded_by"))
        )
        if not latest:
            return []
        rows = (
            RankingRow.objects.filter(
                ranking_id__in=[r["pk"] for r in latest], rank__lte=BOARD_ROWS
            )
            .order_by("ranking_id", "rank")
            .values("ranking_id", *_ROW_FIELDS, community=F("organization__community__name"))
        )
        by_ranking: dict[int, list] = {}
        for row in rows:
            by_ranking.setdefault(row["ranking_id"], []).append(row)
        for ranking in latest:
            ranking["top"] = by_ranking.get(ranking["pk"], [])
        # Monthly first: it is the one residents follow.
        return sorted(latest, key=lambda r: (r["period_kind"] != PeriodKind.MONTH, r["pk"]))

    return cached_public("rankings:board", build)
