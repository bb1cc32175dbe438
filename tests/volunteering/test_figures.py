"""The volunteering figures read the records: published and finished activities, the
volunteers' kept hours, who served in the last 12 months, and who came to the 25th."""

import datetime
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from partybuilding.models import PartyMember, PartyOrganization
from reporting.selectors import headline_figures
from tests.volunteering.helpers import make_volunteer, publish_activity
from volunteering.choices import Audience, OrganizerKind, Series
from volunteering.figures import volunteering_figures
from volunteering.services import activities
from volunteering.services.places import mark_attendance
from volunteering.services.volunteers import volunteer_for_member

pytestmark = pytest.mark.django_db

AGO = -datetime.timedelta(days=20)


def _branch(tenant, members: int) -> PartyOrganization:
    top = PartyOrganization.objects.create(street=tenant.street, kind="committee", name="党委")
    branch = PartyOrganization.objects.create(
        street=tenant.street,
        kind="branch",
        name="第一支部",
        parent=top,
        establishment="single",
        community=tenant.community,
    )
    for n in range(members):
        PartyMember.objects.create(
            name=f"党员{n}",
            sex="F",
            birth_date=datetime.date(1960, 1, 1),
            id_number=f"11010519600101{n:03d}X",
            branch=branch,
            status="full",
            joined_on=datetime.date(2000, 7, 1),
        )
    return branch


def _dedication_day(tenant, branch, starts_at):
    activity = activities.activity_create(
        actor=tenant.street_admin,
        title="党员固定奉献日:楼道清洁",
        series=Series.DEDICATION_DAY,
        organizer_kind=OrganizerKind.PARTY_ORG,
        party_org=branch,
        street=tenant.street,
        community=tenant.community,
        place="社区党群服务中心",
        audience=Audience.EVERYONE,
        capacity=20,
        recruit_until=starts_at - datetime.timedelta(days=1),
    )
    session = activities.session_add(
        activity,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=2),
        actor=tenant.street_admin,
    )
    activities.activity_submit(activity, actor=tenant.street_admin)
    activities.activity_approve(activity, actor=tenant.street_admin)
    return session


def _came(session, volunteer, actor, minutes=120):
    mark_attendance(
        session,
        volunteer,
        actor=actor,
        signed_in_at=session.starts_at,
        signed_out_at=session.starts_at + datetime.timedelta(minutes=minutes),
    )


def test_it_is_zero_and_none_without_records(tenant):
    assert volunteering_figures(street=tenant.street) == {
        "public_benefit_activities_total": 0,
        "volunteer_hours_total": Decimal("0.0"),
        "volunteers_active": 0,
        "dedication_day_attendance_rate": None,
    }


def test_it_reads_the_four_figures_from_records(tenant, outsider_tenant):
    _activity, session = publish_activity(tenant, starts_in=AGO, hours=3)
    publish_activity(tenant, title="第二场", starts_in=AGO)
    draft = activities.activity_create(
        actor=tenant.leader,
        title="草稿",
        series=Series.OTHER,
        organizer_kind=OrganizerKind.ORGANIZATION,
        organization=tenant.org,
        street=tenant.street,
        community=tenant.community,
        place="x",
        capacity=5,
        recruit_until=timezone.now(),
    )
    assert draft.status == "draft"
    _u1, one = make_volunteer(tenant, "v1")
    _u2, two = make_volunteer(tenant, "v2")
    _came(session, one, tenant.leader, minutes=150)  # 2.5 h
    _came(session, two, tenant.leader, minutes=50)  # 1 h
    # Served long ago: hours count, but not active.
    _u3, old = make_volunteer(tenant, "v3")
    type(old).objects.filter(pk=old.pk).update(
        hours_total=Decimal("10"), last_served_on=datetime.date(2020, 1, 1)
    )
    # The 25th: 4 members on the roll, 3 came, and a resident who is not a member.
    branch = _branch(tenant, members=4)
    dedication = _dedication_day(tenant, branch, timezone.now() - datetime.timedelta(days=40))
    for member in PartyMember.objects.filter(branch=branch)[:3]:
        _came(dedication, volunteer_for_member(member), tenant.street_admin)
    _came(dedication, old, tenant.street_admin)
    dedication.refresh_from_db()
    assert dedication.party_activity.attendees == 4  # everyone who came
    publish_activity(outsider_tenant, starts_in=AGO)

    figures = volunteering_figures(street=tenant.street)

    assert figures["public_benefit_activities_total"] == 3
    # 2.5 + 1 + (10 + 2) + 3 members × 2
    assert figures["volunteer_hours_total"] == Decimal("21.5")
    assert figures["volunteers_active"] == 6
    assert figures["dedication_day_attendance_rate"] == 0.75
    whole = volunteering_figures()
    assert whole["public_benefit_activities_total"] == 4
    other = volunteering_figures(community=tenant.other_community)
    assert other["public_benefit_activities_total"] == 0
    assert other["dedication_day_attendance_rate"] is None


def test_a_dedication_day_older_than_12_months_is_not_in_the_rate(tenant):
    branch = _branch(tenant, members=2)
    old = _dedication_day(tenant, branch, timezone.now() - datetime.timedelta(days=400))
    _came(old, volunteer_for_member(branch.members.first()), tenant.street_admin)
    assert volunteering_figures(street=tenant.street)["dedication_day_attendance_rate"] is None


def test_the_query_count_does_not_grow_with_rows(tenant, count_queries):
    with count_queries() as few:
        volunteering_figures(street=tenant.street)
    branch = _branch(tenant, members=3)
    for days in (30, 60):
        session = _dedication_day(tenant, branch, timezone.now() - datetime.timedelta(days=days))
        for member in branch.members.all():
            _came(session, volunteer_for_member(member), tenant.street_admin)
        _a, other = publish_activity(tenant, starts_in=-datetime.timedelta(days=days))
        _came(other, make_volunteer(tenant, f"p{days}")[1], tenant.leader)
    with count_queries() as many:
        figures = volunteering_figures(street=tenant.street)
    assert few.count == many.count == 3, many.dump()
    assert figures["dedication_day_attendance_rate"] == 1.0


def test_stats_json_and_the_dashboard_carry_them(tenant, capsys, client):
    _activity, session = publish_activity(tenant, starts_in=AGO)
    _came(session, make_volunteer(tenant, "v1")[1], tenant.leader, minutes=75)
    assert headline_figures(street=tenant.street)["volunteers_active"] == 1
    call_command("stats", "--json", "--street", tenant.street.code)
    figures = json.loads(capsys.readouterr().out)
    assert figures["public_benefit_activities_total"] == 1
    assert figures["volunteer_hours_total"] == "1.5"
    assert figures["volunteers_active"] == 1
    assert figures["dedication_day_attendance_rate"] is None
    client.force_login(tenant.community_staff)
    page = client.get("/dashboard/").content.decode()
    assert "1.5" in page
