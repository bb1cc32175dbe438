"""The public read API (/api/v1/): anonymous and read-only, allow-listed fields only and
nothing personal, constant queries per page, throttled, an OpenAPI schema without
warnings, and a docs page that works offline under the Content-Security-Policy."""

import datetime
import json
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from incubation.models import Organization
from incubation.workflows import Stage
from marketplace.choices import ProviderKind, TargetGroup
from marketplace.models import Category, Need, Project, Resource, Wish
from marketplace.services import listings
from marketplace.workflows import ListingStatus, ProjectStatus, WishStatus
from rankings.api import serializers
from rankings.choices import PeriodKind, ScopeKind
from rankings.models import Ranking, RankingRow
from rankings.workflows import RankingStatus
from tests.factories import OrganizationFactory, complete_uscc
from tests.marketplace.test_claims import _need, _wish
from tests.partybuilding.pb_helpers import member, party_org
from tests.volunteering.helpers import make_volunteer, publish_activity
from volunteering.models import Session, Volunteer
from volunteering.services.places import sign_up

pytestmark = pytest.mark.django_db

# Stored personal data that must never leave through the API.
LEADER = "张卫国"
LEADER_PHONE = "13911112222"
ORG_ADDRESS = "凯旋路188号3幢"
HOUSEHOLD = "幸福小区5幢101室"
PARTY_MEMBER = "李红梅"
PARTY_MEMBER_ID = "330102198001010027"
VOLUNTEER = "赵志愿"
VOLUNTEER_PHONE = "13800005555"
VOLUNTEER_ID = "330102199002020048"
# The wish's beneficiary (tests.marketplace.test_claims._wish).
BENEFICIARY = ("王秀英", "13900001111", "凯旋路88号3幢402室", "13700002222")
PERSONAL = (
    LEADER,
    LEADER_PHONE,
    ORG_ADDRESS,
    HOUSEHOLD,
    PARTY_MEMBER,
    PARTY_MEMBER_ID,
    VOLUNTEER,
    VOLUNTEER_PHONE,
    VOLUNTEER_ID,
    *BENEFICIARY,
)

# A public record (the registry's 统一社会信用代码), shown on purpose.
USCC = complete_uscc("51330102MJ999999")
LISTS = ("organization", "ranking", "need", "resource", "project", "wish", "activity")

# What each serializer may print; a field added to a serializer must be added here too,
# after asking whether it is public.
ALLOWED = {
    serializers.HonourSerializer: {
        "id",
        "title",
        "campaign_title",
        "year",
        "awarded_on",
        "awardee_kind",
        "awardee_kind_label",
        "awardee",
        "organization",
    },
    serializers.OrganizationSerializer: {
        "id",
        "name",
        "uscc",
        "legal_status",
        "legal_status_label",
        "community",
        "community_name",
        "service_field",
        "service_field_label",
        "founded_on",
        "growth_level",
        "growth_level_label",
        "stage",
        "stage_label",
        "grade",
        "grade_valid_until",
    },
    serializers.RankingSerializer: {
        "id",
        "period_kind",
        "period_kind_label",
        "period_start",
        "period",
        "scope_kind",
        "scope_kind_label",
        "community",
        "growth_level",
        "scope",
        "status",
        "status_label",
        "organizations",
        "published_at",
        "notice_until",
        "finalized_at",
        "supersedes",
    },
    serializers.RankingRowSerializer: {
        "rank",
        "organization",
        "organization_name",
        "score",
        "dimension_scores",
        "capped",
    },
    serializers.DimensionScoresSerializer: {
        "basics",
        "party",
        "activities",
        "services",
        "evaluation",
        "credit",
    },
    serializers.NeedSerializer: {
        "id",
        "title",
        "description",
        "community",
        "community_name",
        "category_name",
        "target_group",
        "target_group_label",
        "window_start",
        "window_end",
    },
    serializers.ResourceSerializer: {
        "id",
        "title",
        "provider_kind",
        "provider_kind_label",
        "provider",
        "category_name",
        "capacity_per_month",
    },
    serializers.ProjectSerializer: {
        "id",
        "title",
        "status",
        "status_label",
        "community",
        "community_name",
        "beneficiaries",
        "funds",
    },
    serializers.WishSerializer: {
        "id",
        "alias",
        "age_band",
        "age_band_label",
        "title",
        "description",
        "value",
        "status",
        "status_label",
        "community",
        "community_name",
        "category_name",
    },
    serializers.ActivitySessionSerializer: {
        "id",
        "activity",
        "title",
        "description",
        "series",
        "series_label",
        "starts_at",
        "ends_at",
        "place",
        "organizer",
        "community",
        "community_name",
        "capacity",
        "places_left",
    },
}


