"""Portal pages: the leader's reviews and form, the evaluator's assignments and scoring,
the staff panel of a review, and the public verification page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.decorators import role_required
from accounts.models import User
from accounts.roles import Role, holds_role, is_street_staff
from accounts.scoping import get_visible_or_404
from core.certified import certified_download
from core.errors import ActionRefused
from core.forms import add_refusal
from core.http import redirect_after_post, tell_outcome
from core.uploads import stored_upload_response
from evaluation import permissions as perms
from evaluation.forms import (
    AssignForm,
    AttachmentForm,
    ConflictForm,
    ExtensionForm,
    ReturnForm,
    ReviewForm,
    ScoreForm,
)
from evaluation.models import (
    ConflictDeclaration,
    Cycle,
    EvaluatorAssignment,
    Review,
    ReviewAttachment,
)
from evaluation.prefill import labels as prefill_labels
from evaluation.reports import report_bytes, report_filename, report_pending
from evaluation.selectors import (
    applicable_items,
    assignments_for,
    review_assignments,
    reviews_for,
    version_rows,
)
from evaluation.services.reviews import (
    review_attach,
    review_detach,
    review_grant_extension,
    review_missing,
    review_return,
    review_save,
    review_start,
    review_submit,
)
from evaluation.services.scoring import (
    assignment_create,
    conflict_declare,
    review_finalize,
    scores_save,
    scores_submit,
)
from evaluation.tasks import freeze_report
from evaluation.workflows import AssignmentStatus, CycleStatus, ReviewStatus
from incubation.models import Organization
from incubation.workflows import EXIT_STAGES

RECENT_FOR_STAFF = 50


@login_required
def home(request):
    """My reviews (leaders), with this year's review to start; staff see their area."""
    user = request.user
    # Street staff work a cycle from its cockpit (counts, filters, paging).
    cockpit_cycles = (
        list(Cycle.objects.visible_to(user).order_by("-year")[:5]) if is_street_staff(user) else []
    )
    if cockpit_cycles:
        # The latest cycle's reviews changed last: a province-sized street has 30,000 a
        # year, which the cockpit lists; sorting them all by name here took 200 ms.
        reviews = list(
            reviews_for(user)
            .filter(cycle=cockpit_cycles[0])
            .order_by("-updated_at", "-pk")[:RECENT_FOR_STAFF]
        )
    else:
        reviews = list(reviews_for(user)[:300])
    startable = []
    if holds_role(user, Role.ORG_LEADER):
        led = list(user.led_organizations.select_related("community"))
        cycles = Cycle.objects.filter(
            status=CycleStatus.OPEN, street__in={o.community.street_id for o in led}
        )
        have = {(r.cycle_id, r.organization_id) for r in reviews}
        for cycle in cycles:
            for org in led:
                if org.community.street_id == cycle.street_id and (cycle.pk, org.pk) not in have:
                    startable.append((cycle, org))
    context = {
        "reviews": reviews,
        "startable": startable,
        "is_evaluator": holds_role(user, Role.EVALUATOR),
        "recent_for_staff": RECENT_FOR_STAFF if cockpit_cycles else None,
        "cockpit_cycles": cockpit_cycles,
    }
    return render(request, "evaluation/home.html", context)


@login_required
@require_POST
def start(request, cycle_pk, org_pk):
    org = get_visible_or_404(Organization, request.user, pk=org_pk)
    cycle = Cycle.objects.filter(pk=cycle_pk, street_id=org.community.street_id).first()
    if cycle is None:
        raise Http404
    try:
        review = review_start(cycle=cycle, organization=org, actor=request.user)
    except ActionRefused as exc:
        messages.error(request, exc.message)
        return redirect("evaluation:home")
    return redirect("evaluation:review", pk=review.pk)


def _review(request, pk):
    return get_visible_or_404(
        Review.objects.select_related(
            "cycle", "cycle__template", "organization", "organization__community"
        ),
        request.user,
        pk=pk,
    )


