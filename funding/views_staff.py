"""Staff pages of the micro-venture grants: per call the ranking table with the budget bar,
awards, paid and outstanding amounts (and the same as Excel); per application the
decision and delivery actions; per organization every grant received.

Street and community staff (and superusers) open them; anyone else gets 403. Rows come
through ``visible_to``, so another street's call or application is a 404; the action
buttons follow the permission predicates (community staff only look)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.decorators import role_required
from accounts.roles import STAFF_ROLES
from accounts.scoping import get_visible_or_404
from core.http import tell_outcome
from funding import permissions, selectors
from funding.exports import CALL_EXPORT
from funding.forms import (
    AcceptanceForm,
    AgreementForm,
    DecisionForm,
    PaymentForm,
    TerminationForm,
)
from funding.models import Application, GrantCall, Tranche
from funding.services.applications import application_transition
from funding.services.delivery import tranche_pay
from funding.workflows import APPLICATION_TRANSITIONS, ApplicationStatus
from incubation.models import Organization
from jobs.exports import export_start

S = ApplicationStatus


# Other roles get the 404 of a missing record: a staff page never tells what is there.
staff_required = role_required(STAFF_ROLES, refuse_as_missing=True)


@require_GET
@staff_required
def call_staff(request, pk):
    call = get_visible_or_404(GrantCall, request.user, pk=pk)
    rows = selectors.ranking(call, Application.objects.visible_to(request.user).filter(call=call))
    summary = selectors.call_summary(call)
    criteria = list(call.criteria.all())
    for row in rows:
        row.criterion_scores = [row.by_criterion.get(c.pk) for c in criteria]
    bar_after = next((i for i, row in enumerate(rows) if not row.within_budget), None)
    context = {
        "call": call,
        "rows": rows,
        "criteria": criteria,
        "summary": summary,
        "bar_after": bar_after,
        "can_manage": bool(permissions.can_manage_call(request.user, call)),
        "drafts": summary.counts.get(S.DRAFT, 0),
    }
    return render(request, "funding/call_staff.html", context)


@require_GET
@staff_required
def call_export(request, pk):
    """Starts the ranking table as .xlsx (funding.exports) as a background job and shows
    its page; the worker reads the call again as this user."""
    call = get_visible_or_404(GrantCall, request.user, pk=pk)
    job = export_start(
        exporter=CALL_EXPORT,
        actor=request.user,
        title=_("Grant call %(year)s: ranking") % {"year": call.year},
        params={"call_id": call.pk},
    )
    return redirect("jobs:detail", job.pk)


@require_GET
@staff_required
def application_staff(request, pk):
    app = get_visible_or_404(
        Application.objects.select_related("call", "organization", "organization__community"),
        request.user,
        pk=pk,
    )
    can_manage = bool(permissions.can_manage_call(request.user, app.call))
    allowed = APPLICATION_TRANSITIONS[app.status] if can_manage else frozenset()
    tranches = list(app.tranches.all())
    for tranche in tranches:
        tranche.unmet = selectors.milestone_unmet(app, tranche.milestone)
    context = {
        "app": app,
        "lines": list(app.budget_lines.all()),
        "attachments": list(app.attachments.all()),
        "reports": list(app.reports.all()),
        "tranches": tranches,
        "events": list(app.events.select_related("actor")[:50]),
        "can_manage": can_manage,
        "can_decide": bool(permissions.can_decide(request.user, app)),
        "decision_form": DecisionForm(initial={"amount": app.requested_amount}),
        "agreement_form": AgreementForm() if S.IN_PROGRESS in allowed else None,
        "acceptance_form": AcceptanceForm() if S.COMPLETED in allowed else None,
        "termination_form": TerminationForm() if S.TERMINATED in allowed else None,
        "payment_form": PaymentForm(initial={"paid_on": timezone.localdate()}),
        "can_approve": S.APPROVED in allowed,
        "can_waitlist": S.WAITLISTED in allowed,
        "can_reject": S.REJECTED in allowed,
    }
    return render(request, "funding/application_staff.html", context)


ACTIONS = {
    "approve": (S.APPROVED, DecisionForm),
    "waitlist": (S.WAITLISTED, DecisionForm),
    "reject": (S.REJECTED, DecisionForm),
    "agreement": (S.IN_PROGRESS, AgreementForm),
    "accept": (S.COMPLETED, AcceptanceForm),
    "terminate": (S.TERMINATED, TerminationForm),
}


@require_POST
@staff_required
def application_action(request, pk, action):
    app = get_visible_or_404(Application, request.user, pk=pk)
    if action not in ACTIONS:
        raise Http404
    to, form_class = ACTIONS[action]
    form = form_class(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect("funding:application_staff", pk=app.pk)
    data = form.cleaned_data
    tell_outcome(
        request,
        lambda: application_transition(application=app, to=to, actor=request.user, **data),
        _("Saved."),
    )
    return redirect("funding:application_staff", pk=app.pk)


@require_POST
@staff_required
def tranche_pay_view(request, pk):
    tranche = get_visible_or_404(Tranche, request.user, pk=pk)
    form = PaymentForm(request.POST)
    if form.is_valid():
        tell_outcome(
            request,
            lambda: tranche_pay(tranche=tranche, actor=request.user, **form.cleaned_data),
            _("Payment recorded."),
        )
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    return redirect("funding:application_staff", pk=tranche.application_id)


@require_GET
@staff_required
def organization_grants(request, pk):
    org = get_visible_or_404(Organization, request.user, pk=pk)
    grants = list(selectors.grants_of_organization(org))
    for grant in grants:
        grant.outstanding = selectors.outstanding(grant)
    total = sum((g.awarded_amount or 0 for g in grants), 0)
    paid = sum((g.paid for g in grants), 0)
    return render(
        request,
        "funding/organization_grants.html",
        {"org": org, "grants": grants, "total": total, "paid": paid},
    )