def _list(name):
    return reverse(f"api:{name}-list")


def _detail(name, pk):
    return reverse(f"api:{name}-detail", args=[pk])


def _get(client, url, **params):
    response = client.get(url, params, HTTP_ACCEPT="application/json")
    assert response.status_code == 200, (url, response.status_code, response.content[:300])
    return response.json()


def _ranking(tenant, scheme, month, orgs, *, status=RankingStatus.FINAL, **scope):
    scope = scope or {"scope_kind": ScopeKind.STREET, "scope_key": "street"}
    ranking = Ranking.objects.create(
        street=tenant.street,
        period_kind=PeriodKind.MONTH,
        period_start=month,
        scheme=scheme,
        status=status,
        organizations=len(orgs),
        **scope,
    )
    RankingRow.objects.bulk_create(
        RankingRow(
            ranking=ranking,
            organization=org,
            rank=rank,
            score=Decimal(100 - rank),
            raw_score=Decimal(100 - rank),
            dimension_scores={"services": str(Decimal(90 - rank)), "party": "10.00"},
        )
        for rank, org in enumerate(orgs, start=1)
    )
    return ranking


@pytest.fixture
def board(tenant, scheme):
    """One row of every list, with personal data stored next to each."""
    Organization.objects.filter(pk=tenant.org.pk).update(
        leader_name=LEADER,
        leader_phone=LEADER_PHONE,
        address=ORG_ADDRESS,
        legal_status="social_group",
        filing_number=None,
        uscc=USCC,
        grade="4A",
    )
    gone = OrganizationFactory(community=tenant.community, name="已注销互助社")
    Organization.objects.filter(pk=gone.pk).update(stage=Stage.DEREGISTERED)
    final = _ranking(tenant, scheme, datetime.date(2026, 10, 1), [tenant.org, tenant.other_org])
    draft = _ranking(
        tenant, scheme, datetime.date(2026, 11, 1), [tenant.org], status=RankingStatus.COMPUTED
    )
    need = _need(tenant, place=HOUSEHOLD)
    branch = party_org(tenant.street, "a邻里互助会党支部", community=tenant.community)
    comrade = member(branch, PARTY_MEMBER, id_number=PARTY_MEMBER_ID, phone="13600006666")
    offered = listings.resource_create(
        street=tenant.street,
        actor=tenant.street_admin,
        provider_kind=ProviderKind.PARTY_MEMBER,
        party_member=comrade,
        title="法律咨询",
        category=need.category,
    )
    resource = listings.resource_review(resource=offered, actor=tenant.street_admin, approved=True)
    team = listings.resource_review(
        resource=listings.resource_create(
            street=tenant.street,
            actor=tenant.street_admin,
            provider_kind=ProviderKind.VOLUNTEER_TEAM,
            team_name="爱心志愿队",
            title="送餐上门",
            category=need.category,
        ),
        actor=tenant.street_admin,
        approved=True,
    )
    project = listings.match_need(need=need, resource=team, actor=tenant.community_staff)
    wish = _wish(tenant)
    _activity, session = publish_activity(tenant)
    user, _volunteer = make_volunteer(tenant, "volunteer-zhao")
    Volunteer.objects.filter(account=user).update(
        name=VOLUNTEER, phone=VOLUNTEER_PHONE, id_number=VOLUNTEER_ID
    )
    sign_up(session, Volunteer.objects.get(account=user), actor=user)
    return {
        "organization": tenant.org,
        "gone": gone,
        "ranking": final,
        "draft": draft,
        "need": need,
        "resource": resource,
        "project": project,
        "wish": wish,
        "activity": session,
    }


