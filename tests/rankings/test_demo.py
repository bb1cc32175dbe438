"""The demo's rankings and awards come from its records through the services: a year of
final monthly rankings, last year's yearly ranking, last month's on notice with one
objection dismissed and one upheld (a corrected snapshot that records why); last year's
three campaigns closed into honours and this year's open for nominations."""

import pytest

from awards.models import Honour
from operations.demo import seed_demo
from rankings.choices import PeriodKind, ScopeKind
from rankings.models import Objection, Ranking, RankingRow
from rankings.workflows import ObjectionStatus, RankingStatus

pytestmark = pytest.mark.django_db


def test_the_demo_holds_past_rankings_and_campaigns(settings, client):
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
    # 评选: three campaigns held, honours of organizations and of people (masked in public).
    assert figures["campaigns_held"] == 3 and figures["campaigns_open"] == 1
    people = Honour.objects.exclude(person_name="")
    assert people.exists() and Honour.objects.filter(person_name="").exists()
    board = client.get("/").content.decode()
    assert people.first().person_name not in board
