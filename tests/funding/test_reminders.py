import datetime

import pytest
import time_machine
from django.utils import timezone

from funding.choices import ReportKind
from funding.reminders import send_report_reminders
from funding.services.applications import application_transition
from funding.services.delivery import report_submit
from funding.tasks import send_reminders
from funding.workflows import ApplicationStatus as S
from notifications.models import Notification
from tests.funding.factories import make_call, make_draft, make_eligible

pytestmark = pytest.mark.django_db


@pytest.fixture
def running(tenant):
    call = make_call(tenant)
    app = make_draft(call, make_eligible(tenant.org), tenant.leader)
    admin = tenant.street_admin
    app = application_transition(application=app, to=S.SUBMITTED, actor=tenant.leader)
    app = application_transition(
        application=app, to=S.APPROVED, actor=admin, amount="10000", message="ok"
    )
    today = timezone.localdate()
    return application_transition(
        application=app,
        to=S.IN_PROGRESS,
        actor=admin,
        signed_on=today,
        midterm_due_on=today + datetime.timedelta(days=30),
        final_due_on=today + datetime.timedelta(days=90),
    )


def reminders(user):
    return list(
        Notification.objects.filter(recipient=user, kind="grant_report_due")
        .order_by("pk")
        .values_list("key", flat=True)
    )


def test_it_reminds_14_and_3_days_before_and_when_overdue_each_once(tenant, running):
    due = running.midterm_due_on
    for days_before, expected in ((20, 0), (14, 1), (10, 1), (3, 2), (1, 2), (-1, 3), (-5, 3)):
        with time_machine.travel(due - datetime.timedelta(days=days_before)):
            send_report_reminders()
            send_report_reminders()  # a second beat run the same day sends nothing
        assert len(reminders(tenant.leader)) == expected, days_before
    keys = reminders(tenant.leader)
    assert [k.rsplit(":", 1)[1] for k in keys] == ["14d", "3d", "overdue"]
    assert all(ReportKind.MIDTERM in k for k in keys)


def test_it_stops_reminding_once_the_report_is_in(tenant, running):
    report_submit(application=running, kind=ReportKind.MIDTERM, content="中期", actor=tenant.leader)
    with time_machine.travel(running.midterm_due_on - datetime.timedelta(days=3)):
        assert send_reminders() == 0
    assert reminders(tenant.leader) == []
