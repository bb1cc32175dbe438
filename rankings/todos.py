"""What the start pages ask about rankings on public notice (公示): a leader sees that a
ranking with their organization is on notice (the last days to object), the street's
staff the objections that wait for a decision (finalizing waits for them). One query
each, whatever the number of rows."""

import datetime

from django.db.models import Count, Min
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import Role, holds_role, is_street_staff
from core.todos import SOON, URGENT, TodoItem, register_todo_source
from rankings.models import Objection
from rankings.selectors_notice import notice_rows
from rankings.workflows import ObjectionStatus


def todo_items(user, today: datetime.date) -> list[TodoItem]:
    items = []
    if holds_role(user, Role.ORG_LEADER):
        on_notice = (
            notice_rows(user)
            .filter(ranking__notice_until__gt=timezone.now(), open_objection=False)
            .aggregate(n=Count("pk"), ends=Min("ranking__notice_until"))
        )
        if on_notice["n"]:
            items.append(
                TodoItem(
                    title=_("Rankings with your organization on public notice"),
                    url=reverse("rankings:notice"),
                    due=timezone.localdate(on_notice["ends"]),
                    state=_("Check your place; object with evidence before the notice ends."),
                    urgency=SOON,
                    count=on_notice["n"],
                )
            )
    if is_street_staff(user):
        waiting = (
            Objection.objects.visible_to(user)
            .filter(status=ObjectionStatus.FILED)
            .aggregate(n=Count("pk"), ends=Min("ranking__notice_until"))
        )
        if waiting["n"]:
            items.append(
                TodoItem(
                    title=_("Objections to rankings awaiting a decision"),
                    url=reverse("admin:rankings_objection_changelist")
                    + f"?status__exact={ObjectionStatus.FILED}",
                    due=timezone.localdate(waiting["ends"]),
                    state=_("A ranking is made final only after its objections are decided."),
                    urgency=URGENT,
                    count=waiting["n"],
                )
            )
    return items


def register() -> None:
    register_todo_source("rankings", todo_items)
