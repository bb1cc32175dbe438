"""The public activity calendar, a session's public page and the iCalendar feeds: only
published and finished activities, places left counted, nothing personal, a fixed number
of queries, odd input never a 500, and feeds a calendar app parses (RFC 5545)."""

import datetime
import re

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from tests.volunteering.helpers import make_volunteer, publish_activity
from volunteering import ical, selectors
from volunteering.services import activities
from volunteering.services.places import cancel_place, sign_up
from volunteering.services.volunteers import volunteer_register

pytestmark = pytest.mark.django_db

# Thursday 3 December 2026, 09:00 in Shanghai.
NOW = datetime.datetime.fromisoformat("2026-12-03T09:00:00+08:00")


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _publish_in_other_community(tenant, *, title, starts_in=datetime.timedelta(days=2)):
    """Like ``publish_activity``, approved by the street's staff (the helper's community
    staff are not the other community's)."""
    now = timezone.now()
    activity = activities.activity_create(
        actor=tenant.leader,
        title=title,
        series="partner_day",
        organizer_kind="organization",
        organization=tenant.org,
        street=tenant.street,
        community=tenant.other_community,
        place="二社区活动室",
        capacity=2,
        recruit_until=now + starts_in - datetime.timedelta(hours=1),
    )
    session = activities.session_add(
        activity,
        starts_at=now + starts_in,
        ends_at=now + starts_in + datetime.timedelta(hours=2),
        actor=tenant.leader,
    )
    activities.activity_submit(activity, actor=tenant.leader)
    activities.activity_approve(activity, actor=tenant.street_admin)
    return activity, session


def _calendar(client, **query):
    return client.get(reverse("volunteering:calendar"), query)


# --- The month view --------------------------------------------------------------------------


def test_it_lists_this_months_public_sessions_with_places_left(tenant, client, frozen):
    activity, session = publish_activity(tenant, capacity=3)
    for n in (1, 2):
        user, volunteer = make_volunteer(tenant, f"v{n}")
        sign_up(session, volunteer, actor=user)
    draft = activities.activity_create(
        actor=tenant.leader,
        title="草稿里的活动",
        series=activity.series,
        organizer_kind=activity.organizer_kind,
        organization=tenant.org,
        street=tenant.street,
        community=tenant.community,
        place="某处",
        capacity=5,
        recruit_until=NOW + datetime.timedelta(days=1),
    )
    activities.session_add(
        draft,
        starts_at=NOW + datetime.timedelta(days=3),
        ends_at=NOW + datetime.timedelta(days=3, hours=1),
        actor=tenant.leader,
    )
    response = _calendar(client)
    assert response.status_code == 200
    html = response.content.decode()
    assert activity.title in html and "草稿里的活动" not in html
    assert response.context["month_value"] == "2026-12"
    [(day, rows)] = response.context["days"]
    assert day == datetime.date(2026, 12, 5)
    assert rows[0]["places_left"] == 1
    assert rows[0]["organizer"] == tenant.org.name
    assert rows[0]["community"] == tenant.community.name
    assert "09:00–11:00" in html
    assert reverse("volunteering:public_session", args=[session.pk]) in html
    assert response.context["previous_month"] == "2026-11"
    assert response.context["next_month"] == "2027-01"


def test_it_shows_another_month_and_filters_by_community(tenant, client, frozen):
    here, _s = publish_activity(tenant, starts_in=datetime.timedelta(days=40))
    there, _t = _publish_in_other_community(
        tenant, title="二社区助老", starts_in=datetime.timedelta(days=41)
    )
    assert _calendar(client).context["days"] == []
    january = _calendar(client, month="2027-01")
    assert {r["activity__title"] for _d, rows in january.context["days"] for r in rows} == {
        here.title,
        there.title,
    }
    filtered = _calendar(client, month="2027-01", community=tenant.other_community.pk)
    titles = {r["activity__title"] for _d, rows in filtered.context["days"] for r in rows}
    assert titles == {there.title}
    assert reverse("volunteering:community_ics", args=[tenant.other_community.pk]) in (
        filtered.content.decode()
    )
    names = {c["name"] for c in filtered.context["communities"]}
    assert names == {tenant.community.name, tenant.other_community.name}


