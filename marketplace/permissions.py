"""Who may do what in the marketplace. Every predicate returns a ``Decision``."""

from django.utils.translation import gettext as _

from accounts.roles import Role, has_role, is_community_staff_of, is_street_staff_of
from core.decisions import ALLOWED, Decision, deny


def can_manage_community(user, community) -> Decision:
    """Collect, verify and publish a community's needs and wishes; confirm its claims:
    that community's staff or its street's staff."""
    if is_community_staff_of(user, community) or is_street_staff_of(user, community.street_id):
        return ALLOWED
    return deny(
        _("Only the staff of %(community)s or of its street may do this.")
        % {
            "community": community.name,
        }
    )


def can_manage_street(user, street) -> Decision:
    """Street-wide lists, resources and partner units: the street's staff."""
    if is_street_staff_of(user, street):
        return ALLOWED
    return deny(_("Only the street's staff may do this."))


def can_see_beneficiary(user, wish) -> Decision:
    """The person behind a wish: that community's staff only (not street-wide staff)."""
    if has_role(user, [Role.COMMUNITY_STAFF]) and user.community_id == wish.community_id:
        return ALLOWED
    return deny(_("Only the staff of the wish's community see who it is for."))


def can_act_for_organization(user, organization) -> Decision:
    """Claim and deliver for an organization: one of its leaders."""
    if user.is_authenticated and organization.leader_accounts.filter(pk=user.pk).exists():
        return ALLOWED
    return deny(_("Only a leader of %(org)s may claim for it.") % {"org": organization.name})
