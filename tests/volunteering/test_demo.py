"""The volunteering demo: history from records whose kept totals agree with the places,
dedication days whose party record counts who came, and something to sign up for.

The small-scale tests seed a hand-made street; the last test runs the whole demo (slow,
like the other demo tests) for the hub's 3,200+ activities."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from accounts.models import Street, User
from accounts.roles import Role, roles_of
from marketplace.models import PartnerUnit
from partybuilding.models import PartyActivity, PartyMember, PartyOrganization
from volunteering.choices import Series
from volunteering.demo import demo_logins, seed_volunteering
from volunteering.figures import volunteering_figures
from volunteering.models import Activity, HoursSupplement, Place, PlaceEvent, Session, Volunteer
from volunteering.workflows import ActivityStatus, PlaceStatus, SupplementStatus

pytestmark = pytest.mark.django_db

FROZEN = datetime.datetime(2026, 11, 28, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
ATTENDED = Q(places__status=PlaceStatus.ATTENDED)


def _hours_off(street) -> list:
    """Volunteers whose kept hours or last service differ from their attended places."""
    rows = (
        Volunteer.objects.filter(street=street)
        .annotate(
            summed=Sum("places__hours", filter=ATTENDED),
        )
        .values_list("pk", "hours_total", "summed")
    )
    return [(pk, kept, summed) for pk, kept, summed in rows if kept != (summed or 0)]


def _last_served_off(street) -> int:
    off = 0
    latest: dict[int, datetime.date] = {}
    for volunteer_id, starts_at in Place.objects.filter(
        volunteer__street=street, status=PlaceStatus.ATTENDED
    ).values_list("volunteer_id", "session__starts_at"):
        day = timezone.localtime(starts_at).date()
        latest[volunteer_id] = max(latest.get(volunteer_id, day), day)
    for pk, served in Volunteer.objects.filter(street=street).values_list("pk", "last_served_on"):
        off += served != latest.get(pk)
    return off


def _counts_off(street) -> int:
    """Dedication-day sessions whose party record's count is not the places attended."""
    return (
        Session.objects.filter(activity__street=street, party_activity__isnull=False)
        .annotate(came=Count("places", filter=Q(places__status=PlaceStatus.ATTENDED)))
        .exclude(came=F("party_activity__attendees"))
        .count()
    )


def _small_street(tenant):
    top = PartyOrganization.objects.create(street=tenant.street, kind="committee", name="党委")
    branch = PartyOrganization.objects.create(
        street=tenant.street,
        kind="branch",
        name="第一支部",
        parent=top,
        establishment="single",
        community=tenant.community,
        founded_on=datetime.date(2015, 1, 1),
    )
    for n in range(8):
        PartyMember.objects.create(
            name=f"党员{n}",
            sex="M",
            birth_date=datetime.date(1970, 1, 1),
            id_number=f"33010219700101{n:03d}1",
            branch=branch,
            status="full",
            joined_on=datetime.date(2010 + n, 7, 1),
        )
    # Typed counts from before: one larger than the roll (residents came too).
    for months_ago, attendees in ((1, 6), (2, 12), (14, 5), (30, 3)):
        day = timezone.localdate().replace(day=1) - datetime.timedelta(days=28 * months_ago)
        PartyActivity.objects.create(
            branch=branch,
            kind="dedication_day",
            date=day.replace(day=25),
            title="党员固定奉献日:楼道清洁",
            attendees=attendees,
        )
    PartyActivity.objects.create(
        branch=branch, kind="theme_day", date=datetime.date(2025, 3, 5), title="主题党日"
    )
    PartnerUnit.objects.create(street=tenant.street, name="凯旋街道卫生服务中心")
    return branch


def _users(tenant):
    return {
        "admin": tenant.street_admin,
        "community1": tenant.community_staff,
        "leader1": tenant.leader,
    }


