"""双孵六同步: the party-building checkpoint of every lifecycle stage, in one place.

A stage's checkpoint must be recorded before the organization may leave that stage
(except to withdraw or deregister). Incubation checks what it owns itself; higher apps
register a checker for the facts they own (partybuilding: coverage, party activities and
the pre-review of new leadership; evaluation: the party-building section of the annual
review and of the award criteria), so this app never imports upward.

Until a higher app registers its checker, the default checker reads the evidence the
caller passes to the transition (e.g. ``{"coverage": "joint_branch", "party_liaison":
"张三"}``), so the rule is enforced from the first day. partybuilding replaces the
checkers of 入驻, 管理 and 换届 with ones that read its records only (typed evidence no
longer counts there); a missing checkpoint then passes only by a street administrator's
override with a reason (``CheckpointOverride``, see ``organization_change_stage``).

Registered checkpoints: 登记 here (``check_registration``); 入驻, 管理, 换届 in
``partybuilding.checkpoints``; 评选 in ``awards.checkpoints`` (an honour of a campaign
with the party-building criterion); 年检 the flag below, passed as evidence by evaluation.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from incubation.workflows import Stage


@dataclass
class CheckResult:
    missing: list[str] = field(default_factory=list)
    evidence: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.missing


Checker = Callable[[object, dict], CheckResult]

CHECKPOINT_DESCRIPTIONS = {
    Stage.REGISTRATION: gettext_lazy(
        "The leader's political status and the number of party members are recorded."
    ),
    Stage.ONBOARDING: gettext_lazy(
        "Party coverage is arranged (own branch, joint branch or a party-building instructor) "
        "and a party liaison is named."
    ),
    Stage.MANAGEMENT: gettext_lazy("The organization's party activities are logged and counted."),
    Stage.ANNUAL_REVIEW: gettext_lazy("The annual review includes the party-building section."),
    Stage.RE_ELECTION: gettext_lazy(
        "The party organization has pre-reviewed the new leadership candidates."
    ),
    Stage.AWARDS: gettext_lazy("Party-building performance is part of the award criteria."),
}

COVERAGE_KINDS = {"own_branch", "joint_branch", "instructor"}


def check_registration(org, evidence: dict) -> CheckResult:
    result = CheckResult()
    if not org.leader_political_status:
        result.missing.append(_("the leader's political status is not recorded"))
    if org.party_member_count is None:
        result.missing.append(_("the number of party members is not recorded"))
    result.evidence = {
        "leader_political_status": org.leader_political_status,
        "party_member_count": org.party_member_count,
    }
    return result


def check_onboarding_evidence(org, evidence: dict) -> CheckResult:
    result = CheckResult()
    if evidence.get("coverage") not in COVERAGE_KINDS:
        result.missing.append(
            _("no party coverage is arranged (own branch, joint branch or instructor)")
        )
    if not str(evidence.get("party_liaison", "")).strip():
        result.missing.append(_("no party liaison is named"))
    result.evidence = {k: evidence.get(k) for k in ("coverage", "party_liaison") if k in evidence}
    return result


def check_management_evidence(org, evidence: dict) -> CheckResult:
    count = evidence.get("party_activity_count")
    # bool is an int subclass: a ticked box (True) is not a count of activities.
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        return CheckResult(missing=[_("no party activity of the organization is logged")])
    return CheckResult(evidence={"party_activity_count": count})


def _flag_checker(key: str, message) -> Checker:
    def check(org, evidence: dict) -> CheckResult:
        if evidence.get(key) is True:
            return CheckResult(evidence={key: True})
        return CheckResult(missing=[str(message)])

    return check


_registry: dict[str, Checker] = {
    Stage.REGISTRATION: check_registration,
    Stage.ONBOARDING: check_onboarding_evidence,
    Stage.MANAGEMENT: check_management_evidence,
    Stage.ANNUAL_REVIEW: _flag_checker(
        "party_section_included",
        gettext_lazy("the annual review has no party-building section"),
    ),
    Stage.RE_ELECTION: _flag_checker(
        "party_prereview_passed",
        gettext_lazy("the party organization has not pre-reviewed the new leadership candidates"),
    ),
    Stage.AWARDS: _flag_checker(
        "party_building_in_criteria",
        gettext_lazy("party-building performance is not in the award criteria"),
    ),
}


# Stages whose registered checker reads recorded facts and ignores typed evidence; forms
# leave out the typed fields of these stages.
_reads_records: set[str] = set()


def register_checker(stage: str, checker: Checker, *, reads_records: bool = False) -> None:
    """Called by a higher app's AppConfig.ready() to supply the real facts for a stage."""
    _registry[stage] = checker
    if reads_records:
        _reads_records.add(stage)
    else:
        _reads_records.discard(stage)


def reads_records(stage: str) -> bool:
    return stage in _reads_records


def checker_for(stage: str) -> Checker:
    return _registry[stage]


def run_checkpoint(org, stage: str, evidence: dict) -> CheckResult:
    checker = _registry.get(stage)
    return checker(org, evidence or {}) if checker else CheckResult()
