"""Street staff import organizations from Excel in the admin: a preview names the row
error, nothing is written; the fixed file previews clean and is confirmed."""

import pytest

from incubation.models import Organization
from incubation.resources import NAME, PARTY_MEMBER_COUNT
from tests.e2e.conftest import with_password
from tests.incubation.test_excel import registered_row, workbook

pytestmark = pytest.mark.e2e


def test_staff_import_an_excel_file_with_a_preview(journey, tenant, tmp_path):
    with_password(tenant.street_admin)
    bad = tmp_path / "组织名单-有误.xlsx"
    good = tmp_path / "组织名单.xlsx"
    rows = [registered_row(tenant.community, n) for n in (1, 2, 3)]
    rows[1][PARTY_MEMBER_COUNT] = "三个"
    bad.write_bytes(workbook(rows).getvalue())
    rows[1][PARTY_MEMBER_COUNT] = 3
    good.write_bytes(workbook(rows).getvalue())
    before = Organization.objects.count()

    journey.login(tenant.street_admin.username)
    page = journey.go("/admin/incubation/organization/")
    journey.shot("organization list")
    page.click('a[href$="import-excel/"]')
    journey.shot("import page")

    page.set_input_files("input[type=file]", str(bad))
    page.click("input[type=submit], button[type=submit] >> nth=-1")
    page.wait_for_selector("#import-errors")
    error_row = page.locator("tr.import-error").first.inner_text()
    assert "3" in error_row  # Excel line 3: the second data row
    journey.shot("preview with a row error")
    assert Organization.objects.count() == before

    page.set_input_files("input[type=file]", str(good))
    page.click("input[type=submit], button[type=submit] >> nth=-1")
    page.wait_for_selector("#import-counts")
    assert page.locator("input[name=confirm]").is_visible()
    journey.shot("clean preview")
    assert Organization.objects.count() == before

    page.click("input[name=confirm]")
    page.wait_for_load_state()
    journey.shot("imported")
    assert Organization.objects.count() == before + 3
    assert Organization.objects.filter(name=rows[0][NAME]).exists()
