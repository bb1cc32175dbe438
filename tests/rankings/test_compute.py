"""Computing rankings: sums of the ledger, veto caps, deterministic ties, scopes, frozen
snapshots, re-runs that supersede, the notice and the final, and the scheme a period
keeps."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.errors import ActionRefused
from incubation.choices import GrowthLevel
from jobs.models import JobStatus
from rankings.choices import PeriodKind, ScopeKind
from rankings.models import Ranking, RankingEvent, RankingRow
from rankings.rules import default_rules
from rankings.services.rankings import (
    ranking_compute,
    ranking_compute_start,
    ranking_finalize,
    ranking_publish,
    ranking_rerun,
    ranking_rerun_start,
    ranking_transition,
)
from rankings.services.schemes import scheme_create, scheme_publish, scheme_update
from rankings.workflows import RankingStatus
from tests.factories import OrganizationFactory
from tests.rankings.conftest import PERIOD, at, confirm_claims, list_on_credit_list

pytestmark = pytest.mark.django_db

DECEMBER = datetime.date(2026, 12, 1)


def _compute(tenant, period=PERIOD, kind=PeriodKind.MONTH):
    ranking_compute(
        street_id=tenant.street.pk, period_kind=kind, period_start=period, actor=tenant.street_admin
    )
    return Ranking.objects.get(
        street=tenant.street,
        period_kind=kind,
        period_start=period,
        scope_kind=ScopeKind.STREET,
        supersedes__isnull=True,
    )


def _order(ranking):
    return list(ranking.rows.order_by("rank").values_list("organization_id", flat=True))


def test_it_ranks_by_score_and_breaks_ties_the_same_way_every_time(tenant, scheme):
    community = tenant.community
    founded_early = OrganizationFactory(community=community, founded_on=datetime.date(2020, 1, 1))
    founded_late = OrganizationFactory(community=community, founded_on=datetime.date(2022, 1, 1))
    same_day = OrganizationFactory(community=community, founded_on=datetime.date(2022, 1, 1))
    vetoed = OrganizationFactory(community=community, founded_on=datetime.date(2019, 1, 1))
    list_on_credit_list(vetoed)
    leader = OrganizationFactory(community=community)
    confirm_claims(leader, 1)
    ranking = _compute(tenant)
    assert _order(ranking) == [
        leader.pk,
        founded_early.pk,
        founded_late.pk,
        same_day.pk,
        tenant.org.pk,  # no founding date: after the dated ones, by pk
        tenant.other_org.pk,
        vetoed.pk,  # as many points, one veto more
    ]
    top = ranking.rows.get(rank=1)
    assert top.score == Decimal("3.00")
    assert top.dimension_scores["services"] == "3.00"
    assert ranking.organizations == 7


def test_a_veto_caps_the_total_score(tenant):
    rules = default_rules()
    rules["credit_veto"]["levels"]["abnormal"] = "5"
    scheme = scheme_create(
        street=tenant.street,
        actor=tenant.street_admin,
        effective_from=datetime.date(2026, 1, 1),
        rules=rules,
    )
    scheme_publish(scheme, actor=tenant.street_admin)
    confirm_claims(tenant.org, 3)  # 9 points
    list_on_credit_list(tenant.org)
    confirm_claims(tenant.other_org, 2)  # 6 points
    ranking = _compute(tenant)
    capped = ranking.rows.get(organization=tenant.org)
    assert (capped.raw_score, capped.score, capped.capped, capped.vetoes) == (
        Decimal("9.00"),
        Decimal("5.00"),
        True,
        1,
    )
    assert _order(ranking) == [tenant.other_org.pk, tenant.org.pk]


def test_each_scope_ranks_its_own_organizations(tenant, scheme):
    hub = OrganizationFactory(community=tenant.community, growth_level=GrowthLevel.HUB_ORG)
    _compute(tenant)
    rankings = Ranking.objects.filter(street=tenant.street, period_start=PERIOD)
    assert sorted(rankings.values_list("scope_key", flat=True)) == sorted(
        [
            "street",
            f"community:{tenant.community.pk}",
            f"community:{tenant.other_community.pk}",
            "growth_level:community_org",
            "growth_level:hub_org",
        ]
    )
    community = rankings.get(scope_kind=ScopeKind.COMMUNITY, community=tenant.community)
    assert set(_order(community)) == {tenant.org.pk, hub.pk}
    assert _order(rankings.get(growth_level=GrowthLevel.HUB_ORG)) == [hub.pk]
    # Computing the period again makes nothing new.
    assert (
        ranking_compute(
            street_id=tenant.street.pk,
            period_kind=PeriodKind.MONTH,
            period_start=PERIOD,
            actor=tenant.street_admin,
        )
        == []
    )
    with pytest.raises(ActionRefused, match="already computed|已计算"):
        ranking_compute_start(
            street=tenant.street,
            period_kind=PeriodKind.MONTH,
            period_start=PERIOD,
            actor=tenant.street_admin,
        )


def test_a_re_run_is_a_new_snapshot_and_the_old_one_never_changes(tenant, scheme):
    confirm_claims(tenant.other_org, 1)
    old = _compute(tenant)
    frozen = list(old.rows.values_list("organization_id", "rank", "score", "dimension_scores"))
    ranking_publish(old, actor=tenant.street_admin)
    # An upheld objection: a confirmation that was missing is recorded, the period re-run.
    confirm_claims(tenant.org, 2)
    new = ranking_rerun(old, reason="异议成立：漏计两条认领", actor=tenant.street_admin)
    assert new.supersedes == old and new.reason == "异议成立：漏计两条认领"
    assert new.status == RankingStatus.COMPUTED and new.scheme == old.scheme
    assert _order(new) == [tenant.org.pk, tenant.other_org.pk]
    old.refresh_from_db()
    assert old.status == RankingStatus.NOTICE
    assert (
        list(old.rows.values_list("organization_id", "rank", "score", "dimension_scores")) == frozen
    )
    # Asking again returns the same re-run; the old one takes no more steps.
    assert ranking_rerun(old, reason="again", actor=tenant.street_admin) == new
    with pytest.raises(ActionRefused, match="superseded|取代"):
        ranking_finalize(old, actor=tenant.street_admin)
    with pytest.raises(ActionRefused, match="already|已重新计算"):
        ranking_rerun_start(old, reason="again", actor=tenant.street_admin)
    assert Ranking.objects.current().filter(scope_key="street").get() == new


def test_notice_then_final_each_with_an_event(tenant, scheme):
    ranking = _compute(tenant)
    with pytest.raises(ActionRefused):
        ranking_transition(ranking, RankingStatus.FINAL, actor=tenant.street_admin)
    with pytest.raises(ActionRefused):
        ranking_publish(ranking, actor=tenant.community_staff)
    with time_machine.travel(at(datetime.date(2026, 12, 2)), tick=False):
        ranking = ranking_publish(ranking, actor=tenant.street_admin)
        assert ranking.notice_until == at(datetime.date(2026, 12, 9))
        assert ranking_publish(ranking, actor=tenant.street_admin).status == RankingStatus.NOTICE
        with pytest.raises(ActionRefused, match="notice|公示"):
            ranking_finalize(ranking, actor=tenant.street_admin)
    with time_machine.travel(at(datetime.date(2026, 12, 9), hour=11), tick=False):
        ranking = ranking_finalize(ranking, actor=tenant.street_admin, note="公示无异议")
    assert ranking.status == RankingStatus.FINAL and ranking.finalized_at is not None
    steps = list(
        RankingEvent.objects.filter(ranking=ranking)
        .order_by("pk")  # time travelled: the clock of the events is not in order
        .values_list("from_value", "to_value", "actor", "note")
    )
    assert [(f, t) for f, t, _a, _n in steps] == [
        ("", "computed"),
        ("computed", "notice"),
        ("notice", "final"),
    ]
    assert steps[-1][2:] == (tenant.street_admin.pk, "公示无异议")


def test_a_period_keeps_the_scheme_it_was_computed_with(tenant, scheme):
    confirm_claims(tenant.org, 1)
    confirm_claims(tenant.org, 1, on=DECEMBER)
    november = _compute(tenant)
    rules = default_rules()
    rules["claim_confirmed"]["points"] = "5"
    v2 = scheme_create(
        street=tenant.street, actor=tenant.street_admin, effective_from=PERIOD, rules=rules
    )
    scheme_publish(v2, actor=tenant.street_admin)
    with pytest.raises(ActionRefused, match="never edited|不能修改"):
        scheme_update(v2, actor=tenant.street_admin, rules=default_rules(), effective_from=PERIOD)
    rerun = ranking_rerun(november, reason="复核", actor=tenant.street_admin)
    assert rerun.scheme == scheme
    assert rerun.rows.get(organization=tenant.org).score == Decimal("3.00")
    december = _compute(tenant, DECEMBER)
    assert december.scheme == v2
    assert december.rows.get(organization=tenant.org).score == Decimal("5.00")


def test_a_yearly_ranking_sums_its_months(tenant, scheme):
    confirm_claims(tenant.org, 1, on=datetime.date(2026, 3, 5))
    confirm_claims(tenant.org, 1)
    ranking = _compute(tenant, datetime.date(2026, 1, 1), PeriodKind.YEAR)
    assert ranking.rows.get(organization=tenant.org).score == Decimal("6.00")


def _queries_to_compute(tenant, period, extra):
    for _i in range(extra):
        org = OrganizationFactory(community=tenant.community)
        confirm_claims(org, 2, rating=4)
        list_on_credit_list(org, on=period)
    with CaptureQueriesContext(connection) as queries:
        _compute(tenant, period)
    return len(queries.captured_queries)


def test_computing_takes_as_many_queries_for_many_organizations(tenant, scheme):
    few = _queries_to_compute(tenant, datetime.date(2026, 9, 1), 2)
    many = _queries_to_compute(tenant, datetime.date(2026, 10, 1), 40)
    assert many == few
    assert RankingRow.objects.filter(ranking__period_start=datetime.date(2026, 10, 1)).count()


def test_the_job_computes_the_period(tenant, scheme, django_capture_on_commit_callbacks):
    confirm_claims(tenant.org, 1)
    with django_capture_on_commit_callbacks(execute=True):
        job = ranking_compute_start(
            street=tenant.street,
            period_kind=PeriodKind.MONTH,
            period_start=PERIOD,
            actor=tenant.street_admin,
        )
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.message
    assert job.done == job.total > 0
    assert Ranking.objects.filter(street=tenant.street, period_start=PERIOD).count() == 4
    with pytest.raises(ActionRefused):
        ranking_compute_start(
            street=tenant.street,
            period_kind=PeriodKind.MONTH,
            period_start=datetime.date(2026, 11, 2),
            actor=tenant.street_admin,
        )