@pytest.mark.parametrize(
    "query",
    [
        {"month": "abc"},
        {"month": "2026-13"},
        {"month": "2026-00"},
        {"month": "99999-01"},
        {"month": "1900-01"},
        {"month": "2026-12-01"},
        {"month": "-1"},
        {"community": "x"},
        {"community": "-3"},
        {"community": "9" * 30},
    ],
)
def test_odd_months_and_filters_are_not_errors(tenant, client, frozen, query):
    response = _calendar(client, **query)
    assert response.status_code == 200
    if "month" in query:
        assert response.context["month_value"] == "2026-12"


def test_the_month_reads_a_fixed_number_of_queries_then_the_cache(
    tenant, client, frozen, count_queries
):
    publish_activity(tenant)
    with count_queries() as one:
        _calendar(client)
    cache.clear()
    for n in range(6):
        _activity, session = publish_activity(
            tenant, starts_in=datetime.timedelta(days=2 + n % 3, hours=n)
        )
        user, volunteer = make_volunteer(tenant, f"q{n}")
        sign_up(session, volunteer, actor=user)
    with count_queries() as seven:
        response = _calendar(client)
    assert sum(len(rows) for _d, rows in response.context["days"]) == 7
    assert seven.count == one.count, seven.dump()
    with count_queries() as again:
        for _ in range(10):
            _calendar(client)
    assert again.count == 0, again.dump()


# --- A busy month: counts per day, a day at a time --------------------------------------------


@pytest.fixture
def small_pages(monkeypatch):
    """Pages of 3 sessions a month and 2 a day: a busy month without 5,000 sessions."""
    monkeypatch.setattr(selectors, "MONTH_ROWS", 3)
    monkeypatch.setattr(selectors, "DAY_ROWS", 2)


def _sessions_on(tenant, days_and_hours):
    """Public sessions at NOW + (days, hours): 5 December 09:00 is (2, 0)."""
    return [
        publish_activity(
            tenant, title=f"活动{n}", starts_in=datetime.timedelta(days=days, hours=hours)
        )[1]
        for n, (days, hours) in enumerate(days_and_hours)
    ]


def _listed(response) -> list[int]:
    return [row["pk"] for _d, rows in response.context["days"] for row in rows]


def _counts(response) -> dict[int, int]:
    return {
        cell["day"]: cell["count"]
        for week in response.context["weeks"]
        for cell in week
        if cell["count"]
    }


def test_a_busy_month_lists_no_session_but_each_days_count(tenant, client, frozen, small_pages):
    _sessions_on(tenant, [(2, 0), (2, 1), (2, 2), (3, 0)])
    response = _calendar(client)
    assert response.status_code == 200
    assert response.context["by_day"] is True
    assert response.context["total"] == 4
    assert _listed(response) == []
    assert _counts(response) == {5: 3, 6: 1}
    html = response.content.decode()
    # In words, with a link: the month is not cut silently.
    assert re.search(r"Too many to list|太多", html)
    assert 'href="?day=2026-12-05"' in html and 'href="?day=2026-12-06"' in html


