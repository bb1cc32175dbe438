"""Public pages, no login and nothing personal: the activity calendar, a session's page and
the iCalendar feeds of a community and an organization. They read plain values from
``volunteering.selectors`` (cached); no volunteer, place or account is ever loaded."""

from __future__ import annotations

import calendar as monthgrid
import datetime
import re
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.models import Community
from incubation.models import Organization
from volunteering import ical, selectors
from volunteering.choices import OrganizerKind, Series

# Ids beyond a 32-bit column are nobody's: read as "none" (never a 500 from the database).
_LARGEST_ID = 2**31 - 1
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _positive_int(raw) -> int | None:
    try:
        value = int(raw)
    except (TypeError, ValueError, OverflowError):
        return None
    return value if 0 < value <= _LARGEST_ID else None


def _object_pk(pk: int) -> int:
    if not 0 < pk <= _LARGEST_ID:
        raise Http404
    return pk


def parse_month(raw, today: datetime.date) -> tuple[int, int]:
    """``2026-12`` → (2026, 12); anything else (or a year out of range) is this month."""
    match = _MONTH.match(raw or "")
    if match:
        year, month = int(match[1]), int(match[2])
        if 2000 <= year <= 2100 and 1 <= month <= 12:
            return year, month
    return today.year, today.month


def parse_day(raw) -> datetime.date | None:
    """``2026-12-25`` → that date; anything else (or a year out of range) is None: the
    page shows the month instead."""
    if not _DAY.match(raw or ""):
        return None
    try:
        day = datetime.date.fromisoformat(raw)
    except ValueError:
        return None
    return day if 2000 <= day.year <= 2100 else None


def _query(community_id: int | None, **params) -> str:
    if community_id:
        params["community"] = community_id
    return "?" + urlencode(params)


def _shift(year: int, month: int, by: int) -> str:
    index = year * 12 + month - 1 + by
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _present(row: dict) -> dict:
    """A selector row as the templates show it: local times and names in words."""
    starts = timezone.localtime(row["starts_at"])
    ends = timezone.localtime(row["ends_at"])
    organizer = row["organizer"]
    if not organizer or row["activity__organizer_kind"] == OrganizerKind.HUB:
        organizer = _("凯益荟")
    return {
        **row,
        "starts": starts,
        "ends": ends,
        "day": starts.date(),
        "organizer": organizer,
        "series": Series(row["activity__series"]).label,
        "community": row["activity__community__name"] or row["activity__street__name"],
    }


