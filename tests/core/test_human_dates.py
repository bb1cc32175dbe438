"""Dates and sums in messages people read: 2026年12月4日 and 12,345.00 元, never 2026-12-04."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import translation

from core.dates import human_date
from core.errors import ActionRefused
from funding.services.foundation import spending_record
from incubation import reminders
from notifications.models import Notification
from tests.funding.test_foundation import make_fund
from tests.incubation.test_reminders import term_ending

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_it_writes_a_date_the_chinese_way_in_chinese():
    with translation.override("zh-hans"):
        assert human_date(datetime.date(2026, 12, 4)) == "2026年12月4日"


def test_it_writes_a_date_the_english_way_in_english():
    with translation.override("en"):
        text = human_date(datetime.date(2026, 12, 4))
    assert "2026" in text and "4" in text and not ISO_DATE.search(text)


def test_it_reads_an_aware_timestamp_on_the_local_calendar():
    # 20:00 UTC on 3 December is already 4 December in Shanghai.
    stamp = datetime.datetime(2026, 12, 3, 20, tzinfo=datetime.UTC)
    with translation.override("zh-hans"):
        assert human_date(stamp) == "2026年12月4日"


def test_it_leaves_no_date_empty():
    assert human_date(None) == ""


@pytest.fixture
def overdue_org(tenant):
    """A 社会组织 whose council term ended on 2026-12-04 without an extension."""
    with time_machine.travel(datetime.datetime(2026, 11, 28, 8, tzinfo=SHANGHAI), tick=False):
        org = term_ending(tenant, datetime.date(2026, 12, 4))
    return org


def test_it_dates_the_overdue_re_election_reminder_in_chinese(
    tenant, overdue_org, mailoutbox, django_capture_on_commit_callbacks
):
    tenant.leader.email = "leader@example.org"
    tenant.leader.save()
    later = datetime.datetime(2026, 12, 10, 8, tzinfo=SHANGHAI)
    with (
        time_machine.travel(later, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert reminders.send_re_election_reminders() > 0
    note = Notification.objects.get(kind="re_election_due", recipient=tenant.leader)
    assert "2026年12月4日" in note.body
    assert not ISO_DATE.search(note.body), note.body
    # The e-mail carries the same sentence; the machine key keeps the ISO date.
    assert "2026年12月4日" in mailoutbox[0].body
    assert not ISO_DATE.search(mailoutbox[0].subject + mailoutbox[0].body)
    assert note.key.endswith("2026-12-04:overdue")


def test_it_writes_sums_in_a_refusal_with_grouping_and_the_unit(tenant):
    fund = make_fund(tenant, seed="12345")
    with translation.override("zh-hans"), pytest.raises(ActionRefused) as exc:
        spending_record(
            fund=fund,
            project="楼道微更新",
            amount="20000",
            spent_on=datetime.date(2026, 12, 4),
            actor=tenant.street_admin,
        )
    assert "12,345.00 元" in exc.value.message
    assert "20,000.00 元" in exc.value.message
