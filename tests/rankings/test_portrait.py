"""The public portrait (画像): no login, only allow-listed facts, nothing personal, the
radar and rank line from frozen rankings, a printable PDF, constant queries."""

import datetime
import shutil
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse

from incubation.models import Organization
from incubation.workflows import Stage
from rankings.choices import PeriodKind, ScopeKind
from rankings.models import Ranking, RankingRow
from rankings.portrait import PUBLIC_FIELDS, organization_portrait
from rankings.workflows import RankingStatus
from tests.core.test_pdf import pdf_text
from tests.rankings.conftest import confirm_claims

pytestmark = pytest.mark.django_db
needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils")

LEADER = "张卫国"
LEADER_PHONE = "13911112222"
ADDRESS = "凯旋路188号3幢"


def _personal(org):
    Organization.objects.filter(pk=org.pk).update(
        leader_name=LEADER, leader_phone=LEADER_PHONE, address=ADDRESS, grade="4A"
    )


def publish_month(tenant, scheme, month: datetime.date, ranks: dict, *, status=RankingStatus.FINAL):
    """A street-wide monthly ranking frozen with ``ranks`` {org: (rank, {dimension: score})}."""
    ranking = Ranking.objects.create(
        street=tenant.street,
        period_kind=PeriodKind.MONTH,
        period_start=month,
        scope_kind=ScopeKind.STREET,
        scope_key="street",
        scheme=scheme,
        status=status,
        organizations=len(ranks),
    )
    RankingRow.objects.bulk_create(
        RankingRow(
            ranking=ranking,
            organization=org,
            rank=rank,
            score=sum(scores.values(), Decimal(0)),
            raw_score=sum(scores.values(), Decimal(0)),
            dimension_scores={k: str(v) for k, v in scores.items()},
        )
        for org, (rank, scores) in ranks.items()
    )
    return ranking


@pytest.fixture
def ranked(tenant, scheme):
    _personal(tenant.org)
    for index, month in enumerate((datetime.date(2026, 9, 1), datetime.date(2026, 10, 1))):
        publish_month(
            tenant,
            scheme,
            month,
            {
                tenant.org: (2 - index, {"services": Decimal(30), "party": Decimal(10)}),
                tenant.other_org: (1 + index, {"services": Decimal(60), "party": Decimal(5)}),
            },
        )
    confirm_claims(tenant.org, 3, rating=4)
    return tenant.org


def test_the_portrait_holds_only_allow_listed_facts(ranked):
    portrait = organization_portrait(ranked.pk)
    assert set(portrait) <= PUBLIC_FIELDS
    assert portrait["latest_rank"] == {
        "period": "2026-10",
        "rank": 1,
        "of": 2,
        "score": Decimal("40.00"),
    }
    assert [row["rank"] for row in portrait["rank_history"]] == [2, 1]
    radar = {axis["key"]: axis["value"] for axis in portrait["radar"]}
    assert radar["services"] == 50 and radar["party"] == 100 and radar["credit"] == 0
    assert (portrait["services_confirmed"], portrait["service_rating"]) == (3, Decimal("4.0"))


def test_the_page_opens_without_login_and_shows_nothing_personal(client, ranked):
    response = client.get(reverse("rankings:portrait", args=[ranked.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert ranked.name in html and "4A" in html
    for personal in (LEADER, LEADER_PHONE, ADDRESS):
        assert personal not in html
    assert 'id="portrait-charts"' in html and "echarts.min.js" in html
    assert "<script>" not in html  # the CSP allows no inline script


def test_a_draft_ranking_is_not_shown(tenant, scheme, client):
    publish_month(
        tenant,
        scheme,
        datetime.date(2026, 11, 1),
        {tenant.org: (1, {"services": Decimal(1)})},
        status=RankingStatus.COMPUTED,
    )
    assert organization_portrait(tenant.org.pk)["latest_rank"] is None


def test_a_deregistered_or_missing_organization_is_404(client, tenant):
    Organization.objects.filter(pk=tenant.org.pk).update(stage=Stage.DEREGISTERED)
    for pk in (tenant.org.pk, 999999, 2**31):
        assert client.get(f"/rankings/organizations/{pk}/").status_code == 404
        assert client.get(f"/rankings/organizations/{pk}/pdf/").status_code == 404


def test_the_page_reads_in_constant_queries(client, tenant, scheme, django_assert_max_num_queries):
    url = reverse("rankings:portrait", args=[tenant.org.pk])
    done = 0
    for months in (1, 12):
        for offset in range(done, done + months):
            month = datetime.date(2024 + offset // 12, offset % 12 + 1, 1)
            publish_month(tenant, scheme, month, {tenant.org: (1, {"services": Decimal(3)})})
        done += months
        cache.clear()
        with django_assert_max_num_queries(8):
            assert client.get(url).status_code == 200


def test_a_second_visit_is_served_from_the_cache(client, ranked, django_assert_max_num_queries):
    url = reverse("rankings:portrait", args=[ranked.pk])
    client.get(url)
    with django_assert_max_num_queries(0):
        assert client.get(url).status_code == 200


@needs_pdftotext
def test_the_printable_version_is_a_pdf_with_the_facts(client, ranked, tmp_path):
    response = client.get(reverse("rankings:portrait_pdf", args=[ranked.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content, tmp_path)
    assert ranked.name in text.replace(" ", "")
    assert LEADER not in text and LEADER_PHONE not in text
