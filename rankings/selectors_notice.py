"""Reads of the leader's portal pages on rankings on public notice (公示): the rows of
the organizations a leader runs, the ledger entries that explain a row, the objections.
Every read starts from the organizations the user leads, so another organization's row
is simply not there (404)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from incubation.models import Organization
from rankings.choices import PeriodKind
from rankings.models import Objection, Ranking, RankingRow, ScoreEntry
from rankings.workflows import ObjectionStatus, RankingStatus


def led_organizations(user) -> QuerySet[Organization]:
    return Organization.objects.filter(leader_accounts=user)


def notice_rows(user) -> QuerySet[RankingRow]:
    """The current (not superseded) rankings on notice where an organization the user
    leads has a row, soonest notice end first, each with whether it has an open
    objection: a fixed number of queries per page."""
    return (
        RankingRow.objects.filter(
            organization__in=led_organizations(user),
            ranking__status=RankingStatus.NOTICE,
            ranking__superseded_by__isnull=True,
        )
        .select_related("ranking__community", "organization")
        .annotate(
            open_objection=Exists(
                Objection.objects.filter(
                    status=ObjectionStatus.FILED,
                    ranking=OuterRef("ranking"),
                    organization=OuterRef("organization"),
                )
            )
        )
        .order_by("ranking__notice_until", "ranking_id", "organization_id")
    )


def own_row(user, ranking_pk: int, organization_pk: int) -> RankingRow | None:
    """The row of an organization the user leads in a published ranking, or None (the
    view answers 404 for a missing, unpublished or another organization's row alike)."""
    return (
        RankingRow.objects.filter(
            ranking_id=ranking_pk,
            organization_id=organization_pk,
            organization__in=led_organizations(user),
            ranking__status__in=[RankingStatus.NOTICE, RankingStatus.FINAL],
        )
        .select_related("ranking__community", "ranking__superseded_by", "organization")
        .first()
    )


def _months(ranking: Ranking) -> list:
    if ranking.period_kind == PeriodKind.YEAR:
        return [ranking.period_start.replace(month=m) for m in range(1, 13)]
    return [ranking.period_start]


def row_ledger(row: RankingRow) -> QuerySet[ScoreEntry]:
    """The ledger entries that make up the row's score: the organization's entries of the
    period under the ranking's scheme, as they stood when the snapshot was computed
    (entries added later explain a later re-run, not this one)."""
    ranking = row.ranking
    return ScoreEntry.objects.filter(
        organization_id=row.organization_id,
        scheme_id=ranking.scheme_id,
        period__in=_months(ranking),
        created_at__lte=ranking.created_at,
    ).order_by("period", "dimension", "source_kind", "pk")


def row_objections(row: RankingRow) -> QuerySet[Objection]:
    """The organization's objections to this snapshot and those that led to it."""
    return (
        Objection.objects.filter(organization_id=row.organization_id)
        .filter(Q(ranking_id=row.ranking_id) | Q(rerun_id=row.ranking_id))
        .select_related("rerun")
        .prefetch_related("evidence")
        .order_by("-created_at", "-pk")
    )
