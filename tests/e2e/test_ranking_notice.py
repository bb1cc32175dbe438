"""A monthly ranking end to end: the street's staff compute last month's ranking (a job
with a progress page) and publish it for public notice; the leader of an organization
placed second objects from a phone with a file of evidence; the staff correct the source
record and uphold the objection, which re-runs the ranking into a new snapshot; the
leader reads the decision and the corrected place, and the public board shows it."""

import datetime

import pytest
from django.utils import timezone

from rankings.choices import PeriodKind, ScopeKind
from rankings.models import Objection, Ranking
from rankings.services.schemes import scheme_create, scheme_publish
from rankings.workflows import ObjectionStatus, RankingStatus
from tests.awards.conftest import PDF
from tests.e2e.conftest import with_password
from tests.marketplace.conftest import _categories  # noqa: F401  (the needs' categories)
from tests.rankings.conftest import confirm_claims

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def _last_month() -> datetime.date:
    first_of_this_month = timezone.localdate().replace(day=1)
    return (first_of_this_month - datetime.timedelta(days=1)).replace(day=1)


def test_staff_publish_a_monthly_ranking_and_answer_an_objection(journey, tenant):
    month = _last_month()
    scheme_publish(
        scheme_create(
            street=tenant.street, actor=tenant.street_admin, effective_from=month.replace(month=1)
        ),
        actor=tenant.street_admin,
    )
    staff = with_password(tenant.street_admin)
    leader = with_password(tenant.leader)
    # Last month: the other organization confirmed three claims, ours one (two were
    # delivered but never confirmed — what the objection is about).
    confirm_claims(tenant.other_org, 3, on=month)
    confirm_claims(tenant.org, 1, on=month)

    # Staff compute the month as a job and watch it finish.
    journey.login(staff.username)
    page = journey.go("/admin/rankings/ranking/")
    page.click("a[href$='/admin/rankings/ranking/compute/']")
    page.select_option("select[name=period_kind]", PeriodKind.MONTH)
    page.fill("input[name=period]", month.strftime("%Y-%m"))
    with page.expect_navigation():
        page.click("input[type=submit]")
    assert "/jobs/" in page.url
    page.wait_for_selector(".job-status:has-text('已完成')")
    journey.shot("computed")
    street_ranking = Ranking.objects.get(
        period_kind=PeriodKind.MONTH, period_start=month, scope_kind=ScopeKind.STREET
    )
    assert street_ranking.status == RankingStatus.COMPUTED
    assert street_ranking.rows.get(organization=tenant.other_org).rank == 1

    # ... and publish every scope of it for public notice.
    page = journey.go(f"/admin/rankings/ranking/?status__exact={RankingStatus.COMPUTED}")
    page.check("#action-toggle")
    page.select_option("select[name=action]", "publish_for_notice")
    with page.expect_navigation():
        page.click("button[name=index]")
    journey.shot("published")
    street_ranking.refresh_from_db()
    assert street_ranking.status == RankingStatus.NOTICE
    journey.logout()

    # The leader objects from a phone, with evidence, during the notice.
    journey.page.set_viewport_size(PHONE)
    journey.login(leader.username)
    page = journey.go("/rankings/notice/")
    page.click(f"a[href$='/rankings/notice/{street_ranking.pk}/{tenant.org.pk}/']")
    page.wait_for_load_state()
    page.fill("textarea[name=text]", f"{month:%m}月还有两次助餐服务已完成，社区未确认")
    page.set_input_files(
        "input[name=evidence]",
        files=[{"name": "服务签到表.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    journey.shot("objection")
    with page.expect_navigation():
        page.click("form[action$='/object/'] button[type=submit]")
    journey.shot("filed")
    objection = Objection.objects.get()
    assert objection.status == ObjectionStatus.FILED
    assert objection.evidence.count() == 1
    assert journey.dialogs, "filing asks before it sends"
    journey.logout()

    # Staff confirm the two missed claims at the source, then uphold with a reason.
    confirm_claims(tenant.org, 3, on=month)
    journey.page.set_viewport_size(DESKTOP)
    journey.login(staff.username)
    page = journey.go("/admin/rankings/objection/")
    page.click(f"a[href$='/admin/rankings/objection/{objection.pk}/decide/']")
    page.check(f"input[name=outcome][value={ObjectionStatus.UPHELD}]")
    page.fill("textarea[name=reason]", "经核对签到表，两次服务漏确认，已补录")
    journey.shot("decide")
    with page.expect_navigation():
        page.click(".submit-row input[type=submit]")
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.UPHELD
    corrected = objection.rerun
    assert corrected.supersedes_id == street_ranking.pk
    assert corrected.status == RankingStatus.NOTICE
    assert corrected.rows.get(organization=tenant.org).rank == 1
    # The old snapshot keeps its rows.
    assert street_ranking.rows.get(organization=tenant.org).rank == 2
    journey.logout()

    # The leader reads the decision and follows it to the corrected place.
    journey.page.set_viewport_size(PHONE)
    journey.login(leader.username)
    page = journey.go(f"/rankings/notice/{street_ranking.pk}/{tenant.org.pk}/")
    assert "两次服务漏确认" in page.content()
    with page.expect_navigation():
        page.click(f"a[href$='/rankings/notice/{corrected.pk}/{tenant.org.pk}/']")
    journey.shot("corrected")
    assert page.url.endswith(f"/rankings/notice/{corrected.pk}/{tenant.org.pk}/")
    journey.logout()

    # A resident, no login: the board leads with the corrected ranking, ours first.
    page = journey.go("/")
    first = page.locator("#rankings table.ranking tbody tr").first
    assert first.locator("td").first.inner_text().strip() == "1"
    assert tenant.org.name in first.inner_text()
    journey.shot("board")
