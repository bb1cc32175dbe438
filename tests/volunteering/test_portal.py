"""The volunteer portal and the organizer's pages: who sees what, sign-up, cancellation and
the QR scan through the views, and query counts that do not grow with rows."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.contrib.messages import constants
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from tests.conftest import make_tenant
from tests.factories import UserFactory
from tests.volunteering.helpers import make_volunteer, publish_activity
from volunteering.choices import OrganizerKind, Series
from volunteering.models import (
    Activity,
    ActivityEvent,
    HoursSupplement,
    Place,
    PlaceEvent,
    Volunteer,
)
from volunteering.services import activities
from volunteering.services.places import sign_up
from volunteering.tokens import SIGN_IN, SIGN_OUT, make_token
from volunteering.workflows import ActivityStatus, PlaceStatus

pytestmark = pytest.mark.django_db


def _draft(tenant):
    now = timezone.now()
    activity = activities.activity_create(
        actor=tenant.leader,
        title="草稿活动",
        series=Series.PARTNER_DAY,
        organizer_kind=OrganizerKind.ORGANIZATION,
        organization=tenant.org,
        street=tenant.street,
        community=tenant.community,
        place="文化家园",
        capacity=5,
        recruit_until=now + datetime.timedelta(days=1),
    )
    activities.session_add(
        activity,
        starts_at=now + datetime.timedelta(days=2),
        ends_at=now + datetime.timedelta(days=2, hours=2),
        actor=tenant.leader,
    )
    return activity


def _levels(response):
    return [m.level for m in response.context["messages"]]


def _scan_url(session, act):
    return reverse(
        "volunteering:scan", kwargs={"session_pk": session.pk, "token": make_token(session, act)}
    )


# --- Who sees what ------------------------------------------------------------------------------


def test_it_shows_the_streets_open_activities_and_my_places(tenant, client):
    activity, session = publish_activity(tenant, capacity=1)
    draft = _draft(tenant)
    other = make_tenant("b")
    foreign, _s = publish_activity(other, title="别的街道的活动")
    first_user, first = make_volunteer(tenant, "v1")
    user, volunteer = make_volunteer(tenant, "v2")
    sign_up(session, first, actor=first_user)
    sign_up(session, volunteer, actor=user)
    client.force_login(user)
    response = client.get(reverse("volunteering:home"))
    page = response.content.decode()
    assert response.status_code == 200
    assert activity.title in page
    assert draft.title not in page and foreign.title not in page
    [place] = response.context["places"]
    assert (place.status, place.ahead) == (PlaceStatus.WAITING, 0)


def test_an_unpublished_activity_is_404_but_to_its_organizer_and_staff(tenant, client):
    draft = _draft(tenant)
    url = reverse("volunteering:activity", args=[draft.pk])
    user, _volunteer = make_volunteer(tenant, "v1")
    client.force_login(user)
    assert client.get(url).status_code == 404
    for insider in (tenant.leader, tenant.street_admin, tenant.community_staff):
        client.force_login(insider)
        assert client.get(url).status_code == 200


def test_another_streets_activity_is_404(tenant, client):
    activity, session = publish_activity(tenant)
    other = make_tenant("b")
    client.force_login(other.leader)
    assert client.get(reverse("volunteering:activity", args=[activity.pk])).status_code == 404
    assert client.post(reverse("volunteering:sign_up", args=[session.pk])).status_code == 404
    assert client.get(_scan_url(session, SIGN_IN)).status_code == 404


def test_organizer_pages_are_404_to_everyone_else(tenant, client):
    activity, session = publish_activity(tenant)
    user, volunteer = make_volunteer(tenant, "v1")
    place = sign_up(session, volunteer, actor=user)
    other_leader = UserFactory(username="a-leader2", role=Role.ORG_LEADER, street=tenant.street)
    tenant.other_org.leader_accounts.add(other_leader)
    other_staff = UserFactory(
        username="a-staff2",
        role=Role.COMMUNITY_STAFF,
        street=tenant.street,
        community=tenant.other_community,
    )
    urls = [
        ("get", reverse("volunteering:roster", args=[activity.pk])),
        ("get", reverse("volunteering:session_qr", args=[session.pk])),
        ("post", reverse("volunteering:session_close", args=[session.pk])),
        ("post", reverse("volunteering:session_mark", args=[session.pk])),
        ("post", reverse("volunteering:place_supplement", args=[place.pk])),
        ("post", reverse("volunteering:activity_submit", args=[activity.pk])),
    ]
    for stranger in (user, other_leader, other_staff, make_tenant("b").street_admin):
        client.force_login(stranger)
        for method, url in urls:
            assert getattr(client, method)(url).status_code == 404, (stranger, url)
    client.force_login(tenant.leader)
    assert client.get(urls[0][1]).status_code == 200
    assert client.get(urls[1][1]).status_code == 200


def test_a_plain_volunteer_has_no_organize_page(tenant, client):
    user, _volunteer = make_volunteer(tenant, "v1")
    client.force_login(user)
    assert client.get(reverse("volunteering:organize")).status_code == 404


# --- Sign-up and cancellation -------------------------------------------------------------------


def test_sign_up_through_the_page_and_a_full_session_puts_you_on_the_waiting_list(tenant, client):
    activity, session = publish_activity(tenant, capacity=1)
    url = reverse("volunteering:sign_up", args=[session.pk])
    first = UserFactory(username="v1", street=tenant.street, community=tenant.community)
    client.force_login(first)
    response = client.post(url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("volunteering:activity", args=[activity.pk])
    assert _levels(response) == [constants.SUCCESS]
    second = UserFactory(username="v2", street=tenant.street, community=tenant.community)
    client.force_login(second)
    response = client.post(url, follow=True)
    assert _levels(response) == [constants.WARNING]
    assert Place.objects.get(volunteer__account=second).status == PlaceStatus.WAITING
    response = client.post(url, follow=True)  # twice: refused, nothing added
    assert _levels(response) == [constants.ERROR]
    assert Place.objects.filter(session=session).count() == 2


def test_giving_a_place_up_moves_the_waiting_list_and_only_ones_own(tenant, client):
    _activity, session = publish_activity(tenant, capacity=1)
    first_user, first = make_volunteer(tenant, "v1")
    second_user, second = make_volunteer(tenant, "v2")
    place = sign_up(session, first, actor=first_user)
    waiting = sign_up(session, second, actor=second_user)
    client.force_login(second_user)
    url = reverse("volunteering:place_cancel", args=[place.pk])
    assert client.post(url).status_code == 404
    client.force_login(first_user)
    assert client.post(url).status_code == 302
    place.refresh_from_db()
    waiting.refresh_from_db()
    assert (place.status, waiting.status) == (PlaceStatus.CANCELLED, PlaceStatus.CONFIRMED)


# --- The QR scan ----------------------------------------------------------------------------------


def test_the_scan_page_sends_an_anonymous_phone_to_log_in_and_back(tenant, client):
    _activity, session = publish_activity(tenant)
    url = _scan_url(session, SIGN_IN)
    response = client.get(url)
    assert response.status_code == 302
    assert "next=" in response["Location"] and str(session.pk) in response["Location"]


def test_opening_the_scan_page_writes_nothing(tenant, client):
    _activity, session = publish_activity(tenant)
    user = UserFactory(username="v1", street=tenant.street, community=tenant.community)
    with time_machine.travel(session.starts_at, tick=False):
        client.force_login(user)  # sessions expire: log in at the venue's time
        response = client.get(_scan_url(session, SIGN_IN))
    assert response.status_code == 200 and response.context["act"] == SIGN_IN
    assert not Volunteer.objects.filter(account=user).exists()
    assert not Place.objects.exists() and not PlaceEvent.objects.exists()


def test_scan_signs_in_and_out_and_counts_the_hours(tenant, client):
    _activity, session = publish_activity(tenant, hours=2)
    user = UserFactory(username="v1", street=tenant.street, community=tenant.community)
    start = session.starts_at
    with time_machine.travel(start + datetime.timedelta(minutes=2), tick=False):
        client.force_login(user)
        response = client.post(_scan_url(session, SIGN_IN))
    assert response.context["done"].signed_in_at is not None
    with time_machine.travel(start + datetime.timedelta(minutes=10), tick=False):
        again = client.post(_scan_url(session, SIGN_IN))
    assert again.context["refusal"] and "done" not in again.context
    with time_machine.travel(start + datetime.timedelta(hours=2), tick=False):
        client.force_login(user)
        response = client.post(_scan_url(session, SIGN_OUT))
    place = response.context["done"]
    assert place.hours == Decimal("2") and place.status == PlaceStatus.ATTENDED
    assert Volunteer.objects.get(account=user).hours_total == place.hours


def test_a_replaced_or_early_code_is_refused_in_words_and_changes_nothing(tenant, client):
    _activity, session = publish_activity(tenant)
    user = UserFactory(username="v1", street=tenant.street, community=tenant.community)
    old = _scan_url(session, SIGN_IN)
    client.force_login(tenant.leader)
    assert client.post(reverse("volunteering:session_qr", args=[session.pk])).status_code == 302
    session.refresh_from_db()
    assert session.qr_version == 2
    assert ActivityEvent.objects.filter(activity=session.activity, note__contains=":").exists()
    client.force_login(user)
    response = client.post(old)  # now: before the window, and replaced
    assert response.context["refusal"]
    with time_machine.travel(session.starts_at, tick=False):
        client.force_login(user)
        assert client.post(old).context["refusal"]
    assert not Place.objects.exists()


# --- Organizers --------------------------------------------------------------------------------


def test_a_leader_drafts_an_activity_with_its_session_and_submits_it(tenant, client):
    client.force_login(tenant.leader)
    url = reverse("volunteering:organize")
    page = client.get(url)
    assert page.status_code == 200
    key = f"organization:{tenant.org.pk}"
    assert key in dict(page.context["form"].fields["organizer"].choices)
    day = timezone.localtime() + datetime.timedelta(days=5)
    data = {
        "title": "公益伙伴日·义剪",
        "series": Series.PARTNER_DAY,
        "organizer": key,
        "community": "",
        "place": "凯旋社区文化家园",
        "description": "",
        "audience": "everyone",
        "capacity": "10",
        "starts_at": day.strftime("%Y-%m-%dT09:00"),
        "ends_at": day.strftime("%Y-%m-%dT11:00"),
        "recruit_until": day.strftime("%Y-%m-%dT08:00"),
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    activity = Activity.objects.get(title="公益伙伴日·义剪")
    assert (activity.status, activity.community, activity.sessions.count()) == (
        ActivityStatus.DRAFT,
        tenant.community,
        1,
    )
    client.post(reverse("volunteering:activity_submit", args=[activity.pk]))
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.SUBMITTED


def test_the_organizer_adds_a_session_and_a_wrong_one_keeps_what_was_typed(tenant, client):
    activity, _session = publish_activity(tenant)
    client.force_login(tenant.leader)
    url = reverse("volunteering:roster", args=[activity.pk])
    day = timezone.localtime() + datetime.timedelta(days=9)
    starts, ends = day.strftime("%Y-%m-%dT09:00"), day.strftime("%Y-%m-%dT08:00")
    response = client.post(url, {"starts_at": starts, "ends_at": ends})
    assert response.status_code == 200
    assert "ends_at" in response.context["new_session"].errors
    assert starts in response.content.decode()  # what was typed is shown back
    assert activity.sessions.count() == 1
    response = client.post(url, {"starts_at": starts, "ends_at": day.strftime("%Y-%m-%dT23:30")})
    assert response.status_code == 200  # over 12 hours: the service says so on its field
    assert "ends_at" in response.context["new_session"].errors
    response = client.post(url, {"starts_at": starts, "ends_at": day.strftime("%Y-%m-%dT11:30")})
    assert response.status_code == 302
    assert activity.sessions.count() == 2


def test_only_the_organizer_adds_sessions(tenant, client):
    activity, _session = publish_activity(tenant)
    user, _volunteer = make_volunteer(tenant, "v1")
    client.force_login(user)
    day = timezone.localtime() + datetime.timedelta(days=9)
    response = client.post(
        reverse("volunteering:roster", args=[activity.pk]),
        {"starts_at": day.strftime("%Y-%m-%dT09:00"), "ends_at": day.strftime("%Y-%m-%dT11:00")},
    )
    assert response.status_code == 404
    assert activity.sessions.count() == 1


def test_a_leader_cannot_organize_for_another_organization(tenant, client):
    client.force_login(tenant.leader)
    response = client.post(
        reverse("volunteering:organize"),
        {"title": "x", "organizer": f"organization:{tenant.other_org.pk}"},
    )
    assert response.status_code == 200 and "organizer" in response.context["form"].errors
    assert not Activity.objects.exists()


def test_the_organizer_marks_attendance_closes_and_asks_for_a_supplement(tenant, client):
    _activity, session = publish_activity(
        tenant, capacity=3, starts_in=datetime.timedelta(hours=-4)
    )
    came_user, came = make_volunteer(tenant, "v1")
    gone_user, gone = make_volunteer(tenant, "v2")
    Place.objects.create(session=session, volunteer=came, status=PlaceStatus.CONFIRMED)
    absent = Place.objects.create(session=session, volunteer=gone, status=PlaceStatus.CONFIRMED)
    client.force_login(tenant.leader)
    times = {
        "signed_in_at": timezone.localtime(session.starts_at).strftime("%Y-%m-%dT%H:%M"),
        "signed_out_at": timezone.localtime(session.ends_at).strftime("%Y-%m-%dT%H:%M"),
    }
    mark = reverse("volunteering:session_mark", args=[session.pk])
    client.post(mark, {**times, "place": Place.objects.get(volunteer=came).pk})
    client.post(mark, {**times, "name": "李大爷"})
    attended = Place.objects.filter(session=session, status=PlaceStatus.ATTENDED)
    assert sorted(p.volunteer.name for p in attended) == sorted([came.name, "李大爷"])
    client.post(reverse("volunteering:session_close", args=[session.pk]))
    absent.refresh_from_db()
    assert absent.status == PlaceStatus.NO_SHOW
    supplement = reverse("volunteering:place_supplement", args=[absent.pk])
    client.post(supplement, {**times, "reason": "纸质签到表"})
    assert HoursSupplement.objects.get(place=absent).reason == "纸质签到表"
    page = client.get(reverse("volunteering:roster", args=[session.activity_id]))
    assert "李大爷" in page.content.decode()


def test_the_qr_page_shows_two_codes_with_absolute_links(tenant, client):
    _activity, session = publish_activity(tenant)
    client.force_login(tenant.leader)
    response = client.get(reverse("volunteering:session_qr", args=[session.pk]))
    codes = response.context["codes"]
    assert [c["act"] for c in codes] == [SIGN_IN, SIGN_OUT]
    assert all(c["url"].startswith("http://testserver/volunteer/s/") for c in codes)
    assert response.content.decode().count("data:image/svg+xml") == 2


# --- Query counts ------------------------------------------------------------------------------


def test_home_reads_in_constant_queries(tenant, client, count_queries):
    user, volunteer = make_volunteer(tenant, "v1")
    client.force_login(user)

    def add(n):
        for i in range(n):
            _a, session = publish_activity(tenant, capacity=1, title=f"活动{n}-{i}")
            other_user, other = make_volunteer(tenant, f"o{n}-{i}")
            sign_up(session, other, actor=other_user)
            sign_up(session, volunteer, actor=user)

    add(1)
    url = reverse("volunteering:home")
    client.get(url)
    with count_queries() as few:
        assert client.get(url).status_code == 200
    add(4)
    with count_queries() as many:
        client.get(url)
    assert many.count == few.count, many.dump()


def test_roster_reads_in_constant_queries(tenant, client, count_queries):
    activity, session = publish_activity(tenant, capacity=50)
    activities.session_add(
        activity,
        starts_at=session.starts_at + datetime.timedelta(days=1),
        ends_at=session.ends_at + datetime.timedelta(days=1),
        actor=tenant.leader,
    )
    client.force_login(tenant.leader)
    url = reverse("volunteering:roster", args=[activity.pk])

    def add(n, tag):
        for i in range(n):
            user, volunteer = make_volunteer(tenant, f"{tag}{i}")
            for each in activity.sessions.all():
                sign_up(each, volunteer, actor=user)

    add(1, "a")
    client.get(url)
    with count_queries() as few:
        assert client.get(url).status_code == 200
    add(5, "b")
    with count_queries() as many:
        client.get(url)
    assert many.count == few.count, many.dump()
