"""The portal on a phone (issue 14, item 5): the main pages at 390 × 844 pass axe-core
without a serious or critical violation, inputs are tall enough to tap and never make iOS
zoom, lists become cards, long forms go in steps and submitting for good asks first.

axe-core (MPL-2.0, tests/e2e/vendor/README.md) is injected into each page. The strict
CSP forbids any script but ours, so this context alone bypasses the CSP; the journeys in
the other files keep it and check that nothing was blocked."""

import datetime
from pathlib import Path

import pytest
from django.utils import timezone

from evaluation.choices import EvaluatorGroup
from evaluation.services.reviews import review_start, review_submit
from evaluation.services.scoring import assignment_create
from notifications.services import notify
from tests.e2e.conftest import PASSWORD, with_password
from tests.evaluation.helpers import fill, make_cycle, make_evaluators, make_org
from tests.funding.factories import make_call, make_draft, make_eligible

pytestmark = pytest.mark.e2e

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
PHONE = {"width": 390, "height": 844}
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations
    .filter(v => v.impact === "serious" || v.impact === "critical")
    .map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5)
      .map(n => n.target.join(" ") + " :: " + n.failureSummary)}));
}"""
# Every visible control of the page body (not the header's text links): height and font.
MEASURE_CONTROLS = """() => Array.from(document.querySelectorAll(
    "main input:not([type=hidden]):not([type=checkbox]):not([type=radio]),"
    + " main select, main textarea, main button"))
  .filter(e => e.offsetParent !== null && !e.classList.contains("link"))
  .map(e => ({name: e.name || e.textContent.trim(), h: e.getBoundingClientRect().height,
              font: parseFloat(getComputedStyle(e).fontSize)}))"""


@pytest.fixture
def phone(browser, live_server, transactional_db):
    context = browser.new_context(
        locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True, bypass_csp=True
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    dialogs: list[str] = []

    def answer(dialog):
        dialogs.append(dialog.message)
        dialog.accept()

    page.on("dialog", answer)
    page.dialogs = dialogs
    page.base_url = live_server.url
    yield page
    context.close()


def open_page(page, path: str):
    page.goto(page.base_url + path)
    page.wait_for_load_state()
    return page


def serious_violations(page) -> list:
    page.add_script_tag(path=str(AXE))
    return page.evaluate(RUN_AXE)


def login(page, username: str):
    open_page(page, "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button.primary")
    page.wait_for_load_state()


def leader_world(tenant):
    """A leader with one organization, a draft annual review, a draft grant application
    and an unread notification."""
    today = timezone.localdate()
    cycle = make_cycle(
        tenant.street,
        year=today.year,
        opens_on=today - datetime.timedelta(days=20),
        deadline=today + datetime.timedelta(days=20),
    )
    tenant.org.leader_accounts.remove(tenant.leader)
    org = make_org(tenant, name="凯旋邻里互助服务社", leader=tenant.leader)
    review = review_start(cycle=cycle, organization=org, actor=tenant.leader)
    call = make_call(tenant)
    application = make_draft(call, make_eligible(org), tenant.leader)
    notify(
        recipient=tenant.leader,
        kind="general",
        key="a11y",
        title="请于月底前提交年度评估",
        body="工作人员提醒",
        email=False,
    )
    with_password(tenant.leader)
    return org, review, call, application


def test_the_main_portal_pages_pass_axe_on_a_phone(phone, tenant):
    org, review, call, application = leader_world(tenant)
    found = {}
    open_page(phone, "/accounts/login/")
    found["login"] = serious_violations(phone)
    login(phone, tenant.leader.username)
    pages = {
        "home": "/",
        "organization": f"/organizations/{org.pk}/",
        "annual review form": f"/evaluation/reviews/{review.pk}/",
        "annual reviews": "/evaluation/",
        "grants": "/funding/",
        "call": f"/funding/calls/{call.pk}/",
        "application": f"/funding/applications/{application.pk}/",
        "application form": f"/funding/applications/{application.pk}/edit/",
        "notifications": "/notifications/",
    }
    for name, path in pages.items():
        response = phone.goto(phone.base_url + path)
        assert response.status == 200, (name, response.status)
        found[name] = serious_violations(phone)
    assert not {name: v for name, v in found.items() if v}, found


def test_the_evaluators_score_form_passes_axe_on_a_phone(phone, tenant):
    _org, review, _call, _application = leader_world(tenant)
    fill(review, tenant.leader)
    review = review_submit(review=review, actor=tenant.leader)
    expert = make_evaluators(tenant)[EvaluatorGroup.values[0]]
    assignment = assignment_create(
        review=review, evaluator=expert, group=EvaluatorGroup.values[0], actor=tenant.street_admin
    )
    with_password(expert)
    login(phone, expert.username)
    for path in ("/evaluation/assignments/", f"/evaluation/assignments/{assignment.pk}/"):
        assert phone.goto(phone.base_url + path).status == 200, path
        assert not serious_violations(phone), (path, serious_violations(phone))
    assert (
        phone.locator("table.stack tbody tr").first.evaluate("r => getComputedStyle(r).display")
        == "block"
    )


def test_inputs_are_tall_enough_and_never_zoom(phone, tenant):
    _org, review, _call, application = leader_world(tenant)
    login(phone, tenant.leader.username)
    for path in (
        f"/evaluation/reviews/{review.pk}/",
        f"/funding/applications/{application.pk}/edit/",
    ):
        open_page(phone, path)
        sizes = phone.evaluate(MEASURE_CONTROLS)
        assert sizes, path
        small = [s for s in sizes if s["h"] < 44 or s["font"] < 16]
        assert not small, (path, small)
        assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], path


def test_lists_become_cards_on_a_phone(phone, tenant):
    leader_world(tenant)
    login(phone, tenant.leader.username)
    open_page(phone, "/funding/")
    row = phone.locator("table.stack tbody tr").first
    assert row.evaluate("r => getComputedStyle(r).display") == "block"
    assert phone.locator("table.stack thead").evaluate("h => h.getBoundingClientRect().height") <= 1
    label = row.locator("td[data-label]").nth(1)
    assert label.evaluate("td => getComputedStyle(td, '::before').content") == '"项目名称"'


def test_the_annual_review_goes_in_steps_and_asks_before_submitting(phone, tenant):
    _org, review, _call, _application = leader_world(tenant)
    login(phone, tenant.leader.username)
    open_page(phone, f"/evaluation/reviews/{review.pk}/")
    steps = phone.locator("form[data-steps] fieldset.step")
    assert steps.count() == 3
    assert phone.locator(".step-progress .step-count").inner_text() == "第 1 步，共 3 步"
    assert [steps.nth(i).is_visible() for i in range(3)] == [True, False, False]
    phone.fill("textarea[name=work_summary]", "全年开展邻里互助活动48场。")
    phone.click(".step-next")
    assert [steps.nth(i).is_visible() for i in range(3)] == [False, True, False]
    assert phone.locator(".step-progress li.current").inner_text().endswith("自评")
    phone.click(".step-back")
    assert steps.nth(0).is_visible()
    # Submitting for good asks first (the fixture answers yes).
    phone.click("button[value=submit]")
    phone.wait_for_load_state()
    assert phone.dialogs and "提交年度评估" in phone.dialogs[-1]


def test_errors_come_back_at_the_top_and_the_first_field_is_focused(phone, tenant):
    _org, _review, _call, application = leader_world(tenant)
    login(phone, tenant.leader.username)
    open_page(phone, f"/funding/applications/{application.pk}/edit/")
    phone.click(".step-next")
    phone.fill("input[name=lines-0-amount]", "1")  # the lines no longer add up
    phone.click("button.primary")
    phone.wait_for_load_state()
    banner = phone.locator("main > .error-banner")
    assert banner.count() == 1 and "请更正" in banner.inner_text()
    # The error sits in the budget step: that step is shown, the rest hidden.
    steps = phone.locator("form[data-steps] fieldset.step")
    assert [steps.nth(i).is_visible() for i in range(2)] == [False, True]
    assert phone.evaluate("document.activeElement.closest('fieldset.step') !== null")


def test_without_javascript_the_whole_form_shows(browser, live_server, transactional_db, tenant):
    _org, review, _call, _application = leader_world(tenant)
    context = browser.new_context(locale="zh-CN", viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.base_url = live_server.url
    try:
        login(page, tenant.leader.username)
        open_page(page, f"/evaluation/reviews/{review.pk}/")
        steps = page.locator("form[data-steps] fieldset.step")
        assert steps.count() == 3
        assert all(steps.nth(i).is_visible() for i in range(3))
        assert page.locator(".step-progress").count() == 0
    finally:
        context.close()
