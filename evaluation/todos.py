"""What the start pages ask of evaluation: the leader's review of the open cycle, the
staff queue of an open cycle (waiting, returned and overdue, blocked checkpoints) and the
evaluator's reviews to score. Constant queries: staff rows are counts per cycle."""

import datetime

from django.db.models import Count, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.roles import STAFF_ROLES, Role, has_role, is_street_staff, roles_of
from core.todos import ROUTINE, SOON, URGENT, TodoItem, register_todo_source
from evaluation.models import Cycle, EvaluatorAssignment, Review
from evaluation.workflows import AssignmentStatus, CycleStatus, ReviewStatus
from incubation.todos import due_state
from incubation.workflows import EXIT_STAGES, Stage


def cockpit_list_url(user, cycle_id: int, state: str) -> str:
    # Community staff have no cockpit (cycles are street-wide): their list of reviews.
    if not is_street_staff(user):
        return reverse("evaluation:home")
    return reverse("evaluation:cockpit_list", args=[cycle_id]) + f"?state={state}"


def leader_items(user, today: datetime.date) -> list[TodoItem]:
    if Role.ORG_LEADER not in roles_of(user):
        return []
    led = list(user.led_organizations.exclude(stage__in=EXIT_STAGES).select_related("community"))
    if not led:
        return []
    cycles = list(
        Cycle.objects.filter(
            status=CycleStatus.OPEN,
            opens_on__lte=today,
            street_id__in={o.community.street_id for o in led},
        )
    )
    reviews = {
        (r.cycle_id, r.organization_id): r
        for r in Review.objects.filter(cycle__in=cycles, organization__in=led)
    }
    items = []
    for cycle in cycles:
        for org in led:
            if org.community.street_id != cycle.street_id:
                continue
            review = reviews.get((cycle.pk, org.pk))
            if review is None:
                title = _("Start the %(year)d annual review") % {"year": cycle.year}
                url, due = reverse("evaluation:home"), cycle.deadline
            elif review.status in (ReviewStatus.DRAFT, ReviewStatus.RETURNED):
                if review.status == ReviewStatus.RETURNED:
                    title = _("Revise and resubmit the %(year)d annual review")
                else:
                    title = _("Submit the %(year)d annual review")
                title = title % {"year": cycle.year}
                url = reverse("evaluation:review", args=[review.pk])
                due = review.extension_until or cycle.deadline
            else:
                continue
            state, urgency = due_state(due, today)
            if review is not None and review.status == ReviewStatus.RETURNED:
                urgency = URGENT
            items.append(
                TodoItem(
                    title=title, url=url, due=due, state=state, urgency=urgency, subject=org.name
                )
            )
    return items


def staff_items(user, today: datetime.date) -> list[TodoItem]:
    if not has_role(user, STAFF_ROLES):
        return []
    due = Coalesce("extension_until", "cycle__deadline")
    rows = (
        Review.objects.visible_to(user)
        .filter(cycle__status=CycleStatus.OPEN)
        .values("cycle_id", "cycle__year", "cycle__deadline")
        .annotate(
            waiting=Count("pk", filter=Q(status=ReviewStatus.SUBMITTED)),
            blocked=Count(
                "pk",
                filter=Q(status=ReviewStatus.SUBMITTED, organization__stage=Stage.MANAGEMENT),
            ),
            returned=Count("pk", filter=Q(status=ReviewStatus.RETURNED)),
        )
        .order_by("-cycle__year")
    )
    # The returned-and-overdue count honours extensions: recount with the due expression.
    overdue = dict(
        Review.objects.visible_to(user)
        .filter(cycle__status=CycleStatus.OPEN, status=ReviewStatus.RETURNED)
        .annotate(due=due)
        .filter(due__lt=today)
        .values_list("cycle_id")
        .annotate(n=Count("pk"))
    )
    items = []
    for cycle in Cycle.objects.visible_to(user).filter(status=CycleStatus.OPEN):
        state, urgency = due_state(cycle.deadline, today)
        items.append(
            TodoItem(
                title=_("Follow the %(year)d evaluation in its cockpit") % {"year": cycle.year},
                url=reverse("evaluation:cockpit", args=[cycle.pk]),
                due=cycle.deadline,
                state=state,
                urgency=ROUTINE,
            )
        )
    for row in rows:
        cycle_id, year = row["cycle_id"], row["cycle__year"]
        subject = _("%(year)s evaluation") % {"year": year}
        if row["waiting"]:
            items.append(
                TodoItem(
                    title=_("Annual reviews submitted and waiting"),
                    url=cockpit_list_url(user, cycle_id, "submitted"),
                    state=_("%(n)d review(s)") % {"n": row["waiting"]},
                    urgency=SOON,
                    subject=subject,
                    count=row["waiting"],
                )
            )
        late = overdue.get(cycle_id, 0)
        # Returned and still in time: the leader revises; staff follow them up.
        if row["returned"] - late > 0:
            items.append(
                TodoItem(
                    title=_("Returned annual reviews awaiting resubmission"),
                    url=cockpit_list_url(user, cycle_id, "returned"),
                    due=row["cycle__deadline"],
                    state=_("%(n)d review(s)") % {"n": row["returned"] - late},
                    urgency=ROUTINE,
                    subject=subject,
                    count=row["returned"] - late,
                )
            )
        if late:
            items.append(
                TodoItem(
                    title=_("Returned annual reviews overdue"),
                    url=cockpit_list_url(user, cycle_id, "returned"),
                    due=row["cycle__deadline"],
                    state=_("%(n)d review(s)") % {"n": late},
                    urgency=URGENT,
                    subject=subject,
                    count=late,
                )
            )
        if row["blocked"]:
            items.append(
                TodoItem(
                    title=_("Party-building checkpoint missing: organizations stuck in management"),
                    url=cockpit_list_url(user, cycle_id, "blocked"),
                    state=_("%(n)d organization(s)") % {"n": row["blocked"]},
                    urgency=URGENT,
                    subject=subject,
                    count=row["blocked"],
                )
            )
    return items


def evaluator_items(user, today: datetime.date) -> list[TodoItem]:
    if Role.EVALUATOR not in roles_of(user):
        return []
    pending = (
        EvaluatorAssignment.objects.filter(
            evaluator=user,
            status=AssignmentStatus.ASSIGNED,
            review__status=ReviewStatus.SUBMITTED,
        )
        .select_related("review__cycle", "review__organization")
        .order_by("-review__cycle__year", "review__organization__name")
    )
    items = []
    for assignment in pending[:100]:
        review = assignment.review
        items.append(
            TodoItem(
                title=_("Score the %(year)d annual review") % {"year": review.cycle.year},
                url=reverse("evaluation:score", args=[assignment.pk]),
                state=str(assignment.get_status_display()),
                # This year's reviews before older ones left over.
                urgency=SOON if review.cycle.year >= today.year else ROUTINE,
                subject=review.organization.name,
            )
        )
    return items


def todo_items(user, today: datetime.date) -> list[TodoItem]:
    return leader_items(user, today) + staff_items(user, today) + evaluator_items(user, today)


def register() -> None:
    register_todo_source("evaluation", todo_items)
