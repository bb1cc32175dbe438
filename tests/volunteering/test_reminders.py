"""The reminder the day before a session (once, to confirmed places with an account) and
the nightly closing of sessions (no-shows recorded)."""

import datetime

import pytest
import time_machine
from django.conf import settings

from notifications.models import Notification
from tests.volunteering.helpers import make_volunteer, publish_activity
from volunteering import reminders, tasks
from volunteering.models import Place, Session
from volunteering.services.activities import activity_cancel
from volunteering.services.places import cancel_place, sign_up
from volunteering.services.volunteers import volunteer_register
from volunteering.workflows import PlaceStatus

pytestmark = pytest.mark.django_db

# Thursday 3 December 2026, 08:50 in Shanghai: the reminders' run.
NOW = datetime.datetime.fromisoformat("2026-12-03T08:50:00+08:00")


def _signed_up(tenant, session, n, *, email=True):
    user, volunteer = make_volunteer(tenant, f"r{session.pk}-{n}")
    if email:
        user.email = f"r{session.pk}-{n}@example.cn"
        user.save(update_fields=["email"])
    return user, sign_up(session, volunteer, actor=user)


@pytest.fixture
def tomorrow(tenant):
    """A session tomorrow at 10:00 with capacity 3: two confirmed with accounts, one
    confirmed without (a walk-in registered by the organizer), one waiting, one who gave
    the waiting place up."""
    with time_machine.travel(NOW - datetime.timedelta(days=1), tick=False):
        _activity, session = publish_activity(
            tenant, capacity=3, starts_in=datetime.timedelta(days=2, hours=1, minutes=10)
        )
        first_user, first = _signed_up(tenant, session, 1)
        second_user, second = _signed_up(tenant, session, 2)
        paper = volunteer_register(name="纸质登记", street=tenant.street)
        sign_up(session, paper, actor=tenant.leader)
        gave_up_user, gave_up = _signed_up(tenant, session, 3)
        waiting_user, waiting = _signed_up(tenant, session, 4)
        cancel_place(gave_up, actor=gave_up_user)
    statuses = sorted(Place.objects.filter(session=session).values_list("status", flat=True))
    assert statuses == ["cancelled", "confirmed", "confirmed", "confirmed", "waiting"]
    return session, {first_user, second_user}, {gave_up_user, waiting_user}


def test_it_reminds_confirmed_places_once(tomorrow, django_capture_on_commit_callbacks):
    session, told, untold = tomorrow
    with time_machine.travel(NOW, tick=False):
        with django_capture_on_commit_callbacks() as callbacks:
            assert reminders.send_session_reminders() == 2
        assert reminders.send_session_reminders() == 0
        assert reminders.remind_session(session.pk, now=NOW) == 0
    notes = Notification.objects.filter(kind="activity_reminder")
    assert {n.recipient for n in notes} == told
    assert not notes.filter(recipient__in=untold).exists()
    note = notes.first()
    assert session.activity.title in note.title and "10:00" in note.title
    assert session.activity.place in note.body
    assert len(callbacks) == 2  # one e-mail each, queued after commit
    session.refresh_from_db()
    assert session.reminded_at == NOW


def test_a_claimed_session_is_not_reminded_again(tomorrow):
    """Another worker set ``reminded_at`` first: this run sends nothing."""
    session, _told, _untold = tomorrow
    Session.objects.filter(pk=session.pk).update(reminded_at=NOW)
    with time_machine.travel(NOW, tick=False):
        assert reminders.remind_session(session.pk, now=NOW) == 0
        assert reminders.send_session_reminders() == 0
    assert not Notification.objects.filter(kind="activity_reminder").exists()


def test_only_tomorrows_sessions_of_live_activities(tenant, tomorrow):
    session, _told, _untold = tomorrow
    with time_machine.travel(NOW - datetime.timedelta(days=1), tick=False):
        _later, later = publish_activity(tenant, starts_in=datetime.timedelta(days=3))
        _signed_up(tenant, later, 1)
        called_off, off = publish_activity(tenant, starts_in=datetime.timedelta(days=2, hours=2))
        _signed_up(tenant, off, 1)
        activity_cancel(called_off, actor=tenant.leader, reason="天气原因")
    with time_machine.travel(NOW, tick=False):
        assert reminders.send_session_reminders() == 2
    reminded = set(Session.objects.filter(reminded_at__isnull=False).values_list("pk", flat=True))
    assert reminded == {session.pk}


def test_the_reminder_task_and_its_e_mail(tomorrow, django_capture_on_commit_callbacks, mailoutbox):
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_reminders() == 2
    assert len(mailoutbox) == 2
    assert "/volunteer/activities/" in mailoutbox[0].body


def test_closing_records_no_shows_after_the_grace(tenant):
    with time_machine.travel(NOW - datetime.timedelta(days=3), tick=False):
        _activity, session = publish_activity(tenant, capacity=1, hours=2)
        _u1, came_not = _signed_up(tenant, session, 1)
        _u2, waiting = _signed_up(tenant, session, 2)
    ends = session.ends_at
    grace = datetime.timedelta(minutes=120)
    with time_machine.travel(ends + grace - datetime.timedelta(minutes=1), tick=False):
        assert tasks.close_sessions() == {"sessions_closed": 0, "no_shows": 0}
    with time_machine.travel(ends + grace + datetime.timedelta(minutes=1), tick=False):
        assert tasks.close_sessions() == {"sessions_closed": 1, "no_shows": 1}
        assert tasks.close_sessions() == {"sessions_closed": 0, "no_shows": 0}
    came_not.refresh_from_db()
    waiting.refresh_from_db()
    assert came_not.status == PlaceStatus.NO_SHOW
    assert waiting.status == PlaceStatus.CANCELLED
    session.refresh_from_db()
    assert session.closed_at is not None


def test_closing_leaves_cancelled_activities_alone(tenant):
    with time_machine.travel(NOW - datetime.timedelta(days=3), tick=False):
        activity, session = publish_activity(tenant, capacity=1)
        _signed_up(tenant, session, 1)
        activity_cancel(activity, actor=tenant.leader, reason="场地临时征用")
    with time_machine.travel(NOW, tick=False):
        assert reminders.close_ended_sessions()["sessions_closed"] == 0


def test_the_beat_runs_both_tasks():
    tasks_scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"volunteering.send_reminders", "volunteering.close_sessions"} <= tasks_scheduled
