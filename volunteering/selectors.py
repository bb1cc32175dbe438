"""What the public calendar and its iCalendar feeds read: sessions of published and
finished activities as plain values, with the places left. Nothing personal is selected:
no volunteer, no place row — only a count of the places taken.

Rows are read in a fixed number of queries whatever the number of sessions, and the
public pages read them through the cache (a surge of residents costs the database one
query set a minute)."""

from __future__ import annotations

import datetime

from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, TruncDate
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from accounts.models import Community
from core.public_cache import cached_public
from volunteering.models import Activity, Place, Session
from volunteering.workflows import PUBLIC_ACTIVITY_STATUSES, TAKEN_PLACE_STATUSES

# The most sessions one page lists. A quiet month is listed whole; a busy one (a street
# holds some 5,000 sessions a month) shows each day's count and lists a day at a time,
# a page of DAY_ROWS at a time (a phone scrolls through 100 cards; 500 was too many).
MONTH_ROWS = 500
DAY_ROWS = 100
# The feeds: what a calendar app keeps (the last month) and what is coming (a quarter).
FEED_PAST_DAYS = 30
FEED_AHEAD_DAYS = 90
FEED_ROWS = 2000

_SESSION_FIELDS = (
    "pk",
    "starts_at",
    "ends_at",
    "activity_id",
    "activity__title",
    "activity__series",
    "activity__place",
    "activity__capacity",
    "activity__status",
    "activity__organizer_kind",
    "activity__organization__name",
    "activity__party_org__name",
    "activity__partner_unit__name",
    "activity__community_id",
    "activity__community__name",
    "activity__street__name",
)


def _taken_places():
    """The places taken of the outer session: one index range of place_session_status
    per session shown, not a join of every place of the month."""
    return Coalesce(
        Subquery(
            Place.objects.filter(session=OuterRef("pk"), status__in=sorted(TAKEN_PLACE_STATUSES))
            .order_by()
            .values("session")
            .annotate(n=Count("pk"))
            .values("n"),
            output_field=IntegerField(),
        ),
        Value(0),
    )


def public_sessions():
    return Session.objects.filter(activity__status__in=sorted(PUBLIC_ACTIVITY_STATUSES))


def _rows(qs, limit: int, *extra: str, offset: int = 0) -> list[dict]:
    fields = (*_SESSION_FIELDS, *extra, "taken")
    rows = list(qs.annotate(taken=_taken_places()).values(*fields)[offset : offset + limit])
    for row in rows:
        row["places_left"] = max(0, row["activity__capacity"] - row["taken"])
        row["organizer"] = (
            row["activity__organization__name"]
            or row["activity__party_org__name"]
            or row["activity__partner_unit__name"]
            or ""
        )
    return rows


def month_bounds(year: int, month: int) -> tuple[datetime.datetime, datetime.datetime]:
    """The month on the local calendar, as aware instants [start, end)."""
    start = datetime.date(year, month, 1)
    end = datetime.date(year + (month == 12), month % 12 + 1, 1)
    return (
        timezone.make_aware(datetime.datetime.combine(start, datetime.time.min)),
        timezone.make_aware(datetime.datetime.combine(end, datetime.time.min)),
    )


