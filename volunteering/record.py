"""A volunteer's record (志愿服务记录): hours, stars, hours by year and by series, the
activities attended with their supplements, and the certificates issued. Selectors only:
they read, never write; each reads a fixed number of queries whatever the record holds.

Who may see a record and ask for its certificate: the volunteer (their account), and the
staff who see the volunteer (``Volunteer.objects.visible_to``: the street's admins, the
volunteer's community staff)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Max, Min, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _

from core.decisions import ALLOWED, Decision, deny
from volunteering.choices import Series
from volunteering.hours import next_star_at, stars_for
from volunteering.models import HoursSupplement, Place, Volunteer, VolunteerCertificate
from volunteering.workflows import PlaceStatus, SupplementStatus

# The certificates a record page lists (newest first): a person asks for a few a year.
CERTIFICATES_SHOWN = 20


# --- Who may --------------------------------------------------------------------------------


def is_own_record(user, volunteer: Volunteer) -> bool:
    return volunteer.account_id is not None and volunteer.account_id == getattr(user, "pk", None)


def can_see_record(user, volunteer: Volunteer) -> Decision:
    """The volunteer themself, or staff who see the volunteer."""
    if is_own_record(user, volunteer):
        return ALLOWED
    if Volunteer.objects.visible_to(user).filter(pk=volunteer.pk).exists():
        return ALLOWED
    return deny(_("Only the volunteer and the staff of their street see this record."))


def can_issue_certificate(user, volunteer: Volunteer) -> Decision:
    """Issued by the hub that recorded the hours: asked for by the volunteer or by staff who
    see them. The facts a certificate needs are checked by the service."""
    return can_see_record(user, volunteer)


def certificates_visible_to(user) -> QuerySet[VolunteerCertificate]:
    """Certificates of the user's own volunteer record and of the volunteers they see as
    staff; everything else is the 404 of a missing one."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return VolunteerCertificate.objects.none()
    return VolunteerCertificate.objects.filter(
        Q(volunteer__account=user) | Q(volunteer__in=Volunteer.objects.visible_to(user))
    )


# --- Reading the record -----------------------------------------------------------------------


@dataclass(frozen=True)
class Stars:
    count: int
    next_at: int | None
    hours_to_next: Decimal | None


def stars_of(hours: Decimal) -> Stars:
    """星级 of the hours, and how many hours are still missing to the next star."""
    nxt = next_star_at(hours)
    return Stars(
        count=stars_for(hours),
        next_at=nxt,
        hours_to_next=None if nxt is None else Decimal(nxt) - hours,
    )


@dataclass
class HoursBreakdown:
    """Hours of attended places by year (newest first) and by series; one grouped query."""

    by_year: list[dict] = field(default_factory=list)
    by_series: list[dict] = field(default_factory=list)
    total: Decimal = Decimal("0")
    activities: int = 0
    first_served_on: object = None
    last_served_on: object = None


def _series_label(key: str) -> str:
    return str(dict(Series.choices).get(key, key))


def hours_breakdown(volunteer: Volunteer, *, year: int | None = None) -> HoursBreakdown:
    """Attended places grouped by (year, series) in one query over the volunteer's places
    (index ``place_volunteer_status``), folded into both views here. ``year`` keeps that
    year only (a certificate of one year)."""
    places = Place.objects.filter(volunteer=volunteer, status=PlaceStatus.ATTENDED)
    tz = timezone.get_current_timezone()
    rows = (
        places.annotate(year=ExtractYear("session__starts_at", tzinfo=tz))
        .values("year", "session__activity__series")
        .annotate(
            hours=Sum("hours"),
            places=Count("pk"),
            first=Min("session__starts_at"),
            last=Max("session__starts_at"),
        )
        .order_by()
    )
    if year is not None:
        rows = rows.filter(year=year)
    years: dict[int, dict] = {}
    series: dict[str, dict] = defaultdict(lambda: {"hours": Decimal("0"), "activities": 0})
    breakdown = HoursBreakdown()
    first = last = None
    for row in rows:
        hours = row["hours"] or Decimal("0")
        entry = years.setdefault(
            row["year"], {"year": row["year"], "hours": Decimal("0"), "activities": 0}
        )
        entry["hours"] += hours
        entry["activities"] += row["places"]
        kind = series[row["session__activity__series"]]
        kind["hours"] += hours
        kind["activities"] += row["places"]
        breakdown.total += hours
        breakdown.activities += row["places"]
        first = row["first"] if first is None else min(first, row["first"])
        last = row["last"] if last is None else max(last, row["last"])
    breakdown.by_year = [years[y] for y in sorted(years, reverse=True)]
    order = [key for key, _label in Series.choices]
    breakdown.by_series = [
        {"series": key, "label": _series_label(key), **series[key]}
        for key in sorted(series, key=lambda k: order.index(k) if k in order else len(order))
    ]
    breakdown.first_served_on = timezone.localdate(first) if first else None
    breakdown.last_served_on = timezone.localdate(last) if last else None
    return breakdown


def attended_places(volunteer: Volunteer) -> QuerySet[Place]:
    """The activities attended, newest first, for a paginator: session, activity and its
    organizer joined, the approved supplements (补录) with who approved them prefetched —
    two queries a page, plus the paginator's count."""
    approved = HoursSupplement.objects.filter(status=SupplementStatus.APPROVED).select_related(
        "decided_by", "requested_by"
    )
    return (
        Place.objects.filter(volunteer=volunteer, status=PlaceStatus.ATTENDED)
        .select_related(
            "session__activity__organization",
            "session__activity__party_org",
            "session__activity__partner_unit",
        )
        .prefetch_related(Prefetch("supplements", queryset=approved, to_attr="approved"))
        .order_by("-session__starts_at", "-pk")
    )


def certificates_of(volunteer: Volunteer) -> list[VolunteerCertificate]:
    return list(
        VolunteerCertificate.objects.filter(volunteer=volunteer).order_by("-issued_at", "-pk")[
            :CERTIFICATES_SHOWN
        ]
    )
