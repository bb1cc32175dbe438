"""Objections to a result on public notice: any signed-in person of the street files one
with a reason while the notice runs; the street's staff decide each with a reason.
Upheld, the award is withdrawn (the nomination becomes "withdrawn after an objection",
recorded on the campaign's timeline) and no honour is made of it."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from awards.choices import CampaignEventKind
from awards.models import Nomination, Objection
from awards.permissions import can_manage_campaign
from awards.services._common import campaign_event
from awards.services.nominations import nomination_transition
from awards.workflows import (
    OBJECTION_TRANSITIONS,
    CampaignStatus,
    NominationStatus,
    ObjectionStatus,
)
from core.decisions import refuse_unless
from core.errors import ActionRefused
from core.transitions import refuse_unless_allowed


def notice_open(campaign, today: datetime.date | None = None) -> bool:
    today = today or timezone.localdate()
    return (
        campaign.status == CampaignStatus.NOTICE
        and campaign.notice_ends_on is not None
        and today <= campaign.notice_ends_on
    )


@transaction.atomic
def objection_file(
    *, nomination: Nomination, actor, reason: str, today: datetime.date | None = None
) -> Objection:
    nomination = Nomination.objects.select_related("campaign").get(pk=nomination.pk)
    if not getattr(actor, "is_authenticated", False):
        raise ActionRefused(_("Sign in to object."))
    if not notice_open(nomination.campaign, today):
        raise ActionRefused(_("Objections are taken while the result is on public notice."))
    if nomination.status != NominationStatus.AWARDED:
        raise ActionRefused(_("Only an award on notice may be objected to."))
    reason = (reason or "").strip()
    if not reason:
        raise ActionRefused(_("Give the reason for the objection."))
    objection = Objection(nomination=nomination, filed_by=actor, reason=reason)
    objection.full_clean()
    objection.save()
    campaign_event(
        nomination.campaign,
        CampaignEventKind.OBJECTION,
        actor,
        to_value=ObjectionStatus.PENDING,
        note=str(nomination),
    )
    return objection


def objection_decide(*, objection: Objection, upheld: bool, reason: str, actor) -> Objection:
    """The one way an objection's status changes. Upheld withdraws the award."""
    to = ObjectionStatus.UPHELD if upheld else ObjectionStatus.DISMISSED
    reason = (reason or "").strip()
    with transaction.atomic():
        locked = (
            Objection.objects.select_for_update()
            .select_related("nomination__campaign")
            .get(pk=objection.pk)
        )
        current = ObjectionStatus(locked.status)
        if current == to:
            return locked
        refuse_unless_allowed(
            OBJECTION_TRANSITIONS, ObjectionStatus, current, to, Objection._meta.verbose_name
        )
        campaign = locked.nomination.campaign
        refuse_unless(can_manage_campaign(actor, campaign.street_id))
        if campaign.status != CampaignStatus.NOTICE:
            raise ActionRefused(_("Objections are decided before the campaign closes."))
        if not reason:
            raise ActionRefused(_("Give the reason for the decision."))
        locked.status = to
        locked.decision_reason = reason
        locked.decided_by = actor if getattr(actor, "pk", None) else None
        locked.decided_at = timezone.now()
        locked.save(
            update_fields=["status", "decision_reason", "decided_by", "decided_at", "updated_at"]
        )
        campaign_event(
            campaign,
            CampaignEventKind.OBJECTION,
            actor,
            from_value=current,
            to_value=to,
            note=f"{locked.nomination}: {reason}",
        )
        if upheld:
            nomination_transition(
                nomination=locked.nomination,
                to=NominationStatus.REVOKED,
                actor=actor,
                note=reason,
            )
    objection.status = locked.status
    return locked