# --- Read-only, public ---------------------------------------------------------------


def test_every_list_opens_without_login(client, board):
    for name in LISTS:
        data = _get(client, _list(name))
        assert data["count"] >= 1, name
        assert {"count", "next", "previous", "results"} <= set(data)


def test_it_lists_only_what_is_public(client, board, tenant):
    names = [row["name"] for row in _get(client, _list("organization"))["results"]]
    assert tenant.org.name in names and board["gone"].name not in names
    rankings = _get(client, _list("ranking"))["results"]
    assert [r["id"] for r in rankings] == [board["ranking"].pk]
    for name, pk in (("organization", board["gone"].pk), ("ranking", board["draft"].pk)):
        assert client.get(_detail(name, pk)).status_code == 404
    assert client.get(reverse("api:ranking-rows", args=[board["draft"].pk])).status_code == 404
    Need.objects.filter(pk=board["need"].pk).update(status=ListingStatus.WITHDRAWN)
    Wish.objects.filter(pk=board["wish"].pk).update(status=WishStatus.WITHDRAWN)
    Session.objects.filter(pk=board["activity"].pk).update(activity=_draft_activity(tenant))
    for name in ("need", "wish", "activity"):
        assert _get(client, _list(name))["count"] == 0, name
        assert client.get(_detail(name, board[name].pk)).status_code == 404, name


def _draft_activity(tenant):
    from volunteering.services import activities

    return activities.activity_create(
        actor=tenant.leader,
        title="草稿活动",
        series="partner_day",
        organizer_kind="organization",
        organization=tenant.org,
        street=tenant.street,
        community=tenant.community,
        place="凯旋社区文化家园",
        capacity=5,
        recruit_until=timezone.now() + datetime.timedelta(days=1),
    )


def test_a_ranking_has_its_rows_in_order(client, board, tenant):
    ranking = _get(client, _detail("ranking", board["ranking"].pk))
    assert ranking["status"] == "final" and ranking["period"] == "2026-10"
    assert ranking["organizations"] == 2
    rows = _get(client, reverse("api:ranking-rows", args=[board["ranking"].pk]))["results"]
    assert [row["organization"] for row in rows] == [tenant.org.pk, tenant.other_org.pk]
    assert rows[0]["organization_name"] == tenant.org.name
    assert rows[0]["score"] == "99.00"
    assert rows[0]["dimension_scores"] == {
        "basics": "0.00",
        "party": "10.00",
        "activities": "0.00",
        "services": "89.00",
        "evaluation": "0.00",
        "credit": "0.00",
    }


def test_a_superseded_ranking_leaves_the_list_but_keeps_its_page(client, board, tenant, scheme):
    rerun = _ranking(
        tenant,
        scheme,
        datetime.date(2026, 10, 1),
        [tenant.other_org, tenant.org],
        supersedes=board["ranking"],
        reason="异议成立，重新计算",
        scope_kind=ScopeKind.STREET,
        scope_key="street",
    )
    assert [r["id"] for r in _get(client, _list("ranking"))["results"]] == [rerun.pk]
    old = _get(client, _detail("ranking", board["ranking"].pk))
    assert old["id"] == board["ranking"].pk
    assert _get(client, _detail("ranking", rerun.pk))["supersedes"] == board["ranking"].pk


