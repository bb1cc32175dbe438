"""The leader's annual review: start, save a draft, attach files, and the one transition
function for its status (draft → submitted ⇄ returned, submitted → finalized)."""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.dates import human_date
from core.decisions import refuse_unless
from core.errors import ActionRefused
from core.transitions import refuse_unless_allowed
from core.uploads import stored_upload_fields
from evaluation.choices import ReviewEventKind
from evaluation.models import Review, ReviewAttachment, ReviewVersion
from evaluation.permissions import (
    can_edit_review,
    can_finalize,
    can_grant_extension,
    can_remove_attachment,
    can_return_review,
    can_start_review,
)
from evaluation.prefill import collect_prefill
from evaluation.selectors import applicable_items, grading_blockers
from evaluation.services._common import clean_points, review_event
from evaluation.workflows import REVIEW_TRANSITIONS, ReviewStatus
from incubation.services import organization_change_stage
from incubation.workflows import Stage

FORM_FIELDS = (
    "work_summary",
    "activities_held",
    "income",
    "expenditure",
    "net_assets",
    "staff_count",
    "volunteer_count",
    "party_section",
)
REQUIRED_FIELDS = FORM_FIELDS


@transaction.atomic
def review_start(*, cycle, organization, actor, today: datetime.date | None = None) -> Review:
    """The leader opens this year's review: a draft pre-filled from the platform. Asking
    again returns the existing review."""
    existing = Review.objects.filter(cycle=cycle, organization=organization).first()
    if existing is not None:
        return existing
    if actor is not None:
        refuse_unless(can_start_review(actor, cycle, organization, today))
    blockers = grading_blockers(organization, cycle)
    prefill = collect_prefill(organization, cycle.year)
    review = Review.objects.create(
        cycle=cycle,
        organization=organization,
        prefill=prefill,
        activities_held=_activities_text(prefill),
        graded=not blockers,
        grading_note="; ".join(blockers)[:500],
    )
    review_event(review, ReviewEventKind.STATUS, actor, to_value=review.status)
    return review


def _activities_text(prefill: dict) -> str:
    lines = prefill.get("activities_list") or []
    return "\n".join(str(line) for line in lines)


def _clean_fields(review: Review, changes: dict) -> None:
    unknown = set(changes) - set(FORM_FIELDS)
    if unknown:
        raise TypeError(f"not editable here: {sorted(unknown)}")
    errors = {}
    for field, value in changes.items():
        if field in ("income", "expenditure", "net_assets") and value not in (None, ""):
            try:
                value = Decimal(str(value)).quantize(Decimal("0.01"))
            except InvalidOperation:
                errors[field] = _("Enter an amount in yuan, e.g. 12800.50.")
                continue
            if field != "net_assets" and value < 0:
                errors[field] = _("The amount cannot be negative.")
        if value == "" and field not in ("work_summary", "activities_held", "party_section"):
            value = None
        setattr(review, field, value)
    if errors:
        raise ValidationError(errors)


def _clean_self_assessment(review: Review, values: dict) -> dict:
    items = {str(i.pk): i for i in applicable_items(review)}
    cleaned, errors = {}, []
    for key, raw in (values or {}).items():
        item = items.get(str(key))
        if item is None or raw in (None, ""):
            continue
        points = clean_points(item, raw, errors)
        if points is None:
            continue
        cleaned[str(item.pk)] = str(points)
    if errors:
        raise ValidationError({"self_assessment": errors})
    return cleaned


@transaction.atomic
def review_save(
    *, review: Review, actor, self_assessment: dict | None = None, today=None, **changes
) -> Review:
    """Save the draft (any time while the form is editable; nothing is required yet)."""
    locked = Review.objects.select_for_update().get(pk=review.pk)
    locked.organization = review.organization
    locked.cycle = review.cycle
    refuse_unless(can_edit_review(actor, locked, today))
    _clean_fields(locked, changes)
    if self_assessment is not None:
        locked.self_assessment = _clean_self_assessment(locked, self_assessment)
    locked.full_clean(exclude=["cycle", "organization"])
    locked.save()
    review_event(locked, ReviewEventKind.SAVED, actor)
    return locked


