"""What the start pages ask of incubation: the leader's next required action per
organization, and for staff the councils past their term (换届 overdue)."""

import datetime

from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.roles import STAFF_ROLES, Role, has_role, roles_of
from core.todos import ROUTINE, SOON, URGENT, TodoItem, register_todo_source
from incubation.models import Organization
from incubation.selectors import next_required_action
from incubation.workflows import EXIT_STAGES


def due_state(due: datetime.date | None, today: datetime.date) -> tuple[str, int]:
    """The countdown shown next to an item, and its urgency."""
    if due is None:
        return _("No due date"), ROUTINE
    days = (due - today).days
    if days < 0:
        return _("Overdue by %(days)d day(s)") % {"days": -days}, URGENT
    if days == 0:
        return _("Due today"), URGENT
    return _("Due in %(days)d day(s)") % {"days": days}, SOON if days <= 30 else ROUTINE


def leader_items(user, today: datetime.date) -> list[TodoItem]:
    if Role.ORG_LEADER not in roles_of(user):
        return []
    items = []
    # A leader leads one or two organizations: one query, then pure computation.
    for org in user.led_organizations.exclude(stage__in=EXIT_STAGES).order_by("name"):
        action = next_required_action(org, today)
        if action is None:
            continue
        state, urgency = due_state(action.due, today)
        items.append(
            TodoItem(
                title=action.label,
                url=reverse("incubation:organization", args=[org.pk]),
                due=action.due,
                state=state,
                urgency=urgency,
                subject=org.name,
            )
        )
    return items


def overdue_term_q(today: datetime.date) -> Q:
    """Past the term end without an extension that still runs."""
    return Q(term_end__lt=today) & (
        Q(term_extended_until__isnull=True) | Q(term_extended_until__lt=today)
    )


def staff_items(user, today: datetime.date) -> list[TodoItem]:
    if not has_role(user, STAFF_ROLES):
        return []
    # One aggregate whatever the number of organizations: the queue shows a count and
    # the oldest term end (what sorts it among the other items).
    figures = (
        Organization.objects.visible_to(user)
        .exclude(stage__in=EXIT_STAGES)
        .filter(overdue_term_q(today))
        .aggregate(n=Count("pk"), first=Min("term_end"))
    )
    overdue = figures["n"]
    items = _expiring_documents(user, today)
    if not overdue:
        return items
    return items + [
        TodoItem(
            title=_("Re-elections overdue"),
            url=reverse("admin:incubation_organization_changelist")
            + f"?term_end__lt={today.isoformat()}",
            state=_("%(n)d organization(s) past their council term") % {"n": overdue},
            urgency=URGENT,
            count=overdue,
            due=figures["first"],
        )
    ]


def _expiring_documents(user, today: datetime.date) -> list[TodoItem]:
    """Current documents (登记证书 above all) expiring within the first reminder window, or
    expired: one aggregate, the nearest expiry sorts the item."""
    from incubation.models import OrganizationDocument
    from incubation.rules import rules

    horizon = today + datetime.timedelta(days=max(rules().document_expiry_reminder_days))
    figures = (
        OrganizationDocument.objects.current()
        .filter(
            organization__in=Organization.objects.visible_to(user).exclude(stage__in=EXIT_STAGES),
            expires_on__lte=horizon,
        )
        .aggregate(n=Count("pk"), first=Min("expires_on"))
    )
    if not figures["n"]:
        return []
    state, urgency = due_state(figures["first"], today)
    return [
        TodoItem(
            title=_("Documents expiring soon"),
            url=reverse("admin:incubation_organizationdocument_changelist")
            + f"?superseded_at__isnull=True&expires_on__lte={horizon.isoformat()}",
            state=_("%(n)d document(s)") % {"n": figures["n"]} + " · " + state,
            urgency=urgency,
            count=figures["n"],
            due=figures["first"],
        )
    ]


def todo_items(user, today: datetime.date) -> list[TodoItem]:
    return leader_items(user, today) + staff_items(user, today)


def register() -> None:
    register_todo_source("incubation", todo_items)
