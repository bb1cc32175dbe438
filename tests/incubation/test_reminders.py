"""Reminders: each sent once per organization, kind and period to the leaders and the
community's staff, e-mailed once after commit; and the notify() service under them."""

import datetime
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from accounts.roles import Role
from incubation import reminders, services
from incubation.tasks import send_reminders
from incubation.workflows import Stage
from notifications.models import Notification, NotificationOptOut
from notifications.selectors import unread_count
from notifications.services import (
    notification_email,
    notification_opt_out,
    notifications_mark_read,
    notify,
)
from tests.factories import RegisteredOrganizationFactory, UserFactory, record_party_facts

TODAY = date(2026, 11, 28)
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def clock():
    with time_machine.travel(datetime.datetime(2026, 11, 28, 8, tzinfo=SHANGHAI), tick=False) as t:
        yield t


def go_to(clock, day: date):
    clock.move_to(datetime.datetime(day.year, day.month, day.day, 8, tzinfo=SHANGHAI))


@pytest.fixture
def people(tenant, clock):
    """The leader and the community's staff, with e-mail addresses."""
    tenant.leader.email = "leader@example.org"
    tenant.leader.save()
    tenant.community_staff.email = "staff@example.org"
    tenant.community_staff.save()
    return tenant


def org_for(tenant, stage=Stage.MANAGEMENT, **fields):
    org = record_party_facts(RegisteredOrganizationFactory(community=tenant.community, **fields))
    org.leader_accounts.add(tenant.leader)
    steps = {
        Stage.MANAGEMENT: ["onboarding", "management"],
        Stage.RE_ELECTION: ["onboarding", "management", "re_election"],
    }
    for step in steps.get(stage, [stage]):
        services.organization_change_stage(organization=org, to_stage=step, actor=None)
    return org


def term_ending(tenant, term_end, stage=Stage.MANAGEMENT):
    start = term_end.replace(year=term_end.year - 4)
    return org_for(tenant, stage, term_start=start, term_end=term_end)


def sent(kind="re_election_due", **filters):
    return Notification.objects.filter(kind=kind, **filters)


# --- 换届 reminders ---------------------------------------------------------------------------


def test_it_reminds_the_leaders_and_community_staff_ninety_days_ahead(people):
    org = term_ending(people, TODAY + timedelta(days=90))

    assert reminders.send_re_election_reminders() == 2

    assert {n.recipient for n in sent()} == {people.leader, people.community_staff}
    note = sent().first()
    assert note.key == f"org:{org.pk}:2027-02-26:90d"
    assert note.title == f"90 天后换届到期:{org.name}"
    assert "2027年2月26日" in note.body
    assert note.url == reverse("incubation:organization", args=[org.pk])


def test_it_reminds_nobody_else(people, outsider_tenant):
    term_ending(people, TODAY + timedelta(days=30))
    UserFactory(role=Role.COMMUNITY_STAFF, street=people.street, community=people.other_community)
    inactive = UserFactory(role=Role.ORG_LEADER, street=people.street, is_active=False)
    inactive.led_organizations.add(*people.community.organizations.all())

    reminders.send_re_election_reminders()

    assert {n.recipient for n in sent()} == {people.leader, people.community_staff}


def test_a_doubled_beat_run_sends_nothing_more(people):
    term_ending(people, TODAY + timedelta(days=90))
    assert reminders.send_re_election_reminders() == 2
    assert reminders.send_re_election_reminders() == 0
    assert sent().count() == 2


def test_each_window_sends_once_then_overdue_once(people, clock):
    term_end = TODAY + timedelta(days=90)
    org = term_ending(people, term_end)
    reminders.send_re_election_reminders()

    go_to(clock, term_end - timedelta(days=60))
    assert reminders.send_re_election_reminders() == 0  # still in the 90-day window

    go_to(clock, term_end - timedelta(days=30))
    assert reminders.send_re_election_reminders() == 2
    assert reminders.send_re_election_reminders() == 0

    go_to(clock, term_end)
    assert reminders.send_re_election_reminders() == 0  # due today is not overdue yet

    go_to(clock, term_end + timedelta(days=1))
    assert reminders.send_re_election_reminders() == 2
    go_to(clock, term_end + timedelta(days=40))
    assert reminders.send_re_election_reminders() == 0

    keys = sorted({n.key for n in sent(recipient=people.leader)})
    assert keys == [f"org:{org.pk}:2027-02-26:{w}" for w in ("30d", "90d", "overdue")]
    overdue = sent(key=f"org:{org.pk}:2027-02-26:overdue").first()
    assert overdue.title == f"换届已逾期:{org.name}"


