"""Funding notifications: award decisions and outcomes to the applicant's leaders, and
report reminders (14 and 3 days before, then overdue), each sent once (the notification
key carries the period)."""

import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from core.dates import human_date
from core.templatetags.money import yuan_number
from funding.choices import ReportKind
from funding.models import Application
from funding.workflows import REPORT_REMINDER_DAYS, ApplicationStatus
from notifications.kinds import register_kind
from notifications.services import notify_each

S = ApplicationStatus


def register_kinds() -> None:
    register_kind("grant_decision", gettext_lazy("Grant decisions and outcomes"), optional=False)
    register_kind("grant_report_due", gettext_lazy("Grant reports due"))


def _leaders(app: Application):
    return [user for user in app.organization.leader_accounts.all() if user.is_active]


def announce_application(application_id: int) -> int:
    """Tell the organization's leaders about a decision, an acceptance or a termination."""
    app = (
        Application.objects.select_related("call", "organization")
        .prefetch_related("organization__leader_accounts")
        .get(pk=application_id)
    )
    with override("zh-hans"):
        title = _("%(title)s: %(status)s") % {
            "title": app.title,
            "status": app.get_status_display(),
        }
        if app.status == S.APPROVED:
            body = _("Awarded %(amount)s yuan.") % {"amount": yuan_number(app.awarded_amount)}
            body += "\n" + app.decision_message
        elif app.status == S.COMPLETED:
            body = _("Final acceptance: %(result)s.") % {
                "result": app.get_acceptance_result_display()
            }
        elif app.status == S.TERMINATED:
            body = _("The grant was terminated: %(reason)s") % {"reason": app.termination_reason}
        else:
            body = app.decision_message
        return notify_each(
            _leaders(app),
            kind="grant_decision",
            key=f"application:{app.pk}:{app.status}",
            title=title,
            body=body,
            url=reverse("funding:application", args=[app.pk]),
        )


def _window(due: datetime.date, today: datetime.date) -> str | None:
    days_left = (due - today).days
    if days_left < 0:
        return "overdue"
    passed = [d for d in REPORT_REMINDER_DAYS if days_left <= d]
    return f"{min(passed)}d" if passed else None


def send_report_reminders(today: datetime.date | None = None) -> int:
    """Mid-term and final reports due in 14 and 3 days, and overdue — each once."""
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=max(REPORT_REMINDER_DAYS))
    running = (
        Application.objects.filter(status=S.IN_PROGRESS)
        .filter(Q(midterm_due_on__lte=horizon) | Q(final_due_on__lte=horizon))
        .select_related("organization")
        .prefetch_related("organization__leader_accounts", "reports")
    )
    sent = 0
    with override("zh-hans"):
        for app in running:
            submitted = {report.kind for report in app.reports.all()}
            for kind, due in (
                (ReportKind.MIDTERM, app.midterm_due_on),
                (ReportKind.FINAL, app.final_due_on),
            ):
                if due is None or kind in submitted or due > horizon:
                    continue
                window = _window(due, today)
                if window is None:
                    continue
                if window == "overdue":
                    title = _("Overdue: %(kind)s of %(title)s") % {
                        "kind": kind.label,
                        "title": app.title,
                    }
                else:
                    title = _("%(kind)s of %(title)s due in %(days)d days") % {
                        "kind": kind.label,
                        "title": app.title,
                        "days": (due - today).days,
                    }
                body = _(
                    "The %(kind)s of %(title)s is due on %(date)s. Submit it in the portal."
                ) % {
                    "kind": kind.label,
                    "title": app.title,
                    "date": human_date(due),
                }
                sent += notify_each(
                    _leaders(app),
                    kind="grant_report_due",
                    key=f"application:{app.pk}:{kind}:{due.isoformat()}:{window}",
                    title=title,
                    body=body,
                    url=reverse("funding:report", args=[app.pk, kind]),
                )
    return sent
