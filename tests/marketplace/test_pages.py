"""The marketplace's pages: the staff board, a need's matches, collecting a wish, the
public wall; the reminders and the nightly sweep."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from marketplace import reminders
from marketplace.choices import ProviderKind
from marketplace.models import Category, Need, Project, Wish, WishBeneficiary
from marketplace.services import listings
from marketplace.services.claims import claim_create
from marketplace.workflows import ProjectStatus, WishStatus
from notifications.models import Notification
from tests.factories import UserFactory
from tests.marketplace.test_claims import _managed, _need, _wish


def _resource(tenant, category, n=1):
    resource = listings.resource_create(
        street=tenant.street,
        actor=tenant.street_admin,
        provider_kind=ProviderKind.VOLUNTEER_TEAM,
        team_name=f"志愿队{n}",
        title=f"服务{n}",
        category=category,
        capacity_per_month=4,
        communities=[tenant.community],
    )
    return listings.resource_review(resource=resource, actor=tenant.street_admin, approved=True)


def test_staff_board_lists_open_work_in_constant_queries(tenant, client, count_queries):
    client.force_login(tenant.community_staff)
    _need(tenant)
    url = reverse("marketplace:board")
    client.get(url)
    with count_queries() as few:
        assert client.get(url).status_code == 200
    for n in range(6):
        _need(tenant, title=f"需求{n}")
        _wish(tenant, title=f"心愿{n}")
    with count_queries() as many:
        client.get(url)
    assert many.count == few.count, many.dump()


def test_a_need_page_ranks_matches_and_one_click_matches(tenant, client):
    need = _need(tenant)
    resource = _resource(tenant, need.category)
    client.force_login(tenant.community_staff)
    page = client.get(reverse("marketplace:need", args=[need.pk])).content.decode()
    assert resource.title in page
    response = client.post(
        reverse("marketplace:need_match", args=[need.pk]), {"resource": resource.pk}
    )
    assert response.status_code == 302
    project = Project.objects.get(needs=need)
    assert project.status == ProjectStatus.MATCHED
    assert list(project.resources.all()) == [resource]


def test_another_communitys_staff_get_404_for_a_need(tenant, client):
    need = _need(tenant)
    stranger = UserFactory(
        username="c2-staff",
        role="community_staff",
        street=tenant.street,
        community=tenant.other_community,
    )
    client.force_login(stranger)
    assert client.get(reverse("marketplace:need", args=[need.pk])).status_code == 404
    response = client.post(reverse("marketplace:need_match", args=[need.pk]), {"resource": 1})
    assert response.status_code == 404


def test_staff_collect_a_wish_with_the_person_kept_apart(tenant, client):
    client.force_login(tenant.community_staff)
    category = Category.objects.get(code="goods-daily")
    data = {
        "community": tenant.community.pk,
        "alias": "陈爷爷",
        "age_band": "elder",
        "target_group": "elderly_alone",
        "category": category.pk,
        "title": "一把轮椅",
        "description": "",
        "value": "280",
        "collected_on": "2026-12-04",
        "name": "陈德明",
        "phone": "13912345678",
        "address": "凯旋路1号",
        "handover_contact": "网格员 13700000000",
    }
    response = client.post(reverse("marketplace:wish_collect"), data)
    assert response.status_code == 302, response.content.decode()
    wish = Wish.objects.get(title="一把轮椅")
    assert wish.status == WishStatus.COLLECTED
    assert WishBeneficiary.objects.get(wish=wish).name == "陈德明"
    # Too dear for a micro-wish: the form says so and nothing is stored.
    data.update(title="一台冰箱", value="1999")
    response = client.post(reverse("marketplace:wish_collect"), data)
    assert response.status_code == 200
    assert "300" in response.content.decode()
    assert not Wish.objects.filter(title="一台冰箱").exists()


def test_the_wall_is_public_and_cached(tenant, client, count_queries):
    _wish(tenant)
    url = reverse("marketplace:wish_wall")
    assert client.get(url).status_code == 200
    with count_queries() as cached:
        client.get(url)
    assert cached.count == 0, cached.dump()


def test_claim_deadline_reminder_goes_once(tenant):
    org = _managed(tenant.org)
    today = timezone.localdate()
    claim_create(item=_need(tenant), actor=tenant.leader, organization=org, today=today)
    later = today + datetime.timedelta(days=12)
    assert reminders.send_claim_deadline_reminders(later) == 1
    assert reminders.send_claim_deadline_reminders(later) == 0
    assert Notification.objects.filter(recipient=tenant.leader, kind="claim_deadline").exists()


def test_unclaimed_needs_are_escalated_once(tenant):
    need = _need(tenant)
    Need.objects.filter(pk=need.pk).update(listed_at=timezone.now() - datetime.timedelta(days=31))
    assert reminders.escalate_unclaimed_needs() == 1
    assert reminders.escalate_unclaimed_needs() == 0
    assert Notification.objects.filter(
        recipient=tenant.community_staff, kind="need_unclaimed"
    ).exists()


def test_funds_ledger_refuses_in_kind_without_description(tenant):
    from django.core.exceptions import ValidationError

    need = _need(tenant)
    project = listings.match_need(
        need=need, resource=_resource(tenant, need.category), actor=tenant.community_staff
    )
    with pytest.raises(ValidationError):
        listings.fund_commit(
            project=project,
            actor=tenant.community_staff,
            source="in_kind",
            funder="某超市",
            amount=Decimal("800"),
            committed_on=timezone.localdate(),
        )


def test_the_monthly_report_has_a_marketplace_section(tenant):
    from reporting.services import report_figures, report_sections

    org = _managed(tenant.org)
    need = _need(tenant)
    claim = claim_create(item=need, actor=tenant.leader, organization=org)
    from marketplace.services.claims import claim_transition
    from marketplace.workflows import ClaimStatus

    claim = claim_transition(claim=claim, to=ClaimStatus.IN_PROGRESS, actor=tenant.leader)
    claim = claim_transition(
        claim=claim, to=ClaimStatus.EVIDENCE_SUBMITTED, actor=tenant.leader, note="已完成"
    )
    claim_transition(claim=claim, to=ClaimStatus.CONFIRMED, actor=tenant.community_staff)
    today = timezone.localdate()
    start = today.replace(day=1)
    figures = report_figures(tenant.street, start, today)
    assert figures["marketplace"]["claims_confirmed"] == 1
    assert figures["marketplace"]["needs_listed"] == 1
    titles = [title for title, _rows in report_sections(figures)]
    assert any("凯益集市" in str(title) for title in titles)
    # A report stored before the marketplace existed still renders.
    del figures["marketplace"]
    assert not any("凯益集市" in str(title) for title, _rows in report_sections(figures))


PDF = b"%PDF-1.4\n%kaiyihui evidence\n"


def test_the_claimant_attaches_evidence_and_strangers_cannot_read_it(tenant, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from marketplace.models import ClaimEvidence

    org = _managed(tenant.org)
    claim = claim_create(item=_need(tenant), actor=tenant.leader, organization=org)
    client.force_login(tenant.leader)
    url = reverse("marketplace:claim", args=[claim.pk])
    client.post(url, {"to": "in_progress"})
    upload = SimpleUploadedFile("签收单.pdf", PDF, content_type="application/pdf")
    response = client.post(url, {"to": "evidence_submitted", "note": "", "evidence": upload})
    assert response.status_code == 302
    evidence = ClaimEvidence.objects.get(claim=claim)
    assert evidence.original_name == "签收单.pdf"
    claim.refresh_from_db()
    assert claim.status == "evidence_submitted"  # the file alone is evidence enough
    download = reverse("marketplace:evidence", args=[evidence.pk])
    assert client.get(download).status_code == 200
    stranger = UserFactory(
        username="c2-staff-e",
        role="community_staff",
        street=tenant.street,
        community=tenant.other_community,
    )
    client.force_login(stranger)
    assert client.get(download).status_code == 404
    # A file that is not what it claims to be is refused in words, and nothing is stored.
    client.force_login(tenant.leader)
    fake = SimpleUploadedFile("photo.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    claim.refresh_from_db()
    response = client.post(url, {"evidence": fake}, follow=True)
    assert ClaimEvidence.objects.filter(claim=claim).count() == 1
