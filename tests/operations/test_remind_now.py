"""`manage.py remind_now`: beat's reminder tasks now, for the README's "see a reminder
fire" and for a day beat missed. The suite runs tasks inline; through a real broker see
tests/kaiyihui/test_embedded_worker.py."""

import datetime

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from notifications.models import Notification


def test_it_runs_the_overdue_re_election_reminder_and_e_mails_it(
    tenant, django_capture_on_commit_callbacks
):
    tenant.leader.email = "leader@example.org"
    tenant.leader.save()
    tenant.org.term_end = timezone.localdate() - datetime.timedelta(days=1)
    tenant.org.term_extended_until = None
    tenant.org.save()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("remind_now")

    reminder = Notification.objects.get(recipient=tenant.leader, kind="re_election_due")
    assert reminder.emailed_at is not None
    assert [m.to for m in mail.outbox if m.subject == reminder.title] == [["leader@example.org"]]


def test_it_sends_nothing_twice(tenant):
    tenant.org.term_end = timezone.localdate() - datetime.timedelta(days=1)
    tenant.org.save()
    call_command("remind_now", "incubation-reminders")
    call_command("remind_now", "incubation-reminders")
    assert Notification.objects.filter(recipient=tenant.leader, kind="re_election_due").count() == 1


def test_it_names_the_known_entries_for_an_unknown_one():
    with pytest.raises(CommandError, match="Unknown beat entry: nope. Known: incubation-reminders"):
        call_command("remind_now", "nope")


def test_it_runs_tasks_inline_in_the_suite_whatever_dot_env_says():
    # make run's .env names the filesystem broker; kaiyihui.settings_test drops it.
    assert settings.CELERY_TASK_ALWAYS_EAGER
    assert settings.CELERY_BROKER_URL == ""
