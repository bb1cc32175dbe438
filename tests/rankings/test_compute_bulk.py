"""Computing writes the ledger and every scope's rows with COPY (rankings.copy), sorting
the street once: each scope keeps the street's order, rows read back as stored."""

import datetime

import pytest

from incubation.choices import GrowthLevel
from incubation.models import Organization
from rankings.choices import Dimension, PeriodKind, ScopeKind
from rankings.copy import copy_rows
from rankings.models import Ranking, RankingRow, ScoreEntry
from rankings.services.rankings import ranking_compute
from tests.factories import CommunityFactory, OrganizationFactory
from tests.rankings.conftest import PERIOD, confirm_claims, list_on_credit_list

pytestmark = pytest.mark.django_db


def _order(ranking):
    return list(ranking.rows.order_by("rank").values_list("organization_id", flat=True))


def test_it_ranks_every_scope_in_the_street_order(tenant, scheme):
    other = CommunityFactory(street=tenant.street)
    levels = [GrowthLevel.RESIDENT_TEAM, GrowthLevel.HUB_ORG]
    for n in range(8):
        org = OrganizationFactory(
            community=tenant.community if n % 2 else other,
            growth_level=levels[n % 3 % 2],
            founded_on=datetime.date(2010 + n, 1, 1),
        )
        if n % 3:
            confirm_claims(org, n)
        if n == 5:
            list_on_credit_list(org)
    ranking_compute(
        street_id=tenant.street.pk,
        period_kind=PeriodKind.MONTH,
        period_start=PERIOD,
        actor=tenant.street_admin,
    )
    made = Ranking.objects.filter(street=tenant.street, period_start=PERIOD)
    street = _order(made.get(scope_kind=ScopeKind.STREET))
    assert len(street) == Organization.objects.filter(community__street=tenant.street).count()
    scopes = made.exclude(scope_kind=ScopeKind.STREET)
    ranked = Organization.objects.filter(pk__in=street)
    assert {r.scope_key for r in scopes} == {
        *(f"community:{pk}" for pk in ranked.values_list("community_id", flat=True)),
        *(f"growth_level:{level}" for level in ranked.values_list("growth_level", flat=True)),
    }
    assert {other.pk, tenant.community.pk} <= {r.community_id for r in scopes}
    for ranking in scopes:
        members = _order(ranking)
        assert members == [pk for pk in street if pk in set(members)]
        assert ranking.organizations == len(members)
        assert list(ranking.rows.order_by("rank").values_list("rank", flat=True)) == list(
            range(1, len(members) + 1)
        )
    row = RankingRow.objects.filter(ranking__scope_kind=ScopeKind.STREET).get(rank=1)
    assert set(row.dimension_scores) == set(Dimension.values)  # stored as JSON, not text
    assert row.score > 0 and row.raw_score == row.score
    assert ScoreEntry.objects.filter(scheme=scheme, period=PERIOD).count() > 0


def test_a_duplicate_entry_fails_the_whole_copy(tenant, scheme):
    from django.db import IntegrityError, transaction
    from django.utils import timezone

    fields = ("organization_id", "source_kind", "source_ref", "points", "dimension")
    fields += ("total_cap", "reason", "period", "scheme_id", "created_at")
    row = (tenant.org.pk, "claim_confirmed", "claim:1", 3, "services", None, "x +3", PERIOD)
    row += (scheme.pk, timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        copy_rows(ScoreEntry, fields, [row, row])
    assert not ScoreEntry.objects.exists()
    assert copy_rows(ScoreEntry, fields, [row]) == 1