@require_GET
def calendar(request):
    """Public: a month of public-benefit activities, day by day; filter by community.

    A month of more than ``selectors.MONTH_ROWS`` sessions lists none: its grid gives the
    number of sessions of each day, and a day (``?day=2026-12-25``) lists its sessions a
    page (``?page=``) of ``selectors.DAY_ROWS`` at a time. Nothing is left out unsaid."""
    today = timezone.localdate()
    day = parse_day(request.GET.get("day"))
    if day is not None:
        year, month = day.year, day.month
    else:
        year, month = parse_month(request.GET.get("month"), today)
    community_id = _positive_int(request.GET.get("community"))
    data = selectors.public_month(year=year, month=month, community_id=community_id)
    community_name = next((c["name"] for c in data["communities"] if c["pk"] == community_id), "")
    if not community_name:
        community_id = None
    counts: dict[datetime.date, int] = data["counts"]
    month_rows = [_present(row) for row in data["rows"]]
    context: dict = {}
    if day is None:
        rows = month_rows
    else:
        day_total = counts.get(day, 0)
        pages = max(1, -(-day_total // selectors.DAY_ROWS))
        page = min(_positive_int(request.GET.get("page")) or 1, pages)
        if not data["by_day"]:
            rows = [row for row in month_rows if row["day"] == day]
        elif day_total:
            found = selectors.public_day(day=day, community_id=community_id, page=page)
            rows = [_present(row) for row in found]
        else:
            rows = []
        first = (page - 1) * selectors.DAY_ROWS + 1
        context |= {
            "day_total": day_total,
            "page": page,
            "pages": pages,
            "first_shown": first,
            "last_shown": first + len(rows) - 1,
            "previous_page_url": _query(community_id, day=day.isoformat(), page=page - 1)
            if page > 1
            else "",
            "next_page_url": _query(community_id, day=day.isoformat(), page=page + 1)
            if page < pages
            else "",
        }
    days: dict[datetime.date, list[dict]] = {}
    for row in rows:
        days.setdefault(row["day"], []).append(row)
    # A quiet month's days are anchors on the page; otherwise each day is a page of its own.
    anchors = day is None and not data["by_day"]
    weeks = []
    for week in monthgrid.Calendar(firstweekday=0).monthdayscalendar(year, month):
        cells = []
        for d in week:
            date = datetime.date(year, month, d) if d else None
            count = counts.get(date, 0) if date else 0
            if date is None or not count:
                href = ""
            elif anchors:
                href = f"#day-{d}"
            else:
                href = _query(community_id, day=date.isoformat())
            cells.append(
                {
                    "day": d,
                    "count": count,
                    "busy": bool(count),
                    "href": href,
                    "today": date == today,
                    "chosen": date is not None and date == day,
                }
            )
        weeks.append(cells)
    busy_days = sorted(counts)
    start_day = today if counts.get(today) else (busy_days[0] if busy_days else None)
    month_value = f"{year:04d}-{month:02d}"
    context |= {
        "month_start": datetime.date(year, month, 1),
        "month_value": month_value,
        "month_url": _query(community_id, month=month_value),
        "previous_month": _shift(year, month, -1),
        "next_month": _shift(year, month, 1),
        "this_month": f"{today.year:04d}-{today.month:02d}",
        "day": day,
        "days": sorted(days.items()),
        "weeks": weeks,
        "by_day": data["by_day"],
        "start_day": start_day,
        "start_day_url": _query(community_id, day=start_day.isoformat()) if start_day else "",
        "communities": data["communities"],
        "community_id": community_id,
        "community_name": community_name,
        "total": data["total"],
    }
    return render(request, "volunteering/public/calendar.html", context)


@require_GET
def public_session(request, pk):
    """Public: one session — what, when, where, who organizes, places left."""
    row = selectors.public_session(_object_pk(pk))
    if row is None:
        raise Http404
    session = _present(row)
    now = timezone.now()
    context = {
        "session": session,
        "over": row["ends_at"] <= now,
        "signup_url": selectors.signup_path(row["activity_id"]),
    }
    return render(request, "volunteering/public/session.html", context)


def _uid_host() -> str:
    return urlsplit(settings.PLATFORM_BASE_URL).hostname or "kaiyihui"


def _feed(request, name: str, rows: list[dict], filename: str) -> HttpResponse:
    host = _uid_host()
    events = []
    for row in rows:
        shown = _present(row)
        place = ", ".join(p for p in (row["activity__place"], shown["community"]) if p)
        description = "\n".join(
            part
            for part in (
                _("Organized by %(organizer)s") % {"organizer": shown["organizer"]},
                _("Places left: %(n)d") % {"n": row["places_left"]},
                row["activity__description"] or "",
            )
            if part
        )
        path = reverse("volunteering:public_session", args=[row["pk"]])
        events.append(
            ical.Event(
                uid=f"volunteer-session-{row['pk']}@{host}",
                starts_at=row["starts_at"],
                ends_at=row["ends_at"],
                summary=row["activity__title"],
                location=place,
                description=description,
                url=request.build_absolute_uri(path),
            )
        )
    body = ical.calendar(name, events, stamp=timezone.now())
    response = HttpResponse(body.encode("utf-8"), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_GET
def community_ics(request, pk):
    """Public: a community's activities as an iCalendar feed (last 30 days, next 90)."""
    community = get_object_or_404(Community, pk=_object_pk(pk))
    rows = selectors.feed_sessions(community_id=community.pk)
    name = _("%(name)s public-benefit activities") % {"name": community.name}
    return _feed(request, name, rows, f"community-{community.pk}.ics")


@require_GET
def organization_ics(request, pk):
    """Public: an organization's activities as an iCalendar feed (last 30 days, next 90)."""
    organization = get_object_or_404(Organization, pk=_object_pk(pk))
    rows = selectors.feed_sessions(organization_id=organization.pk)
    name = _("%(name)s public-benefit activities") % {"name": organization.name}
    return _feed(request, name, rows, f"organization-{organization.pk}.ics")
