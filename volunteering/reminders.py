"""The daily jobs of volunteering: the reminder the day before a session to everyone with a
place, and the nightly closing of sessions that ended (no-shows recorded).

A session is reminded once: ``Session.reminded_at`` is claimed by a conditional UPDATE in
the transaction that stores the notifications, so two workers running at once send it
once (the second finds the column set and moves on), and a failure leaves it unclaimed
for the next run. The notification key is a second guard per person."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from core.dates import human_date
from notifications.services import notify_each
from volunteering.models import Place, Session
from volunteering.rules import volunteering_rules
from volunteering.selectors import signup_path
from volunteering.services.places import close_session
from volunteering.workflows import ActivityStatus, PlaceStatus

KIND = "activity_reminder"


def _day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    return start, start + datetime.timedelta(days=1)


def remind_session(session_id: int, *, now: datetime.datetime) -> int:
    """Tell each confirmed volunteer with an account about tomorrow's session, once.
    Returns how many were told (0 when another run claimed the session)."""
    with transaction.atomic():
        claimed = Session.objects.filter(pk=session_id, reminded_at__isnull=True).update(
            reminded_at=now
        )
        if not claimed:
            return 0
        session = Session.objects.select_related("activity").get(pk=session_id)
        activity = session.activity
        accounts = [
            place.volunteer.account
            for place in Place.objects.filter(
                session_id=session_id,
                status=PlaceStatus.CONFIRMED,
                volunteer__account__isnull=False,
            )
            .select_related("volunteer__account")
            .order_by("pk")
        ]
        starts = timezone.localtime(session.starts_at)
        return notify_each(
            accounts,
            kind=KIND,
            key=f"session:{session_id}:reminder",
            title=_("Tomorrow %(time)s: %(title)s")
            % {"time": starts.strftime("%H:%M"), "title": activity.title},
            body=_(
                "%(date)s %(time)s at %(place)s. Scan the QR code shown at the venue to sign "
                "in and out. If you cannot come, give your place up so the next person on "
                "the waiting list can."
            )
            % {
                "date": human_date(starts),
                "time": starts.strftime("%H:%M"),
                "place": activity.place,
            },
            url=signup_path(activity.pk),
        )


def send_session_reminders(now: datetime.datetime | None = None) -> int:
    """Sessions of published activities starting tomorrow (local calendar) and not yet
    reminded. Returns how many people were told."""
    now = now or timezone.now()
    start, end = _day_bounds(timezone.localdate(now) + datetime.timedelta(days=1))
    ids = list(
        Session.objects.filter(
            starts_at__gte=start,
            starts_at__lt=end,
            reminded_at__isnull=True,
            activity__status=ActivityStatus.PUBLISHED,
        )
        .order_by("starts_at", "pk")
        .values_list("pk", flat=True)
    )
    sent = 0
    with override("zh-hans"):
        for session_id in ids:
            sent += remind_session(session_id, now=now)
    return sent


def close_ended_sessions(now: datetime.datetime | None = None) -> dict:
    """Sessions of published or finished activities that ended more than
    ``no_show_after_minutes`` ago and are still open: each closed by the places service
    (its no-shows recorded). Returns how many sessions were closed and no-shows found."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(minutes=volunteering_rules().no_show_after_minutes)
    sessions = (
        Session.objects.filter(
            ends_at__lt=cutoff,
            closed_at__isnull=True,
            activity__status__in=(ActivityStatus.PUBLISHED, ActivityStatus.FINISHED),
        )
        .order_by("ends_at", "pk")
        .only("pk", "ends_at", "closed_at")
    )
    closed = no_shows = 0
    for session in sessions:
        no_shows += close_session(session, actor=None, now=now)
        closed += 1
    return {"sessions_closed": closed, "no_shows": no_shows}
