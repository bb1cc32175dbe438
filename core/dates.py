"""Dates as a person reads them: ``2026年12月4日`` in Chinese, ``Dec. 4, 2026`` in English.

Messages people read (refusals, reminders, notifications, to-do states) call
``human_date`` where the sentence is built, so the date follows the active language —
inside ``translation.override(recipient_language)`` when a reminder is sent to someone.
ISO dates (``2026-12-04``) stay for machines only: JSON snapshots, evidence stored in the
database, CSV/Excel cells, hashes, URLs and de-duplication keys."""

import datetime

from django.utils import timezone
from django.utils.formats import date_format


def human_date(value: datetime.date | datetime.datetime | None) -> str:
    """``date(2026, 12, 4)`` → ``2026年12月4日`` under zh-hans (``DATE_FORMAT``)."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        # An aware timestamp is read on the local calendar, not UTC's.
        value = timezone.localdate(value) if timezone.is_aware(value) else value.date()
    return date_format(value, "DATE_FORMAT")
