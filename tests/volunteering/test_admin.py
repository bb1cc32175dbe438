"""The staff side of volunteering in the admin: approving activities, volunteers with masked
numbers, places, supplements by a second person, certificates, and the hours in Excel."""

import datetime
import io

import openpyxl
import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from tests.jobs.exporting import run_export
from tests.partybuilding.helpers import resident_id
from tests.volunteering.helpers import make_volunteer, publish_activity
from volunteering.choices import OrganizerKind, Series
from volunteering.models import Activity, ActivityEvent, HoursSupplement, Place, Volunteer
from volunteering.services import activities, supplements
from volunteering.services.places import mark_attendance
from volunteering.workflows import ActivityStatus, PlaceStatus, SupplementStatus

pytestmark = pytest.mark.django_db

ID_NUMBER = resident_id(datetime.date(1990, 5, 17))
PHONE = "13812345678"


def _submitted(tenant, title="公益伙伴日·助老理发"):
    now = timezone.now()
    activity = activities.activity_create(
        actor=tenant.leader,
        title=title,
        series=Series.PARTNER_DAY,
        organizer_kind=OrganizerKind.ORGANIZATION,
        organization=tenant.org,
        street=tenant.street,
        community=tenant.community,
        place="凯旋社区文化家园",
        capacity=5,
        recruit_until=now + datetime.timedelta(days=1),
    )
    starts = now + datetime.timedelta(days=2)
    activities.session_add(
        activity,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
        actor=tenant.leader,
    )
    return activities.activity_submit(activity, actor=tenant.leader)


def _attended(tenant, username, *, session=None, hours=2):
    """A volunteer with an ID number and a phone, marked present at a session."""
    if session is None:
        session = publish_activity(tenant, capacity=50)[1]
    _user, volunteer = make_volunteer(tenant, username)
    Volunteer.objects.filter(pk=volunteer.pk).update(id_number=ID_NUMBER, phone=PHONE)
    mark_attendance(
        session,
        volunteer,
        actor=tenant.leader,
        signed_in_at=session.starts_at,
        signed_out_at=session.starts_at + datetime.timedelta(hours=hours),
    )
    return Place.objects.get(session=session, volunteer=volunteer)


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _action(client, model, action, rows, **extra):
    return client.post(
        reverse(f"admin:volunteering_{model}_changelist"),
        {"action": action, ACTION_CHECKBOX_NAME: [r.pk for r in rows], **extra},
        follow=True,
    )


# --- Activities ---------------------------------------------------------------------------


def test_it_approves_the_selected_activities(client, tenant):
    activity = _submitted(tenant)
    client.force_login(tenant.community_staff)
    response = _action(client, "activity", "approve", [activity])
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.PUBLISHED
    assert activity.events.filter(to_value=ActivityStatus.PUBLISHED, actor=tenant.community_staff)
    assert any("1" in m for m in _messages(response))


def test_it_sends_back_only_with_a_reason(client, tenant):
    activity = _submitted(tenant)
    client.force_login(tenant.community_staff)
    form = _action(client, "activity", "send_back", [activity])
    assert form.status_code == 200
    assert b'name="reason"' in form.content
    _action(client, "activity", "send_back", [activity], apply="1", reason="")
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.SUBMITTED
    _action(client, "activity", "send_back", [activity], apply="1", reason="地点写得不清楚")
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.REJECTED
    assert activity.events.get(to_value=ActivityStatus.REJECTED).note == "地点写得不清楚"


def test_the_change_page_offers_the_buttons_the_services_accept(client, tenant):
    activity = _submitted(tenant)
    client.force_login(tenant.community_staff)
    page = client.get(reverse("admin:volunteering_activity_change", args=[activity.pk]))
    assert page.status_code == 200
    keys = [d["key"] for d in page.context["decisions"]]
    assert keys == ["approve", "send_back"]
    # The timeline is on the page, read-only.
    assert "activity-decide-form" in page.content.decode()
    assert ActivityEvent.objects.filter(activity=activity).count() == 2


def test_it_cancels_on_the_change_page_with_a_reason(client, tenant):
    activity, _session = publish_activity(tenant)
    client.force_login(tenant.street_admin)
    url = reverse("admin:volunteering_activity_decide", args=[activity.pk])
    response = client.post(url, {"decision": "cancel", "reason": ""}, follow=True)
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.PUBLISHED
    assert any("取消" in m or "cancel" in m.lower() for m in _messages(response))
    client.post(url, {"decision": "cancel", "reason": "暴雨预警"})
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.CANCELLED
    assert activity.events.get(to_value=ActivityStatus.CANCELLED).note == "暴雨预警"
    assert client.get(url).status_code == 405