@transaction.atomic
def review_attach(*, review: Review, uploaded, actor, today=None) -> ReviewAttachment:
    refuse_unless(can_edit_review(actor, review, today))
    upload = stored_upload_fields(uploaded, actor)
    upload["original_name"] = upload["original_name"] or "attachment"
    attachment = ReviewAttachment(
        review=review, **{name: value for name, value in upload.items() if name != "file"}
    )
    attachment.file.save(attachment.original_name, File(uploaded), save=False)
    attachment.save()
    review_event(review, ReviewEventKind.ATTACHED, actor, note=attachment.original_name)
    return attachment


def review_detach(*, attachment: ReviewAttachment, actor, today=None) -> None:
    """Remove a file the leader added to the draft by mistake (see can_remove_attachment).
    The stored file goes after the commit, so a rollback never leaves a row without it."""
    with transaction.atomic():
        review = Review.objects.select_for_update().get(pk=attachment.review_id)
        locked = ReviewAttachment.objects.select_for_update().filter(pk=attachment.pk).first()
        if locked is None:
            return  # Already removed (a second click): nothing to do.
        locked.review = review
        refuse_unless(can_remove_attachment(actor, locked, today))
        storage, path = locked.file.storage, locked.file.name
        locked.delete()
        review_event(review, ReviewEventKind.DETACHED, actor, note=locked.original_name)
        transaction.on_commit(lambda: storage.delete(path) if path else None)


def review_missing(review: Review) -> list[str]:
    """What the form still lacks before it can be submitted."""
    missing = []
    for field in REQUIRED_FIELDS:
        value = getattr(review, field)
        if value is None or (isinstance(value, str) and not value.strip()):
            missing.append(str(Review._meta.get_field(field).verbose_name))
    assessed = review.self_assessment or {}
    if any(str(item.pk) not in assessed for item in applicable_items(review)):
        missing.append(_("a self-assessment for every item"))
    return missing


def version_data(review: Review) -> dict:
    data = {field: getattr(review, field) for field in FORM_FIELDS}
    data = {k: (str(v) if isinstance(v, Decimal) else v) for k, v in data.items()}
    data["self_assessment"] = dict(review.self_assessment or {})
    data["attachments"] = list(review.attachments.values_list("original_name", flat=True))
    # Which files went out with this version: those stay (can_remove_attachment).
    data["attachment_ids"] = list(review.attachments.values_list("pk", flat=True))
    return data


def _lock_review(review: Review) -> Review:
    return (
        Review.objects.select_for_update(of=("self",))
        .select_related("cycle", "organization")
        .get(pk=review.pk)
    )


def review_change_status(
    *,
    review: Review,
    to_status: str,
    actor,
    note: str = "",
    today: datetime.date | None = None,
) -> Review:
    """The one way a review's status changes. Returns the review (unchanged when it is
    already in ``to_status``). Raises ActionRefused naming what is missing."""
    to_status = ReviewStatus(to_status)
    today = today or timezone.localdate()
    with transaction.atomic():
        locked = _lock_review(review)
        from_status = ReviewStatus(locked.status)
        if from_status == to_status:
            return locked
        refuse_unless_allowed(
            REVIEW_TRANSITIONS, ReviewStatus, from_status, to_status, Review._meta.verbose_name
        )
        fields = ["status", "updated_at"]
        if to_status == ReviewStatus.SUBMITTED:
            refuse_unless(can_edit_review(actor, locked, today))
            missing = review_missing(locked)
            if missing:
                raise ActionRefused(
                    _("The review cannot be submitted yet; missing: %(missing)s.")
                    % {"missing": "、".join(missing)},
                    missing=missing,
                )
            locked.version += 1
            locked.submitted_at = timezone.now()
            ReviewVersion.objects.create(
                review=locked, number=locked.version, data=version_data(locked), submitted_by=actor
            )
            fields += ["version", "submitted_at"]
        elif to_status == ReviewStatus.RETURNED:
            refuse_unless(can_return_review(actor, locked))
            if not note.strip():
                raise ActionRefused(_("Say what the leader should revise."))
            locked.return_comment = note.strip()
            fields.append("return_comment")
        elif to_status == ReviewStatus.FINALIZED:
            refuse_unless(can_finalize(actor, locked))
            from evaluation.services.scoring import apply_outcome

            fields += apply_outcome(locked, actor=actor, today=today)
        locked.status = to_status
        locked.save(update_fields=fields)
        review_event(
            locked,
            ReviewEventKind.STATUS,
            actor,
            from_value=from_status,
            to_value=to_status,
            note=note,
        )
        if to_status == ReviewStatus.SUBMITTED:
            _enter_annual_review_stage(locked)
            if locked.version > 1:
                _reopen_scores(locked.pk)
        elif to_status == ReviewStatus.FINALIZED:
            _leave_annual_review_stage(locked, actor)
            _issue_report(locked)
    review.refresh_from_db()
    return review


