"""What the start pages ask of funding: the leader's draft applications of open calls,
the expert's applications not scored yet, the staff's submitted applications waiting for
a decision (one count per call)."""

import datetime

from django.db.models import Count, Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.roles import STAFF_ROLES, Role, has_role, roles_of
from core.todos import SOON, TodoItem, register_todo_source
from funding.models import Application, Score
from funding.workflows import SCORABLE_STATUSES, ApplicationStatus
from incubation.todos import due_state

SHOWN = 50


def leader_items(user, today: datetime.date) -> list[TodoItem]:
    if Role.ORG_LEADER not in roles_of(user):
        return []
    drafts = (
        Application.objects.filter(
            organization__in=user.led_organizations.all(),
            status=ApplicationStatus.DRAFT,
            call__closes_on__gte=today,
        )
        .select_related("call", "organization")
        .order_by("call__closes_on", "pk")[:SHOWN]
    )
    items = []
    for app in drafts:
        state, urgency = due_state(app.call.closes_on, today)
        items.append(
            TodoItem(
                title=_("Submit the grant application “%(title)s”") % {"title": app.title},
                url=reverse("funding:application", args=[app.pk]),
                due=app.call.closes_on,
                state=state,
                urgency=urgency,
                subject=app.organization.name,
            )
        )
    return items


def expert_items(user, today: datetime.date) -> list[TodoItem]:
    if Role.EVALUATOR not in roles_of(user):
        return []
    scored = Score.objects.filter(application=OuterRef("pk"), expert=user)
    pending = (
        Application.objects.visible_to(user)
        .filter(status__in=SCORABLE_STATUSES)
        .exclude(Exists(scored))
        .select_related("call", "organization")
        .order_by("-call__year", "title", "pk")[:SHOWN]
    )
    return [
        TodoItem(
            title=_("Score the grant application “%(title)s”") % {"title": app.title},
            url=reverse("funding:review_score", args=[app.pk]),
            state=str(app.get_status_display()),
            urgency=SOON,
            subject=app.organization.name,
        )
        for app in pending
    ]


def staff_items(user, today: datetime.date) -> list[TodoItem]:
    if not has_role(user, STAFF_ROLES):
        return []
    rows = (
        Application.objects.visible_to(user)
        .filter(status=ApplicationStatus.SUBMITTED)
        .values("call_id", "call__title")
        .annotate(n=Count("pk"))
        .order_by("call_id")
    )
    return [
        TodoItem(
            title=_("Grant applications waiting for a decision"),
            url=reverse("funding:call_staff", args=[row["call_id"]]),
            state=_("%(n)d application(s)") % {"n": row["n"]},
            urgency=SOON,
            subject=row["call__title"],
            count=row["n"],
        )
        for row in rows
    ]


def todo_items(user, today: datetime.date) -> list[TodoItem]:
    return leader_items(user, today) + expert_items(user, today) + staff_items(user, today)


def register() -> None:
    register_todo_source("funding", todo_items)
