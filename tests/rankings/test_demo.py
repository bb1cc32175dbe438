"""The demo's rankings come from its records through the services: a year of final
monthly rankings, last year's yearly ranking, last month's on notice with one objection
dismissed and one upheld (a corrected snapshot that records why)."""

import pytest

from operations.demo import seed_demo
from rankings.choices import PeriodKind, ScopeKind
from rankings.models import Objection, Ranking, RankingRow
from rankings.workflows import ObjectionStatus, RankingStatus

pytestmark = pytest.mark.django_db


def test_the_demo_holds_past_rankings_and_an_objection_decided_each_way(settings):
    settings.DEBUG = True
    figures = seed_demo()
    street_wide = Ranking.objects.filter(scope_kind=ScopeKind.STREET)
    finals = street_wide.filter(status=RankingStatus.FINAL, period_kind=PeriodKind.MONTH)
    assert finals.count() == 11
    assert street_wide.filter(period_kind=PeriodKind.YEAR, status=RankingStatus.FINAL).exists()
    decided = dict(Objection.objects.values_list("status", "decision_reason"))
    assert set(decided) == {ObjectionStatus.UPHELD, ObjectionStatus.DISMISSED}
    corrected = street_wide.get(supersedes__isnull=False)
    assert corrected.status == RankingStatus.NOTICE and corrected.reason
    upheld = Objection.objects.get(status=ObjectionStatus.UPHELD)
    before = RankingRow.objects.get(ranking=corrected.supersedes, organization=upheld.organization)
    after = RankingRow.objects.get(ranking=corrected, organization=upheld.organization)
    assert after.score > before.score  # the late activity counts now
    assert RankingRow.objects.filter(ranking__in=finals).count() > 11 * 100
    assert figures["ranking_objections"] == 2 and figures["ranking_objections_upheld"] == 1
