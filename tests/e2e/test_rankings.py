"""凯益榜单 end to end: a resident opens the public board on a phone, without logging in,
and goes from the ranking to an organization's portrait; the radar and the rank line are
drawn (under the strict CSP) and the printable version downloads."""

import datetime
from decimal import Decimal

import pytest

from rankings.services.schemes import scheme_create, scheme_publish
from tests.rankings.test_portrait import publish_month

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


def test_a_resident_opens_a_portrait_on_a_phone(journey, tenant):
    draft = scheme_create(
        street=tenant.street, actor=tenant.street_admin, effective_from=datetime.date(2026, 1, 1)
    )
    scheme = scheme_publish(draft, actor=tenant.street_admin)
    for index in range(6):
        publish_month(
            tenant,
            scheme,
            datetime.date(2026, 5 + index, 1),
            {
                tenant.org: (1 + index % 2, {"services": Decimal(20), "party": Decimal(8)}),
                tenant.other_org: (2 - index % 2, {"services": Decimal(25), "basics": Decimal(4)}),
            },
        )
    page = journey.page
    page.set_viewport_size(PHONE)
    # The front page, no login: the monthly ranking leads to the portrait.
    page = journey.go("/")
    journey.shot("public board")
    page.click(f"#rankings a[href$='/rankings/organizations/{tenant.org.pk}/']")
    page.wait_for_load_state()
    assert page.url.endswith(f"/rankings/organizations/{tenant.org.pk}/")
    page.wait_for_selector("#portrait-radar svg")
    page.wait_for_selector("#portrait-rank svg")
    journey.shot("portrait")
    assert tenant.org.name in page.content()
    with page.expect_download() as download:
        page.evaluate(
            "url => { const a = document.createElement('a'); a.href = url; a.download = ''; "
            "document.body.appendChild(a); a.click(); }",
            f"/rankings/organizations/{tenant.org.pk}/pdf/",
        )
    assert download.value.path().read_bytes().startswith(b"%PDF")
