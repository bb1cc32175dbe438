"""Predicates ``can_<verb>(user, obj) -> Decision``: templates show a button
exactly when the service would accept the action. ``user`` None is the system itself."""

from django.utils.translation import gettext as _

from accounts.roles import Role, is_street_staff_of, roles_of
from core.decisions import ALLOWED, Decision, deny
from funding.choices import ReportKind
from funding.workflows import SCORABLE_STATUSES, ApplicationStatus


def is_street_staff(user, street_id) -> bool:
    """Street staff of ``street_id``, or the system (``user`` None)."""
    return user is None or is_street_staff_of(user, street_id)


def leads(user, organization) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return organization.leader_accounts.filter(pk=user.pk).exists()


def can_manage_call(user, call) -> Decision:
    """Set up a call, assign experts, decide awards, run delivery: the call's street staff."""
    if is_street_staff(user, call.street_id):
        return ALLOWED
    return deny(_("Only the street staff of this call may do this."))


def can_manage_fund(user, fund) -> Decision:
    if is_street_staff(user, fund.street_id):
        return ALLOWED
    return deny(_("Only the street staff may keep the foundation's books."))


def can_apply(user, organization) -> Decision:
    if user is not None and user.is_superuser:
        return ALLOWED
    if leads(user, organization):
        return ALLOWED
    return deny(_("Only the organization's leaders may apply for it."))


def can_edit_application(user, application) -> Decision:
    if application.status != ApplicationStatus.DRAFT:
        return deny(
            _("Only a draft can be changed; this application is %(status)s.")
            % {"status": application.get_status_display()}
        )
    return can_apply(user, application.organization)


def can_submit_application(user, application) -> Decision:
    return can_edit_application(user, application)


def can_decide(user, application) -> Decision:
    decision = can_manage_call(user, application.call)
    if not decision:
        return decision
    if application.status not in (ApplicationStatus.SUBMITTED, ApplicationStatus.WAITLISTED):
        return deny(_("Only a submitted or waitlisted application can be decided."))
    return ALLOWED


def conflicted(user, application) -> bool:
    """The expert leads the organization or declared a conflict with it for this call."""
    from funding.models import ConflictDeclaration

    if leads(user, application.organization):
        return True
    return ConflictDeclaration.objects.filter(
        call_id=application.call_id, expert=user, organization_id=application.organization_id
    ).exists()


def can_score(user, application) -> Decision:
    from funding.models import ExpertAssignment

    if user is None or Role.EVALUATOR not in roles_of(user):
        return deny(_("Only experts score applications."))
    if not ExpertAssignment.objects.filter(call_id=application.call_id, expert=user).exists():
        return deny(_("You are not assigned to review this call."))
    if conflicted(user, application):
        return deny(_("You declared a conflict of interest with this organization."))
    if application.status not in SCORABLE_STATUSES:
        return deny(_("Only submitted applications awaiting a decision can be scored."))
    return ALLOWED


def can_submit_report(user, application, kind: str) -> Decision:
    if not can_apply(user, application.organization):
        return deny(_("Only the organization's leaders submit its reports."))
    if application.status != ApplicationStatus.IN_PROGRESS:
        return deny(_("Reports are submitted while the project is in delivery."))
    if application.reports.filter(kind=kind).exists():
        return deny(
            _("The %(kind)s has been submitted already.") % {"kind": ReportKind(kind).label}
        )
    return ALLOWED
