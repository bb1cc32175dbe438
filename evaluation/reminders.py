"""Reminders of evaluation, each sent once (the notification key carries the cycle and the
window): cycle opened (every leader), deadline in 7 and 1 days (leaders not submitted),
overdue list (street staff), pending scores (evaluators)."""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from accounts.models import User
from accounts.roles import Role
from core.dates import human_date
from evaluation.models import Cycle, EvaluatorAssignment, Review
from evaluation.workflows import AssignmentStatus, CycleStatus, ReviewStatus
from incubation.models import Organization
from incubation.workflows import EXIT_STAGES
from notifications.kinds import register_kind
from notifications.services import notify, notify_each

DEADLINE_WINDOWS = (7, 1)


def register_kinds() -> None:
    register_kind("evaluation_opened", gettext_lazy("Annual evaluation opened"), optional=False)
    register_kind("evaluation_deadline", gettext_lazy("Annual review deadline"), optional=False)
    register_kind("evaluation_overdue", gettext_lazy("Annual reviews overdue"))
    register_kind("evaluation_scores_pending", gettext_lazy("Scores pending"))


def _organizations(cycle: Cycle):
    return (
        Organization.objects.filter(community__street=cycle.street_id)
        .exclude(stage__in=EXIT_STAGES)
        .prefetch_related("leader_accounts")
    )


def _not_submitted(cycle: Cycle):
    done = Review.objects.filter(cycle=cycle).exclude(
        status__in=[ReviewStatus.DRAFT, ReviewStatus.RETURNED]
    )
    return _organizations(cycle).exclude(pk__in=done.values("organization"))


def _notify_leaders(org, kind: str, key: str, title: str, body: str, url: str) -> int:
    return notify_each(
        org.leader_accounts.all(), kind=kind, key=key, title=title, body=body, url=url
    )


def send_cycle_opened(cycle: Cycle) -> int:
    sent = 0
    url = reverse("evaluation:home")
    with override("zh-hans"):
        title = _("The %(year)s annual review is open") % {"year": cycle.year}
        body = _("Fill in and submit your organization's annual review by %(date)s.") % {
            "date": human_date(cycle.deadline)
        }
        for org in _organizations(cycle):
            sent += _notify_leaders(
                org, "evaluation_opened", f"cycle:{cycle.pk}:opened", title, body, url
            )
    return sent


def send_deadline_reminders(cycle: Cycle, today: datetime.date) -> int:
    days_left = (cycle.deadline - today).days
    windows = [d for d in DEADLINE_WINDOWS if 0 <= days_left <= d]
    if not windows:
        return 0
    window = min(windows)
    sent = 0
    url = reverse("evaluation:home")
    with override("zh-hans"):
        title = _("Annual review due in %(days)d day(s)") % {"days": days_left}
        for org in _not_submitted(cycle):
            body = _("The %(year)s annual review of %(name)s is due on %(date)s.") % {
                "year": cycle.year,
                "name": org.name,
                "date": human_date(cycle.deadline),
            }
            key = f"cycle:{cycle.pk}:org:{org.pk}:{window}d"
            sent += _notify_leaders(org, "evaluation_deadline", key, title, body, url)
    return sent


def send_overdue_list(cycle: Cycle, today: datetime.date) -> int:
    if today <= cycle.deadline:
        return 0
    extended = Review.objects.filter(cycle=cycle, extension_until__gte=today)
    late = list(
        _not_submitted(cycle)
        .exclude(pk__in=extended.values("organization"))
        .order_by("name")
        .values_list("name", flat=True)
    )
    if not late:
        return 0
    staff = User.objects.filter(
        is_active=True, street_id=cycle.street_id, groups__name=Role.STREET_ADMIN
    )
    with override("zh-hans"):
        title = _("%(n)d annual reviews of %(year)s are overdue") % {
            "n": len(late),
            "year": cycle.year,
        }
        body = "、".join(late[:200])
        return notify_each(
            staff,
            kind="evaluation_overdue",
            key=f"cycle:{cycle.pk}:overdue",
            title=title,
            body=body,
            url=reverse("admin:evaluation_review_changelist"),
        )


def send_pending_scores(cycle: Cycle) -> int:
    pending = (
        EvaluatorAssignment.objects.filter(
            review__cycle=cycle,
            status=AssignmentStatus.ASSIGNED,
            review__status=ReviewStatus.SUBMITTED,
        )
        .values_list("evaluator", flat=True)
        .distinct()
    )
    sent = 0
    with override("zh-hans"):
        for evaluator in User.objects.filter(pk__in=pending, is_active=True):
            count = EvaluatorAssignment.objects.filter(
                review__cycle=cycle,
                evaluator=evaluator,
                status=AssignmentStatus.ASSIGNED,
                review__status=ReviewStatus.SUBMITTED,
            ).count()
            sent += bool(
                notify(
                    recipient=evaluator,
                    kind="evaluation_scores_pending",
                    key=f"cycle:{cycle.pk}:pending",
                    title=_("%(n)d annual review(s) wait for your scores") % {"n": count},
                    body=_("Score the %(year)s annual reviews assigned to you.")
                    % {"year": cycle.year},
                    url=reverse("evaluation:assignments"),
                )
            )
    return sent


def send_all(today: datetime.date | None = None) -> int:
    today = today or timezone.localdate()
    sent = 0
    for cycle in Cycle.objects.filter(status=CycleStatus.OPEN, opens_on__lte=today):
        sent += send_cycle_opened(cycle)
        sent += send_deadline_reminders(cycle, today)
        sent += send_overdue_list(cycle, today)
        if today > cycle.deadline:
            sent += send_pending_scores(cycle)
    return sent
