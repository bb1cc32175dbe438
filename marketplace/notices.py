"""Who hears of what in the marketplace (in-app and e-mail, through ``notify``)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.roles import Role
from incubation.models import Organization
from marketplace.eligibility import CLAIMING_STAGES
from marketplace.models import Claim, ListBatch
from marketplace.workflows import ClaimStatus
from notifications.services import notify, notify_each


def _batch_recipients(batch: ListBatch):
    User = get_user_model()
    place = (
        Q(community_id=batch.community_id)
        if batch.community_id
        else Q(community__street_id=batch.street_id)
    )
    organizations = Organization.objects.filter(place, stage__in=CLAIMING_STAGES)
    members = Q(
        party_member__community_registrations__ended_on__isnull=True,
        **(
            {"party_member__community_registrations__community_id": batch.community_id}
            if batch.community_id
            else {"party_member__community_registrations__community__street_id": batch.street_id}
        ),
    )
    return (
        User.objects.filter(Q(led_organizations__in=organizations) | members, is_active=True)
        .distinct()
        .order_by("pk")
    )


def announce_batch(batch_id: int) -> int:
    """Tell the organizations that may claim, and the party members registered there, that
    a list was published. Once per person and batch."""
    batch = ListBatch.objects.select_related("community", "street").get(pk=batch_id)
    return notify_each(
        _batch_recipients(batch).iterator(),
        kind="list_published",
        key=f"batch:{batch.pk}",
        title=_("New %(kind)s: %(title)s")
        % {"kind": batch.get_kind_display(), "title": batch.title},
        body=_("Open the marketplace to see what you can claim."),
        url=reverse("marketplace:home"),
    )


def _claimant_accounts(claim: Claim):
    if claim.organization_id:
        return list(claim.organization.leader_accounts.filter(is_active=True))
    account = claim.party_member.account
    return [account] if account is not None and account.is_active else []


def _community_staff(claim: Claim):
    User = get_user_model()
    return User.objects.filter(
        groups__name=Role.COMMUNITY_STAFF, community_id=claim.community_id, is_active=True
    )


def claim_changed(claim_id: int, status: str) -> None:
    claim = Claim.objects.select_related("organization", "party_member__account").get(pk=claim_id)
    title = _("%(item)s: %(status)s") % {
        "item": claim.item,
        "status": ClaimStatus(status).label,
    }
    url = reverse("marketplace:claim", args=[claim.pk])
    # Staff hear of new claims and of evidence to confirm; claimants of everything else.
    if status in (ClaimStatus.CLAIMED, ClaimStatus.EVIDENCE_SUBMITTED):
        recipients = list(_community_staff(claim))
    else:
        recipients = _claimant_accounts(claim)
    for user in recipients:
        notify(
            recipient=user,
            kind="claim_changed",
            key=f"claim:{claim.pk}:{status}",
            title=title,
            url=url,
            email=status not in (ClaimStatus.CLAIMED,),
        )
