"""凯益集市 end to end: a community worker imports a needs list from Excel, verifies the
needs and publishes a batch; an organization's leader claims a need on the portal and
delivers; staff confirm and rate it — and the figures move. Then a wish goes from the
wall to fulfilled without the person's details ever reaching the claimant or the wall."""

import datetime

import pytest

from incubation.models import Organization
from incubation.workflows import Stage
from marketplace.categories import seed_default_categories
from marketplace.models import Claim, Need
from marketplace.selectors import marketplace_figures
from marketplace.workflows import ClaimStatus, ListingStatus
from tests.e2e.conftest import with_password
from tests.marketplace.test_claims import _wish
from tests.marketplace.test_excel import need_row, needs_file

pytestmark = pytest.mark.e2e


def _managed(org):
    Organization.objects.filter(pk=org.pk).update(stage=Stage.MANAGEMENT)


def test_a_needs_list_from_excel_to_a_rated_claim(journey, tenant, tmp_path):
    seed_default_categories()
    _managed(tenant.org)
    staff = with_password(tenant.community_staff)
    with_password(tenant.leader)
    path = tmp_path / "需求清单.xlsx"
    rows = [need_row(tenant.community, n) for n in (1, 2, 3)]
    path.write_bytes(needs_file(rows).getvalue())
    before = marketplace_figures(street=tenant.street)

    # The community worker imports the list collected on visits.
    journey.login(staff.username)
    page = journey.go("/admin/marketplace/need/")
    page.click('a[href$="import-excel/"]')
    page.set_input_files("input[type=file]", str(path))
    page.click("input[type=submit], button[type=submit] >> nth=-1")
    page.wait_for_selector("#import-counts")
    journey.shot("needs preview")
    page.click("input[name=confirm]")
    page.wait_for_load_state()
    assert Need.objects.filter(community=tenant.community).count() == 3
    journey.shot("needs imported")

    # Staff verify and list them.
    page = journey.go("/admin/marketplace/need/")
    page.check("#action-toggle")
    page.select_option("select[name=action]", "verify")
    page.click("button[name=index]")
    page.wait_for_load_state()
    journey.shot("needs listed")
    assert Need.objects.filter(status=ListingStatus.LISTED).count() == 3

    # … and publish this month's batch.
    page = journey.go("/admin/marketplace/listbatch/add/")
    page.select_option("select[name=street]", str(tenant.street.pk))
    page.select_option("select[name=community]", str(tenant.community.pk))
    page.select_option("select[name=kind]", "needs")
    page.fill("input[name=title]", "十二月需求清单")
    page.fill("input[name=period_start]", "2026-12-01")
    page.fill("input[name=period_end]", "2026-12-31")
    page.click("input[name=_save]")
    page.wait_for_load_state()
    page.check("#action-toggle")
    page.select_option("select[name=action]", "publish")
    page.click("button[name=index]")
    page.wait_for_load_state()
    journey.shot("batch published")
    journey.logout()

    # The leader claims a need on the portal and delivers.
    journey.login(tenant.leader.username)
    page = journey.go("/market/")
    journey.shot("needs to claim")
    page.locator("form[action*='/claim/need/'] button[type=submit]").first.click()
    page.wait_for_load_state()
    claim = Claim.objects.get()
    assert page.url.endswith(f"/market/claims/{claim.pk}/")
    journey.shot("claimed")
    page.click("button[name=to][value=in_progress]")
    page.wait_for_load_state()
    page.fill("textarea[name=note]", "已送餐 12 次，附签收单")
    page.click("button[name=to][value=evidence_submitted]")
    page.wait_for_load_state()
    journey.shot("delivered")
    journey.logout()

    # Staff confirm and rate it.
    journey.login(staff.username)
    page = journey.go(f"/market/claims/{claim.pk}/")
    page.click("button[name=to][value=confirmed]")
    page.wait_for_load_state()
    page.fill("input[name=rating]", "5")
    page.fill("textarea[name=note]", "准时、细致")
    page.click("button[name=to][value=rated]")
    page.wait_for_load_state()
    journey.shot("rated")
    claim.refresh_from_db()
    assert (claim.status, claim.rating) == (ClaimStatus.RATED, 5)

    after = marketplace_figures(street=tenant.street)
    assert after["needs_listed"] == before["needs_listed"] + 3
    page = journey.go("/market/board/")
    journey.shot("board")


def test_a_wish_is_fulfilled_without_the_person_shown(journey, tenant):
    seed_default_categories()
    _managed(tenant.org)
    staff = with_password(tenant.community_staff)
    with_password(tenant.leader)
    wish = _wish(tenant)  # collected, verified and published, for 王秀英

    page = journey.go("/market/wishes/")
    journey.shot("wall")
    html = page.content()
    assert "一台电饭煲" in html and "王秀英" not in html and "13900001111" not in html

    journey.login(tenant.leader.username)
    page = journey.go("/market/")
    page.locator("form[action*='/claim/wish/'] button[type=submit]").first.click()
    page.wait_for_load_state()
    claim = Claim.objects.get(wish=wish)
    assert "13700002222" not in page.content()  # not before staff accept
    journey.logout()

    journey.login(staff.username)
    page = journey.go(f"/market/claims/{claim.pk}/")
    assert "王秀英" in page.content()  # the community's own staff see the person
    page.click("button[name=to][value=in_progress]")
    page.wait_for_load_state()
    journey.logout()

    journey.login(tenant.leader.username)
    page = journey.go(f"/market/claims/{claim.pk}/")
    html = page.content()
    assert "13700002222" in html and "王秀英" not in html and "凯旋路88号" not in html
    journey.shot("hand-over contact")
    page.fill("textarea[name=note]", "已送到王奶奶家")
    page.click("button[name=to][value=evidence_submitted]")
    page.wait_for_load_state()
    journey.logout()

    journey.login(staff.username)
    page = journey.go(f"/market/claims/{claim.pk}/")
    page.click("button[name=to][value=confirmed]")
    page.wait_for_load_state()
    wish.refresh_from_db()
    assert wish.fulfilled_at is not None
    assert wish.fulfilled_at.date() <= datetime.date.today() + datetime.timedelta(days=1)