def test_a_busy_day_is_listed_a_page_at_a_time_and_nothing_is_left_out(
    tenant, client, frozen, small_pages
):
    sessions = _sessions_on(tenant, [(2, 0), (2, 1), (2, 2), (3, 0)])
    first = _calendar(client, day="2026-12-05")
    assert first.context["day"] == datetime.date(2026, 12, 5)
    assert (first.context["day_total"], first.context["page"], first.context["pages"]) == (3, 1, 2)
    html = first.content.decode()
    assert "?day=2026-12-05&amp;page=2" in html
    second = _calendar(client, day="2026-12-05", page=2)
    assert _listed(first) + _listed(second) == [s.pk for s in sessions[:3]]
    assert (second.context["first_shown"], second.context["last_shown"]) == (3, 3)
    # A page past the last is the last; an odd page is the first.
    assert _listed(_calendar(client, day="2026-12-05", page=99)) == [sessions[2].pk]
    assert _listed(_calendar(client, day="2026-12-05", page="x")) == _listed(first)
    assert _listed(_calendar(client, day="2026-12-06")) == [sessions[3].pk]
    empty = _calendar(client, day="2026-12-07")
    assert empty.status_code == 200 and _listed(empty) == []


def test_a_day_filters_by_community(tenant, client, frozen, small_pages):
    _sessions_on(tenant, [(2, 0), (2, 1), (2, 2), (2, 3)])
    _a, there = _publish_in_other_community(tenant, title="二社区助老")
    day = _calendar(client, day="2026-12-05", community=tenant.other_community.pk)
    assert _listed(day) == [there.pk]
    assert day.context["day_total"] == 1
    html = day.content.decode()
    assert 'name="day" value="2026-12-05"' in html
    month = _calendar(client, community=tenant.other_community.pk)
    assert month.context["by_day"] is False and _listed(month) == [there.pk]


def test_a_quiet_month_lists_a_day_too(tenant, client, frozen):
    sessions = _sessions_on(tenant, [(2, 0), (3, 0)])
    month = _calendar(client)
    assert month.context["by_day"] is False
    assert _counts(month) == {5: 1, 6: 1}
    assert 'href="#day-5"' in month.content.decode()
    day = _calendar(client, day="2026-12-06")
    assert _listed(day) == [sessions[1].pk]
    assert day.context["pages"] == 1


@pytest.mark.parametrize(
    "day", ["2026-02-30", "2026-12-5", "abc", "1999-12-01", "2101-01-01", "2026-12-25T00", "-1"]
)
def test_odd_days_show_the_month(tenant, client, frozen, day):
    response = _calendar(client, day=day, page="-4")
    assert response.status_code == 200
    assert response.context["day"] is None
    assert response.context["month_value"] == "2026-12"


@pytest.mark.parametrize("busy", [False, True])
def test_the_month_and_a_day_read_a_fixed_number_of_queries(
    tenant, client, frozen, small_pages, django_assert_max_num_queries, busy
):
    # Two sizes: within the caps (the month is listed), and past them (counts, then a day
    # of two pages).
    _sessions_on(tenant, [(2, n) for n in range(7 if busy else 2)])
    with django_assert_max_num_queries(3):
        month = _calendar(client)
    assert month.context["by_day"] is busy
    with django_assert_max_num_queries(1):  # the month is cached: the day's page only
        day = _calendar(client, day="2026-12-05", page=2)
    assert day.context["day_total"] == (7 if busy else 2)
    cache.clear()
    with django_assert_max_num_queries(4):
        _calendar(client, day="2026-12-05", page=2)
    with django_assert_max_num_queries(0):
        _calendar(client, day="2026-12-05", page=2)
        _calendar(client)


# --- The session page ------------------------------------------------------------------------


