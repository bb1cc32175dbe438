"""凯益集市: needs verified and claimed, the one-winner race, wishes that never show the
person, figures from records."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse

from core.errors import ActionRefused
from incubation.models import Organization
from incubation.workflows import Stage
from marketplace import selectors
from marketplace.choices import FundSource, NeedSource, ProviderKind, TargetGroup
from marketplace.models import Category, Claim, Need, Resource
from marketplace.services import listings
from marketplace.services.claims import claim_create, claim_transition, expire_overdue_claims
from marketplace.services.wishes import wish_create, wish_transition
from marketplace.workflows import ClaimStatus, ListingStatus, ProjectStatus, WishStatus
from partybuilding.services.members import member_register_in_community
from tests.factories import OrganizationFactory, UserFactory
from tests.partybuilding.member_helpers import make_member, make_tree

TODAY = datetime.date(2026, 12, 4)


def _need(tenant, **overrides):
    fields = {
        "title": "独居老人助餐",
        "category": Category.objects.get(code="elderly-meal"),
        "target_group": TargetGroup.ELDERLY_ALONE,
        "window_start": TODAY,
        "window_end": TODAY + datetime.timedelta(days=30),
        "description": "每周三次送餐上门",
        "source": NeedSource.HOME_VISIT,
        "estimated_value": Decimal("600"),
    }
    fields.update(overrides)
    need = listings.need_create(community=tenant.community, actor=tenant.community_staff, **fields)
    return listings.need_review(need=need, actor=tenant.community_staff, verified=True)


def _managed(org):
    Organization.objects.filter(pk=org.pk).update(stage=Stage.MANAGEMENT)
    org.refresh_from_db()
    return org


def _wish(tenant, **overrides):
    fields = {
        "alias": "王奶奶",
        "age_band": "elder",
        "target_group": TargetGroup.ELDERLY_ALONE,
        "category": Category.objects.get(code="goods-daily"),
        "title": "一台电饭煲",
        "value": Decimal("199"),
        "collected_on": TODAY,
    }
    fields.update(overrides)
    person = {
        "name": "王秀英",
        "phone": "13900001111",
        "address": "凯旋路88号3幢402室",
        "id_number": "",
        "handover_contact": "网格员小李 13700002222",
        "photo_consent": False,
    }
    wish = wish_create(
        community=tenant.community, actor=tenant.community_staff, beneficiary=person, **fields
    )
    wish = wish_transition(wish=wish, to=WishStatus.VERIFIED, actor=tenant.community_staff)
    return wish_transition(wish=wish, to=WishStatus.PUBLISHED, actor=tenant.community_staff)


def test_need_is_claimed_delivered_confirmed_and_rated(tenant):
    org = _managed(tenant.org)
    need = _need(tenant)
    claim = claim_create(item=need, actor=tenant.leader, organization=org, today=TODAY)
    assert claim.deadline == TODAY + datetime.timedelta(days=14)
    claim = claim_transition(claim=claim, to=ClaimStatus.IN_PROGRESS, actor=tenant.leader)
    with pytest.raises(ActionRefused, match="Describe what was done|完成情况"):
        claim_transition(claim=claim, to=ClaimStatus.EVIDENCE_SUBMITTED, actor=tenant.leader)
    claim = claim_transition(
        claim=claim, to=ClaimStatus.EVIDENCE_SUBMITTED, actor=tenant.leader, note="送餐12次"
    )
    # The claimant cannot confirm their own delivery.
    with pytest.raises(ActionRefused):
        claim_transition(claim=claim, to=ClaimStatus.CONFIRMED, actor=tenant.leader)
    claim = claim_transition(claim=claim, to=ClaimStatus.CONFIRMED, actor=tenant.community_staff)
    claim = claim_transition(
        claim=claim, to=ClaimStatus.RATED, actor=tenant.community_staff, rating=5, note="准时"
    )
    assert claim.rating == 5
    assert [e.to_value for e in claim.events.order_by("created_at", "pk")] == [
        "claimed",
        "in_progress",
        "evidence_submitted",
        "confirmed",
        "rated",
    ]


def test_one_live_claim_per_item_unless_it_allows_several(tenant):
    org = _managed(tenant.org)
    other = _managed(OrganizationFactory(community=tenant.community, name="第二家组织"))
    other.leader_accounts.add(tenant.leader)
    need = _need(tenant)
    claim_create(item=need, actor=tenant.leader, organization=org)
    with pytest.raises(ActionRefused):
        claim_create(item=need, actor=tenant.leader, organization=other)
    roomy = _need(tenant, title="楼道清洁", max_claims=2)
    claim_create(item=roomy, actor=tenant.leader, organization=org)
    second = claim_create(item=roomy, actor=tenant.leader, organization=other)
    assert second.slot == 2
    # A cancelled claim frees its slot.
    claim = Claim.objects.get(need=need)
    claim_transition(claim=claim, to=ClaimStatus.CANCELLED, actor=tenant.leader)
    assert claim_create(item=need, actor=tenant.leader, organization=other).slot == 1


def test_who_may_not_claim_is_told_why(tenant):
    need = _need(tenant)
    org = tenant.org  # still in 登记
    with pytest.raises(ActionRefused) as refused:
        claim_create(item=need, actor=tenant.leader, organization=org)
    assert "onboarding" in refused.value.message or "入驻" in refused.value.message
    tree = make_tree(tenant)
    member = make_member(tree.branch, 1)
    member.account = UserFactory(username="member-1")
    member.save()
    with pytest.raises(ActionRefused) as refused:
        claim_create(item=need, actor=member.account, party_member=member)
    assert "社区报到" in refused.value.message
    member_register_in_community(
        member=member, community=tenant.community, actor=tenant.community_staff
    )
    claim = claim_create(item=need, actor=member.account, party_member=member)
    assert claim.party_member == member


def test_deadline_passes_and_the_sweep_frees_the_item(tenant):
    org = _managed(tenant.org)
    need = _need(tenant)
    claim = claim_create(item=need, actor=tenant.leader, organization=org, today=TODAY)
    with pytest.raises(ActionRefused):
        claim_transition(
            claim=claim,
            to=ClaimStatus.CANCELLED,
            actor=tenant.leader,
            today=TODAY + datetime.timedelta(days=15),
        )
    assert expire_overdue_claims(TODAY + datetime.timedelta(days=15)) == 1
    assert Claim.objects.get(pk=claim.pk).status == ClaimStatus.EXPIRED


def test_wish_goes_from_collected_to_fulfilled_and_the_wall_shows_nobody(tenant, client):
    org = _managed(tenant.org)
    wish = _wish(tenant)
    wall = client.get(reverse("marketplace:wish_wall"))
    html = wall.content.decode()
    assert "一台电饭煲" in html and "王奶奶" in html
    for personal in ("王秀英", "13900001111", "凯旋路88号", "13700002222", "小李"):
        assert personal not in html
    claim = claim_create(item=wish, actor=tenant.leader, organization=org)
    client.force_login(tenant.leader)
    page = client.get(reverse("marketplace:claim", args=[claim.pk])).content.decode()
    assert "13700002222" not in page  # not before staff accept
    # Staff accept; the claimant then sees the hand-over contact, never the person.
    claim_transition(claim=claim, to=ClaimStatus.IN_PROGRESS, actor=tenant.community_staff)
    page = client.get(reverse("marketplace:claim", args=[claim.pk])).content.decode()
    assert "13700002222" in page and "王秀英" not in page and "凯旋路88号" not in page
    claim_transition(
        claim=claim, to=ClaimStatus.EVIDENCE_SUBMITTED, actor=tenant.leader, note="已送达"
    )
    claim_transition(claim=claim, to=ClaimStatus.CONFIRMED, actor=tenant.community_staff)
    wish.refresh_from_db()
    assert wish.status == WishStatus.CONFIRMED
    assert selectors.marketplace_figures(street=tenant.street)["wishes_fulfilled"] == 1


def test_wish_value_is_capped(tenant):
    with pytest.raises(ActionRefused, match="300"):
        _wish(tenant, value=Decimal("300.01"))


def test_another_community_gets_404_for_a_claim(tenant, client):
    org = _managed(tenant.org)
    claim = claim_create(item=_need(tenant), actor=tenant.leader, organization=org)
    stranger = UserFactory(
        username="other-staff",
        role="community_staff",
        street=tenant.street,
        community=tenant.other_community,
    )
    client.force_login(stranger)
    assert client.get(reverse("marketplace:claim", args=[claim.pk])).status_code == 404


def test_matching_ranks_resources_with_reasons_and_figures_follow(tenant):
    need = _need(tenant)
    near = listings.resource_create(
        street=tenant.street,
        actor=tenant.street_admin,
        provider_kind=ProviderKind.VOLUNTEER_TEAM,
        team_name="爱心送餐队",
        title="送餐上门",
        category=need.category,
        capacity_per_month=3,
        communities=[tenant.community],
    )
    far = listings.resource_create(
        street=tenant.street,
        actor=tenant.street_admin,
        provider_kind=ProviderKind.VOLUNTEER_TEAM,
        team_name="街道志愿队",
        title="助老服务",
        category=Category.objects.get(code="elderly-home_care"),
        capacity_per_month=5,
    )
    for resource in (near, far):
        listings.resource_review(resource=resource, actor=tenant.street_admin, approved=True)
    candidates = selectors.match_candidates(need)
    assert [c.resource.pk for c in candidates] == [near.pk, far.pk]
    assert "same community" in candidates[0].reasons or "同社区" in candidates[0].reasons
    project = listings.match_need(
        need=need, resource=Resource.objects.get(pk=near.pk), actor=tenant.community_staff
    )
    assert project.status == ProjectStatus.MATCHED
    listings.fund_commit(
        project=project,
        actor=tenant.community_staff,
        source=FundSource.ENTERPRISE,
        funder="某银行凯旋支行",
        amount=Decimal("5000.00"),
        committed_on=TODAY,
    )
    figures = selectors.marketplace_figures(street=tenant.street)
    assert figures["projects_matched"] == 1
    assert figures["social_funds_raised"] == Decimal("5000.00")
    assert figures["needs_listed"] == 1 and figures["resources_listed"] == 2


def test_rejected_need_names_the_reason(tenant):
    need = listings.need_create(
        community=tenant.community,
        actor=tenant.community_staff,
        title="修水管",
        category=Category.objects.get(code="elderly-home_care"),
        target_group=TargetGroup.ELDERLY,
        window_start=TODAY,
        window_end=TODAY,
        description="厨房水管漏水",
        source=NeedSource.HOTLINE,
    )
    with pytest.raises(ActionRefused):
        listings.need_review(need=need, actor=tenant.community_staff, verified=False)
    need = listings.need_review(
        need=need, actor=tenant.community_staff, verified=False, reason="属物业维修范围"
    )
    assert need.status == ListingStatus.REJECTED


@pytest.mark.django_db(transaction=True)
def test_fifty_claimants_at_once_give_exactly_one_winner():
    if connection.vendor != "postgresql":
        pytest.skip("the race needs concurrent connections (PostgreSQL)")
    from tests.conftest import make_tenant

    tenant = make_tenant("race")
    need = _need(tenant)
    organizations = []
    for n in range(50):
        org = _managed(OrganizationFactory(community=tenant.community, name=f"抢单组织{n}"))
        org.leader_accounts.add(tenant.leader)
        organizations.append(org)
    barrier = threading.Barrier(50)
    outcomes = []

    def claim(org):
        try:
            barrier.wait()
            claim_create(item=Need.objects.get(pk=need.pk), actor=tenant.leader, organization=org)
            outcomes.append("won")
        except ActionRefused as refused:
            outcomes.append(refused.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=claim, args=(org,)) for org in organizations]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("won") == 1
    assert len(outcomes) == 50
    assert Claim.objects.filter(need=need).count() == 1
