"""The party-building checkpoints (双孵六同步) that read party-building records.

``register()`` (called from ``PartybuildingConfig.ready``) replaces incubation's default
checkers for three stages; the full list of checkpoints stays in
``incubation.checkpoints``. What each stage reads here:

- 入驻 ``onboarding``: an active ``PartyCoverage`` of the organization with a named
  liaison (``own_branch`` or ``joint_branch`` from the branch's establishment), else an
  active ``InstructorAssignment`` (``instructor``; the instructor is the liaison).
- 管理 ``management``: ``PartyActivity`` rows held with the organization, plus those of
  the branch covering it now, dated in the last 12 months; one is enough.
- 换届 ``re_election``: the latest ``LeadershipPreReview`` of the organization dated in
  the last 6 months, which must be approved.

When nothing is recorded, each falls back to the evidence the caller typed into the
transition (incubation's own checker), so flows that predate these records keep working.
A recorded fact beats typed evidence: a recent rejected pre-review refuses 换届 even if
the caller ticks "pre-review passed".
"""

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from incubation.checkpoints import (
    CheckResult,
    check_management_evidence,
    check_onboarding_evidence,
    checker_for,
    register_checker,
)
from incubation.rules import add_months
from incubation.workflows import Stage
from partybuilding.choices import CoverageKind, Establishment, PreReviewResult

ACTIVITY_WINDOW_MONTHS = 12
PREREVIEW_VALID_MONTHS = 6

# incubation's checkers that ours fall back to, captured once before ours replace them.
_fallbacks: dict = {}


def check_onboarding(org, evidence: dict) -> CheckResult:
    from partybuilding.models import InstructorAssignment, PartyCoverage

    coverage = (
        PartyCoverage.objects.active()
        .filter(organization=org)
        .exclude(liaison="")
        .select_related("branch")
        .first()
    )
    if coverage is not None:
        kind = (
            CoverageKind.OWN_BRANCH
            if coverage.branch.establishment == Establishment.SINGLE
            else CoverageKind.JOINT_BRANCH
        )
        return CheckResult(
            evidence={
                "coverage": str(kind),
                "branch": coverage.branch.name,
                "party_liaison": coverage.liaison,
            }
        )
    instructor = (
        InstructorAssignment.objects.active()
        .filter(organization=org)
        .select_related("sent_by")
        .first()
    )
    if instructor is not None:
        return CheckResult(
            evidence={
                "coverage": str(CoverageKind.INSTRUCTOR),
                "branch": instructor.sent_by.name,
                "party_liaison": instructor.name,
            }
        )
    return _fallbacks[Stage.ONBOARDING](org, evidence)


def party_activity_count(org, *, today=None) -> int:
    """Party activities of the last 12 months held with the organization or by the branch
    covering it now."""
    from partybuilding.models import PartyActivity, PartyCoverage

    today = today or timezone.localdate()
    covering = PartyCoverage.objects.active().filter(organization=org).values("branch")
    return PartyActivity.objects.filter(
        Q(organization=org) | Q(branch__in=covering),
        date__gt=add_months(today, -ACTIVITY_WINDOW_MONTHS),
        date__lte=today,
    ).count()


def check_management(org, evidence: dict) -> CheckResult:
    count = party_activity_count(org)
    if count:
        return CheckResult(evidence={"party_activity_count": count})
    return _fallbacks[Stage.MANAGEMENT](org, evidence)


def check_re_election(org, evidence: dict) -> CheckResult:
    from partybuilding.models import LeadershipPreReview

    today = timezone.localdate()
    latest = (
        LeadershipPreReview.objects.filter(
            organization=org,
            reviewed_on__gte=add_months(today, -PREREVIEW_VALID_MONTHS),
            reviewed_on__lte=today,
        )
        .order_by("-reviewed_on", "-pk")
        .first()
    )
    if latest is None:
        return _fallbacks[Stage.RE_ELECTION](org, evidence)
    if latest.result == PreReviewResult.APPROVED:
        return CheckResult(
            evidence={"party_prereview_passed": True, "reviewed_on": latest.reviewed_on.isoformat()}
        )
    return CheckResult(
        missing=[
            _("the party organization's pre-review of %(date)s rejected the new leadership")
            % {"date": latest.reviewed_on.isoformat()}
        ],
        evidence={"party_prereview_passed": False, "reviewed_on": latest.reviewed_on.isoformat()},
    )


CHECKERS = {
    Stage.ONBOARDING: check_onboarding,
    Stage.MANAGEMENT: check_management,
    Stage.RE_ELECTION: check_re_election,
}


def register() -> None:
    """Install the checkers; safe to call twice (the fallbacks are captured once, so a
    second call never makes a checker fall back to itself)."""
    if not _fallbacks:
        _fallbacks[Stage.ONBOARDING] = check_onboarding_evidence
        _fallbacks[Stage.MANAGEMENT] = check_management_evidence
        _fallbacks[Stage.RE_ELECTION] = checker_for(Stage.RE_ELECTION)
    for stage, checker in CHECKERS.items():
        register_checker(stage, checker)