def test_it_creates_an_activity_with_its_first_session(client, tenant):
    client.force_login(tenant.community_staff)
    starts = timezone.localtime() + datetime.timedelta(days=3)
    data = {
        "title": "社区环境清洁",
        "series": Series.OTHER,
        "organizer_kind": OrganizerKind.HUB,
        "street": tenant.street.pk,
        "community": tenant.community.pk,
        "place": "凯旋社区广场",
        "audience": "everyone",
        "capacity": 10,
        "recruit_until_0": f"{starts:%Y-%m-%d}",
        "recruit_until_1": "08:00:00",
        "first_starts_at_0": f"{starts:%Y-%m-%d}",
        "first_starts_at_1": "09:00:00",
        "first_ends_at_0": f"{starts:%Y-%m-%d}",
        "first_ends_at_1": "11:00:00",
        **_inline_management(),
    }
    response = client.post(reverse("admin:volunteering_activity_add"), data)
    assert response.status_code == 302, response.context and response.context["errors"]
    activity = Activity.objects.get(title="社区环境清洁")
    assert activity.status == ActivityStatus.DRAFT
    assert activity.created_by == tenant.community_staff
    assert activity.sessions.count() == 1
    # Another session from the change page, through session_add.
    client.post(
        reverse("admin:volunteering_activity_session", args=[activity.pk]),
        {
            "starts_at_0": f"{starts:%Y-%m-%d}",
            "starts_at_1": "14:00:00",
            "ends_at_0": f"{starts:%Y-%m-%d}",
            "ends_at_1": "16:00:00",
        },
    )
    assert activity.sessions.count() == 2


def _inline_management():
    data = {}
    for prefix in ("sessions", "events"):
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": "0",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
    return data


def test_the_organizer_fields_are_checked_against_the_kind(client, tenant):
    client.force_login(tenant.community_staff)
    response = client.post(
        reverse("admin:volunteering_activity_add"),
        {
            "title": "无组织方",
            "series": Series.OTHER,
            "organizer_kind": OrganizerKind.ORGANIZATION,
            "street": tenant.street.pk,
            "place": "广场",
            "audience": "everyone",
            "capacity": 10,
            **_inline_management(),
        },
    )
    assert response.status_code == 200
    assert "organization" in response.context["adminform"].form.errors
    assert not Activity.objects.filter(title="无组织方").exists()


def test_another_communitys_activity_does_not_exist(client, tenant):
    activity = _submitted(tenant)
    other = _other_community_staff(tenant)
    client.force_login(other)
    changelist = client.get(reverse("admin:volunteering_activity_changelist"))
    assert activity.title not in changelist.content.decode()
    decide = reverse("admin:volunteering_activity_decide", args=[activity.pk])
    assert client.post(decide, {"decision": "approve"}).status_code == 404
    assert client.get(decide).status_code == 404
    _action(client, "activity", "approve", [activity])
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.SUBMITTED


def _other_community_staff(tenant):
    from accounts.roles import Role
    from tests.factories import UserFactory

    return UserFactory(
        username="a-staff-2",
        role=Role.COMMUNITY_STAFF,
        street=tenant.street,
        community=tenant.other_community,
    )


# --- Volunteers ---------------------------------------------------------------------------


def test_volunteer_numbers_are_masked_for_community_staff(client, tenant):
    place = _attended(tenant, "v-mask")
    client.force_login(tenant.community_staff)
    listing = client.get(reverse("admin:volunteering_volunteer_changelist")).content.decode()
    assert "138****5678" in listing and PHONE not in listing
    assert ID_NUMBER not in listing and ID_NUMBER[:6] + "********" in listing
    page = client.get(reverse("admin:volunteering_volunteer_change", args=[place.volunteer_id]))
    assert page.status_code == 200
    assert PHONE not in page.content.decode() and ID_NUMBER not in page.content.decode()
    # No lookup that would reveal a number digit by digit.
    probe = client.get(
        reverse("admin:volunteering_volunteer_changelist"), {"id_number__startswith": "1"}
    )
    assert probe.status_code in (302, 400)


def test_street_staff_see_volunteer_numbers_in_full(client, tenant):
    _attended(tenant, "v-full")
    client.force_login(tenant.street_admin)
    listing = client.get(reverse("admin:volunteering_volunteer_changelist")).content.decode()
    assert PHONE in listing and ID_NUMBER in listing


