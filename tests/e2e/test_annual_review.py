"""The annual review as its people live it, in a real browser: the leader fills the form
and submits it with an attachment; staff return it with a comment; the leader revises and
resubmits; an evaluator scores; staff finalize and download the printed report, whose
text is checked."""

import datetime
import subprocess

import pytest
from django.utils import timezone

from evaluation.models import Review
from tests.e2e.conftest import with_password
from tests.evaluation.helpers import make_cycle, make_evaluators, make_org

pytestmark = pytest.mark.e2e

# Fill every number input of a form at a share of its maximum (the browser enforces max).
FILL_AT_SHARE = """([selector, share]) => document.querySelectorAll(selector).forEach(input => {
    input.value = (parseFloat(input.max) * share).toFixed(1);
})"""


def test_review_submit_return_resubmit_score_finalize_print(journey, tenant, tmp_path):
    today = timezone.localdate()
    make_cycle(
        tenant.street,
        year=today.year,
        opens_on=today - datetime.timedelta(days=20),
        deadline=today + datetime.timedelta(days=20),
    )
    # The leader runs this one organization (the fixture's filed one is taken away), so
    # the portal offers exactly one review to start.
    tenant.org.leader_accounts.remove(tenant.leader)
    org = make_org(tenant, name="凯旋邻里互助服务社", leader=tenant.leader)
    expert = make_evaluators(tenant)["expert"]
    expert.full_name = "赵专家"
    expert.save()
    for user in (tenant.leader, tenant.street_admin, expert):
        with_password(user)
    summary = tmp_path / "年度工作总结.pdf"
    summary.write_bytes(b"%PDF-1.4\n% kaiyihui e2e\n")
    page = journey.page

    # 1. The leader starts, fills and submits the review with an attachment.
    journey.login(tenant.leader.username)
    journey.go("/evaluation/")
    journey.shot("leader reviews")
    page.click("form[action*='/evaluation/start/'] button.primary")
    page.wait_for_load_state()
    page.fill("textarea[name=work_summary]", "全年开展邻里互助活动48场,服务居民1200人次。")
    page.fill("textarea[name=activities_held]", "邻里互助日\n重阳敬老宴")
    page.fill("textarea[name=party_section]", "联合党支部覆盖,每月开展主题党日。")
    page.fill("input[name=income]", "86000.00")
    page.fill("input[name=expenditure]", "79500.50")
    page.fill("input[name=net_assets]", "21000.00")
    page.fill("input[name=staff_count]", "3")
    page.fill("input[name=volunteer_count]", "25")
    page.evaluate(FILL_AT_SHARE, ["input[name^=sa_]", 0.9])
    page.click("button[value=save]")
    page.wait_for_load_state()
    journey.shot("draft saved")
    page.set_input_files("input[name=attachment]", str(summary))
    page.click("button[value=attach]")
    # The upload script sends the form, then loads the page again: wait for the file.
    page.wait_for_selector("a:has-text('年度工作总结.pdf')")
    page.wait_for_load_state()
    assert page.locator("text=年度工作总结.pdf").count() == 1
    page.click("button[value=submit]")
    page.wait_for_load_state()
    journey.shot("submitted")
    review = Review.objects.get(organization=org)
    assert review.status == "submitted"

    # 2. Staff return it with a comment.
    journey.logout()
    journey.login(tenant.street_admin.username)
    journey.go(f"/evaluation/reviews/{review.pk}/")
    page.fill("form[action*='/return/'] textarea[name=comment]", "请补充志愿者服务时长。")
    page.click("form[action*='/return/'] button[type=submit]")
    page.wait_for_load_state()
    journey.shot("returned by staff")
    review.refresh_from_db()
    assert review.status == "returned"

    # 3. The leader sees the comment, revises and resubmits.
    journey.logout()
    journey.login(tenant.leader.username)
    journey.go(f"/evaluation/reviews/{review.pk}/")
    assert page.locator("text=请补充志愿者服务时长。").count() == 1
    page.fill("textarea[name=work_summary]", "全年开展邻里互助活动48场,志愿服务3600小时。")
    page.click("button[value=submit]")
    page.wait_for_load_state()
    journey.shot("resubmitted")
    review.refresh_from_db()
    assert review.status == "submitted" and review.versions.count() == 2

    # 4. Staff assign the expert; the expert scores.
    journey.logout()
    journey.login(tenant.street_admin.username)
    journey.go(f"/evaluation/reviews/{review.pk}/")
    page.select_option("select[name=evaluator]", str(expert.pk))
    page.select_option("select[name=group]", "expert")
    page.click("form[action*='/assign/'] button[type=submit]")
    page.wait_for_load_state()
    journey.logout()
    journey.login(expert.username)
    journey.go("/evaluation/assignments/")
    journey.shot("expert assignments")
    page.click(f"a[href*='/evaluation/assignments/']:has-text('{org.name}')")
    page.wait_for_load_state()
    page.evaluate(FILL_AT_SHARE, ["form.panel input[type=number]", 0.85])
    page.fill("textarea[name=comment]", "党建引领作用突出,服务成效明显。")
    page.click("button[value=submit]")
    page.wait_for_load_state()
    journey.shot("scores submitted")

    # 5. Staff finalize and download the printed report.
    journey.logout()
    journey.login(tenant.street_admin.username)
    journey.go(f"/evaluation/reviews/{review.pk}/")
    page.click("form[action*='/finalize/'] button[type=submit]")
    page.wait_for_load_state()
    journey.shot("finalized")
    review.refresh_from_db()
    assert review.status == "finalized" and review.grade
    with page.expect_download() as download_info:
        page.click("a[href$='/report.pdf']")
    pdf = tmp_path / "report.pdf"
    download_info.value.save_as(pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True
    ).stdout.decode()
    assert org.name in text
    assert str(review.total) in text
    assert review.grade in text
    assert "党建引领作用突出" in text