def day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The day on the local calendar, as aware instants [start, end)."""
    start = datetime.datetime.combine(day, datetime.time.min)
    return (
        timezone.make_aware(start),
        timezone.make_aware(start + datetime.timedelta(days=1)),
    )


def _public_communities() -> list:
    """The communities that have public activities (the calendar's filter). One query."""
    return list(
        Community.objects.filter(
            pk__in=Activity.objects.filter(
                status__in=sorted(PUBLIC_ACTIVITY_STATUSES), community__isnull=False
            ).values("community_id")
        )
        .order_by("name", "pk")
        .values("pk", "name")
    )


def _between(start, end, community_id: int | None):
    qs = public_sessions().filter(starts_at__gte=start, starts_at__lt=end)
    if community_id is not None:
        qs = qs.filter(activity__community_id=community_id)
    return qs


def public_month(*, year: int, month: int, community_id: int | None = None) -> dict:
    """The calendar's month: the number of sessions of each day (one aggregate query),
    the communities of the filter, and — when the month fits on a page (MONTH_ROWS) — its
    sessions in order. A busier month lists no session (``by_day``): the page sends the
    visitor to a day. Three queries at most, whatever the number of sessions."""

    def build():
        start, end = month_bounds(year, month)
        qs = _between(start, end, community_id)
        # Days on the local calendar (TruncDate uses the current time zone).
        per_day = (
            qs.annotate(day=TruncDate("starts_at"))
            .order_by()
            .values("day")
            .annotate(n=Count("pk"))
            .values_list("day", "n")
        )
        counts = dict(per_day)
        rows: list[dict] = []
        by_day = sum(counts.values()) > MONTH_ROWS
        if counts and not by_day:
            rows = _rows(qs.order_by("starts_at", "pk"), MONTH_ROWS + 1)
            # Sessions added since the counts were read: never list a cut month.
            by_day = len(rows) > MONTH_ROWS
            if by_day:
                rows = []
        return {
            "counts": counts,
            "total": sum(counts.values()),
            "rows": rows,
            "by_day": by_day,
            "communities": _public_communities(),
        }

    return cached_public(f"volunteer:month:{year}-{month:02d}:{community_id or 0}", build)


def public_day(*, day: datetime.date, community_id: int | None = None, page: int = 1) -> list:
    """A page of DAY_ROWS sessions of one day, in order. One query. The caller reads the
    day's number from ``public_month``'s counts and keeps ``page`` within it: each page is
    a cache entry, so odd input must not make new ones."""

    def build():
        start, end = day_bounds(day)
        qs = _between(start, end, community_id).order_by("starts_at", "pk")
        return _rows(qs, DAY_ROWS, offset=(page - 1) * DAY_ROWS)

    key = f"volunteer:day:{day.isoformat()}:{community_id or 0}:{page}"
    return cached_public(key, build)


def public_upcoming(limit: int = 8) -> list[dict]:
    """The next ``limit`` public sessions from now on (the public board's list). One
    query, cached a minute: the minute is within a session's sign-up window anyway."""

    def build():
        now = timezone.now()
        qs = public_sessions().filter(starts_at__gte=now).order_by("starts_at", "pk")
        return _rows(qs, limit)

    return cached_public(f"volunteer:upcoming:{limit}", build)


def public_session(pk: int) -> dict | None:
    """One public session with its activity's description; None when there is no such
    session or its activity is not public."""

    def build():
        rows = _rows(public_sessions().filter(pk=pk), 1, "activity__description")
        # An empty dict, not None, is cached: a missing session is not looked up again.
        return rows[0] if rows else {}

    return cached_public(f"volunteer:session:{pk}", build) or None


def feed_sessions(
    *,
    community_id: int | None = None,
    organization_id: int | None = None,
    now: datetime.datetime | None = None,
) -> list[dict]:
    """The sessions of an iCalendar feed: the last 30 days and the next 90."""
    now = now or timezone.now()

    def build():
        qs = public_sessions().filter(
            starts_at__gte=now - datetime.timedelta(days=FEED_PAST_DAYS),
            starts_at__lt=now + datetime.timedelta(days=FEED_AHEAD_DAYS),
        )
        if community_id is not None:
            qs = qs.filter(activity__community_id=community_id)
        if organization_id is not None:
            qs = qs.filter(activity__organization_id=organization_id)
        return _rows(qs.order_by("starts_at", "pk"), FEED_ROWS, "activity__description")

    key = f"volunteer:feed:{community_id or 0}:{organization_id or 0}"
    return cached_public(key, build)


def signup_path(activity_id: int) -> str:
    """Where a resident signs up: the portal's activity page."""
    try:
        return reverse("volunteering:activity", args=[activity_id])
    except NoReverseMatch:
        # The portal's page is built alongside (views_portal.py); until it is mounted,
        # the address it will have.
        return f"/volunteer/activities/{activity_id}/"
