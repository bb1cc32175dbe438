"""The 评选 checkpoint (双孵六同步) read from award campaigns.

``register()`` (called from ``AwardsConfig.ready``) replaces incubation's default flag
checker of the ``awards`` stage; the full list of checkpoints stays in
``incubation.checkpoints``. An organization leaving 评选 passes when it holds an honour
of a closed campaign whose criteria include the party-building criterion (every campaign
has one: a database constraint). Typed evidence (the old ``party_building_in_criteria``
flag) no longer counts: a fact that is not recorded is missing, and a street
administrator may still let the organization pass with a reason
(``organization_change_stage(..., override_reason=...)``), as for partybuilding's
checkpoints.
"""

from django.utils.translation import gettext as _

from incubation.checkpoints import CheckResult, register_checker
from incubation.workflows import Stage


def check_awards(org, _evidence: dict) -> CheckResult:
    """The typed evidence is ignored: the campaign is the record."""
    from awards.models import Honour

    honour = (
        Honour.objects.filter(organization=org)
        .exclude(campaign__party_criterion="")
        .select_related("campaign")
        .order_by("-awarded_on", "-pk")
        .first()
    )
    if honour is None:
        return CheckResult(
            missing=[
                _(
                    "the organization holds no honour of an award campaign with "
                    "party-building performance in its award criteria"
                )
            ]
        )
    return CheckResult(
        evidence={
            "campaign": honour.campaign_id,
            "campaign_title": str(honour.campaign),
            "party_criterion": honour.campaign.party_criterion,
            "awarded_on": honour.awarded_on.isoformat(),
        }
    )


def register() -> None:
    """Install the checker (safe to call twice)."""
    register_checker(Stage.AWARDS, check_awards, reads_records=True)
