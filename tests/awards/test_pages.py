"""The awards portal pages and the staff's admin: self-nomination that keeps typed work,
another organization's nomination is a 404, the judge's page, objections during the
notice, and every list in a number of queries that does not grow with its rows."""

import datetime

import pytest
from django.urls import reverse

from awards.models import AwardScore, Campaign, Nomination, Objection
from awards.services.campaigns import campaign_close
from awards.services.objections import objection_file
from awards.services.panel import judge_assign
from awards.workflows import NominationStatus, ObjectionStatus
from evaluation.models import ConflictDeclaration
from tests.awards.conftest import (
    TODAY,
    eligible,
    make_campaign,
    nominate,
    pdf,
    publish,
    score,
    to_scoring,
)
from tests.factories import OrganizationFactory, UserFactory, record_honour

AFTER_NOTICE = TODAY + datetime.timedelta(days=8)


def _orgs(tenant, n, start=0):
    return [
        eligible(OrganizationFactory(community=tenant.community, name=f"a志愿队{start + i}"))
        for i in range(n)
    ]


# --- Nominating from the portal ------------------------------------------------------------


def test_a_leader_nominates_their_organization_with_materials(client, tenant, campaign):
    eligible(tenant.org)
    client.force_login(tenant.leader)
    page = client.get(reverse("awards:campaign", args=[campaign.pk]))
    assert reverse("awards:nominate", args=[campaign.pk]) in page.content.decode()
    response = client.post(
        reverse("awards:nominate", args=[campaign.pk]),
        {"organization": tenant.org.pk, "statement": "三年服务独居老人", "material": pdf()},
    )
    nomination = Nomination.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("awards:nomination", args=[nomination.pk])
    assert nomination.nominated_as == "self" and nomination.materials.count() == 1


