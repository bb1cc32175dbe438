"""Applications: drafts with budget lines and attachments, and the one transition
function that moves ``Application.status`` (submit, award decisions, agreement,
acceptance, termination)."""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.dates import human_date
from core.decisions import refuse_unless
from core.errors import ActionRefused
from core.templatetags.money import yuan_number
from core.transitions import refuse_unless_allowed
from core.uploads import stored_upload_fields
from funding import selectors
from funding.agreements import agreement_issue, agreement_schedule
from funding.choices import AcceptanceResult, AttachmentKind, ReportKind
from funding.eligibility import eligibility_reasons, track_for
from funding.models import (
    Application,
    ApplicationEvent,
    Attachment,
    BudgetLine,
    CallTrack,
    GrantCall,
    Tranche,
)
from funding.permissions import (
    can_apply,
    can_decide,
    can_edit_application,
    can_manage_call,
    can_submit_application,
)
from funding.workflows import (
    APPLICATION_TRANSITIONS,
    DECISION_STATUSES,
    MILESTONE_ORDER,
    ApplicationStatus,
)

S = ApplicationStatus
CENT = Decimal("0.01")
EDITABLE_FIELDS = (
    "title",
    "summary",
    "service_field",
    "target_community",
    "beneficiaries",
    "beneficiary_count",
    "starts_on",
    "ends_on",
    "requested_amount",
)


def record_event(application, actor, *, from_value="", to_value="", note="") -> None:
    ApplicationEvent.record(
        application=application, actor=actor, from_value=from_value, to_value=to_value, note=note
    )


def track_cap(call: GrantCall, track: str) -> Decimal | None:
    row = CallTrack.objects.select_related("call").filter(call=call, kind=track).first()
    return row.cap if row else None


def budget_errors(requested, lines, cap) -> list[str]:
    """What is wrong with a budget: lines must sum to the requested amount, which must be
    within the cap. ``lines`` are amounts (Decimal)."""
    errors = []
    requested = Decimal(requested or 0)
    total = sum((Decimal(amount) for amount in lines), Decimal("0"))
    if requested <= 0:
        errors.append(_("Give the requested amount."))
    if cap is not None and requested > cap:
        errors.append(
            _("The requested amount of %(requested)s yuan is above the cap of %(cap)s yuan.")
            % {"requested": yuan_number(requested), "cap": yuan_number(cap)}
        )
    if not lines:
        errors.append(_("Add at least one budget line."))
    elif total != requested:
        errors.append(
            _(
                "The budget lines sum to %(total)s yuan but the requested amount is "
                "%(requested)s yuan; they must be equal."
            )
            % {"total": yuan_number(total), "requested": yuan_number(requested)}
        )
    return errors


@transaction.atomic
def application_create(*, call: GrantCall, organization, actor, **fields) -> Application:
    """A draft of ``organization`` for ``call``, by one of its leaders, while the call is
    open."""
    refuse_unless(can_apply(actor, organization))
    today = timezone.localdate()
    if not call.is_open(today):
        raise ActionRefused(
            _("The call is open from %(opens)s to %(closes)s.")
            % {"opens": human_date(call.opens_on), "closes": human_date(call.closes_on)}
        )
    if organization.community.street_id != call.street_id:
        raise ActionRefused(_("The call is for organizations of another street."))
    application = Application(call=call, organization=organization, track=track_for(organization))
    _apply(application, fields)
    application.full_clean()
    application.save()
    record_event(application, actor, to_value=S.DRAFT, note=_("Draft started"))
    return application


def _apply(application: Application, fields: dict) -> None:
    for name, value in fields.items():
        if name not in EDITABLE_FIELDS:
            raise ValueError(f"{name} cannot be set on an application")
        setattr(application, name, value)


