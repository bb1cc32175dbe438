"""Staff remind the laggards of a cycle in one click: every leader of an organization
that has not submitted gets one notification — at most one a day, however often staff
click (the notification key carries the date)."""

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from core.dates import human_date
from core.errors import ActionRefused
from evaluation.cockpit import laggards
from evaluation.models import Cycle
from evaluation.permissions import _is_street_staff
from evaluation.workflows import CycleStatus
from notifications.kinds import register_kind
from notifications.services import notify_each

KIND = "evaluation_nudge"


def register_kinds() -> None:
    register_kind(KIND, gettext_lazy("Annual review reminder from staff"), optional=False)


def cycle_remind_laggards(*, cycle: Cycle, actor, today: datetime.date) -> int:
    """Notify the leaders of every organization ``actor`` sees that has not submitted.
    Returns how many notifications went out (0 when all were reminded today)."""
    if actor is not None and not _is_street_staff(actor):
        raise ActionRefused(_("Only street staff may do this."))
    if cycle.status != CycleStatus.OPEN:
        raise ActionRefused(_("The %(year)s evaluation is not open.") % {"year": cycle.year})
    sent = 0
    url = reverse("evaluation:home")
    with override("zh-hans"):
        title = _("Reminder: submit the %(year)s annual review") % {"year": cycle.year}
        for org in laggards(actor, cycle).prefetch_related("leader_accounts"):
            body = _("The %(year)s annual review of %(name)s is due on %(date)s.") % {
                "year": cycle.year,
                "name": org.name,
                "date": human_date(cycle.deadline),
            }
            key = f"cycle:{cycle.pk}:org:{org.pk}:nudge:{today.isoformat()}"
            sent += notify_each(
                org.leader_accounts.all(), kind=KIND, key=key, title=title, body=body, url=url
            )
    return sent