def test_a_refused_nomination_keeps_what_was_typed_and_says_why(client, tenant, campaign):
    eligible(tenant.org, grade="1A")
    client.force_login(tenant.leader)
    response = client.post(
        reverse("awards:nominate", args=[campaign.pk]),
        {"organization": tenant.org.pk, "statement": "三年服务独居老人"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "三年服务独居老人" in body
    assert "1A" in body and "3A" in body
    assert not Nomination.objects.exists()


def test_another_organizations_nomination_is_404_to_a_leader(client, tenant, campaign):
    nomination = nominate(campaign, eligible(tenant.other_org), tenant.street_admin)
    client.force_login(tenant.leader)
    assert client.get(reverse("awards:nomination", args=[nomination.pk])).status_code == 404
    own = nominate(campaign, eligible(tenant.org), tenant.leader)
    assert client.get(reverse("awards:nomination", args=[own.pk])).status_code == 200


def test_another_streets_campaign_is_404(client, tenant, outsider_tenant, campaign):
    client.force_login(outsider_tenant.leader)
    assert client.get(reverse("awards:campaign", args=[campaign.pk])).status_code == 404
    assert client.get(reverse("awards:nominate", args=[campaign.pk])).status_code == 404


# --- The judge's page ----------------------------------------------------------------------


def test_a_judge_scores_and_declares_a_conflict_from_the_page(client, tenant, campaign):
    first = nominate(campaign, eligible(tenant.org), tenant.street_admin)
    second = nominate(campaign, eligible(tenant.other_org), tenant.street_admin)
    to_scoring(campaign, tenant)
    client.force_login(tenant.evaluator)
    page = client.get(reverse("awards:judge_campaign", args=[campaign.pk]))
    assert page.status_code == 200
    client.post(reverse("awards:score", args=[first.pk]), {"points": "91", "comment": ""})
    assert AwardScore.objects.get(nomination=first).points == 91
    client.post(reverse("awards:conflict", args=[second.pk]), {"reason": "本人为会员"})
    assert ConflictDeclaration.objects.filter(organization=tenant.other_org).exists()
    client.post(reverse("awards:score", args=[second.pk]), {"points": "80"})
    assert not AwardScore.objects.filter(nomination=second).exists()


def test_the_materials_open_to_the_nominee_and_the_panel_only(client, tenant, campaign):
    nomination = nominate(campaign, eligible(tenant.org), tenant.leader, uploaded=pdf())
    url = reverse("awards:material", args=[nomination.materials.get().pk])
    client.force_login(tenant.evaluator)
    assert client.get(url).status_code == 404  # not on the panel yet
    to_scoring(campaign, tenant)
    assert client.get(url).status_code == 200
    client.force_login(tenant.leader)
    assert client.get(url).status_code == 200
    other = OrganizationFactory(community=tenant.community, name="a另一组织")
    other_leader = UserFactory(username="a-other-leader", role="org_leader", street=tenant.street)
    other.leader_accounts.add(other_leader)
    client.force_login(other_leader)
    assert client.get(url).status_code == 404


def test_the_judges_page_is_404_to_anyone_off_the_panel(client, tenant, campaign):
    nomination = nominate(campaign, eligible(tenant.org), tenant.street_admin)
    to_scoring(campaign, tenant)
    client.force_login(tenant.leader)
    assert client.get(reverse("awards:judge_campaign", args=[campaign.pk])).status_code == 404
    assert (
        client.post(reverse("awards:score", args=[nomination.pk]), {"points": "99"}).status_code
        == 404
    )


# --- Notice and objections -----------------------------------------------------------------


def _on_notice(tenant, campaign):
    nomination = nominate(campaign, eligible(tenant.org), tenant.street_admin)
    to_scoring(campaign, tenant)
    score(nomination, tenant.evaluator, 90)
    publish(campaign, tenant)
    return nomination


def test_a_signed_in_person_objects_during_the_notice(client, tenant, campaign):
    nomination = _on_notice(tenant, campaign)
    client.force_login(tenant.party_worker)
    page = client.get(reverse("awards:campaign", args=[campaign.pk]))
    assert reverse("awards:object", args=[nomination.pk]) in page.content.decode()
    response = client.post(reverse("awards:object", args=[nomination.pk]), {"reason": "材料不实"})
    assert response.status_code == 302
    assert Objection.objects.get().status == ObjectionStatus.PENDING


def test_staff_decide_an_objection_in_the_admin(client, tenant, campaign):
    nomination = _on_notice(tenant, campaign)
    objection = objection_file(nomination=nomination, actor=tenant.leader, reason="不服")
    client.force_login(tenant.street_admin)
    url = reverse("admin:awards_objection_change", args=[objection.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"decision": "upheld", "decision_reason": "经核实不符"})
    assert response.status_code == 302, response.content.decode()[:2000]
    objection.refresh_from_db()
    nomination.refresh_from_db()
    assert objection.status == ObjectionStatus.UPHELD
    assert nomination.status == NominationStatus.REVOKED


def test_staff_run_a_campaign_with_the_admin_actions(client, tenant):
    client.force_login(tenant.street_admin)
    url = reverse("admin:awards_campaign_add")
    data = {
        "street": tenant.street.pk,
        "title": "十佳公益项目",
        "year": 2026,
        "awardee_kind": "organization",
        "criteria": "项目成效",
        "party_criterion": "党建引领",
        "award_count": 1,
        "min_grade": "",
        "exclude_credit_listed": "on",
        "allowed_stages": ["management"],
        "require_party_checkpoint": "on",
        "nominations_open_on": "2026-11-20",
        "nominations_close_on": "2026-12-10",
        "notice_days": 7,
        **{
            f"{prefix}-{key}": 0
            for prefix in ("nominations", "judges", "events")
            for key in ("TOTAL_FORMS", "INITIAL_FORMS")
        },
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    campaign = Campaign.objects.get()
    assert campaign.allowed_stages == ["management"]
    changelist = reverse("admin:awards_campaign_changelist")
    client.post(changelist, {"action": "open_nominations", "_selected_action": [campaign.pk]})
    campaign.refresh_from_db()
    assert campaign.status == "nominating"
    nomination = nominate(campaign, eligible(tenant.org), tenant.street_admin)
    to_scoring(campaign, tenant)
    score(nomination, tenant.evaluator, 80)
    client.post(changelist, {"action": "publish_notice", "_selected_action": [campaign.pk]})
    campaign.refresh_from_db()
    assert campaign.status == "notice"
    change = client.get(reverse("admin:awards_campaign_change", args=[campaign.pk]))
    assert tenant.org.name in change.content.decode()  # the result, in order
    campaign_close(campaign=campaign, actor=tenant.street_admin, today=AFTER_NOTICE)
    honours = reverse("admin:awards_honour_changelist")
    assert "十佳公益项目" in client.get(honours).content.decode()


# --- Query counts --------------------------------------------------------------------------


def _measure(client, url, count_queries):
    with count_queries() as queries:
        response = client.get(url)
    assert response.status_code == 200
    return queries


def test_the_judges_list_takes_a_constant_number_of_queries(client, tenant, count_queries):
    client.force_login(tenant.evaluator)
    url = reverse("awards:judge_home")
    make_campaign(tenant, title="c0")
    judge_assign(campaign=Campaign.objects.get(), judge=tenant.evaluator, actor=tenant.street_admin)
    few = _measure(client, url, count_queries)
    for i in range(1, 5):
        more = make_campaign(tenant, title=f"c{i}")
        judge_assign(campaign=more, judge=tenant.evaluator, actor=tenant.street_admin)
    many = _measure(client, url, count_queries)
    assert "c4" in client.get(url).content.decode()
    assert many.count == few.count, many.dump()


@pytest.mark.parametrize("page", ["portal", "judge", "results", "admin"])
def test_lists_take_a_constant_number_of_queries(client, tenant, count_queries, page):
    small = make_campaign(tenant, award_count=2)
    large = make_campaign(tenant, title="十佳公益项目", award_count=2)
    for campaign, n in ((small, 2), (large, 7)):
        rows = [
            nominate(campaign, org, tenant.street_admin, uploaded=pdf())
            for org in _orgs(tenant, n, start=0 if campaign is small else 10)
        ]
        to_scoring(campaign, tenant)
        for row in rows:
            score(row, tenant.evaluator, 70 + rows.index(row))
        publish(campaign, tenant)
        objection_file(nomination=rows[-1], actor=tenant.leader, reason="x")
    if page == "portal":
        client.force_login(tenant.leader)
        url = reverse("awards:campaigns")
        few = _measure(client, url, count_queries)
        for i in range(3):  # more open campaigns, each with the leader's organization
            more = make_campaign(tenant, title=f"十佳公益项目{i}")
            nominate(more, eligible(tenant.org), tenant.leader)
        many = _measure(client, url, count_queries)
        assert "十佳公益项目2" in client.get(url).content.decode()
        assert many.count == few.count, many.dump()
        return
    if page == "judge":
        user = tenant.evaluator
        urls = [reverse("awards:judge_campaign", args=[c.pk]) for c in (small, large)]
    elif page == "results":
        user = tenant.party_worker
        urls = [reverse("awards:campaign", args=[c.pk]) for c in (small, large)]
    else:
        user = tenant.street_admin
        urls = [
            reverse(f"admin:awards_{m}_changelist")
            for m in ("campaign", "nomination", "judge", "objection", "honour")
        ]
    client.force_login(user)
    if page == "admin":
        for i, url in enumerate(urls):
            few = _measure(client, url, count_queries)
            for org in _orgs(tenant, 3, start=300 + 10 * i):
                more = make_campaign(tenant, title=f"c{org.pk}")
                nominate(more, org, tenant.street_admin)
                judge_assign(campaign=more, judge=tenant.evaluator, actor=tenant.street_admin)
                record_honour(org)
            many = _measure(client, url, count_queries)
            assert many.count == few.count, (url, many.dump())
        return
    few = _measure(client, urls[0], count_queries)
    many = _measure(client, urls[1], count_queries)
    assert many.count == few.count, many.dump()
