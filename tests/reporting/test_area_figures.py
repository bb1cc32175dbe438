"""The dashboard reads figures kept per area (reporting.area_figures): the kept row when it
is fresh, a refresh by the worker when it is stale, a recount at once on request."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from core.tagged_json import pack, unpack
from reporting.area_figures import (
    FRESH_FOR,
    KEPT_FOR,
    TOO_OLD,
    _claim_refresh,
    recompute,
    refresh_viewed,
    scope_of,
)
from reporting.models import AreaFigures
from reporting.selectors import headline_figures, trend_figures
from tests.factories import OrganizationFactory


def _age(scope: str, by: datetime.timedelta) -> None:
    """Make a kept row look computed ``by`` ago."""
    AreaFigures.objects.filter(scope=scope).update(computed_at=timezone.now() - by)


def test_tagged_json_gives_back_decimals_dates_tuples_and_int_keys():
    value = {
        "money": Decimal("1234.50"),
        "on": datetime.date(2026, 3, 1),
        "at": datetime.datetime(2026, 3, 1, 8, 30, tzinfo=datetime.UTC),
        "by_year": {2025: (3, Decimal("10.00")), 2026: (0, Decimal("0.00"))},
        "rate": 0.25,
        "none": None,
        "list": [1, "二", Decimal("3")],
        "$odd": 1,
    }
    again = unpack(pack(value))
    assert again == value
    assert isinstance(again["money"], Decimal) and str(again["money"]) == "1234.50"
    assert isinstance(again["by_year"][2025], tuple)


def test_tagged_json_refuses_what_it_cannot_give_back():
    with pytest.raises(TypeError, match="set"):
        pack({"x": {1, 2}})


def test_the_kept_figures_equal_the_figures_counted_now(tenant):
    snapshot = recompute(tenant.street, None)
    assert snapshot.figures == headline_figures(street=tenant.street)
    assert snapshot.trends == trend_figures(street=tenant.street)
    again = AreaFigures.objects.get(scope=f"street:{tenant.street.pk}")
    assert unpack(again.figures) == snapshot.figures


def test_the_dashboard_reads_the_kept_row_until_staff_recount(client, tenant):
    client.force_login(tenant.street_admin)
    assert client.get(reverse("dashboard")).context["figures"]["organizations_total"] == 2
    OrganizationFactory(community=tenant.community)
    # Fresh: the kept row, as counted a moment ago.
    page = client.get(reverse("dashboard"))
    assert page.context["figures"]["organizations_total"] == 2
    assert "重新统计" in page.content.decode() or "Recount now" in page.content.decode()
    response = client.post(reverse("dashboard_recompute"))
    assert response.status_code == 302
    assert client.get(reverse("dashboard")).context["figures"]["organizations_total"] == 3


def test_a_stale_row_is_sent_to_the_worker_once(client, tenant, settings):
    client.force_login(tenant.street_admin)
    client.get(reverse("dashboard"))
    scope = scope_of(tenant.street, None)
    OrganizationFactory(community=tenant.community)
    _age(scope, FRESH_FOR + datetime.timedelta(seconds=30))
    # The visitor gets the stale row at once; tasks run inline here, so the worker's
    # refresh is done when the page is.
    page = client.get(reverse("dashboard"))
    assert page.context["figures"]["organizations_total"] == 2
    assert client.get(reverse("dashboard")).context["figures"]["organizations_total"] == 3


def test_of_a_crowd_one_visitor_sends_the_refresh(tenant):
    row = recompute(tenant.street, None).row
    now = timezone.now()
    assert _claim_refresh(row, now)
    assert not _claim_refresh(row, now + datetime.timedelta(seconds=10))
    # A refresh the worker never did is sent again after a while.
    assert _claim_refresh(row, now + datetime.timedelta(minutes=3))


def test_a_row_the_worker_left_too_old_is_recounted_for_the_visitor(client, tenant):
    client.force_login(tenant.street_admin)
    client.get(reverse("dashboard"))
    OrganizationFactory(community=tenant.community)
    _age(scope_of(tenant.street, None), TOO_OLD + datetime.timedelta(minutes=1))
    assert client.get(reverse("dashboard")).context["figures"]["organizations_total"] == 3


def test_community_staff_recount_their_community_and_leaders_are_refused(client, tenant):
    client.force_login(tenant.community_staff)
    client.post(reverse("dashboard_recompute"))
    assert list(AreaFigures.objects.values_list("scope", flat=True)) == [
        f"community:{tenant.community.pk}"
    ]
    assert AreaFigures.objects.get().figures["organizations_total"] == 1
    client.force_login(tenant.leader)
    assert client.post(reverse("dashboard_recompute")).status_code == 403
    assert client.get(reverse("dashboard_recompute")).status_code in (403, 405)


def test_the_worker_keeps_the_areas_viewed_this_week_and_drops_the_rest(tenant):
    kept = recompute(tenant.street, None).row
    forgotten = recompute(tenant.street, tenant.community).row
    fresh = recompute(tenant.street, tenant.other_community).row
    now = timezone.now()
    AreaFigures.objects.filter(pk=kept.pk).update(computed_at=now - FRESH_FOR)
    AreaFigures.objects.filter(pk=forgotten.pk).update(viewed_at=now - KEPT_FOR * 2)
    OrganizationFactory(community=tenant.community)
    assert refresh_viewed(now=now) == 1
    assert not AreaFigures.objects.filter(pk=forgotten.pk).exists()
    kept.refresh_from_db()
    assert kept.computed_at > now - datetime.timedelta(minutes=1)
    assert unpack(kept.figures)["organizations_total"] == 3
    assert AreaFigures.objects.get(pk=fresh.pk).computed_at == fresh.computed_at


def test_recounting_makes_the_same_queries_however_many_rows(tenant, count_queries):
    recompute(tenant.street, None)
    with count_queries() as few:
        recompute(tenant.street, None)
    for _ in range(25):
        OrganizationFactory(community=tenant.community)
    with count_queries() as many:
        recompute(tenant.street, None)
    assert few.count == many.count, many.dump()


def test_a_kept_row_is_read_in_a_few_queries(client, tenant, count_queries):
    client.force_login(tenant.street_admin)
    client.get(reverse("dashboard"))
    with count_queries() as reading:
        client.get(reverse("dashboard"))
    # Session, user, the kept row, the community bars' names (and what base.html reads);
    # counting the figures themselves takes some thirty.
    assert reading.count <= 12, reading.dump()


def test_a_recount_writes_no_audit_line(tenant):
    """The kept figures are derived rows recounted every few minutes: the audit log would
    fill with them and learn nothing."""
    from audit.models import AuditEntry

    before = AuditEntry.objects.count()
    recompute(tenant.street, None)
    recompute(tenant.street, None)
    assert AuditEntry.objects.count() == before
