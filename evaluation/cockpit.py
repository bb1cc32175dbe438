"""Reads of the cycle cockpit: how many organizations of a cycle stand in each state,
who is overdue, and the filtered, paged list behind each count. Everything goes through
``visible_to`` (community staff see their community's share) in a constant number of
queries."""

import datetime

from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.db.models.functions import Coalesce

from evaluation.models import Cycle, EvaluatorAssignment, Review
from evaluation.workflows import AssignmentStatus, ReviewStatus
from incubation.models import Organization
from incubation.workflows import EXIT_STAGES, Stage

# States in the order of the work; "scored" is a submitted review every assigned
# evaluator has scored (ready to finalize). "overdue" and "blocked" cut across them.
STATES = ("not_started", "draft", "submitted", "returned", "scored", "finalized")
FILTERS = (*STATES, "overdue", "blocked")


def cockpit_cycle_or_none(user, pk) -> Cycle | None:
    return Cycle.objects.visible_to(user).filter(pk=pk).first()


def cycle_organizations(user, cycle: Cycle):
    """The organizations the cycle expects a review from, as far as ``user`` sees them."""
    return (
        Organization.objects.visible_to(user)
        .filter(community__street_id=cycle.street_id)
        .exclude(stage__in=EXIT_STAGES)
    )


def _reviews(user, cycle: Cycle):
    return Review.objects.visible_to(user).filter(cycle=cycle)


def _state_q(state: str) -> Q:
    submitted = Q(status=ReviewStatus.SUBMITTED)
    # Conditions, not annotations: an aggregate over annotated rows wraps them in a
    # subquery where the conditional counts came out wrong.
    assignments = EvaluatorAssignment.objects.filter(review=OuterRef("pk"))
    ready = ~Q(Exists(assignments.filter(status=AssignmentStatus.ASSIGNED))) & Q(
        Exists(assignments.filter(status=AssignmentStatus.SUBMITTED))
    )
    return {
        "draft": Q(status=ReviewStatus.DRAFT),
        "submitted": submitted & ~ready,
        "scored": submitted & ready,
        "returned": Q(status=ReviewStatus.RETURNED),
        "finalized": Q(status=ReviewStatus.FINALIZED),
        "blocked": submitted & Q(organization__stage=Stage.MANAGEMENT),
    }[state]


def laggards(user, cycle: Cycle):
    """Organizations that have not submitted: not started, drafting or returned."""
    done = Review.objects.filter(
        cycle=cycle, status__in=[ReviewStatus.SUBMITTED, ReviewStatus.FINALIZED]
    )
    return cycle_organizations(user, cycle).exclude(pk__in=done.values("organization"))


def overdue(user, cycle: Cycle, today: datetime.date):
    """Laggards past the deadline and past any extension granted to them."""
    if today <= cycle.deadline:
        return Organization.objects.none()
    extended = Review.objects.filter(cycle=cycle, extension_until__gte=today)
    return laggards(user, cycle).exclude(pk__in=extended.values("organization"))


def cockpit_counts(user, cycle: Cycle, today: datetime.date) -> dict[str, int]:
    counts = _reviews(user, cycle).aggregate(
        **{state: Count("pk", filter=_state_q(state)) for state in (*STATES[1:], "blocked")}
    )
    reviewed = Review.objects.filter(cycle=cycle).values("organization")
    counts["not_started"] = cycle_organizations(user, cycle).exclude(pk__in=reviewed).count()
    counts["overdue"] = overdue(user, cycle, today).count()
    return counts


def cockpit_rows(user, cycle: Cycle, state: str, today: datetime.date, search: str = ""):
    """The list behind one count: organizations (not started, overdue) or reviews."""
    if state in ("not_started", "overdue"):
        if state == "overdue":
            orgs = overdue(user, cycle, today)
        else:
            reviewed = Review.objects.filter(cycle=cycle).values("organization")
            orgs = cycle_organizations(user, cycle).exclude(pk__in=reviewed)
        if search:
            orgs = orgs.filter(name__icontains=search)
        return (
            orgs.select_related("community")
            .prefetch_related(
                Prefetch(
                    "annual_reviews",
                    queryset=Review.objects.filter(cycle=cycle),
                    to_attr="cycle_reviews",
                )
            )
            .order_by("name", "pk")
        )
    reviews = _reviews(user, cycle).filter(_state_q(state))
    if search:
        reviews = reviews.filter(organization__name__icontains=search)
    return (
        reviews.select_related("organization", "organization__community")
        .annotate(due_on=Coalesce("extension_until", "cycle__deadline"))
        .order_by("organization__name", "pk")
    )
