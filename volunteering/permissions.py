"""Who may do what with activities and hours. Every predicate returns a ``Decision``."""

from django.utils.translation import gettext as _

from accounts.roles import Role, holds_role, is_community_staff_of, is_street_staff_of
from core.decisions import ALLOWED, Decision, deny


def _is_staff_for(user, activity) -> bool:
    if is_street_staff_of(user, activity.street_id):
        return True
    return activity.community_id is not None and is_community_staff_of(user, activity.community)


def can_approve_activity(user, activity) -> Decision:
    """Publishing is the staff's: the street's, or the community's where it takes place."""
    if _is_staff_for(user, activity):
        return ALLOWED
    return deny(_("Only the staff of the street or of the activity's community approve it."))


def can_organize(user, activity) -> Decision:
    """Run an activity (edit it, show its QR code, mark attendance): its organizer's people
    — the organization's leaders, the party organization's workers — and the staff."""
    if _is_staff_for(user, activity):
        return ALLOWED
    if (
        activity.organization_id
        and activity.organization.leader_accounts.filter(pk=user.pk).exists()
    ):
        return ALLOWED
    if (
        activity.party_org_id
        and holds_role(user, Role.PARTY_WORKER)
        and activity.party_org.worker_accounts.filter(pk=user.pk).exists()
    ):
        return ALLOWED
    return deny(_("Only the organizer of %(activity)s may do this.") % {"activity": activity})


def can_approve_supplement(user, supplement) -> Decision:
    """A supplement takes a second person: staff of the activity, not who asked for it."""
    if supplement.requested_by_id == getattr(user, "pk", None):
        return deny(_("A supplement is approved by a second person, not by who requested it."))
    if _is_staff_for(user, supplement.place.session.activity):
        return ALLOWED
    return deny(_("Only the staff of the street or community approve supplements."))
