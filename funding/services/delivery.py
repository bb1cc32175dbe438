"""Delivery of a grant: tranches paid when their milestone is met, and the organization's
mid-term and final reports."""

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.decisions import refuse_unless
from core.errors import ActionRefused
from core.templatetags.money import yuan_number
from funding.choices import AttachmentKind, MilestoneKind, ReportKind
from funding.models import Application, ProjectReport, Tranche
from funding.permissions import can_manage_call, can_submit_report
from funding.selectors import milestone_unmet
from funding.services.applications import attachment_add, record_event


def tranche_pay(*, tranche: Tranche, paid_on: datetime.date, reference: str, actor) -> Tranche:
    """Record the payment of a tranche (date and reference). Refused until its milestone
    is met; paying a paid tranche again changes nothing. This is the only place that
    changes a tranche from unpaid to paid."""
    with transaction.atomic():
        # Lock the grant first (as the transition does), then the tranche.
        app = (
            Application.objects.select_for_update(of=("self",))
            .select_related("call")
            .get(pk=tranche.application_id)
        )
        locked = Tranche.objects.select_for_update().get(pk=tranche.pk)
        if locked.is_paid:
            return locked
        refuse_unless(can_manage_call(actor, app.call))
        unmet = milestone_unmet(app, locked.milestone)
        if not reference.strip():
            unmet.append(_("give the payment reference"))
        if paid_on is None:
            unmet.append(_("give the payment date"))
        elif paid_on > timezone.localdate():
            unmet.append(_("the payment date is in the future"))
        if unmet:
            raise ActionRefused(
                _("The %(milestone)s tranche cannot be paid: %(unmet)s.")
                % {"milestone": MilestoneKind(locked.milestone).label, "unmet": "; ".join(unmet)},
                missing=unmet,
            )
        locked.paid_on = paid_on
        locked.reference = reference.strip()
        locked.paid_by = actor if getattr(actor, "pk", None) else None
        locked.save(update_fields=["paid_on", "reference", "paid_by"])
        record_event(
            app,
            actor,
            note=_("Tranche paid: %(milestone)s, %(amount)s yuan, %(reference)s")
            % {
                "milestone": MilestoneKind(locked.milestone).label,
                "amount": yuan_number(locked.amount),
                "reference": locked.reference,
            },
        )
    return locked


def report_submit(
    *,
    application: Application,
    kind: str,
    content: str,
    spent_amount=Decimal("0"),
    files: Iterable = (),
    actor,
) -> ProjectReport:
    """The organization submits its mid-term or final report, with attachments."""
    kind = ReportKind(kind)
    with transaction.atomic():
        app = Application.objects.select_for_update(of=("self",)).get(pk=application.pk)
        refuse_unless(can_submit_report(actor, app, kind))
        if not content.strip():
            raise ActionRefused(_("Write the report."))
        report = ProjectReport(
            application=app,
            kind=kind,
            content=content.strip(),
            spent_amount=Decimal(spent_amount or 0),
            submitted_by=actor,
        )
        report.full_clean()
        report.save()
        attachment_kind = (
            AttachmentKind.MIDTERM if kind == ReportKind.MIDTERM else AttachmentKind.FINAL
        )
        for uploaded in files:
            attachment_add(application=app, uploaded=uploaded, actor=actor, kind=attachment_kind)
        record_event(app, actor, note=_("%(kind)s submitted") % {"kind": kind.label})
    return report
