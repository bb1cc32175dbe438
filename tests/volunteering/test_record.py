"""A volunteer's record page: hours, stars, hours by year and series, activities attended
with their supplements, certificates; one's own or, for staff, a volunteer they see."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.factories import UserFactory
from tests.volunteering.helpers import make_volunteer, publish_activity
from volunteering.choices import Series
from volunteering.models import Place, Session
from volunteering.record import attended_places, hours_breakdown, stars_of
from volunteering.services.places import mark_attendance, scan, sign_up
from volunteering.services.supplements import supplement_approve, supplement_request
from volunteering.tokens import SIGN_IN, SIGN_OUT, make_token
from volunteering.workflows import PlaceStatus

pytestmark = pytest.mark.django_db


def attend(tenant, volunteer, *, sessions=1, hours=2, series=Series.PARTNER_DAY):
    """``sessions`` past sessions of one activity, each attended for ``hours``."""
    activity, first = publish_activity(
        tenant, capacity=5, starts_in=datetime.timedelta(days=-3), hours=hours, series=series
    )
    all_sessions = [first]
    for index in range(1, sessions):
        starts = first.starts_at - datetime.timedelta(days=index)
        all_sessions.append(
            Session.objects.create(
                activity=activity,
                starts_at=starts,
                ends_at=starts + datetime.timedelta(hours=hours),
            )
        )
    for session in all_sessions:
        mark_attendance(
            session,
            volunteer,
            actor=tenant.leader,
            signed_in_at=session.starts_at,
            signed_out_at=session.ends_at,
        )
    return all_sessions


def test_it_shows_hours_stars_and_the_breakdown(client, tenant):
    user, volunteer = make_volunteer(tenant, "v1")
    attend(tenant, volunteer, sessions=2, hours=3)
    attend(tenant, volunteer, hours=1, series=Series.OTHER)
    volunteer.refresh_from_db()
    assert volunteer.hours_total == Decimal("7")
    breakdown = hours_breakdown(volunteer)
    assert breakdown.total == Decimal("7")
    assert [(r["series"], r["hours"], r["activities"]) for r in breakdown.by_series] == [
        (Series.PARTNER_DAY, Decimal("6"), 2),
        (Series.OTHER, Decimal("1"), 1),
    ]
    assert sum(r["hours"] for r in breakdown.by_year) == Decimal("7")
    assert stars_of(volunteer.hours_total).hours_to_next == Decimal("93")
    client.force_login(user)
    response = client.get(reverse("volunteering:my_record"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "公益伙伴日·社区环境清洁" in page
    assert response.context["stars"].next_at == 100


def test_hours_and_stars_move_after_a_sign_out(client, tenant, settings):
    settings.VOLUNTEERING_RULES = {"star_thresholds_hours": (1, 3)}
    user, volunteer = make_volunteer(tenant, "v1")
    _activity, session = publish_activity(tenant, hours=2)
    sign_up(session, volunteer, actor=user)
    client.force_login(user)
    before = client.get(reverse("volunteering:my_record")).context
    assert (before["volunteer"].hours_total, before["stars"].count) == (Decimal("0"), 0)
    start = session.starts_at
    scan(session, make_token(session, SIGN_IN), volunteer, actor=user, now=start)
    scan(
        session,
        make_token(session, SIGN_OUT),
        volunteer,
        actor=user,
        now=start + datetime.timedelta(hours=2),
    )
    after = client.get(reverse("volunteering:my_record")).context
    assert after["volunteer"].hours_total == Decimal("2")
    assert (after["stars"].count, after["stars"].next_at, after["stars"].hours_to_next) == (
        1,
        3,
        Decimal("1"),
    )
    assert [p.session_id for p in after["page"].object_list] == [session.pk]


def test_a_supplement_is_shown_with_who_approved_it(client, tenant):
    user, volunteer = make_volunteer(tenant, "v1")
    _activity, session = publish_activity(tenant, starts_in=datetime.timedelta(hours=-5))
    place = Place.objects.create(session=session, volunteer=volunteer, status=PlaceStatus.NO_SHOW)
    supplement = supplement_request(
        place,
        signed_in_at=session.starts_at,
        signed_out_at=session.ends_at,
        reason="纸质签到表",
        actor=tenant.community_staff,
    )
    tenant.street_admin.full_name = "审核人甲"
    tenant.street_admin.save()
    supplement_approve(supplement, actor=tenant.street_admin)
    client.force_login(user)
    page = client.get(reverse("volunteering:my_record")).content.decode()
    assert "审核人甲" in page
    assert "纸质签到表" in page


def test_the_record_page_reads_a_constant_number_of_queries(client, tenant, count_queries):
    user, volunteer = make_volunteer(tenant, "v1")
    client.force_login(user)
    attend(tenant, volunteer)
    client.get(reverse("volunteering:my_record"))  # warm the session and caches
    with count_queries() as few:
        assert client.get(reverse("volunteering:my_record")).status_code == 200
    attend(tenant, volunteer, sessions=29, hours=1, series=Series.OTHER)
    place = Place.objects.filter(volunteer=volunteer).first()
    request = supplement_request(
        place,
        signed_in_at=place.session.starts_at,
        signed_out_at=place.session.ends_at,
        reason="补录",
        actor=tenant.community_staff,
    )
    supplement_approve(request, actor=tenant.street_admin)
    with count_queries() as many:
        assert client.get(reverse("volunteering:my_record")).status_code == 200
    assert many.count == few.count, many.dump()
    assert len(attended_places(volunteer)) == 30


def test_staff_see_the_record_of_a_volunteer_they_see(client, tenant, outsider_tenant):
    _user, volunteer = make_volunteer(tenant, "v1")
    url = reverse("volunteering:volunteer_record", args=[volunteer.pk])
    client.force_login(tenant.community_staff)
    assert client.get(url).status_code == 200
    for stranger in (outsider_tenant.street_admin, tenant.leader, tenant.party_worker):
        client.force_login(stranger)
        assert client.get(url).status_code == 404
    other_staff = UserFactory(
        username="staff-2",
        role="community_staff",
        street=tenant.street,
        community=tenant.other_community,
    )
    client.force_login(other_staff)
    assert client.get(url).status_code == 404


def test_another_volunteer_cannot_open_a_record_by_id(client, tenant):
    _owner, volunteer = make_volunteer(tenant, "v1")
    other, _ = make_volunteer(tenant, "v2")
    client.force_login(other)
    assert (
        client.get(reverse("volunteering:volunteer_record", args=[volunteer.pk])).status_code == 404
    )
