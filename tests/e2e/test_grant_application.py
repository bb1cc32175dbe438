"""A leader applies for a micro-venture grant in a real browser: the call, the eligibility
verdict, the form with budget lines (a wrong sum is refused in Chinese), then submit."""

import datetime

import pytest
from django.utils import timezone

from funding.models import Application
from tests.e2e.conftest import with_password
from tests.funding.factories import make_call, make_eligible

pytestmark = pytest.mark.e2e


def test_a_leader_applies_for_a_grant(journey, tenant):
    call = make_call(tenant)
    org = make_eligible(tenant.org)
    with_password(tenant.leader)
    today = timezone.localdate()
    page = journey.page

    journey.login(tenant.leader.username)
    journey.go("/funding/")
    journey.shot("grants home")
    page.click(f"a[href='/funding/calls/{call.pk}/']")
    page.wait_for_load_state()
    assert (
        page.locator("text=符合本次征集的申报条件").count()
        + page.locator("text=Eligible for this call.").count()
        >= 1
    )
    journey.shot("call and eligibility")
    page.fill("[name=title]", "邻里守望·独居老人关爱")
    page.click("form[action$='/apply/'] button.primary")
    page.wait_for_load_state()

    page.fill("[name=summary]", "每周探访独居老人,提供助餐、陪伴和安全检查。")
    page.fill("[name=beneficiaries]", "辖区独居老人")
    page.select_option("select[name=target_community]", str(org.community.pk))
    page.fill("[name=beneficiary_count]", "60")
    page.fill("input[name=starts_on]", (today + datetime.timedelta(days=40)).isoformat())
    page.fill("input[name=ends_on]", (today + datetime.timedelta(days=300)).isoformat())
    page.fill("input[name=requested_amount]", "20000")
    page.fill("input[name=lines-0-item]", "活动物料")
    page.fill("input[name=lines-0-amount]", "9000")
    page.fill("input[name=lines-1-item]", "志愿者培训")
    page.fill("input[name=lines-1-amount]", "10000")
    page.click("button.primary")
    page.wait_for_load_state()
    journey.shot("budget lines do not add up")
    assert page.locator("text=19,000").count() >= 1  # the error names the sum (19,000.00 元)

    page.fill("input[name=lines-0-amount]", "10000")
    page.click("button.primary")
    page.wait_for_load_state()
    journey.shot("draft saved")
    page.click("form[action$='/submit/'] button.primary")
    page.wait_for_load_state()
    journey.shot("submitted")
    application = Application.objects.get(organization=org, call=call)
    assert application.status == "submitted"
    assert application.requested_amount == 20000
