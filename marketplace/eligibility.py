"""Who may claim what: the one rule the portal, the admin and the services ask."""

from __future__ import annotations

from django.utils.translation import gettext as _

from incubation.selectors import blocking_reasons
from incubation.workflows import Stage
from marketplace.workflows import ListingStatus, ProjectStatus, WishStatus
from partybuilding.models import CommunityRegistration

# An organization claims once it is past 入驻: in management or a recurring stage.
CLAIMING_STAGES = frozenset(
    {Stage.MANAGEMENT, Stage.ANNUAL_REVIEW, Stage.RE_ELECTION, Stage.AWARDS}
)


def item_refusals(item) -> list[str]:
    """Why nobody can claim ``item`` now (empty: it is open)."""
    from marketplace.models import Need, Project, Wish

    if isinstance(item, Need) and item.status != ListingStatus.LISTED:
        return [_("the need is not listed")]
    if isinstance(item, Project) and item.status not in (
        ProjectStatus.PROPOSED,
        ProjectStatus.MATCHED,
    ):
        return [_("the project is %(status)s") % {"status": item.get_status_display()}]
    if isinstance(item, Wish) and item.status != WishStatus.PUBLISHED:
        return [_("the wish is not on the wall")]
    return []


def claim_refusals(item, *, organization=None, party_member=None) -> list[str]:
    """Why this claimant may not claim ``item`` (empty: they may)."""
    reasons = item_refusals(item)
    if organization is not None:
        if organization.community.street_id != item.community.street_id:
            reasons.append(_("%(org)s serves another street") % {"org": organization.name})
        reasons += [
            _("%(org)s is %(reason)s") % {"org": organization.name, "reason": reason}
            for reason in blocking_reasons(organization, "claim")
        ]
        if organization.stage not in CLAIMING_STAGES:
            reasons.append(
                _("%(org)s is still in %(stage)s: organizations claim once past onboarding")
                % {"org": organization.name, "stage": organization.get_stage_display()}
            )
    if party_member is not None:
        registered = CommunityRegistration.objects.filter(
            member=party_member, community_id=item.community_id, ended_on__isnull=True
        ).exists()
        if not registered:
            reasons.append(
                _("%(member)s has not registered with %(community)s (社区报到)")
                % {"member": party_member.name, "community": item.community.name}
            )
    return reasons