def test_volunteers_and_their_hours_are_read_only(client, tenant):
    place = _attended(tenant, "v-ro")
    client.force_login(tenant.street_admin)
    url = reverse("admin:volunteering_volunteer_change", args=[place.volunteer_id])
    client.post(url, {"name": "改名", "hours_total": "999"})
    volunteer = Volunteer.objects.get(pk=place.volunteer_id)
    assert (volunteer.name, volunteer.hours_total) != ("改名", 999)
    assert client.get(reverse("admin:volunteering_volunteer_add")).status_code == 403


def test_another_communitys_volunteer_and_place_are_missing(client, tenant):
    place = _attended(tenant, "v-other")
    client.force_login(_other_community_staff(tenant))
    for model, pk in (("volunteer", place.volunteer_id), ("place", place.pk)):
        response = client.get(reverse(f"admin:volunteering_{model}_change", args=[pk]))
        assert response.status_code == 302
        assert response["Location"] == reverse("admin:index")


# --- Places -------------------------------------------------------------------------------


def test_a_place_shows_its_history_read_only(client, tenant):
    place = _attended(tenant, "v-place")
    client.force_login(tenant.community_staff)
    page = client.get(reverse("admin:volunteering_place_change", args=[place.pk]))
    assert page.status_code == 200
    assert "2.0" in page.content.decode()
    assert page.context["inline_admin_formsets"][0].formset.queryset.count() >= 2
    assert client.post(reverse("admin:volunteering_place_add")).status_code == 403


# --- Supplements --------------------------------------------------------------------------


def _supplement(tenant, requested_by):
    place = _attended(tenant, "v-supp", hours=1)
    return supplements.supplement_request(
        place,
        signed_in_at=place.signed_in_at,
        signed_out_at=place.signed_in_at + datetime.timedelta(hours=2),
        reason="纸质签到表",
        actor=requested_by,
    )


def test_a_supplement_is_approved_by_a_second_person_only(client, tenant):
    supplement = _supplement(tenant, tenant.community_staff)
    client.force_login(tenant.community_staff)
    response = _action(client, "hourssupplement", "approve", [supplement])
    supplement.refresh_from_db()
    assert supplement.status == SupplementStatus.PENDING
    assert any("second person" in m or "第二人" in m or "申请人" in m for m in _messages(response))

    client.force_login(tenant.street_admin)
    _action(client, "hourssupplement", "approve", [supplement])
    supplement.refresh_from_db()
    assert (supplement.status, supplement.decided_by) == (
        SupplementStatus.APPROVED,
        tenant.street_admin,
    )
    place = supplement.place
    place.refresh_from_db()
    assert place.hours == 2
    assert place.volunteer.hours_total == 2


def test_a_supplement_is_rejected_with_a_note(client, tenant):
    supplement = _supplement(tenant, tenant.leader)
    client.force_login(tenant.community_staff)
    form = _action(client, "hourssupplement", "reject", [supplement])
    assert b'name="reason"' in form.content
    _action(client, "hourssupplement", "reject", [supplement], apply="1", reason="时间不符")
    supplement.refresh_from_db()
    assert (supplement.status, supplement.decision_note) == (SupplementStatus.REJECTED, "时间不符")


def test_the_supplement_list_opens_on_pending_ones(client, tenant):
    pending = _supplement(tenant, tenant.leader)
    client.force_login(tenant.street_admin)
    page = client.get(reverse("admin:volunteering_hourssupplement_changelist"))
    assert list(page.context["cl"].queryset) == [pending]
    supplements.supplement_reject(pending, actor=tenant.street_admin, note="重复")
    page = client.get(reverse("admin:volunteering_hourssupplement_changelist"))
    assert list(page.context["cl"].queryset) == []
    everything = client.get(
        reverse("admin:volunteering_hourssupplement_changelist"), {"status": "all"}
    )
    assert list(everything.context["cl"].queryset) == [pending]
    detail = client.get(
        reverse("admin:volunteering_hourssupplement_change", args=[pending.pk])
    ).content.decode()
    assert 'name="_save"' not in detail


def test_another_communitys_supplement_is_missing(client, tenant):
    supplement = _supplement(tenant, tenant.leader)
    client.force_login(_other_community_staff(tenant))
    _action(client, "hourssupplement", "approve", [supplement])
    assert HoursSupplement.objects.get(pk=supplement.pk).status == SupplementStatus.PENDING


# --- Excel --------------------------------------------------------------------------------


