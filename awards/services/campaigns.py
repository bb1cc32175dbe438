"""Campaigns: created and edited as drafts, then moved along ``CAMPAIGN_TRANSITIONS`` by
``campaign_transition`` alone — opening nominations, starting the panel's scoring,
publishing the result for public notice (the mean of the judges' scores, ties broken by
the earlier nomination), closing (honours, and the lifecycle's 评选 stage) or cancelling.
"""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Avg, Count
from django.utils import timezone
from django.utils.translation import gettext as _

from awards.choices import AwardeeKind, CampaignEventKind
from awards.models import Campaign, Honour, Nomination
from awards.permissions import can_manage_campaign
from awards.services._common import campaign_event, lock_campaign
from awards.workflows import (
    CAMPAIGN_TRANSITIONS,
    CampaignStatus,
    NominationStatus,
    ObjectionStatus,
)
from core.decisions import refuse_unless
from core.errors import ActionRefused
from core.transitions import refuse_unless_allowed
from incubation.services import organization_change_stage
from incubation.workflows import STAGE_TRANSITIONS, Stage

CENT = Decimal("0.01")

EDITABLE_FIELDS = (
    "title",
    "year",
    "awardee_kind",
    "criteria",
    "party_criterion",
    "award_count",
    "min_grade",
    "exclude_credit_listed",
    "allowed_stages",
    "require_party_checkpoint",
    "nominations_open_on",
    "nominations_close_on",
    "notice_days",
)


def _clean_stages(stages) -> list[str]:
    return [str(Stage(s)) for s in (stages or [])]


@transaction.atomic
def campaign_create(*, street, actor, **fields) -> Campaign:
    refuse_unless(can_manage_campaign(actor, street))
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"campaign_create: unknown fields {sorted(unknown)}")
    fields["allowed_stages"] = _clean_stages(fields.get("allowed_stages"))
    campaign = Campaign(
        street=street,
        created_by=actor if getattr(actor, "pk", None) else None,
        **fields,
    )
    campaign.full_clean()
    campaign.save()
    campaign_event(campaign, CampaignEventKind.STATUS, actor, to_value=campaign.status)
    return campaign


@transaction.atomic
def campaign_update(*, campaign: Campaign, actor, **fields) -> Campaign:
    """Edit a campaign's terms while it is a draft or open for nominations (the window
    may be extended); once scoring starts the terms stand."""
    locked = lock_campaign(campaign)
    refuse_unless(can_manage_campaign(actor, locked.street_id))
    if locked.status not in (CampaignStatus.DRAFT, CampaignStatus.NOMINATING):
        raise ActionRefused(_("A campaign's terms are fixed once the panel starts scoring."))
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"campaign_update: unknown fields {sorted(unknown)}")
    if "allowed_stages" in fields:
        fields["allowed_stages"] = _clean_stages(fields["allowed_stages"])
    changed = [name for name, value in fields.items() if getattr(locked, name) != value]
    if not changed:
        return locked
    for name in changed:
        setattr(locked, name, fields[name])
    locked.full_clean()
    locked.save(update_fields=[*changed, "updated_at"])
    campaign_event(
        locked, CampaignEventKind.STATUS, actor, note=_("Terms changed: %s") % "、".join(changed)
    )
    return locked


@dataclass
class Outcome:
    """What a transition did: the campaign, and for closing what became of each award."""

    campaign: Campaign
    changed: bool = True
    notes: list[str] = field(default_factory=list)


def campaign_transition(
    *,
    campaign: Campaign,
    to: str,
    actor,
    note: str = "",
    today: datetime.date | None = None,
) -> Outcome:
    """The one way a campaign's status changes. Asking for the current status again
    changes nothing."""
    to = CampaignStatus(to)
    today = today or timezone.localdate()
    with transaction.atomic():
        locked = lock_campaign(campaign)
        current = CampaignStatus(locked.status)
        if current == to:
            return Outcome(locked, changed=False)
        refuse_unless_allowed(
            CAMPAIGN_TRANSITIONS, CampaignStatus, current, to, Campaign._meta.verbose_name
        )
        refuse_unless(can_manage_campaign(actor, locked.street_id))
        notes: list[str] = []
        fields = ["status", "updated_at"]
        if to == CampaignStatus.SCORING:
            _refuse_scoring_unready(locked)
        elif to == CampaignStatus.NOTICE:
            notes = _rank(locked, actor)
            locked.notice_ends_on = today + datetime.timedelta(days=locked.notice_days)
            fields.append("notice_ends_on")
        elif to == CampaignStatus.CLOSED:
            _refuse_closing_early(locked, today)
        locked.status = to
        locked.save(update_fields=fields)
        campaign_event(
            locked, CampaignEventKind.STATUS, actor, from_value=current, to_value=to, note=note
        )
        if to == CampaignStatus.CLOSED:
            notes = _make_honours(locked, actor, today)
    campaign.status = locked.status
    campaign.notice_ends_on = locked.notice_ends_on
    return Outcome(locked, notes=notes)