def _enter_annual_review_stage(review: Review) -> None:
    """Submitting puts an organization in 管理 into 年检 (by the system: leaders never
    change stages). When its 管理 checkpoint is missing the submission still stands and
    the refusal is noted on the review for staff."""
    org = review.organization
    if org.stage != Stage.MANAGEMENT:
        return
    count = review.prefill.get("party_activities")
    evidence = {"party_activity_count": count} if isinstance(count, int) and count else {}
    try:
        organization_change_stage(
            organization=org,
            to_stage=Stage.ANNUAL_REVIEW,
            actor=None,
            note=_("Annual review %(year)s submitted") % {"year": review.cycle.year},
            evidence=evidence,
        )
    except ActionRefused as exc:
        review_event(review, ReviewEventKind.STATUS, None, note=exc.message)


def _leave_annual_review_stage(review: Review, actor) -> None:
    org = review.organization
    org.refresh_from_db(fields=["stage"])
    if org.stage != Stage.ANNUAL_REVIEW:
        return
    organization_change_stage(
        organization=org,
        to_stage=Stage.MANAGEMENT,
        actor=actor,
        note=_("Annual review %(year)s finalized") % {"year": review.cycle.year},
        evidence={"party_section_included": bool(review.party_section.strip())},
    )


def _issue_report(review: Review) -> None:
    """The report is an official record: its content is captured now, in the finalizing
    transaction, and rendered once after commit — later edits never reach it."""
    from evaluation.reports import report_issue, report_schedule

    report_issue(review)
    report_schedule(review.pk)


def _reopen_scores(review_id: int) -> None:
    """A resubmitted version may change the picture: submitted scores go back to the
    evaluators (their marks stay filled in)."""
    from evaluation.services.scoring import assignments_reopen

    assignments_reopen(review_id=review_id)


def review_submit(*, review: Review, actor, today=None) -> Review:
    return review_change_status(
        review=review, to_status=ReviewStatus.SUBMITTED, actor=actor, today=today
    )


def review_return(*, review: Review, comment: str, actor) -> Review:
    return review_change_status(
        review=review, to_status=ReviewStatus.RETURNED, actor=actor, note=comment
    )


@transaction.atomic
def review_grant_extension(*, review: Review, until: datetime.date, actor, reason: str = ""):
    """After the deadline only a staff-granted extension reopens the form."""
    refuse_unless(can_grant_extension(actor, review))
    if until < review.cycle.deadline:
        raise ActionRefused(
            _("An extension ends after the deadline (%(date)s).")
            % {"date": human_date(review.cycle.deadline)}
        )
    locked = _lock_review(review)
    old = locked.extension_until
    locked.extension_until = until
    locked.save(update_fields=["extension_until", "updated_at"])
    review_event(
        locked, ReviewEventKind.EXTENSION, actor, from_value=old or "", to_value=until, note=reason
    )
    review.extension_until = until
    return review