@pytest.mark.parametrize(("days", "count"), [(91, 0), (89, 2), (31, 2), (0, 2)])
def test_it_catches_up_a_window_the_beat_missed(people, days, count):
    term_ending(people, TODAY + timedelta(days=days))
    assert reminders.send_re_election_reminders() == count


def test_an_approved_extension_pushes_the_reminders(people, clock):
    term_end = TODAY + timedelta(days=120)  # 2027-03-28
    org = term_ending(people, term_end)
    services.term_extend(
        organization=org, until=date(2027, 9, 28), actor=people.street_admin, reason="延期"
    )

    go_to(clock, term_end - timedelta(days=30))
    assert reminders.send_re_election_reminders() == 0
    go_to(clock, term_end + timedelta(days=1))
    assert reminders.send_re_election_reminders() == 0  # not overdue: extended

    go_to(clock, date(2027, 9, 28) - timedelta(days=90))
    assert reminders.send_re_election_reminders() == 2
    assert sent().first().key == f"org:{org.pk}:2027-09-28:90d"


@pytest.mark.parametrize("stage", [Stage.WITHDRAWN, Stage.DEREGISTERED])
def test_an_organization_that_left_gets_no_reminder(people, stage):
    term_ending(people, TODAY - timedelta(days=5), stage=stage)
    assert reminders.send_re_election_reminders() == 0


def test_an_organization_in_re_election_is_still_reminded(people):
    term_ending(people, TODAY - timedelta(days=5), stage=Stage.RE_ELECTION)
    assert reminders.send_re_election_reminders() == 2


# --- Incubation ending ---------------------------------------------------------------------------


def incubating(tenant, ends_in_days, stage=Stage.MANAGEMENT):
    org = org_for(tenant, stage)
    ends = TODAY + timedelta(days=ends_in_days)
    services.incubation_intake(
        organization=org,
        agreement_on=ends.replace(year=ends.year - 1),
        planned_months=12,
        incubation_type="startup",
        actor=None,
    )
    return org


def test_it_reminds_of_the_end_of_incubation_once(people):
    org = incubating(people, 20)
    assert reminders.send_incubation_ending_reminders() == 2
    assert reminders.send_incubation_ending_reminders() == 0
    note = sent("incubation_ending", recipient=people.leader).get()
    assert note.key == f"org:{org.pk}:2026-12-18"
    assert note.title == f"孵化期即将结束:{org.name}"
    assert "2026年12月18日" in note.body


@pytest.mark.parametrize(("days", "count"), [(0, 2), (30, 2), (31, 0), (-1, 0)])
def test_it_reminds_only_within_thirty_days_of_the_end(people, days, count):
    incubating(people, days)
    assert reminders.send_incubation_ending_reminders() == count


def test_it_does_not_remind_after_graduation_or_leaving(people):
    graduated = incubating(people, 10)
    services.organization_change_phase(organization=graduated, to_phase="incubating", actor=None)
    services.organization_change_phase(organization=graduated, to_phase="graduated", actor=None)
    withdrawn = incubating(people, 10)
    services.organization_change_stage(organization=withdrawn, to_stage="withdrawn", actor=None)
    assert reminders.send_incubation_ending_reminders() == 0


def test_an_opt_out_suppresses_an_optional_kind_only(people):
    notification_opt_out(user=people.leader, kind="incubation_ending", opted_out=True)
    NotificationOptOut.objects.create(user=people.leader, kind="re_election_due")  # ignored
    incubating(people, 10)
    term_ending(people, TODAY + timedelta(days=10))

    assert reminders.send_incubation_ending_reminders() == 1
    assert sent("incubation_ending").get().recipient == people.community_staff
    assert reminders.send_re_election_reminders() == 2
    with pytest.raises(ValueError):
        notification_opt_out(user=people.leader, kind="re_election_due", opted_out=True)

    notification_opt_out(user=people.leader, kind="incubation_ending", opted_out=False)
    assert not NotificationOptOut.objects.filter(kind="incubation_ending").exists()