def test_the_lists_filter_by_community(client, board, tenant):
    OrganizationFactory(community=tenant.other_community, name="二社区书画社")
    for name in ("organization", "need", "wish", "activity", "project"):
        mine = _get(client, _list(name), community=tenant.community.pk)["results"]
        assert mine and all(row["community"] == tenant.community.pk for row in mine), name
        theirs = _get(client, _list(name), community=tenant.other_community.pk)["results"]
        assert all(row["community"] == tenant.other_community.pk for row in theirs), name
    streetwide = _get(client, _list("ranking"), community=tenant.community.pk)
    assert streetwide["count"] == 0


def test_activities_filter_by_start_date(client, board):
    starts = timezone.localdate(board["activity"].starts_at)
    day = datetime.timedelta(days=1)
    assert _get(client, _list("activity"), **{"from": starts.isoformat()})["count"] == 1
    assert _get(client, _list("activity"), **{"from": (starts + day).isoformat()})["count"] == 0
    assert _get(client, _list("activity"), before=starts.isoformat())["count"] == 0
    assert _get(client, _list("activity"), before=(starts + day).isoformat())["count"] == 1


@pytest.mark.parametrize(
    "params",
    [
        {"community": "abc"},
        {"community": "0"},
        {"community": str(2**31)},
        {"from": "2026-13-01"},
        {"before": "next week"},
    ],
)
def test_a_bad_filter_is_a_400_that_names_it(client, board, params):
    response = client.get(_list("activity"), params, HTTP_ACCEPT="application/json")
    assert response.status_code == 400
    assert set(response.json()) == set(params)


def test_a_bad_ranking_filter_is_a_400(client, board):
    response = client.get(_list("ranking"), {"period_kind": "week"})
    assert response.status_code == 400 and "period_kind" in response.json()


def test_missing_ids_are_404(client, board):
    for name in LISTS:
        for pk in (2_000_000_000, 2**31, 10**12):
            response = client.get(_detail(name, pk), HTTP_ACCEPT="application/json")
            assert response.status_code == 404, (name, pk)
    assert client.get("/api/v1/organizations/abc/").status_code == 404
    assert client.get(reverse("api:ranking-rows", args=[2**31])).status_code == 404


def test_writes_are_refused_with_405(board):
    client = Client(enforce_csrf_checks=True)
    for name in LISTS:
        for url in (_list(name), _detail(name, board[name].pk)):
            for method in ("post", "put", "patch", "delete"):
                response = getattr(client, method)(url, data="{}", content_type="application/json")
                assert response.status_code == 405, (method, url, response.status_code)
    assert Organization.objects.filter(pk=board["organization"].pk).exists()


def test_head_and_options_answer(client, board):
    assert client.head(_list("organization")).status_code == 200
    assert client.options(_list("organization")).status_code == 200


# --- Nothing personal ----------------------------------------------------------------


@pytest.mark.parametrize("serializer", list(ALLOWED), ids=lambda s: s.__name__)
def test_each_serializer_prints_only_its_allow_list(serializer):
    assert set(serializer().fields) == ALLOWED[serializer]
    meta = getattr(serializer, "Meta", None)
    if meta is not None:
        assert meta.fields != "__all__" and not hasattr(meta, "exclude")


def test_no_endpoint_prints_stored_personal_data(client, board):
    urls = [reverse("api:api-root"), reverse("api:ranking-rows", args=[board["ranking"].pk])]
    for name in LISTS:
        urls += [_list(name), _detail(name, board[name].pk)]
    for url in urls:
        text = json.dumps(_get(client, url), ensure_ascii=False)
        for personal in PERSONAL:
            assert personal not in text, (url, personal)
    resources = _get(client, _list("resource"))["results"]
    comrade = next(r for r in resources if r["provider_kind"] == "party_member")
    assert comrade["provider"] in ("Party member", "党员")
    wish = _get(client, _detail("wish", board["wish"].pk))
    assert wish["alias"] == "王奶奶"
    org = _get(client, _detail("organization", board["organization"].pk))
    assert (org["grade"], org["uscc"]) == ("4A", USCC)


# --- Constant queries ----------------------------------------------------------------


def _add_organizations(tenant, scheme, n):
    OrganizationFactory.create_batch(n, community=tenant.community)


