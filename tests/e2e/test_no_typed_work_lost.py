"""No typed work lost (issue 14), in a real browser: a grant draft saved untouched keeps
its dates and can still be submitted; a leader who adds an attachment to the annual
review keeps what they typed, sees the upload progress, can remove the file again, and
is warned before leaving the page with unsaved changes. Leaders only sign in here."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from funding.models import Application
from tests.e2e.conftest import with_password
from tests.evaluation.helpers import make_cycle, make_org
from tests.funding.factories import make_call, make_draft, make_eligible

pytestmark = pytest.mark.e2e

SUBMIT_GRANT = "form[action$='/submit/'] button.primary"


def test_a_grant_draft_saved_untouched_keeps_its_dates(journey, tenant):
    call = make_call(tenant)
    org = make_eligible(tenant.org)
    app = make_draft(call, org, tenant.leader)
    starts, ends = app.starts_on, app.ends_on
    with_password(tenant.leader)
    page = journey.page

    journey.login(tenant.leader.username)
    journey.go(f"/funding/applications/{app.pk}/")
    assert page.locator(SUBMIT_GRANT).count() == 1
    journey.go(f"/funding/applications/{app.pk}/edit/")
    # What the browser shows is what was saved (2027/03/01 used to show as empty).
    assert page.input_value("input[name=starts_on]") == starts.isoformat()
    assert page.input_value("input[name=ends_on]") == ends.isoformat()
    journey.shot("draft form untouched")
    page.click("form[data-unsaved-warning] button.primary")
    page.wait_for_load_state()
    journey.shot("draft saved untouched")
    app = Application.objects.get(pk=app.pk)
    assert (app.starts_on, app.ends_on) == (starts, ends)
    assert app.requested_amount == Decimal("20000")
    assert page.locator(SUBMIT_GRANT).count() == 1


def _open_review(journey, tenant):
    today = timezone.localdate()
    make_cycle(
        tenant.street,
        year=today.year,
        opens_on=today - datetime.timedelta(days=20),
        deadline=today + datetime.timedelta(days=20),
    )
    tenant.org.leader_accounts.remove(tenant.leader)
    make_org(tenant, name="凯旋邻里互助服务社", leader=tenant.leader)
    with_password(tenant.leader)
    journey.login(tenant.leader.username)
    journey.go("/evaluation/")
    journey.page.click("form[action*='/evaluation/start/'] button.primary")
    journey.page.wait_for_load_state()


def test_a_leader_adds_and_removes_an_attachment_without_losing_text(journey, tenant, tmp_path):
    summary = tmp_path / "年度工作总结.pdf"
    # Large enough for the progress bar to have something to show.
    summary.write_bytes(b"%PDF-1.4\n" + b"% kaiyihui e2e\n" * 40000)
    page = journey.page
    _open_review(journey, tenant)

    text = "全年开展邻里互助活动48场,服务居民1200人次。"
    page.fill("textarea[name=work_summary]", text)
    page.fill("input[name=staff_count]", "3")
    page.set_input_files("input[name=attachment]", str(summary))
    journey.shot("typed and chose a file")
    # The upload goes through the progress script (XMLHttpRequest), then the page reloads.
    with page.expect_response(
        lambda r: (
            r.request.method == "POST"
            and r.request.headers.get("x-requested-with") == "XMLHttpRequest"
        )
    ) as answer:
        page.click("button[value=attach]")
    assert answer.value.headers["content-type"] == "application/json"
    page.wait_for_selector("a:has-text('年度工作总结.pdf')")
    page.wait_for_load_state()
    journey.shot("attachment added")
    assert page.input_value("textarea[name=work_summary]") == text
    assert page.input_value("input[name=staff_count]") == "3"
    assert page.locator(".msg-success").count() >= 1

    page.fill("textarea[name=work_summary]", text + "补充一句。")
    with page.expect_navigation():
        page.click("button[name=remove]")
    page.wait_for_load_state()
    journey.shot("attachment removed")
    assert page.locator("a:has-text('年度工作总结.pdf')").count() == 0
    assert page.input_value("textarea[name=work_summary]") == text + "补充一句。"


def test_it_warns_before_leaving_a_review_with_unsaved_changes(journey, tenant):
    page = journey.page
    _open_review(journey, tenant)
    dialogs = []

    def answer(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()  # stay on the page

    page.on("dialog", answer)
    page.click("textarea[name=work_summary]")
    page.keyboard.type("还没保存的文字")
    page.click("a[href='/evaluation/']")
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]
    assert page.input_value("textarea[name=work_summary]") == "还没保存的文字"
    # Saving is not leaving unsaved work: no warning.
    page.click("button[value=save]")
    page.wait_for_load_state()
    assert dialogs == ["beforeunload"]