def _staff_context(request, review):
    user = request.user
    evaluators = User.objects.filter(
        groups__name=Role.EVALUATOR, is_active=True, street_id=review.cycle.street_id
    ).exclude(pk__in=review.assignments.values("evaluator"))
    return {
        "can_return": bool(perms.can_return_review(user, review)),
        "can_extend": bool(perms.can_grant_extension(user, review)),
        "can_assign": bool(perms.can_assign(user, review)),
        "can_finalize": bool(perms.can_finalize(user, review)),
        "return_form": ReturnForm(),
        "extension_form": ExtensionForm(),
        "assign_form": AssignForm(evaluators=evaluators),
    }


def _prefill_rows(review) -> list[tuple[str, str]]:
    names = prefill_labels()
    return [
        (names.get(key, key), "; ".join(map(str, value)) if isinstance(value, list) else value)
        for key, value in review.prefill.items()
    ]


def _attach_and_detach(request, review, form) -> None:
    """The file chosen in the review form, and the attachment whose remove button was
    pressed (another review's attachment is a 404)."""
    upload = form.cleaned_data.get("attachment")
    if upload:
        try:
            review_attach(review=review, uploaded=upload, actor=request.user)
        except ValidationError as exc:
            messages.success(request, _("Draft saved."))
            raise ValidationError({"attachment": exc.messages}) from None
        messages.success(request, _("Attachment added."))
    remove = request.POST.get("remove")
    if remove:
        attachment = get_visible_or_404(
            ReviewAttachment.objects.filter(review=review), request.user, pk=_int_or_404(remove)
        )
        review_detach(attachment=attachment, actor=request.user)
        messages.success(request, _("Attachment removed."))