@pytest.fixture
def sheet(client, django_capture_on_commit_callbacks):
    """The rows of the file an export button or action gives: the request starts a job
    (no workbook built in it), the file is the job's."""

    def rows(send):
        _job, response = run_export(client, django_capture_on_commit_callbacks, send)
        assert response["Content-Type"].startswith(
            "application/vnd.openxmlformats-officedocument.spreadsheetml"
        )
        workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        return [list(row) for row in workbook.active.iter_rows(values_only=True)]

    return rows


def _start_action(client, model, action, rows):
    return client.post(
        reverse(f"admin:volunteering_{model}_changelist"),
        {"action": action, ACTION_CHECKBOX_NAME: [r.pk for r in rows]},
    )


def test_it_exports_the_service_hours_with_masked_ids(client, tenant, sheet):
    place = _attended(tenant, "v-xls")
    _other = publish_activity(tenant, capacity=5)[1]  # signed up nobody: no rows
    client.force_login(tenant.street_admin)
    rows = sheet(lambda: client.get(reverse("admin:volunteering_place_export_hours")))
    assert rows[0][:3] == ["姓名", "身份证号(脱敏)", "活动"]
    assert len(rows) == 2
    name, id_number, activity, series, *_middle, hours, source = rows[1]
    assert (name, activity, series) == (
        place.volunteer.name,
        "公益伙伴日·社区环境清洁",
        "公益伙伴日",
    )
    assert id_number == ID_NUMBER[:6] + "********" + ID_NUMBER[-4:]
    assert (hours, source) == (2, "组织方登记")


def test_it_exports_yearly_totals_per_volunteer(client, tenant, sheet):
    place = _attended(tenant, "v-year")
    second = publish_activity(tenant, capacity=5, starts_in=datetime.timedelta(days=3))[1]
    mark_attendance(
        second,
        place.volunteer,
        actor=tenant.leader,
        signed_in_at=second.starts_at,
        signed_out_at=second.starts_at + datetime.timedelta(hours=1),
    )
    client.force_login(tenant.community_staff)
    rows = sheet(lambda: _start_action(client, "volunteer", "export_totals", [place.volunteer]))
    assert rows[0] == ["姓名", "身份证号(脱敏)", "年度", "服务次数", "服务时长(小时)"]
    year = timezone.localtime(place.session.starts_at).year
    assert rows[1][2:] == [year, 2, 3]


def test_the_exports_leave_out_another_communitys_hours(client, tenant, sheet):
    _attended(tenant, "v-hidden")
    client.force_login(_other_community_staff(tenant))
    for name in ("place_export_hours", "place_export_totals", "activity_export_hours"):
        rows = sheet(lambda name=name: client.get(reverse(f"admin:volunteering_{name}")))
        assert len(rows) == 1, name


def test_the_activity_action_exports_its_hours(client, tenant, sheet):
    place = _attended(tenant, "v-act")
    other = _attended(tenant, "v-act-2")
    client.force_login(tenant.community_staff)
    rows = sheet(
        lambda: _start_action(client, "activity", "export_hours", [place.session.activity])
    )
    assert len(rows) == 2
    assert other.session.activity != place.session.activity


PAGES = (
    "activity_changelist",
    "volunteer_changelist",
    "place_changelist",
    "hourssupplement_changelist",
    "volunteercertificate_changelist",
    "place_export_hours",
    "place_export_totals",
    "volunteer_export_hours",
    "activity_export_totals",
)


@pytest.mark.parametrize("page", PAGES)
def test_lists_and_exports_take_a_constant_number_of_queries(
    client, tenant, count_queries, page, django_capture_on_commit_callbacks
):
    session = publish_activity(tenant, capacity=50)[1]
    client.force_login(tenant.street_admin)
    url = reverse(f"admin:volunteering_{page}")

    def measure():
        # An export: the request that starts the job and the job itself, run inline.
        with count_queries() as queries, django_capture_on_commit_callbacks(execute=True):
            assert client.get(url).status_code == (302 if "export" in page else 200)
        return queries

    def add(i):
        place = _attended(tenant, f"q{i}", session=session)
        supplements.supplement_request(
            place,
            signed_in_at=place.signed_in_at,
            signed_out_at=place.signed_out_at + datetime.timedelta(minutes=30),
            reason="纸质签到表",
            actor=tenant.leader,
        )

    add(1)
    few = measure()
    for i in range(2, 7):
        add(i)
    publish_activity(tenant, capacity=5)
    many = measure()
    assert many.count == few.count, many.dump()


def test_an_attended_place_counts_once_in_the_export(tenant):
    from volunteering.resources import attended_places

    place = _attended(tenant, "v-once")
    assert list(attended_places(Place.objects.all())) == [place]
    assert place.status == PlaceStatus.ATTENDED
