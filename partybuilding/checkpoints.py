"""The party-building checkpoints (双孵六同步) that read party-building records.

``register()`` (called from ``PartybuildingConfig.ready``) replaces incubation's default
checkers for three stages; the full list of checkpoints stays in
``incubation.checkpoints``. Each of the three needs the organization's **coverage** first:
the same coverage the rates count (``partybuilding.selectors.coverage_by_organization``:
an active ``PartyCoverage`` with a named liaison — ``own_branch`` or ``joint_branch`` —
else an active ``InstructorAssignment``, the instructor being the liaison). Read through
that one selector, a checkpoint can never pass for an organization that the coverage
figures count as uncovered (``tests/partybuilding/test_checkpoint_coverage_agree.py``).
On top of coverage:

- 入驻 ``onboarding``: nothing more (coverage arranged and a liaison named is the
  checkpoint).
- 管理 ``management``: ``PartyActivity`` rows held with the organization, plus those of
  the branch covering it now, dated in the last 12 months; one is enough.
- 换届 ``re_election``: the latest ``LeadershipPreReview`` of the organization dated in
  the last 6 months, which must be approved.

Typed evidence is not accepted for these stages: a fact that is not recorded is missing.
When staff must let an organization pass anyway, a street administrator gives a reason
(``organization_change_stage(..., override_reason=...)``); the override is stored as an
``incubation.CheckpointOverride`` and counted apart from real coverage
(``covered_by_override``).
"""

from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from core.dates import human_date
from incubation.checkpoints import CheckResult, register_checker
from incubation.models import Organization
from incubation.rules import add_months
from incubation.workflows import Stage
from partybuilding.choices import CoverageKind, PreReviewResult
from partybuilding.models import (
    InstructorAssignment,
    LeadershipPreReview,
    PartyActivity,
)
from partybuilding.selectors import COVERAGE_STAGES, coverage_by_organization, covering

ACTIVITY_WINDOW_MONTHS = 12
PREREVIEW_VALID_MONTHS = 6


def coverage_of(org) -> dict:
    """The organization's coverage as the coverage figures see it (one query):
    ``{"coverage": kind, "branch": name, "party_liaison": name}``; ``coverage`` is
    ``none`` (and the rest empty) without one."""
    row = (
        coverage_by_organization(Organization.objects.filter(pk=org.pk))
        .annotate(instructor_sent_by=_instructor_sent_by())
        .values("coverage_kind", "branch_name", "liaison", "instructor_name", "instructor_sent_by")
        .first()
    )
    kind = CoverageKind(row["coverage_kind"]) if row else CoverageKind.NONE
    if kind in (CoverageKind.OWN_BRANCH, CoverageKind.JOINT_BRANCH):
        return {
            "coverage": str(kind),
            "branch": row["branch_name"],
            "party_liaison": row["liaison"],
        }
    if kind == CoverageKind.INSTRUCTOR:
        return {
            "coverage": str(kind),
            "branch": row["instructor_sent_by"],
            "party_liaison": row["instructor_name"],
        }
    return {"coverage": str(CoverageKind.NONE)}


def _instructor_sent_by():
    return Subquery(
        InstructorAssignment.objects.active()
        .filter(organization=OuterRef("pk"))
        .values("sent_by__name")[:1]
    )


def _missing_coverage() -> str:
    return _(
        "no party coverage is recorded (a covering branch with a named party liaison, or a "
        "party-building instructor)"
    )


def _covered(org) -> CheckResult:
    coverage = coverage_of(org)
    if coverage["coverage"] == CoverageKind.NONE:
        return CheckResult(missing=[_missing_coverage()], evidence={"coverage": "none"})
    return CheckResult(evidence=coverage)


def check_onboarding(org, evidence: dict) -> CheckResult:
    return _covered(org)


def party_activity_count(org, *, today=None) -> int:
    """Party activities of the last 12 months held with the organization or by the branch
    covering it now."""
    today = today or timezone.localdate()
    branches = covering().filter(organization=org).values("branch")
    return PartyActivity.objects.filter(
        Q(organization=org) | Q(branch__in=branches),
        date__gt=add_months(today, -ACTIVITY_WINDOW_MONTHS),
        date__lte=today,
    ).count()


def check_management(org, evidence: dict) -> CheckResult:
    result = _covered(org)
    count = party_activity_count(org)
    result.evidence = {"coverage": result.evidence["coverage"], "party_activity_count": count}
    if not count:
        result.missing.append(_("no party activity of the organization is logged"))
    return result


def check_re_election(org, evidence: dict) -> CheckResult:
    result = _covered(org)
    result.evidence = {"coverage": result.evidence["coverage"]}
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
        result.missing.append(
            _("the party organization has not pre-reviewed the new leadership candidates")
        )
        return result
    approved = latest.result == PreReviewResult.APPROVED
    result.evidence.update(
        {"party_prereview_passed": approved, "reviewed_on": latest.reviewed_on.isoformat()}
    )
    if not approved:
        result.missing.append(
            _("the party organization's pre-review of %(date)s rejected the new leadership")
            % {"date": human_date(latest.reviewed_on)}
        )
    return result


CHECKERS = {
    Stage.ONBOARDING: check_onboarding,
    Stage.MANAGEMENT: check_management,
    Stage.RE_ELECTION: check_re_election,
}
if set(CHECKERS) != set(COVERAGE_STAGES):  # a stage added to one list and not the other
    raise ImportError("partybuilding.checkpoints: CHECKERS and COVERAGE_STAGES differ")


def register() -> None:
    """Install the checkers (safe to call twice)."""
    for stage, checker in CHECKERS.items():
        register_checker(stage, checker, reads_records=True)