def _int_or_404(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


def _attachment_rows(user, review, attachments, versions):
    sent = perms.attachments_sent(review, versions)
    return [(a, bool(perms.can_remove_attachment(user, a, sent=sent))) for a in attachments]


@login_required
def review_detail(request, pk):
    review = _review(request, pk)
    user = request.user
    items = applicable_items(review)
    edit = perms.can_edit_review(user, review)
    can_edit = bool(edit)
    form = ReviewForm(request.POST or None, request.FILES or None, instance=review, items=items)
    if request.method == "POST":
        if not can_edit:
            messages.error(request, edit.reason)
            return redirect("evaluation:review", pk=review.pk)
        if form.is_valid():
            try:
                review_save(
                    review=review,
                    actor=user,
                    self_assessment=form.self_assessment_values(),
                    **form.changes(),
                )
                # The typed text is saved first: a file refused below loses nothing.
                _attach_and_detach(request, review, form)
                if request.POST.get("action") == "submit":
                    review_submit(review=review, actor=user)
                    messages.success(request, _("Review submitted."))
                else:
                    messages.success(request, _("Draft saved."))
            except (ValidationError, ActionRefused) as exc:
                add_refusal(form, exc)
            else:
                return redirect_after_post(request, "evaluation:review", pk=review.pk)
    is_staff = is_street_staff(user)
    # Read once: the lists and the attachments' remove buttons use both.
    attachments = list(review.attachments.all())
    versions = list(review.versions.order_by("number"))
    context = {
        "review": review,
        "org": review.organization,
        "form": form,
        "can_edit": can_edit,
        "edit_reason": edit.reason,
        "missing": review_missing(review) if can_edit else [],
        "prefill": _prefill_rows(review),
        "attachments": attachments,
        "attachment_rows": _attachment_rows(user, review, attachments, versions)
        if can_edit
        else [],
        "versions": versions,
        "can_download": bool(perms.can_download_report(user, review)),
        "is_staff": is_staff,
        "assignments": review_assignments(review) if is_staff else [],
        "events": list(review.events.select_related("actor")[:50]) if is_staff else [],
    }
    if is_staff:
        context.update(_staff_context(request, review))
    return render(request, "evaluation/review.html", context)


@login_required
@require_POST
def attachment_upload(request, pk):
    review = _review(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        tell_outcome(
            request,
            lambda: review_attach(
                review=review, uploaded=form.cleaned_data["file"], actor=request.user
            ),
            _("Attachment added."),
        )
    else:
        messages.error(request, _("Choose a file to attach."))
    return redirect("evaluation:review", pk=review.pk)


@login_required
@require_GET
def attachment_download(request, pk):
    attachment = get_visible_or_404(ReviewAttachment, request.user, pk=pk)
    return stored_upload_response(attachment)


@login_required
def versions(request, pk):
    review = _review(request, pk)
    all_versions = list(review.versions.order_by("number"))
    rows, a, b = [], None, None
    if len(all_versions) >= 1:
        by_number = {v.number: v for v in all_versions}
        try:
            a = (
                by_number.get(int(request.GET.get("a", 0)))
                or all_versions[max(0, len(all_versions) - 2)]
            )
            b = by_number.get(int(request.GET.get("b", 0))) or all_versions[-1]
        except ValueError:
            raise Http404 from None
        rows = version_rows(review, a, b)
    context = {"review": review, "versions": all_versions, "a": a, "b": b, "rows": rows}
    return render(request, "evaluation/versions.html", context)


@login_required
@require_GET
def report_pdf(request, pk):
    """The frozen report, byte for byte as stored at finalization. Never rendered here:
    while the worker has not frozen it yet the reader gets a page saying so."""
    review = _review(request, pk)
    if not perms.can_download_report(request.user, review):
        raise Http404
    return certified_download(
        request,
        review,
        read=report_bytes,
        pending=report_pending,
        freeze_task=freeze_report,
        reload=lambda: _review(request, pk),
        filename=report_filename,
        template="evaluation/report_pending.html",
        name="review",
    )


# --- Staff panel ----------------------------------------------------------------------


def _staff_action(request, pk, action):
    review = _review(request, pk)
    try:
        done = action(review)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except ActionRefused as exc:
        messages.error(request, exc.message)
    else:
        if done:
            messages.success(request, done)
    return redirect("evaluation:review", pk=review.pk)


@login_required
@require_POST
def staff_return(request, pk):
    def action(review):
        form = ReturnForm(request.POST)
        if not form.is_valid():
            raise ActionRefused(_("Say what the leader should revise."))
        review_return(review=review, comment=form.cleaned_data["comment"], actor=request.user)
        return _("Returned to the leader with your comments.")

    return _staff_action(request, pk, action)


@login_required
@require_POST
def staff_extend(request, pk):
    def action(review):
        form = ExtensionForm(request.POST)
        if not form.is_valid():
            raise ActionRefused(_("Give the date the extension ends."))
        review_grant_extension(
            review=review,
            until=form.cleaned_data["until"],
            reason=form.cleaned_data["reason"],
            actor=request.user,
        )
        return _("Extension granted.")

    return _staff_action(request, pk, action)


@login_required
@require_POST
def staff_assign(request, pk):
    def action(review):
        evaluators = User.objects.filter(
            groups__name=Role.EVALUATOR, is_active=True, street_id=review.cycle.street_id
        )
        form = AssignForm(request.POST, evaluators=evaluators)
        if not form.is_valid():
            raise ActionRefused(_("Choose an evaluator and a group."))
        assignment_create(
            review=review,
            evaluator=form.cleaned_data["evaluator"],
            group=form.cleaned_data["group"],
            actor=request.user,
        )
        return _("Evaluator assigned.")

    return _staff_action(request, pk, action)


@login_required
@require_POST
def staff_finalize(request, pk):
    def action(review):
        review_finalize(review=review, actor=request.user)
        return _("Review finalized.")

    return _staff_action(request, pk, action)


# --- Evaluators -----------------------------------------------------------------------


@login_required
def assignments(request):
    rows = list(assignments_for(request.user)[:300])
    # What still needs the evaluator first; finished reviews after, the latest few.
    open_rows = [a for a in rows if a.review.status != ReviewStatus.FINALIZED]
    finished = [a for a in rows if a.review.status == ReviewStatus.FINALIZED]
    # What is the evaluator's to score now (this year first, the selector's order) above
    # what waits on others: reviews not submitted yet, scores already sent.
    to_score = [
        a
        for a in open_rows
        if a.status == AssignmentStatus.ASSIGNED and a.review.status == ReviewStatus.SUBMITTED
    ]
    return render(
        request,
        "evaluation/assignments.html",
        {
            "to_score": to_score,
            "assignments": [a for a in open_rows if a not in to_score],
            "finished": finished[:FINISHED_SHOWN],
            "finished_count": len(finished),
        },
    )


FINISHED_SHOWN = 30


@login_required
def score(request, pk):
    assignment = get_visible_or_404(
        EvaluatorAssignment.objects.select_related(
            "review", "review__cycle", "review__organization", "review__organization__community"
        ).filter(evaluator=request.user),
        request.user,
        pk=pk,
    )
    review = assignment.review
    items = applicable_items(review)
    existing = {s.indicator_id: s for s in assignment.scores.all()}
    decision = perms.can_score(request.user, assignment)
    form = ScoreForm(
        request.POST or None,
        items=items,
        scores=existing,
        initial={"comment": assignment.comment},
    )
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "conflict":
                conflict_declare(
                    evaluator=request.user,
                    organization=review.organization,
                    reason=request.POST.get("reason", ""),
                    actor=request.user,
                )
                messages.success(request, _("Conflict of interest declared; you are withdrawn."))
                return redirect("evaluation:assignments")
            if form.is_valid():
                scores_save(
                    assignment=assignment,
                    actor=request.user,
                    scores=form.scores(),
                    comment=form.cleaned_data["comment"],
                )
                if action == "submit":
                    scores_submit(assignment=assignment, actor=request.user)
                    messages.success(request, _("Scores submitted."))
                else:
                    messages.success(request, _("Scores saved."))
                return redirect("evaluation:score", pk=assignment.pk)
        except (ValidationError, ActionRefused) as exc:
            add_refusal(form, exc)
    context = {
        "assignment": assignment,
        "review": review,
        "org": review.organization,
        "form": form,
        "can_score": bool(decision),
        "score_reason": decision.reason,
        "attachments": list(review.attachments.all()),
    }
    return render(request, "evaluation/score.html", context)


@role_required([Role.EVALUATOR], refuse_as_missing=True, superusers=False)
def conflicts(request):
    street_orgs = Organization.objects.filter(community__street_id=request.user.street_id)
    declared = ConflictDeclaration.objects.filter(evaluator=request.user).select_related(
        "organization"
    )
    form = ConflictForm(
        request.POST or None,
        organizations=street_orgs.exclude(stage__in=EXIT_STAGES)
        .exclude(pk__in=declared.values("organization"))
        .order_by("name"),
    )
    if request.method == "POST" and form.is_valid():
        org = form.cleaned_data.get("organization")
        if org is None:
            code = form.cleaned_data["identifier"].strip().upper()
            org = street_orgs.filter(Q(uscc=code) | Q(filing_number=code)).first()
        if org is None:
            form.add_error("identifier", _("No organization of your street has this code."))
        else:
            try:
                conflict_declare(
                    evaluator=request.user,
                    organization=org,
                    reason=form.cleaned_data["reason"],
                    actor=request.user,
                )
            except ActionRefused as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Conflict of interest declared."))
                return redirect("evaluation:conflicts")
    return render(request, "evaluation/conflicts.html", {"form": form, "declared": declared})


# --- Public ---------------------------------------------------------------------------


@require_GET
def verify(request, code):
    """Public: confirms the frozen report — organization name, year and grade as printed,
    the finalization date and the SHA-256 of the PDF — and nothing else."""
    review = (
        Review.objects.filter(
            verification_code=str(code).upper(),
            status=ReviewStatus.FINALIZED,
            finalized_at__isnull=False,
        )
        .select_related("organization", "cycle", "frozen_report")
        .only(
            "organization__name",
            "cycle__year",
            "grade",
            "finalized_at",
            "frozen_report__snapshot",
            "frozen_report__issued_at",
            "frozen_report__sha256",
        )
        .first()
    )
    if review is None:
        raise Http404
    document = getattr(review, "frozen_report", None)
    if document is not None:
        snapshot = document.snapshot
        name, year, grade = (
            snapshot["org"]["name"],
            snapshot["cycle"]["year"],
            snapshot["review"]["grade"],
        )
        issued_at, sha256 = document.issued_at, document.sha256
    else:
        # Finalized before reports were frozen and not yet through `freeze_reports`.
        name, year, grade = review.organization.name, review.cycle.year, review.grade
        issued_at, sha256 = review.finalized_at, ""
    context = {
        "name": name,
        "year": year,
        "grade": grade,
        "date": timezone.localdate(issued_at),
        "sha256": sha256,
    }
    return render(request, "evaluation/verify.html", context)
