"""Portal pages of the micro-venture grants: organization leaders apply and report,
experts review. Every object comes through ``get_visible_or_404``: another
organization's application, or a call an expert is not assigned to, is a 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.roles import STAFF_ROLES, Role, has_role, holds_role
from accounts.scoping import get_visible_or_404
from core.certified import certified_download
from core.errors import ActionRefused
from core.forms import add_refusal
from core.http import redirect_after_post, tell_outcome
from core.uploads import stored_upload_response
from funding import permissions, selectors
from funding.agreements import agreement_bytes, agreement_filename, agreement_pending
from funding.choices import ReportKind
from funding.eligibility import eligibility_reasons
from funding.forms import (
    ApplicationForm,
    AttachmentForm,
    BudgetLineFormSet,
    ConflictForm,
    ReportForm,
    ScoreForm,
)
from funding.models import (
    Application,
    Attachment,
    ExpertAssignment,
    GrantAgreement,
    GrantCall,
    Score,
)
from funding.services.applications import (
    application_create,
    application_transition,
    application_update,
    attachment_add,
    submission_problems,
)
from funding.services.delivery import report_submit
from funding.services.review import conflict_declare, scores_record
from funding.tasks import freeze_agreement
from funding.workflows import ApplicationStatus
from incubation.models import Organization


def _refused(request, exc: ActionRefused) -> None:
    messages.error(request, exc.message)


def _errors(exc: ValidationError) -> list[str]:
    return [str(m) for m in exc.messages]


@require_GET
@login_required
def home(request):
    user = request.user
    today = timezone.localdate()
    led = Organization.objects.filter(leader_accounts=user)
    context = {
        "open_calls": list(selectors.open_calls(user, today)),
        "applications": list(
            Application.objects.visible_to(user)
            .filter(organization__in=led)
            .select_related("call", "organization")
            .order_by("-call__year", "-pk")
        ),
        "is_expert": holds_role(user, Role.EVALUATOR),
        "staff_calls": (
            list(GrantCall.objects.visible_to(user).order_by("-year")[:20])
            if has_role(user, STAFF_ROLES)
            else []
        ),
    }
    return render(request, "funding/home.html", context)


@require_GET
@login_required
def call_detail(request, pk):
    call = get_visible_or_404(GrantCall, request.user, pk=pk)
    today = timezone.localdate()
    organizations = []
    for org in Organization.objects.filter(
        leader_accounts=request.user, community__street=call.street_id
    ):
        organizations.append({"org": org, "reasons": eligibility_reasons(org, call, today=today)})
    context = {
        "call": call,
        "tracks": list(call.tracks.select_related("call")),
        "criteria": list(call.criteria.all()),
        "milestones": list(call.milestones.all()),
        "organizations": organizations,
        "is_open": call.is_open(today),
        "is_staff_reader": has_role(request.user, STAFF_ROLES),
    }
    return render(request, "funding/call_detail.html", context)


@require_POST
@login_required
def application_start(request, pk):
    call = get_visible_or_404(GrantCall, request.user, pk=pk)
    try:
        org = Organization.objects.filter(leader_accounts=request.user).get(
            pk=request.POST.get("organization")
        )
    except (Organization.DoesNotExist, ValueError):
        raise Http404 from None
    title = request.POST.get("title", "").strip() or _("New project")
    try:
        app = application_create(call=call, organization=org, actor=request.user, title=title)
    except ActionRefused as exc:
        _refused(request, exc)
        return redirect("funding:call", pk=call.pk)
    return redirect("funding:application_edit", pk=app.pk)


def _application(request, pk):
    return get_visible_or_404(
        Application.objects.select_related(
            "call", "organization", "organization__community", "target_community"
        ),
        request.user,
        pk=pk,
    )


@require_GET
@login_required
def application_detail(request, pk):
    app = _application(request, pk)
    user = request.user
    today = timezone.localdate()
    can_edit = bool(permissions.can_edit_application(user, app))
    problems = submission_problems(app, today) if can_edit else []
    reports = {report.kind: report for report in app.reports.all()}
    report_actions = [
        {
            "kind": kind,
            "label": kind.label,
            "report": reports.get(kind.value),
            "allowed": bool(permissions.can_submit_report(user, app, kind)),
        }
        for kind in ReportKind
    ]
    context = {
        "app": app,
        "lines": list(app.budget_lines.all()),
        "attachments": list(app.attachments.all()),
        "tranches": list(app.tranches.all()),
        "report_actions": report_actions,
        "events": list(app.events.select_related("actor")[:50]),
        "can_edit": can_edit,
        "problems": problems,
        "can_submit": can_edit and not problems,
        "attachment_form": AttachmentForm() if can_edit else None,
        "is_leader": permissions.leads(user, app.organization),
        "is_staff_reader": has_role(user, STAFF_ROLES),
    }
    return render(request, "funding/application_detail.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def application_edit(request, pk):
    app = _application(request, pk)
    decision = permissions.can_edit_application(request.user, app)
    if not decision:
        messages.error(request, decision.reason)
        return redirect("funding:application", pk=app.pk)
    street = app.call.street
    if request.method == "POST":
        form = ApplicationForm(
            request.POST, instance=Application.objects.get(pk=app.pk), street=street
        )
        formset = BudgetLineFormSet(request.POST, prefix="lines")
        if form.is_valid() and formset.is_valid():
            lines = [
                f.cleaned_data
                for f in formset.forms
                if f.cleaned_data and not f.cleaned_data.get("DELETE")
            ]
            try:
                application_update(
                    application=app,
                    actor=request.user,
                    budget_lines=lines,
                    **{name: form.cleaned_data[name] for name in ApplicationForm.Meta.fields},
                )
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    add_refusal(form, exc)
                else:
                    formset._non_form_errors = formset.error_class(_errors(exc))
            except ActionRefused as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Draft saved."))
                return redirect("funding:application", pk=app.pk)
    else:
        form = ApplicationForm(instance=app, street=street)
        formset = BudgetLineFormSet(
            prefix="lines",
            initial=[
                {"item": line.item, "amount": line.amount, "note": line.note}
                for line in app.budget_lines.all()
            ],
        )
    return render(
        request, "funding/application_form.html", {"app": app, "form": form, "formset": formset}
    )


@require_POST
@login_required
def application_submit(request, pk):
    app = _application(request, pk)
    tell_outcome(
        request,
        lambda: application_transition(
            application=app, to=ApplicationStatus.SUBMITTED, actor=request.user
        ),
        _("Application submitted."),
    )
    return redirect("funding:application", pk=app.pk)


@require_POST
@login_required
def attachment_upload(request, pk):
    app = _application(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        tell_outcome(
            request,
            lambda: attachment_add(
                application=app, uploaded=form.cleaned_data["file"], actor=request.user
            ),
            _("Attachment added."),
        )
    else:
        messages.error(request, _("Choose a file to upload."))
    return redirect_after_post(request, "funding:application", pk=app.pk)


@require_GET
@login_required
def attachment_download(request, pk):
    attachment = get_visible_or_404(Attachment, request.user, pk=pk)
    return stored_upload_response(attachment)


@require_http_methods(["GET", "POST"])
@login_required
def report(request, pk, kind):
    app = _application(request, pk)
    if kind not in ReportKind.values:
        raise Http404
    decision = permissions.can_submit_report(request.user, app, kind)
    if not decision:
        messages.error(request, decision.reason)
        return redirect("funding:application", pk=app.pk)
    form = ReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("file")
        try:
            report_submit(
                application=app,
                kind=kind,
                content=form.cleaned_data["content"],
                spent_amount=form.cleaned_data["spent_amount"],
                files=[upload] if upload else [],
                actor=request.user,
            )
        except ActionRefused as exc:
            form.add_error(None, exc.message)
        except ValidationError as exc:
            form.add_error("file", _errors(exc))
        else:
            messages.success(request, _("Report submitted."))
            return redirect("funding:application", pk=app.pk)
    return render(
        request,
        "funding/report_form.html",
        {"app": app, "form": form, "kind_label": ReportKind(kind).label},
    )


# --- Experts ---------------------------------------------------------------------------------


@require_GET
@login_required
def review_list(request):
    user = request.user
    applications = list(selectors.expert_applications(user))
    mine = set(
        Score.objects.filter(expert=user, application__in=[a.pk for a in applications])
        .values_list("application_id", flat=True)
        .distinct()
    )
    for app in applications:
        app.scored = app.pk in mine
    calls = list(
        GrantCall.objects.filter(
            pk__in=ExpertAssignment.objects.filter(expert=user).values("call")
        ).order_by("-year")
    )
    return render(
        request, "funding/review_list.html", {"applications": applications, "calls": calls}
    )


@require_http_methods(["GET", "POST"])
@login_required
def review_score(request, pk):
    app = _application(request, pk)
    decision = permissions.can_score(request.user, app)
    if not decision:
        messages.error(request, decision.reason)
        return redirect("funding:review")
    criteria = list(app.call.criteria.all())
    given = dict(
        Score.objects.filter(application=app, expert=request.user).values_list(
            "criterion_id", "value"
        )
    )
    form = ScoreForm(request.POST or None, criteria=criteria, initial_scores=given)
    if request.method == "POST" and form.is_valid():
        try:
            scores_record(application=app, values=form.values(), actor=request.user)
        except (ActionRefused, ValidationError) as exc:
            form.add_error(None, getattr(exc, "message", None) or " ".join(_errors(exc)))
        else:
            messages.success(request, _("Scores saved."))
            return redirect("funding:review")
    return render(
        request,
        "funding/review_score.html",
        {
            "app": app,
            "form": form,
            "lines": list(app.budget_lines.all()),
            "attachments": list(app.attachments.all()),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def conflict_form(request, pk):
    call = get_visible_or_404(GrantCall, request.user, pk=pk)
    if not ExpertAssignment.objects.filter(call=call, expert=request.user).exists():
        raise Http404
    organizations = Organization.objects.filter(
        pk__in=Application.objects.filter(call=call)
        .exclude(status=ApplicationStatus.DRAFT)
        .values("organization")
    ).order_by("name")
    form = ConflictForm(request.POST or None, organizations=organizations)
    if request.method == "POST" and form.is_valid():
        org = organizations.get(pk=form.cleaned_data["organization"])
        try:
            conflict_declare(
                call=call, organization=org, reason=form.cleaned_data["reason"], actor=request.user
            )
        except ActionRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Conflict of interest declared."))
            return redirect("funding:review")
    declared = list(call.conflicts.filter(expert=request.user).select_related("organization"))
    return render(
        request, "funding/conflict_form.html", {"call": call, "form": form, "declared": declared}
    )


@require_GET
@login_required
def agreement_pdf(request, pk):
    """The frozen grant agreement, byte for byte as stored when it was recorded. Never
    rendered here: while the worker has not frozen it yet the reader gets a page saying so."""
    app = _application(request, pk)
    if app.agreement_signed_on is None:
        raise Http404
    return certified_download(
        request,
        app,
        read=agreement_bytes,
        pending=agreement_pending,
        freeze_task=freeze_agreement,
        reload=lambda: _application(request, pk),
        filename=agreement_filename,
        template="funding/agreement_pending.html",
        name="app",
    )


@require_GET
def verify_agreement(request, code):
    """Public: confirms a printed grant agreement — grantee, project, amount, the date it
    was recorded and the SHA-256 of the PDF, as issued — and nothing else."""
    document = (
        GrantAgreement.objects.filter(verification_code=str(code).upper())
        .only("snapshot", "issued_at", "sha256")
        .first()
    )
    if document is None:
        raise Http404
    snapshot = document.snapshot
    context = {
        "name": snapshot["org"]["name"],
        "title": snapshot["project"]["title"],
        "year": snapshot["call"]["year"],
        "amount": snapshot["awarded_amount"],
        "date": timezone.localdate(document.issued_at),
        "sha256": document.sha256,
    }
    return render(request, "funding/agreement_verify.html", context)