@transaction.atomic
def application_update(
    *, application: Application, actor, budget_lines: list[dict] | None = None, **fields
) -> Application:
    """Change a draft; ``budget_lines`` ({item, amount, note}) replace the existing lines and
    must sum to the requested amount within the cap."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    refuse_unless(can_edit_application(actor, application))
    _apply(application, fields)
    application.full_clean()
    if budget_lines is not None:
        amounts = [Decimal(line["amount"]) for line in budget_lines]
        errors = budget_errors(
            application.requested_amount, amounts, track_cap(application.call, application.track)
        )
        if errors:
            raise ValidationError(errors)
    application.save()
    if budget_lines is not None:
        application.budget_lines.all().delete()
        BudgetLine.objects.bulk_create(
            BudgetLine(
                application=application,
                item=line["item"],
                amount=Decimal(line["amount"]),
                note=line.get("note", ""),
                position=index,
            )
            for index, line in enumerate(budget_lines)
        )
    return application


def attachment_add(
    *, application: Application, uploaded, actor, kind: str = AttachmentKind.APPLICATION
) -> Attachment:
    """Store an attachment checked by its content (PDF, images, Office) and size."""
    if kind == AttachmentKind.APPLICATION:
        refuse_unless(can_edit_application(actor, application))
    else:
        refuse_unless(can_apply(actor, application.organization))
    upload = stored_upload_fields(uploaded, actor)
    upload["original_name"] = upload["original_name"] or "attachment"
    attachment = Attachment(
        application=application,
        kind=kind,
        **{name: value for name, value in upload.items() if name != "file"},
    )
    attachment.file.save("upload", uploaded, save=False)
    try:
        attachment.save()
    except BaseException:
        attachment.file.storage.delete(attachment.file.name)
        raise
    return attachment


# --- The transition -------------------------------------------------------------------------


def submission_problems(application: Application, today: datetime.date) -> list[str]:
    """Everything that stands between a draft and its submission, each named."""
    call = application.call
    problems = []
    if today < call.opens_on:
        problems.append(_("the call opens on %(date)s") % {"date": human_date(call.opens_on)})
    if today > call.closes_on:
        problems.append(_("the call closed on %(date)s") % {"date": human_date(call.closes_on)})
    if not application.title.strip():
        problems.append(_("give the project title"))
    if not application.summary.strip():
        problems.append(_("give a summary"))
    if application.target_community_id is None:
        problems.append(_("name the target community"))
    if not application.beneficiaries.strip():
        problems.append(_("describe the beneficiaries"))
    if application.starts_on is None or application.ends_on is None:
        problems.append(_("give the timeline (start and end dates)"))
    amounts = [line.amount for line in application.budget_lines.all()]
    problems.extend(
        budget_errors(application.requested_amount, amounts, track_cap(call, application.track))
    )
    problems.extend(
        eligibility_reasons(application.organization, call, application=application, today=today)
    )
    return problems


def application_transition(
    *,
    application: Application,
    to: str,
    actor,
    amount=None,
    message: str = "",
    signed_on: datetime.date | None = None,
    midterm_due_on: datetime.date | None = None,
    final_due_on: datetime.date | None = None,
    result: str = "",
    reason: str = "",
    today: datetime.date | None = None,
) -> Application:
    """Move an application along ``APPLICATION_TRANSITIONS``; asking for the current status
    again changes nothing. Refusals name what is missing (``ActionRefused.missing``)."""
    to = ApplicationStatus(to)
    today = today or timezone.localdate()
    with transaction.atomic():
        if to == S.APPROVED:
            # The budget check below must see every approval of this call: the call row is
            # locked first (always call, then application), so two approvals racing for the
            # last money run one after the other. A database constraint cannot express "the
            # sum of approved amounts ≤ the budget", hence the lock and the re-sum inside it.
            GrantCall.objects.select_for_update().get(pk=application.call_id)
        app = (
            Application.objects.select_for_update(of=("self",))
            .select_related("call", "organization")
            .get(pk=application.pk)
        )
        if app.status == to:
            return app
        refuse_unless_allowed(
            APPLICATION_TRANSITIONS, S, app.status, to, Application._meta.verbose_name
        )
        before = app.status
        update = ["status", "updated_at"]
        note = ""
        if to == S.SUBMITTED:
            refuse_unless(can_submit_application(actor, app))
            problems = submission_problems(app, today)
            if problems:
                raise ActionRefused(
                    _("The application cannot be submitted: %(problems)s.")
                    % {"problems": "; ".join(problems)},
                    missing=problems,
                )
            app.submitted_at = timezone.now()
            update.append("submitted_at")
        elif to in DECISION_STATUSES:
            refuse_unless(can_decide(actor, app))
            if not message.strip():
                raise ActionRefused(_("Write the message to the applicant."))
            if to == S.APPROVED:
                app.awarded_amount = _award_amount(app, amount)
                update.append("awarded_amount")
            app.decision_message = message.strip()
            app.decided_at = timezone.now()
            update += ["decision_message", "decided_at"]
            note = message.strip()
        elif to == S.IN_PROGRESS:
            refuse_unless(can_manage_call(actor, app.call))
            if signed_on is None:
                raise ActionRefused(_("Give the date the agreement was signed."))
            app.agreement_signed_on = signed_on
            app.midterm_due_on = midterm_due_on or _midpoint(app, signed_on)
            app.final_due_on = final_due_on or app.ends_on or signed_on + datetime.timedelta(365)
            update += ["agreement_signed_on", "midterm_due_on", "final_due_on"]
            _create_tranches(app)
        elif to == S.COMPLETED:
            refuse_unless(can_manage_call(actor, app.call))
            missing = []
            if result not in AcceptanceResult.values:
                missing.append(_("give the acceptance result"))
            if not app.reports.filter(kind=ReportKind.FINAL).exists():
                missing.append(_("the organization has not submitted its final report"))
            if missing:
                raise ActionRefused(
                    _("The project cannot be accepted: %(missing)s.")
                    % {"missing": "; ".join(missing)},
                    missing=missing,
                )
            app.acceptance_result = result
            app.accepted_on = today
            update += ["acceptance_result", "accepted_on"]
            note = AcceptanceResult(result).label
        elif to == S.TERMINATED:
            refuse_unless(can_manage_call(actor, app.call))
            if not reason.strip():
                raise ActionRefused(_("Give the reason for terminating the grant."))
            app.termination_reason = reason.strip()
            app.terminated_on = today
            update += ["termination_reason", "terminated_on"]
            note = reason.strip()
        app.status = to
        app.save(update_fields=update)
        record_event(app, actor, from_value=before, to_value=to, note=str(note))
        if to in DECISION_STATUSES or to in (S.COMPLETED, S.TERMINATED):
            transaction.on_commit(lambda: _announce(app.pk))
        if to == S.IN_PROGRESS:
            # The agreement is an official record: its content is fixed now and rendered
            # once after commit (funding.agreements).
            agreement_issue(app)
            agreement_schedule(app.pk)
    return app


def _award_amount(app: Application, amount) -> Decimal:
    if amount in (None, ""):
        raise ActionRefused(_("Give the amount awarded."))
    amount = Decimal(amount).quantize(CENT)
    cap = track_cap(app.call, app.track) or app.call.per_project_cap
    if amount <= 0:
        raise ActionRefused(_("The amount awarded must be greater than zero."))
    if amount > app.requested_amount:
        raise ActionRefused(
            _("The amount awarded is above the %(requested)s yuan requested.")
            % {"requested": yuan_number(app.requested_amount)}
        )
    if amount > cap:
        raise ActionRefused(
            _("The amount awarded is above the per-project cap of %(cap)s yuan.")
            % {"cap": yuan_number(cap)}
        )
    committed = selectors.committed_amount(app.call)
    left = app.call.total_budget - committed
    if amount > left:
        raise ActionRefused(
            _(
                "Only %(left)s yuan of the call's %(budget)s yuan budget is left; "
                "%(amount)s yuan cannot be awarded."
            )
            % {
                "left": yuan_number(left),
                "budget": yuan_number(app.call.total_budget),
                "amount": yuan_number(amount),
            }
        )
    return amount


def _midpoint(app: Application, signed_on: datetime.date) -> datetime.date | None:
    if not app.call.milestones.filter(kind="midterm").exists() and not app.ends_on:
        return None
    start = app.starts_on or signed_on
    end = app.ends_on or signed_on + datetime.timedelta(365)
    return start + (end - start) / 2


def _create_tranches(app: Application) -> None:
    milestones = sorted(app.call.milestones.all(), key=lambda m: MILESTONE_ORDER[m.kind])
    tranches, paid_out = [], Decimal("0")
    for index, milestone in enumerate(milestones):
        if index == len(milestones) - 1:
            amount = app.awarded_amount - paid_out  # the last tranche takes the rounding
        else:
            amount = (app.awarded_amount * milestone.percent / 100).quantize(
                CENT, rounding=ROUND_HALF_UP
            )
        paid_out += amount
        tranches.append(
            Tranche(
                application=app, milestone=milestone.kind, percent=milestone.percent, amount=amount
            )
        )
    Tranche.objects.bulk_create(tranches)


def _announce(application_id: int) -> None:
    from funding.reminders import announce_application

    announce_application(application_id)
