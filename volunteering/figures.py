"""Volunteering's headline figures for ``stats --json`` and the dashboard: the hub's
public-benefit activities, the service hours, the active volunteers and the attendance of
the members' dedication day. Three queries whatever the number of rows: the hours come
from ``Volunteer.hours_total`` (kept by the services), never from summing places."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from incubation.rules import add_months
from partybuilding.models import PartyMember
from volunteering.choices import Series
from volunteering.models import Activity, Place, Session, Volunteer
from volunteering.workflows import PUBLIC_ACTIVITY_STATUSES, PlaceStatus


def _where(street, community, path: str = "") -> Q:
    if community is not None:
        return Q(**{f"{path}community": community})
    if street is not None:
        return Q(**{f"{path}street": street})
    return Q()


def year_window_opens(today: datetime.date) -> datetime.date:
    """The first day of "the last 12 months" (as the party checkpoints count them)."""
    return add_months(today, -12) + datetime.timedelta(days=1)


def _count_of(queryset) -> Subquery:
    # A correlated COUNT(*) that answers 0 (not NULL) when there are no rows.
    return Coalesce(
        Subquery(queryset.order_by().annotate(n=Count("*")).values("n")[:1]),
        Value(0),
        output_field=IntegerField(),
    )


def dedication_day_attendance(*, street=None, community=None, today=None) -> tuple[int, int]:
    """(members who came, members on the roll) over the last 12 months' dedication-day
    sessions: for each session, the attended places of its branch's members and the
    branch's roll, summed. One query."""
    today = today or timezone.localdate()
    opens = timezone.make_aware(
        datetime.datetime.combine(year_window_opens(today), datetime.time())
    )
    ends = timezone.make_aware(
        datetime.datetime.combine(today + datetime.timedelta(days=1), datetime.time())
    )
    came = Place.objects.filter(
        session=OuterRef("pk"),
        status=PlaceStatus.ATTENDED,
        volunteer__party_member__branch=OuterRef("activity__party_org"),
    ).values("session")
    roll = PartyMember.objects.filter(branch=OuterRef("activity__party_org")).values("branch")
    totals = (
        Session.objects.filter(
            _where(street, community, "activity__"),
            activity__series=Series.DEDICATION_DAY,
            activity__status__in=PUBLIC_ACTIVITY_STATUSES,
            activity__party_org__isnull=False,
            starts_at__gte=opens,
            starts_at__lt=ends,
        )
        .annotate(session_came=_count_of(came), session_roll=_count_of(roll))
        .aggregate(came=Sum("session_came"), roll=Sum("session_roll"))
    )
    return totals["came"] or 0, totals["roll"] or 0


def volunteering_figures(*, street=None, community=None, today=None) -> dict:
    """The four figures for the whole platform, a street or a community (where the
    activity takes place; where the volunteer lives)."""
    today = today or timezone.localdate()
    activities = Activity.objects.filter(
        _where(street, community), status__in=PUBLIC_ACTIVITY_STATUSES
    ).count()
    people = Volunteer.objects.filter(_where(street, community)).aggregate(
        hours=Sum("hours_total"),
        active=Count("pk", filter=Q(last_served_on__gte=year_window_opens(today))),
    )
    came, roll = dedication_day_attendance(street=street, community=community, today=today)
    return {
        "public_benefit_activities_total": activities,
        "volunteer_hours_total": (people["hours"] or Decimal("0")).quantize(Decimal("0.1")),
        "volunteers_active": people["active"],
        "dedication_day_attendance_rate": round(came / roll, 4) if roll else None,
    }
