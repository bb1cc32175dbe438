"""The public board (the front page for visitors) and a published ranking's page: no
login, published snapshots only, superseded ones say so, nothing personal, constant
queries and served from the cache."""

import datetime
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse

from incubation.models import Organization
from rankings.choices import PeriodKind, ScopeKind
from rankings.models import Ranking
from rankings.workflows import RankingStatus
from tests.factories import OrganizationFactory
from tests.rankings.test_portrait import ADDRESS, LEADER, LEADER_PHONE, _personal, publish_month

pytestmark = pytest.mark.django_db

OCTOBER = datetime.date(2026, 10, 1)


def test_visitors_see_the_published_monthly_ranking_on_the_front_page(client, tenant, scheme):
    _personal(tenant.org)
    publish_month(
        tenant,
        scheme,
        OCTOBER,
        {tenant.org: (1, {"services": Decimal(9)}), tenant.other_org: (2, {"party": Decimal(4)})},
        status=RankingStatus.NOTICE,
    )
    publish_month(
        tenant,
        scheme,
        datetime.date(2026, 11, 1),
        {tenant.org: (1, {"services": Decimal(1)})},
        status=RankingStatus.COMPUTED,  # the staff's draft: not public
    )
    html = client.get("/").content.decode()
    assert "2026-10" in html and tenant.org.name in html and tenant.other_org.name in html
    assert "2026-11" not in html
    assert reverse("rankings:portrait", args=[tenant.org.pk]) in html
    for personal in (LEADER, LEADER_PHONE, ADDRESS):
        assert personal not in html


def test_a_ranking_page_lists_its_rows_and_a_draft_is_404(client, tenant, scheme):
    shown = publish_month(tenant, scheme, OCTOBER, {tenant.org: (1, {"services": Decimal(9)})})
    draft = publish_month(
        tenant,
        scheme,
        datetime.date(2026, 11, 1),
        {tenant.org: (1, {"services": Decimal(1)})},
        status=RankingStatus.COMPUTED,
    )
    response = client.get(reverse("rankings:ranking", args=[shown.pk]))
    assert response.status_code == 200 and tenant.org.name in response.content.decode()
    for pk in (draft.pk, 999999, 2**31):
        assert client.get(f"/rankings/{pk}/").status_code == 404
    assert client.get(reverse("rankings:ranking", args=[shown.pk]) + "?page=x").status_code == 200


def test_a_superseded_ranking_says_what_replaced_it_and_why(client, tenant, scheme):
    first = publish_month(tenant, scheme, OCTOBER, {tenant.org: (2, {"services": Decimal(1)})})
    second = Ranking.objects.create(
        street=tenant.street,
        period_kind=PeriodKind.MONTH,
        period_start=OCTOBER,
        scope_kind=ScopeKind.STREET,
        scope_key="street",
        scheme=scheme,
        status=RankingStatus.NOTICE,
        supersedes=first,
        reason="复核：漏记一次已确认的认领",
    )
    old = client.get(reverse("rankings:ranking", args=[first.pk])).content.decode()
    assert reverse("rankings:ranking", args=[second.pk]) in old
    new = client.get(reverse("rankings:ranking", args=[second.pk])).content.decode()
    assert "漏记一次已确认的认领" in new


def test_the_pages_read_in_constant_queries(client, tenant, scheme, django_assert_max_num_queries):
    for size in (2, 30):
        orgs = [OrganizationFactory(community=tenant.community) for _ in range(size)]
        month = datetime.date(2025, size % 12 + 1, 1)
        ranking = publish_month(
            tenant,
            scheme,
            month,
            {org: (rank, {"services": Decimal(100 - rank)}) for rank, org in enumerate(orgs, 1)},
        )
        cache.clear()
        with django_assert_max_num_queries(9):
            assert client.get("/").status_code == 200
        with django_assert_max_num_queries(4):
            assert client.get(reverse("rankings:ranking", args=[ranking.pk])).status_code == 200
        with django_assert_max_num_queries(0):
            client.get("/")
            client.get(reverse("rankings:ranking", args=[ranking.pk]))
    assert Organization.objects.count() > 30
