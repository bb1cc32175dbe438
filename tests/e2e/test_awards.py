"""评选 end to end: a leader self-nominates their organization on a phone with a file of
materials, the street's staff start the panel's scoring, a judge scores, the staff
publish the result for public notice, a person of the street objects and the staff
dismiss it with a reason, and after the notice closing the campaign makes the honour and
moves the organization into the lifecycle's 评选 stage."""

import datetime

import pytest
from django.utils import timezone

from awards.models import Campaign, Honour, Nomination, Objection
from awards.services.panel import judge_assign
from awards.workflows import CampaignStatus, ObjectionStatus
from incubation.workflows import Stage
from tests.awards.conftest import PDF, eligible, make_campaign
from tests.e2e.conftest import with_password

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def _admin_action(journey, action, campaign):
    page = journey.go("/admin/awards/campaign/")
    page.check(f"input[name=_selected_action][value='{campaign.pk}']")
    page.select_option("select[name=action]", action)
    page.click("button[name=index]")
    page.wait_for_load_state()
    campaign.refresh_from_db()
    return page


def test_a_campaign_from_self_nomination_to_honour(journey, tenant):
    today = timezone.localdate()
    leader = with_password(tenant.leader)
    staff = with_password(tenant.street_admin)
    judge = with_password(tenant.evaluator)
    resident = with_password(tenant.party_worker)
    eligible(tenant.org)
    campaign = make_campaign(
        tenant,
        nominations_open_on=today - datetime.timedelta(days=1),
        nominations_close_on=today + datetime.timedelta(days=10),
    )
    judge_assign(campaign=campaign, judge=judge, actor=staff)

    # The leader nominates their organization from a phone, with materials.
    journey.page.set_viewport_size(PHONE)
    journey.login(leader.username)
    page = journey.go("/awards/")
    page.click(f"a[href$='/awards/campaigns/{campaign.pk}/']")
    page.click(f"a[href$='/awards/campaigns/{campaign.pk}/nominate/']")
    page.fill("textarea[name=statement]", "三年来为独居老人助餐三千余人次")
    page.set_input_files(
        "input[name=material]",
        files=[{"name": "事迹材料.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    journey.shot("nomination")
    page.click("form button.primary")
    page.wait_for_load_state()
    nomination = Nomination.objects.get(campaign=campaign)
    assert page.url.endswith(f"/awards/nominations/{nomination.pk}/")
    assert nomination.materials.count() == 1
    journey.logout()

    # The street's staff start the panel's scoring.
    journey.page.set_viewport_size(DESKTOP)
    journey.login(staff.username)
    _admin_action(journey, "start_scoring", campaign)
    assert campaign.status == CampaignStatus.SCORING
    journey.logout()

    # The judge scores on their panel page.
    journey.login(judge.username)
    page = journey.go(f"/awards/judge/{campaign.pk}/")
    page.fill(f"#score-{nomination.pk}-points", "92")
    page.click(f"form[action$='/judge/nominations/{nomination.pk}/score/'] button")
    page.wait_for_load_state()
    journey.shot("scored")
    assert nomination.scores.get().points == 92
    journey.logout()

    # The staff publish the result for public notice.
    journey.login(staff.username)
    _admin_action(journey, "publish_notice", campaign)
    assert campaign.status == CampaignStatus.NOTICE
    journey.logout()

    # A person of the street objects during the notice.
    journey.login(resident.username)
    page = journey.go(f"/awards/campaigns/{campaign.pk}/")
    page.click(f"a[href$='/awards/nominations/{nomination.pk}/object/']")
    page.fill("textarea[name=reason]", "助餐人次与台账不符")
    page.click("form button.primary")
    page.wait_for_load_state()
    objection = Objection.objects.get()
    journey.logout()

    # The staff dismiss it with a reason.
    journey.login(staff.username)
    page = journey.go(f"/admin/awards/objection/{objection.pk}/change/")
    page.select_option("select[name=decision]", "dismissed")
    page.fill("textarea[name=decision_reason]", "经核对台账，人次属实")
    page.click("input[name=_save]")
    page.wait_for_load_state()
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.DISMISSED

    # The notice runs out; closing makes the honour and moves the stage.
    Campaign.objects.filter(pk=campaign.pk).update(
        notice_ends_on=today - datetime.timedelta(days=1)
    )
    page = _admin_action(journey, "close", campaign)
    assert campaign.status == CampaignStatus.CLOSED
    page = journey.go("/admin/awards/honour/")
    journey.shot("honours")
    assert "年度优秀社会组织" in page.content()
    honour = Honour.objects.get()
    assert honour.organization == tenant.org
    tenant.org.refresh_from_db()
    assert tenant.org.stage == Stage.AWARDS