@time_machine.travel(FROZEN, tick=False)
def test_a_small_demo_keeps_every_invariant(tenant, outsider_tenant):
    _small_street(tenant)
    counts = seed_volunteering(tenant.street, _users(tenant), scale=0.02)

    street = tenant.street
    activities = Activity.objects.filter(street=street)
    assert (
        counts["volunteer_activities"]
        == activities.filter(status__in=("published", "finished")).count()
    )
    assert counts["volunteer_activities"] >= 60
    assert set(activities.values_list("series", flat=True)) == {
        Series.PARTNER_DAY,
        Series.OTHER,
        Series.DEDICATION_DAY,
    }
    assert (
        activities.order_by("sessions__starts_at").first().sessions.first().starts_at.year == 2019
    )
    # Kept totals are the places' sums; last service the latest attended session.
    assert _hours_off(street) == []
    assert _last_served_off(street) == 0
    # Every dedication-day record is backed by a session with exactly its count attended,
    # the branch's members first.
    records = PartyActivity.objects.filter(branch__street=street, kind="dedication_day")
    assert records.filter(volunteer_session__isnull=True).count() == 0
    assert _counts_off(street) == 0
    member_places = Place.objects.filter(
        session__party_activity__isnull=False,
        status=PlaceStatus.ATTENDED,
        volunteer__party_member__branch=F("session__activity__party_org"),
    )
    assert member_places.exists()
    # No-shows, and places given up with the waiting list moving up.
    places = Place.objects.filter(session__activity__street=street)
    assert places.filter(status=PlaceStatus.NO_SHOW).exists()
    # Supplements: approved by a second person, shown on the place.
    for supplement in HoursSupplement.objects.filter(place__session__activity__street=street):
        assert supplement.status == SupplementStatus.APPROVED
        assert supplement.decided_by_id and supplement.decided_by_id != supplement.requested_by_id
        assert supplement.place.sign_out_source == "supplement"
        assert supplement.place.hours == supplement.hours_after
    # The figures read it all.
    figures = volunteering_figures(street=street)
    assert 0 < figures["dedication_day_attendance_rate"] <= 1
    assert figures["volunteers_active"] > 0
    assert outsider_tenant.street.public_activities.count() == 0


@time_machine.travel(FROZEN, tick=False)
def test_a_demo_login_finds_activities_to_sign_up_for(tenant):
    _small_street(tenant)
    seed_volunteering(tenant.street, _users(tenant), scale=0.02)
    upcoming = Session.objects.filter(
        activity__street=tenant.street,
        activity__status=ActivityStatus.PUBLISHED,
        starts_at__gt=timezone.now(),
    ).annotate(taken=Count("places", filter=Q(places__status="confirmed")))
    assert upcoming.count() >= 3
    assert all(session.taken < session.activity.capacity for session in upcoming)
    assert all(session.taken > 0 for session in upcoming)
    logins = {username: role for username, role, _name in demo_logins()}
    assert logins == {"volunteer1": "volunteer", "volunteer2": "volunteer"}
    member_login = User.objects.get(username="volunteer1")
    assert roles_of(member_login) == {Role.VOLUNTEER}
    assert member_login.volunteer.party_member.account == member_login
    assert member_login.volunteer.hours_total > 0
    assert member_login.volunteer.places.filter(session__in=upcoming).exists()
    # A second run changes nothing.
    before = Place.objects.count()
    seed_volunteering(tenant.street, _users(tenant), scale=0.02)
    assert Place.objects.count() == before


@time_machine.travel(FROZEN, tick=False)
def test_the_demo_reproduces_the_hubs_3200_activities(db, settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "volunteer1" in out and "volunteer2" in out
    street = Street.objects.get(code="kaixuan")
    figures = volunteering_figures(street=street)
    assert figures["public_benefit_activities_total"] >= 3200
    assert 0.6 <= figures["dedication_day_attendance_rate"] <= 0.95
    assert figures["volunteers_active"] > 500
    years = set(
        Session.objects.filter(activity__street=street).values_list("starts_at__year", flat=True)
    )
    assert set(range(2019, 2027)) <= years
    # Every dedication day of the party demo reads its attendance from places.
    assert not PartyActivity.objects.filter(
        kind="dedication_day", volunteer_session__isnull=True
    ).exists()
    assert _counts_off(street) == 0
    assert _hours_off(street) == []
    assert HoursSupplement.objects.filter(status=SupplementStatus.APPROVED).count() >= 10
    moved = PlaceEvent.objects.filter(to_value="confirmed", from_value="waiting")
    assert moved.count() >= 5
    assert Place.objects.filter(status=PlaceStatus.CANCELLED).count() >= moved.count()