def test_the_beat_task_runs_both_reminders(people):
    term_ending(people, TODAY + timedelta(days=30))
    incubating(people, 5)
    first = {"re_election": 2, "incubation_ending": 2, "document_expiry": 0}
    assert send_reminders.delay().get() == first
    again = {"re_election": 0, "incubation_ending": 0, "document_expiry": 0}
    assert send_reminders.delay().get() == again


# --- E-mail ------------------------------------------------------------------------------------


def test_it_emails_each_notification_once_after_commit(
    people, mailoutbox, django_capture_on_commit_callbacks
):
    org = term_ending(people, TODAY + timedelta(days=30))
    with django_capture_on_commit_callbacks(execute=True):
        reminders.send_re_election_reminders()
        assert mailoutbox == []  # nothing leaves before the commit

    assert sorted(m.to[0] for m in mailoutbox) == ["leader@example.org", "staff@example.org"]
    mail = mailoutbox[0]
    assert mail.subject == f"30 天后换届到期:{org.name}"
    base = settings.PLATFORM_BASE_URL.rstrip("/")
    assert mail.body.endswith(f"{base}{reverse('incubation:organization', args=[org.pk])}")
    assert all(n.emailed_at is not None for n in sent())

    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.send_re_election_reminders() == 0
    assert len(mailoutbox) == 2
    assert notification_email(sent().first().pk) is False  # a retried task sends nothing


def test_it_emails_only_people_with_an_address(
    people, mailoutbox, django_capture_on_commit_callbacks
):
    people.community_staff.email = ""
    people.community_staff.save()
    term_ending(people, TODAY + timedelta(days=30))
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.send_re_election_reminders() == 2
    assert [m.to for m in mailoutbox] == [["leader@example.org"]]
    assert sent(recipient=people.community_staff).get().emailed_at is None


def test_it_sends_no_email_when_the_transaction_rolls_back(
    people, mailoutbox, django_capture_on_commit_callbacks
):
    term_ending(people, TODAY + timedelta(days=30))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        reminders.send_re_election_reminders()
    assert len(callbacks) == 2 and mailoutbox == []


# --- notify() and reading ---------------------------------------------------------------------


def test_notify_refuses_an_unknown_kind(tenant):
    with pytest.raises(ValueError):
        notify(recipient=tenant.leader, kind="no_such_kind", key="x", title="?")
    assert not Notification.objects.exists()


def test_notify_sends_once_per_key_and_never_to_an_inactive_user(
    tenant, mailoutbox, django_capture_on_commit_callbacks
):
    tenant.leader.email = "leader@example.org"
    tenant.leader.save()
    with django_capture_on_commit_callbacks(execute=True):
        first = notify(recipient=tenant.leader, kind="general", key="k1", title="通知")
        again = notify(recipient=tenant.leader, kind="general", key="k1", title="通知")
        quiet = notify(recipient=tenant.leader, kind="general", key="k2", title="站内", email=False)
    assert first is not None and again is None and quiet is not None
    assert len(mailoutbox) == 1

    tenant.evaluator.is_active = False
    tenant.evaluator.save()
    assert notify(recipient=tenant.evaluator, kind="general", key="k1", title="通知") is None


def test_it_marks_notifications_read_for_their_recipient_only(tenant):
    mine = [
        notify(recipient=tenant.leader, kind="general", key=f"k{i}", title="通知") for i in range(3)
    ]
    theirs = notify(recipient=tenant.community_staff, kind="general", key="k0", title="通知")
    assert unread_count(tenant.leader) == 3

    assert notifications_mark_read(user=tenant.leader, ids=[mine[0].pk, theirs.pk]) == 1
    assert unread_count(tenant.leader) == 2
    assert notifications_mark_read(user=tenant.leader) == 2
    assert notifications_mark_read(user=tenant.leader) == 0
    assert unread_count(tenant.leader) == 0
    assert unread_count(tenant.community_staff) == 1
    theirs.refresh_from_db()
    assert theirs.read_at is None
