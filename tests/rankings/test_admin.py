"""The rankings admin: read-only ledger and snapshots in a fixed number of queries, the
page that starts the computing job, publishing and finalizing through the service, and
another street's rows answering as missing."""

import datetime

import pytest
import time_machine
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jobs.models import Job
from rankings.choices import PeriodKind, ScopeKind
from rankings.models import Ranking, RankingEvent, ScoringScheme
from rankings.services.rankings import ranking_compute
from rankings.workflows import RankingStatus
from tests.factories import OrganizationFactory
from tests.rankings.conftest import PERIOD, at, confirm_claims, list_on_credit_list

pytestmark = pytest.mark.django_db


def _facts(tenant, organizations):
    for _i in range(organizations):
        org = OrganizationFactory(community=tenant.community)
        confirm_claims(org, 2, rating=5)
        list_on_credit_list(org)


def _computed(tenant):
    ranking_compute(
        street_id=tenant.street.pk,
        period_kind=PeriodKind.MONTH,
        period_start=PERIOD,
        actor=tenant.street_admin,
    )
    return Ranking.objects.get(street=tenant.street, scope_kind=ScopeKind.STREET)


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries.captured_queries)


@pytest.mark.parametrize(
    "url_name", ["scoreentry_changelist", "ranking_changelist", "rankingrow_changelist"]
)
def test_the_lists_take_as_many_queries_for_many_rows(client, tenant, scheme, url_name):
    client.force_login(tenant.street_admin)
    url = reverse(f"admin:rankings_{url_name}")
    _facts(tenant, 2)
    _computed(tenant)
    few = _queries(client, url)
    _facts(tenant, 25)
    ranking_compute(
        street_id=tenant.street.pk,
        period_kind=PeriodKind.MONTH,
        period_start=datetime.date(2026, 10, 1),
        actor=tenant.street_admin,
    )
    many = _queries(client, url)
    assert many == few


def test_the_ledger_is_read_only(client, tenant, scheme):
    confirm_claims(tenant.org, 1)
    _computed(tenant)
    client.force_login(tenant.street_admin)
    response = client.get(reverse("admin:rankings_scoreentry_changelist"))
    assert "独居老人助餐" in response.content.decode()
    assert client.get(reverse("admin:rankings_scoreentry_add")).status_code == 403


def test_another_streets_ranking_answers_as_missing(client, tenant, outsider_tenant, scheme):
    ranking = _computed(tenant)
    client.force_login(outsider_tenant.street_admin)
    response = client.get(reverse("admin:rankings_ranking_change", args=[ranking.pk]))
    assert response.status_code == 302  # the admin's "does not exist" redirect
    listed = client.get(reverse("admin:rankings_ranking_changelist"))
    assert str(ranking) not in listed.content.decode()


def test_staff_start_the_computing_job(client, tenant, scheme, django_capture_on_commit_callbacks):
    client.force_login(tenant.street_admin)
    url = reverse("admin:rankings_ranking_compute")
    assert url in client.get(reverse("admin:rankings_ranking_changelist")).content.decode()
    response = client.post(url, {"period_kind": "month", "period": "2026/11"})
    assert response.status_code == 200 and "2026-10" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"period_kind": "month", "period": "2026-11"})
    job = Job.objects.get()
    assert response.url == reverse("jobs:detail", args=[job.pk])
    assert Ranking.objects.filter(street=tenant.street, period_start=PERIOD).exists()
    # The same period again is refused with the reason, on the same page.
    response = client.post(url, {"period_kind": "month", "period": "2026-11"}, follow=True)
    assert Job.objects.count() == 1
    assert "re-run" in response.content.decode() or "重新计算" in response.content.decode()


def test_community_staff_may_not_compute(client, tenant, scheme):
    client.force_login(tenant.community_staff)
    assert client.get(reverse("admin:rankings_ranking_compute")).status_code == 403


def test_publish_and_finalize_through_the_service(client, tenant, scheme):
    ranking = _computed(tenant)
    client.force_login(tenant.street_admin)
    url = reverse("admin:rankings_ranking_changelist")
    with time_machine.travel(at(datetime.date(2026, 12, 2)), tick=False):
        client.post(url, {"action": "publish_for_notice", ACTION_CHECKBOX_NAME: [ranking.pk]})
        ranking.refresh_from_db()
        assert ranking.status == RankingStatus.NOTICE
        client.post(url, {"action": "finalize", ACTION_CHECKBOX_NAME: [ranking.pk]})
        ranking.refresh_from_db()
        assert ranking.status == RankingStatus.NOTICE  # refused: the notice runs
    with time_machine.travel(at(datetime.date(2026, 12, 10)), tick=False):
        client.force_login(tenant.street_admin)  # a week later: a new session
        client.post(url, {"action": "finalize", ACTION_CHECKBOX_NAME: [ranking.pk]})
    ranking.refresh_from_db()
    assert ranking.status == RankingStatus.FINAL
    assert RankingEvent.objects.filter(ranking=ranking).count() == 3
    page = client.get(reverse("admin:rankings_ranking_change", args=[ranking.pk]))
    assert page.status_code == 200


def test_a_scheme_is_drafted_published_and_then_frozen(client, tenant, scheme):
    client.force_login(tenant.street_admin)
    add = reverse("admin:rankings_scoringscheme_add")
    response = client.post(
        add,
        {
            "street": tenant.street.pk,
            "effective_from": "2027-01-01",
            "rules": __import__("json").dumps(scheme.rules),
            "note": "提高认领分值",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    draft = ScoringScheme.objects.get(street=tenant.street, version=2)
    client.post(
        reverse("admin:rankings_scoringscheme_changelist"),
        {"action": "publish", ACTION_CHECKBOX_NAME: [draft.pk]},
    )
    draft.refresh_from_db()
    assert draft.is_published
    page = client.get(reverse("admin:rankings_scoringscheme_change", args=[draft.pk]))
    assert 'name="rules"' not in page.content.decode()
