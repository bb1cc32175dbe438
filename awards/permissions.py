"""Who may do what with award campaigns. Every predicate returns a ``Decision``."""

from django.utils.translation import gettext as _

from accounts.roles import Role, is_community_staff_of, is_street_staff_of, roles_of
from core.decisions import ALLOWED, Decision, deny


def can_manage_campaign(user, street) -> Decision:
    """Campaigns, their panel, the results and the objections are the street staff's."""
    if is_street_staff_of(user, street):
        return ALLOWED
    return deny(_("Only the street's staff run its award campaigns."))


def can_nominate(user, campaign, organization) -> Decision:
    """Street staff nominate anyone of their street; community staff their community's
    organizations (and people serving in them); a leader their own organization."""
    if is_street_staff_of(user, campaign.street_id):
        return ALLOWED
    if organization is not None and organization.community.street_id == campaign.street_id:
        if is_community_staff_of(user, organization.community_id):
            return ALLOWED
        if organization.leader_accounts.filter(pk=getattr(user, "pk", None)).exists():
            return ALLOWED
    return deny(
        _(
            "Only the street's staff, the staff of the organization's community or its "
            "leaders may nominate it."
        )
    )


def is_judge(user, campaign) -> bool:
    return (
        getattr(user, "pk", None) is not None
        and Role.EVALUATOR in roles_of(user)
        and campaign.judges.filter(judge=user).exists()
    )


def can_score(user, campaign) -> Decision:
    """Scores are the panel's: judges assigned to the campaign."""
    if is_judge(user, campaign):
        return ALLOWED
    return deny(_("Only the judges of this campaign's panel score its nominations."))
