"""The facts of the lower apps that earn an organization points in a month, read in bulk:
one query per source for a whole street, whatever the number of organizations.

Each fact names its record (``ref``), so that building a month's ledger again finds the
facts it already recorded. Claims count by their confirmation time (a claim can be
cancelled before, never after); activities by their first session; hours by the session
they were served at; grades by the finalization of the review; grants by their
acceptance; party coverage and credit listings when they were in force during the month."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import DecimalField, Min, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from evaluation.models import Review
from evaluation.workflows import ReviewStatus
from funding.models import Application
from funding.workflows import ApplicationStatus
from incubation.models import CreditListing
from marketplace.models import Claim
from marketplace.workflows import DONE_CLAIM_STATUSES
from partybuilding.models import InstructorAssignment, PartyActivity, PartyCoverage
from rankings.choices import SourceKind
from rankings.rules import COVERAGE_BRANCH, COVERAGE_INSTRUCTOR
from volunteering.models import Activity, Place, Session
from volunteering.workflows import PUBLIC_ACTIVITY_STATUSES, PlaceStatus

K = SourceKind


@dataclass(frozen=True)
class Fact:
    organization_id: int
    kind: str
    ref: str
    subject: dict  # the words of the reason (titles, grade, date…)
    quantity: Decimal = Decimal(1)  # stars of a rating, hours served
    level: str | None = None  # the rule's level (grade, coverage kind, result, list)


def month_end(period: datetime.date) -> datetime.date:
    """The first day of the next month."""
    return (period.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def _moment(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def facts(street_id: int, period: datetime.date) -> Iterator[Fact]:
    """Every fact of the month starting ``period`` for the street's organizations, source
    by source, each source in a fixed order (so that caps cut the same facts each time)."""
    end = month_end(period)
    since, until = _moment(period), _moment(end)
    in_street = Q(organization__community__street_id=street_id)

    claims = list(
        Claim.objects.filter(
            in_street,
            status__in=sorted(DONE_CLAIM_STATUSES),
            confirmed_at__gte=since,
            confirmed_at__lt=until,
        )
        .annotate(item=Coalesce("need__title", "project__title", "wish__title"))
        .order_by("confirmed_at", "pk")
        .values("pk", "organization_id", "item", "rating")
    )
    for claim in claims:
        yield Fact(claim["organization_id"], K.CLAIM_CONFIRMED, f"claim:{claim['pk']}", claim)
    for claim in claims:
        if claim["rating"]:
            yield Fact(
                claim["organization_id"],
                K.CLAIM_RATING,
                f"claim:{claim['pk']}",
                claim,
                quantity=Decimal(claim["rating"]),
            )

    activities = (
        Activity.objects.filter(in_street, status__in=sorted(PUBLIC_ACTIVITY_STATUSES))
        .annotate(first_start=Min("sessions__starts_at"))
        .filter(first_start__gte=since, first_start__lt=until)
        .order_by("first_start", "pk")
        .values("pk", "organization_id", "title")
    )
    for activity in activities:
        yield Fact(
            activity["organization_id"],
            K.ACTIVITY_ORGANIZED,
            f"activity:{activity['pk']}",
            activity,
        )

    # The month's sessions first, each summing its own places on place_session_status: a
    # join from the places made PostgreSQL scan all of them (10,000,000 in the bench:
    # 1.4 s a month, 0.35 s this way).
    served = (
        Place.objects.filter(session_id=OuterRef("pk"), status=PlaceStatus.ATTENDED)
        .order_by()
        .values("session_id")
        .annotate(total=Sum("hours"))
        .values("total")
    )
    sessions = (
        Session.objects.filter(
            starts_at__gte=since,
            starts_at__lt=until,
            activity__organization__community__street_id=street_id,
        )
        .annotate(hours=Subquery(served, output_field=DecimalField()))
        .filter(hours__gt=0)
        .order_by("pk")
        .values("pk", "activity__organization_id", "activity__title", "hours")
    )
    for session in sessions:
        yield Fact(
            session["activity__organization_id"],
            K.VOLUNTEER_HOURS,
            f"session:{session['pk']}",
            {"title": session["activity__title"], "hours": session["hours"]},
            quantity=session["hours"],
        )

    reviews = (
        Review.objects.filter(
            in_street,
            status=ReviewStatus.FINALIZED,
            finalized_at__gte=since,
            finalized_at__lt=until,
        )
        .exclude(grade="")
        .order_by("finalized_at", "pk")
        .values("pk", "organization_id", "grade", "cycle__year")
    )
    for review in reviews:
        yield Fact(
            review["organization_id"],
            K.EVALUATION_GRADE,
            f"review:{review['pk']}",
            review,
            level=review["grade"],
        )

    # In force at some time of the month. A coverage without a liaison covers nothing
    # (partybuilding.selectors.covering); branches come first, so the monthly cap keeps
    # the better coverage.
    in_force = Q(ended_on__isnull=True) | Q(ended_on__gte=period)
    coverages = (
        PartyCoverage.objects.filter(in_street, in_force, started_on__lt=end)
        .exclude(liaison="")
        .order_by("started_on", "pk")
        .values("pk", "organization_id", "branch__name")
    )
    for coverage in coverages:
        yield Fact(
            coverage["organization_id"],
            K.PARTY_COVERAGE,
            f"coverage:{coverage['pk']}",
            coverage,
            level=COVERAGE_BRANCH,
        )
    instructors = (
        InstructorAssignment.objects.filter(in_street, in_force, started_on__lt=end)
        .order_by("started_on", "pk")
        .values("pk", "organization_id")
    )
    for instructor in instructors:
        yield Fact(
            instructor["organization_id"],
            K.PARTY_COVERAGE,
            f"instructor:{instructor['pk']}",
            instructor,
            level=COVERAGE_INSTRUCTOR,
        )

    party_activities = (
        PartyActivity.objects.filter(in_street, date__gte=period, date__lt=end)
        .order_by("date", "pk")
        .values("pk", "organization_id", "title", "date")
    )
    for party_activity in party_activities:
        yield Fact(
            party_activity["organization_id"],
            K.ORGANIZATIONAL_LIFE,
            f"party_activity:{party_activity['pk']}",
            party_activity,
        )

    grants = (
        Application.objects.filter(
            in_street,
            status=ApplicationStatus.COMPLETED,
            accepted_on__gte=period,
            accepted_on__lt=end,
        )
        .exclude(acceptance_result="")
        .order_by("accepted_on", "pk")
        .values("pk", "organization_id", "title", "acceptance_result")
    )
    for grant in grants:
        yield Fact(
            grant["organization_id"],
            K.GRANT_COMPLETED,
            f"grant:{grant['pk']}",
            grant,
            level=grant["acceptance_result"],
        )

    listings = (
        CreditListing.objects.filter(
            in_street,
            Q(cleared_on__isnull=True) | Q(cleared_on__gte=period),
            listed_on__lt=end,
        )
        .order_by("listed_on", "pk")
        .values("pk", "organization_id", "list_kind")
    )
    for listing in listings:
        yield Fact(
            listing["organization_id"],
            K.CREDIT_VETO,
            f"credit_listing:{listing['pk']}",
            listing,
            level=listing["list_kind"],
        )
