"""Reminders of the organization registry, each sent once per organization, kind and
period (the notification key carries the period)."""

import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from accounts.models import User
from accounts.roles import Role
from core.dates import human_date
from incubation.models import Organization
from incubation.rules import add_months, rules
from incubation.workflows import EXIT_STAGES, IncubationPhase
from notifications.services import notify_each


def _recipients(org: Organization) -> list[User]:
    """The organization's leaders and the staff of its community."""
    staff = User.objects.filter(
        is_active=True, community_id=org.community_id, groups__name=Role.COMMUNITY_STAFF
    )
    return list({user.pk: user for user in [*org.leader_accounts.all(), *staff]}.values())


def _send(org: Organization, kind: str, period: str, title: str, body: str) -> int:
    return notify_each(
        _recipients(org),
        kind=kind,
        key=f"org:{org.pk}:{period}",
        title=title,
        body=body,
        url=reverse("incubation:organization", args=[org.pk]),
    )


def send_re_election_reminders(today: datetime.date | None = None) -> int:
    """换届 due in 90 and 30 days, and overdue (past the term without an extension)."""
    today = today or timezone.localdate()
    r = rules()
    horizon = today + datetime.timedelta(days=max(r.re_election_reminder_days))
    candidates = (
        Organization.objects.exclude(stage__in=EXIT_STAGES)
        .filter(
            Q(term_extended_until__isnull=True, term_end__lte=horizon)
            | Q(term_extended_until__lte=horizon)
        )
        .select_related("community")
        .prefetch_related("leader_accounts")
    )
    sent = 0
    with override("zh-hans"):
        for org in candidates:
            due = org.term_extended_until or org.term_end
            days_left = (due - today).days
            if days_left < 0:
                window = "overdue"
                title = _("Re-election overdue: %(name)s") % {"name": org.name}
                body = _(
                    "The council term of %(name)s ended on %(date)s without an approved "
                    "extension. Hold the re-election now."
                ) % {"name": org.name, "date": human_date(due)}
            else:
                passed = [d for d in r.re_election_reminder_days if days_left <= d]
                if not passed:
                    continue
                window = f"{min(passed)}d"
                title = _("Re-election due in %(days)d days: %(name)s") % {
                    "days": days_left,
                    "name": org.name,
                }
                body = _(
                    "The council term of %(name)s ends on %(date)s. Prepare the "
                    "re-election and ask the party organization to pre-review the "
                    "candidates."
                ) % {"name": org.name, "date": human_date(due)}
            sent += _send(org, "re_election_due", f"{due.isoformat()}:{window}", title, body)
    return sent


def send_incubation_ending_reminders(today: datetime.date | None = None) -> int:
    today = today or timezone.localdate()
    days = rules().incubation_end_reminder_days
    candidates = (
        # An organization that left the hub (withdrawn, deregistered) may still carry its
        # incubation phase; it has nothing left to assess.
        Organization.objects.exclude(stage__in=EXIT_STAGES)
        .filter(
            incubation_phase__in=[IncubationPhase.ENTERED, IncubationPhase.INCUBATING],
            intake_agreement_on__isnull=False,
            planned_incubation_months__isnull=False,
        )
        .select_related("community")
        .prefetch_related("leader_accounts")
    )
    sent = 0
    with override("zh-hans"):
        for org in candidates:
            ends = add_months(org.intake_agreement_on, org.planned_incubation_months)
            if not (today <= ends <= today + datetime.timedelta(days=days)):
                continue
            title = _("Incubation period ending: %(name)s") % {"name": org.name}
            body = _(
                "The planned incubation of %(name)s ends on %(date)s. Assess whether it "
                "is ready to graduate."
            ) % {"name": org.name, "date": human_date(ends)}
            sent += _send(org, "incubation_ending", ends.isoformat(), title, body)
    return sent


def send_document_expiry_reminders(today: datetime.date | None = None) -> int:
    """A current document with an expiry date (登记证书 above all): in 60 and 14 days, and
    once expired — each window once per document (a new version is a new document, so its
    own reminders start afresh)."""
    from incubation.selectors import documents_expiring

    today = today or timezone.localdate()
    windows = rules().document_expiry_reminder_days
    sent = 0
    with override("zh-hans"):
        for document in documents_expiring(today, max(windows)):
            org = document.organization
            days_left = (document.expires_on - today).days
            values = {
                "name": org.name,
                "document": document.get_kind_display(),
                "title": document.title,
                "date": human_date(document.expires_on),
                "days": days_left,
            }
            if days_left < 0:
                window = "expired"
                title = _("%(document)s of %(name)s has expired") % values
                body = (
                    _("%(title)s of %(name)s expired on %(date)s. Upload the renewed document.")
                    % values
                )
            else:
                window = f"{min(d for d in windows if days_left <= d)}d"
                title = _("%(document)s of %(name)s expires in %(days)d days") % values
                body = (
                    _(
                        "%(title)s of %(name)s expires on %(date)s. Renew it in time and upload "
                        "the new version."
                    )
                    % values
                )
            sent += notify_each(
                _recipients(org),
                kind="document_expiring",
                key=f"document:{document.pk}:{window}",
                title=title,
                body=body,
                url=reverse("incubation:documents", args=[org.pk]),
            )
    return sent