def test_the_session_page_describes_it_and_links_to_sign_up(tenant, client, frozen):
    activity, session = publish_activity(tenant, description="清扫楼道,整理绿化带;自带手套")
    response = client.get(reverse("volunteering:public_session", args=[session.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "清扫楼道,整理绿化带;自带手套" in html
    assert f"/volunteer/activities/{activity.pk}/" in html
    assert response.context["session"]["places_left"] == 2


def test_a_session_not_public_or_unknown_is_404(tenant, client, frozen):
    activity = activities.activity_create(
        actor=tenant.leader,
        title="未审核",
        series="other",
        organizer_kind="organization",
        organization=tenant.org,
        street=tenant.street,
        community=tenant.community,
        place="某处",
        capacity=5,
        recruit_until=NOW + datetime.timedelta(days=1),
    )
    hidden = activities.session_add(
        activity,
        starts_at=NOW + datetime.timedelta(days=3),
        ends_at=NOW + datetime.timedelta(days=3, hours=1),
        actor=tenant.leader,
    )
    for pk in (hidden.pk, hidden.pk + 1000, 2**31, 10**20):
        url = f"/volunteer/calendar/sessions/{pk}/"
        assert client.get(url).status_code == 404, pk


# --- Nothing personal ------------------------------------------------------------------------


def test_public_pages_hold_no_volunteer_data(tenant, client, frozen):
    activity, session = publish_activity(tenant, capacity=2)
    people = []
    for n, (name, phone) in enumerate(
        [("欧阳明华", "13955556666"), ("司马建国", "13812345678"), ("诸葛秀英", "13700001111")]
    ):
        user, volunteer = make_volunteer(tenant, f"calendar-person-{n}")
        user.full_name, user.phone, user.email = name, phone, f"p{n}@example.cn"
        user.save(update_fields=["full_name", "phone", "email"])
        volunteer.name, volunteer.phone = name, phone
        volunteer.save(update_fields=["name", "phone"])
        sign_up(session, volunteer, actor=user)
        people += [name, phone, user.username, f"p{n}@example.cn"]
    walk_in = volunteer_register(
        name="上官婉儿", street=tenant.street, community=tenant.community, phone="13600002222"
    )
    people += ["上官婉儿", "13600002222"]
    assert walk_in.pk
    pages = [
        _calendar(client),
        client.get(reverse("volunteering:public_session", args=[session.pk])),
        client.get(reverse("volunteering:community_ics", args=[tenant.community.pk])),
        client.get(reverse("volunteering:organization_ics", args=[tenant.org.pk])),
    ]
    assert [page.status_code for page in pages] == [200] * 4
    text = "\n".join(ical_unfold(page.content.decode()) for page in pages)
    assert activity.title in text
    leaked = [value for value in people if value in text]
    assert not leaked, leaked


def test_a_cancelled_place_frees_the_place_on_the_calendar(tenant, client, frozen):
    _activity, session = publish_activity(tenant, capacity=1)
    user, volunteer = make_volunteer(tenant, "c1")
    place = sign_up(session, volunteer, actor=user)
    assert (
        client.get(reverse("volunteering:public_session", args=[session.pk])).context["session"][
            "places_left"
        ]
        == 0
    )
    cancel_place(place, actor=user)
    cache.clear()
    assert (
        client.get(reverse("volunteering:public_session", args=[session.pk])).context["session"][
            "places_left"
        ]
        == 1
    )


# --- iCalendar -------------------------------------------------------------------------------


def ical_unfold(text: str) -> str:
    return re.sub(r"\r\n[ \t]", "", text)


def _unescape(value: str) -> str:
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m[1] in "nN" else m[1], value)


def parse_ical(body: bytes) -> list[dict]:
    """A small RFC 5545 reader, strict where ours must be: CRLF only, no physical line
    over 75 octets, continuation lines start with a space, every component closed. Returns
    the events as {property: unescaped value}."""
    text = body.decode("utf-8")
    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", "")
    for line in text.split("\r\n")[:-1]:
        assert len(line.encode("utf-8")) <= 75, line
    stack, events, current = [], [], None
    for line in ical_unfold(text).split("\r\n")[:-1]:
        name, _sep, value = line.partition(":")
        assert _sep, line
        if name == "BEGIN":
            stack.append(value)
            if value == "VEVENT":
                current = {}
        elif name == "END":
            assert stack.pop() == value
            if value == "VEVENT":
                events.append(current)
                current = None
        elif current is not None:
            assert name not in current, name
            current[name] = (
                _unescape(value) if name in {"SUMMARY", "LOCATION", "DESCRIPTION"} else value
            )
    assert stack == []
    return events


def test_text_is_escaped_and_lines_fold_at_75_octets():
    assert ical.escape_text("a,b;c\\d\ne\r\nf\x07") == "a\\,b\\;c\\\\d\\ne\\nf"
    line = "SUMMARY:" + "公益伙伴日" * 20
    folded = ical.fold(line)
    physical = folded.split("\r\n")
    assert all(len(p.encode("utf-8")) <= 75 for p in physical)
    assert all(p.startswith(" ") for p in physical[1:])
    assert ical_unfold(folded) == line
    assert ical.fold("SHORT:x") == "SHORT:x"
    exactly = "X:" + "a" * 73
    assert ical.fold(exactly) == exactly
    assert ical.fold(exactly + "b") == exactly + "\r\n b"


def test_the_community_feed_parses_back(tenant, client):
    with time_machine.travel(NOW - datetime.timedelta(days=22), tick=False):
        past, _p = publish_activity(tenant, title="上月的活动")
    with time_machine.travel(NOW, tick=False):
        activity, session = publish_activity(
            tenant,
            title="重阳节敬老, 包饺子; 送温暖 " + "长标题" * 15,
            place="凯旋社区文化家园, 二楼",
            description="第一行\n第二行, 带逗号; 分号 \\ 反斜杠",
        )
        far, _f = publish_activity(
            tenant, title="三个月以后", starts_in=datetime.timedelta(days=95)
        )
        _publish_in_other_community(tenant, title="别的社区")
        response = client.get(reverse("volunteering:community_ics", args=[tenant.community.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.content
    assert body.startswith(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:")
    events = parse_ical(body)
    by_title = {e["SUMMARY"]: e for e in events}
    assert set(by_title) == {past.title, activity.title}
    event = by_title[activity.title]
    assert event["UID"] == f"volunteer-session-{session.pk}@127.0.0.1"
    assert event["DTSTAMP"] == "20261203T010000Z"
    assert event["DTSTART"] == "20261205T010000Z"
    assert event["DTEND"] == "20261205T030000Z"
    assert event["LOCATION"] == f"凯旋社区文化家园, 二楼, {tenant.community.name}"
    assert "第一行\n第二行, 带逗号; 分号 \\ 反斜杠" in event["DESCRIPTION"]
    assert event["URL"] == "http://testserver" + reverse(
        "volunteering:public_session", args=[session.pk]
    )


def test_the_organization_feed_and_unknown_feeds(tenant, client, frozen):
    mine, _m = publish_activity(tenant)
    tenant.other_org.leader_accounts.add(tenant.leader)
    publish_activity(tenant, title="别家的", organization=tenant.other_org)
    response = client.get(reverse("volunteering:organization_ics", args=[tenant.org.pk]))
    assert [e["SUMMARY"] for e in parse_ical(response.content)] == [mine.title]
    for url in (
        "/volunteer/calendar/community/999999.ics",
        "/volunteer/calendar/organization/999999.ics",
        f"/volunteer/calendar/organization/{10**20}.ics",
    ):
        assert client.get(url).status_code == 404, url


# --- Navigation ------------------------------------------------------------------------------


def test_the_calendar_is_in_every_visitors_nav_and_the_portal_in_members(tenant, client):
    calendar_link = f'href="{reverse("volunteering:calendar")}"'
    portal_link = f'href="{reverse("volunteering:home")}"'
    for url in (reverse("volunteering:calendar"), reverse("marketplace:wish_wall")):
        html = client.get(url).content.decode()
        assert calendar_link in html and portal_link not in html, url
    client.force_login(tenant.leader)
    html = client.get(reverse("home")).content.decode()
    assert calendar_link in html and portal_link in html