def _add_rankings(tenant, scheme, n):
    start = Ranking.objects.count()
    for i in range(start, start + n):
        _ranking(tenant, scheme, datetime.date(2000 + i // 12, i % 12 + 1, 1), [tenant.org])


def _add_ranking_rows(tenant, scheme, n):
    ranking = Ranking.objects.filter(street=tenant.street).first()
    if ranking is None:
        ranking = _ranking(tenant, scheme, datetime.date(2026, 10, 1), [])
    rank = ranking.rows.count()
    orgs = OrganizationFactory.create_batch(n, community=tenant.community)
    RankingRow.objects.bulk_create(
        RankingRow(
            ranking=ranking,
            organization=org,
            rank=rank + i,
            score=Decimal(i),
            raw_score=Decimal(i),
            dimension_scores={"basics": "1.00"},
        )
        for i, org in enumerate(orgs, start=1)
    )
    return ranking


def _category():
    return Category.objects.get(code="elderly-meal")


def _add_needs(tenant, scheme, n):
    Need.objects.bulk_create(
        Need(
            community=tenant.community,
            title=f"需求{i}",
            category=_category(),
            target_group=TargetGroup.ELDERLY,
            window_start=datetime.date(2026, 12, 1),
            window_end=datetime.date(2026, 12, 31),
            source="home_visit",
            estimated_value=Decimal(100),
            status=ListingStatus.LISTED,
        )
        for i in range(n)
    )


def _add_resources(tenant, scheme, n):
    partner = listings_partner(tenant)
    Resource.objects.bulk_create(
        Resource(
            street=tenant.street,
            provider_kind=(ProviderKind.PARTNER_UNIT, ProviderKind.ORGANIZATION)[i % 2],
            partner_unit=partner if i % 2 == 0 else None,
            organization=tenant.org if i % 2 else None,
            title=f"资源{i}",
            category=_category(),
            status=ListingStatus.LISTED,
            listed_at=timezone.now(),
        )
        for i in range(n)
    )


def listings_partner(tenant):
    from marketplace.models import PartnerUnit

    return PartnerUnit.objects.get_or_create(street=tenant.street, name="a共建单位")[0]


def _add_projects(tenant, scheme, n):
    Project.objects.bulk_create(
        Project(
            community=tenant.community,
            title=f"项目{i}",
            category=_category(),
            starts_on=datetime.date(2026, 12, 1),
            ends_on=datetime.date(2027, 1, 31),
            status=ProjectStatus.MATCHED,
            matched_at=timezone.now(),
        )
        for i in range(n)
    )


def _add_wishes(tenant, scheme, n):
    Wish.objects.bulk_create(
        Wish(
            community=tenant.community,
            alias=f"小林{i}",
            age_band="child",
            target_group=TargetGroup.CHILDREN,
            category=_category(),
            title=f"一套文具{i}",
            value=Decimal(50),
            status=WishStatus.PUBLISHED,
            collected_on=datetime.date(2026, 12, 1),
            published_at=timezone.now(),
        )
        for i in range(n)
    )


def _add_sessions(tenant, scheme, n):
    session = Session.objects.filter(activity__organization=tenant.org).first()
    if session is None:
        session = publish_activity(tenant)[1]
    Session.objects.bulk_create(
        Session(
            activity=session.activity,
            starts_at=session.starts_at + datetime.timedelta(days=i),
            ends_at=session.ends_at + datetime.timedelta(days=i),
        )
        for i in range(1, n + 1)
    )


GROWERS = {
    "api:organization-list": _add_organizations,
    "api:ranking-list": _add_rankings,
    "api:ranking-rows": _add_ranking_rows,
    "api:need-list": _add_needs,
    "api:resource-list": _add_resources,
    "api:project-list": _add_projects,
    "api:wish-list": _add_wishes,
    "api:activity-list": _add_sessions,
}


def _url(name, tenant, scheme):
    if name == "api:ranking-rows":
        return reverse(name, args=[_add_ranking_rows(tenant, scheme, 0).pk])
    return reverse(name)


@pytest.mark.parametrize("name", sorted(GROWERS))
def test_a_page_takes_the_same_queries_for_more_rows(
    client, tenant, scheme, name, django_assert_max_num_queries
):
    grow = GROWERS[name]
    grow(tenant, scheme, 2)
    url = _url(name, tenant, scheme)
    with CaptureQueriesContext(connection) as few:
        assert len(_get(client, url)["results"]) >= 2
    # A count and a page; the rows' relations are joined, never loaded one by one.
    assert len(few) <= 3, "\n".join(q["sql"] for q in few.captured_queries)
    grow(tenant, scheme, 30)
    cache.clear()  # answers are cached for a minute
    with django_assert_max_num_queries(len(few)):
        assert len(_get(client, url)["results"]) >= 32


def test_a_crowd_costs_one_set_of_queries_per_page_and_minute(client, board):
    urls = [_list(name) for name in LISTS] + [_detail(name, board[name].pk) for name in LISTS]
    urls.append(reverse("api:ranking-rows", args=[board["ranking"].pk]))
    first = {url: _get(client, url) for url in urls}
    with CaptureQueriesContext(connection) as again:
        for url in urls:
            assert _get(client, url) == first[url]
            # Spelled otherwise, with an unknown parameter: the same answer, the same entry.
            assert _get(client, url, page="01", utm_source="x") == first[url]
    assert len(again) == 0, "\n".join(q["sql"] for q in again.captured_queries)
    # Another page size is another answer.
    assert _get(client, _list("organization"), page_size=1)["results"] != []


def test_a_page_holds_50_rows_and_at_most_200(client, tenant, scheme):
    _add_wishes(tenant, scheme, 210)
    assert len(_get(client, _list("wish"))["results"]) == 50
    assert len(_get(client, _list("wish"), page_size=500)["results"]) == 200
    assert _get(client, _list("wish"), page=5)["next"] is None


# --- Throttling ----------------------------------------------------------------------


def test_a_client_over_the_rate_gets_429(client, board, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/min"},
    }
    url = _list("organization")
    for _ in range(3):
        assert client.get(url).status_code == 200
    refused = client.get(url)
    assert refused.status_code == 429
    assert "Retry-After" in refused.headers
    # Another address has its own budget.
    assert client.get(url, REMOTE_ADDR="10.0.0.9").status_code == 200


def test_a_forged_forwarded_for_does_not_reset_the_budget(client, board, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "2/min"},
    }
    url = _list("need")
    codes = [client.get(url, HTTP_X_FORWARDED_FOR=f"203.0.113.{i}").status_code for i in range(3)]
    assert codes == [200, 200, 429]


# --- Schema and docs -----------------------------------------------------------------


def test_the_schema_lists_every_endpoint(client):
    response = client.get(reverse("api:schema"), {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    from drf_spectacular.validation import validate_schema

    validate_schema(schema)
    for path in (
        "/api/v1/organizations/",
        "/api/v1/organizations/{id}/",
        "/api/v1/rankings/",
        "/api/v1/rankings/{id}/",
        "/api/v1/rankings/{id}/rows/",
        "/api/v1/needs/",
        "/api/v1/resources/",
        "/api/v1/projects/",
        "/api/v1/wishes/",
        "/api/v1/activities/",
        "/api/v1/activities/{id}/",
    ):
        assert set(schema["paths"][path]) == {"get"}, path


def test_the_schema_builds_without_warnings(tmp_path):
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml")
    )
    assert "/api/v1/rankings/{id}/rows/" in (tmp_path / "schema.yml").read_text()


def test_the_docs_page_loads_nothing_from_outside_and_no_inline_script(client):
    response = client.get(reverse("api:docs"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "http://" not in html and "https://" not in html
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "<script>" not in html
    script = client.get(reverse("api:docs"), {"script": ""})
    assert script.status_code == 200
    assert script.headers["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()