def _refuse_scoring_unready(campaign: Campaign) -> None:
    if not campaign.nominations.exists():
        raise ActionRefused(_("Nobody is nominated yet: there is nothing to score."))
    if not campaign.judges.exists():
        raise ActionRefused(_("Assign the judges of the panel first."))


def _rank(campaign: Campaign, actor) -> list[str]:
    """The result: each nomination's score is the mean of its judges' scores (rounded
    half-up to 0.01); the best ``award_count`` are awarded. Equal means are ordered by the
    earlier nomination (then the smaller id), so the same scores always give the same
    result."""
    from awards.services.nominations import nomination_transition

    rows = list(
        Nomination.objects.filter(campaign=campaign, status=NominationStatus.NOMINATED)
        .annotate(mean=Avg("scores__points"), score_count=Count("scores"))
        .order_by("pk")
    )
    unscored = [str(n) for n in rows if not n.score_count]
    if unscored:
        raise ActionRefused(
            _("Every nomination needs a judge's score first; not scored: %(names)s.")
            % {"names": "、".join(unscored)},
            missing=unscored,
        )
    for row in rows:
        row.mean = Decimal(row.mean).quantize(CENT, rounding=ROUND_HALF_UP)
    rows.sort(key=lambda n: (-n.mean, n.created_at, n.pk))
    for rank, row in enumerate(rows, start=1):
        row.mean_score, row.rank = row.mean, rank
        row.save(update_fields=["mean_score", "rank", "updated_at"])
        awarded = rank <= campaign.award_count
        nomination_transition(
            nomination=row,
            to=NominationStatus.AWARDED if awarded else NominationStatus.NOT_AWARDED,
            actor=actor,
            note=_("rank %(rank)d, mean score %(mean)s") % {"rank": rank, "mean": row.mean},
        )
    return []


def _refuse_closing_early(campaign: Campaign, today: datetime.date) -> None:
    if campaign.notice_ends_on and today <= campaign.notice_ends_on:
        raise ActionRefused(
            _("The public notice runs until %(date)s: close the campaign after it.")
            % {"date": campaign.notice_ends_on.isoformat()}
        )
    pending = Nomination.objects.filter(
        campaign=campaign, objections__status=ObjectionStatus.PENDING
    ).distinct()
    if pending.exists():
        names = "、".join(str(n) for n in pending.select_related("organization", "party_org"))
        raise ActionRefused(
            _("Decide the objections first; pending for: %(names)s.") % {"names": names}
        )


def _make_honours(campaign: Campaign, actor, today: datetime.date) -> list[str]:
    """Each award still standing becomes an honour; an awarded organization moves into
    the lifecycle's 评选 stage through incubation's one stage-change service where the
    transition table allows it (otherwise the honour is recorded and the stage left, and
    the note says why)."""
    notes = []
    awarded = (
        Nomination.objects.filter(campaign=campaign, status=NominationStatus.AWARDED)
        .select_related("organization", "party_org")
        .order_by("rank", "pk")
    )
    for nomination in awarded:
        honour = Honour(
            campaign=campaign,
            nomination=nomination,
            awardee_kind=campaign.awardee_kind,
            organization=nomination.organization,
            party_org=nomination.party_org,
            person_name=nomination.person_name,
            title=campaign.title,
            awarded_on=today,
        )
        honour.full_clean()
        honour.save()
        note = _("%(name)s: honour recorded.") % {"name": nomination}
        if campaign.awardee_kind == AwardeeKind.ORGANIZATION and nomination.organization_id:
            note = f"{note} {_move_to_awards(nomination.organization, campaign, actor)}"
        campaign_event(campaign, CampaignEventKind.HONOUR, actor, to_value="honour", note=note)
        notes.append(note)
    return notes


def _move_to_awards(org, campaign: Campaign, actor) -> str:
    stage = Stage(org.stage)
    if stage == Stage.AWARDS:
        return _("It is already in the awards stage.")
    if Stage.AWARDS not in STAGE_TRANSITIONS[stage]:
        return _("Its stage (%(stage)s) does not lead to the awards stage: the stage is left.") % {
            "stage": stage.label
        }
    try:
        organization_change_stage(
            organization=org,
            to_stage=Stage.AWARDS,
            actor=actor,
            note=_("Awarded in %(campaign)s.") % {"campaign": campaign},
            evidence={"award_campaign": campaign.pk},
        )
    except ActionRefused as exc:
        return _("The stage was left: %(reason)s") % {"reason": exc}
    return _("Moved to the awards stage.")


def campaign_close(*, campaign: Campaign, actor, today: datetime.date | None = None) -> Outcome:
    """After the notice: the honours, and the stage changes they make or could not."""
    return campaign_transition(
        campaign=campaign, to=CampaignStatus.CLOSED, actor=actor, today=today
    )
