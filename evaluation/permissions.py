"""Predicates ``can_<verb>(user, obj) -> Decision``: templates show a button
exactly when the service would accept the action."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import is_leader_of, is_street_staff
from core.dates import human_date
from core.decisions import ALLOWED, Decision, deny
from evaluation.workflows import EDITABLE_STATUSES, AssignmentStatus, CycleStatus, ReviewStatus


def _is_street_staff(user) -> bool:
    # None is the system itself (a scheduled task, the demo).
    return user is None or is_street_staff(user)


def can_run_evaluation(user) -> Decision:
    """Cycles and indicator templates: street staff."""
    if _is_street_staff(user):
        return ALLOWED
    return deny(_("Only street staff may do this."))


def _sees(user, review) -> bool:
    from evaluation.models import Review

    return Review.objects.visible_to(user).filter(pk=review.pk).exists()


def window_open(review, today: datetime.date | None = None) -> Decision:
    """The leader may write while the cycle is open and before the deadline, or before
    a staff-granted extension ends."""
    today = today or timezone.localdate()
    cycle = review.cycle
    if cycle.status != CycleStatus.OPEN:
        return deny(_("The %(year)s evaluation is not open.") % {"year": cycle.year})
    if today < cycle.opens_on:
        return deny(_("The evaluation opens on %(date)s.") % {"date": human_date(cycle.opens_on)})
    if today <= cycle.deadline or (review.extension_until and today <= review.extension_until):
        return ALLOWED
    return deny(
        _("The deadline (%(date)s) has passed; ask street staff for an extension.")
        % {"date": human_date(cycle.deadline)}
    )


def can_start_review(user, cycle, organization, today=None) -> Decision:
    if not is_leader_of(user, organization):
        return deny(_("Only the organization's leader fills in its annual review."))
    if cycle.status != CycleStatus.OPEN:
        return deny(_("The %(year)s evaluation is not open.") % {"year": cycle.year})
    return ALLOWED


def can_edit_review(user, review, today=None) -> Decision:
    if not is_leader_of(user, review.organization):
        return deny(_("Only the organization's leader fills in its annual review."))
    if review.status not in EDITABLE_STATUSES:
        return deny(
            _("The review is %(status)s and cannot be changed.")
            % {"status": review.get_status_display()}
        )
    return window_open(review, today)


def attachments_sent(review, versions=None) -> set[int]:
    """Ids of the attachments that went out with a submitted version of ``review``
    (``versions``: its versions when the caller has read them already)."""
    sent: set[int] = set()
    for version in review.versions.all() if versions is None else versions:
        ids = version.data.get("attachment_ids")
        if ids is None:
            # A version from before the ids were recorded: what existed when it went out.
            ids = review.attachments.filter(created_at__lte=version.submitted_at).values_list(
                "pk", flat=True
            )
        sent.update(ids)
    return sent


def can_remove_attachment(user, attachment, today=None, *, sent=None) -> Decision:
    """While the leader may edit the review, a file added since the last submission may be
    removed; one that went out with a submitted version stays, as that version's record.
    ``sent`` (from attachments_sent) saves the queries when a page asks for every file."""
    review = attachment.review
    decision = can_edit_review(user, review, today)
    if not decision:
        return decision
    if attachment.pk in (attachments_sent(review) if sent is None else sent):
        return deny(
            _("%(name)s went out with a submitted version and stays on record.")
            % {"name": attachment.original_name}
        )
    return ALLOWED


def can_return_review(user, review) -> Decision:
    if not _is_street_staff(user):
        return deny(_("Only street staff may do this."))
    if review.status != ReviewStatus.SUBMITTED:
        return deny(_("Only a submitted review can be returned."))
    return ALLOWED


def can_grant_extension(user, review) -> Decision:
    if not _is_street_staff(user):
        return deny(_("Only street staff may do this."))
    if review.status == ReviewStatus.FINALIZED:
        return deny(_("The review is finalized."))
    return ALLOWED


def can_assign(user, review) -> Decision:
    if not _is_street_staff(user):
        return deny(_("Only street staff may do this."))
    if review.status == ReviewStatus.FINALIZED:
        return deny(_("The review is finalized."))
    return ALLOWED


def can_finalize(user, review) -> Decision:
    if not _is_street_staff(user):
        return deny(_("Only street staff may do this."))
    if review.status != ReviewStatus.SUBMITTED:
        return deny(_("Only a submitted review can be finalized."))
    # The button appears only when scoring is complete: every evaluator still assigned
    # (not withdrawn for a conflict) has submitted — the same rule the service applies.
    pending = review.assignments.filter(status=AssignmentStatus.ASSIGNED).count()
    if pending:
        return deny(_("%(n)d evaluator(s) have not submitted their scores.") % {"n": pending})
    return ALLOWED


def can_score(user, assignment) -> Decision:
    if user is None or assignment.evaluator_id != user.pk:
        return deny(_("This review is not assigned to you."))
    if assignment.status != AssignmentStatus.ASSIGNED:
        return deny(_("Your scores are %(status)s.") % {"status": assignment.get_status_display()})
    if assignment.review.status != ReviewStatus.SUBMITTED:
        return deny(
            _("The review is %(status)s: it can be scored once submitted.")
            % {"status": assignment.review.get_status_display()}
        )
    return ALLOWED


def can_download_report(user, review) -> Decision:
    if review.status != ReviewStatus.FINALIZED:
        return deny(_("The report exists once the review is finalized."))
    if not _sees(user, review):
        return deny(_("This review is not in your area."))
    return ALLOWED
