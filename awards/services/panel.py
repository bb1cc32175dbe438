"""The panel: judges are the street's evaluators (the same role that scores annual
reviews and grant applications), and conflicts of interest are evaluation's own
``ConflictDeclaration`` — declared through ``evaluation.services.scoring.conflict_declare``
and read through its ``conflict_reason`` — so a judge conflicted with an organization is
kept out of its review, its grant and its nomination alike."""

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.roles import Role, roles_of
from awards.choices import CampaignEventKind
from awards.models import AwardScore, Campaign, Judge, Nomination
from awards.permissions import can_manage_campaign, can_score
from awards.services._common import campaign_event, lock_campaign
from awards.workflows import CampaignStatus, NominationStatus
from core.decisions import refuse_unless
from core.errors import ActionRefused
from evaluation.services.scoring import conflict_declare, conflict_reason

PANEL_OPEN = (CampaignStatus.DRAFT, CampaignStatus.NOMINATING, CampaignStatus.SCORING)
MAX_POINTS = Decimal("100")


@transaction.atomic
def judge_assign(*, campaign: Campaign, judge, actor) -> Judge:
    locked = lock_campaign(campaign)
    refuse_unless(can_manage_campaign(actor, locked.street_id))
    if locked.status not in PANEL_OPEN:
        raise ActionRefused(_("The panel is fixed once the result is published."))
    if Role.EVALUATOR not in roles_of(judge):
        raise ActionRefused(_("%(name)s has no evaluator role.") % {"name": judge})
    if judge.street_id and judge.street_id != locked.street_id:
        raise ActionRefused(_("%(name)s works for another street.") % {"name": judge})
    existing = Judge.objects.filter(campaign=locked, judge=judge).first()
    if existing is not None:
        return existing
    seat = Judge(campaign=locked, judge=judge)
    seat.full_clean()
    seat.save()
    campaign_event(locked, CampaignEventKind.JUDGE, actor, note=str(judge))
    return seat


def _points(value) -> Decimal:
    try:
        points = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ActionRefused(_("Give a score from 0 to 100.")) from None
    if not points.is_finite() or points < 0 or points > MAX_POINTS:
        raise ActionRefused(_("Give a score from 0 to 100."))
    return points.quantize(Decimal("0.01"))


@transaction.atomic
def score_record(*, nomination: Nomination, actor, points, comment: str = "") -> AwardScore:
    """A judge's score of a nomination (0–100; a second call replaces it). A judge with a
    conflict of interest with the organization is refused, in words."""
    nomination = Nomination.objects.select_related("campaign", "organization").get(pk=nomination.pk)
    campaign = nomination.campaign
    refuse_unless(can_score(actor, campaign))
    if campaign.status != CampaignStatus.SCORING:
        raise ActionRefused(_("The panel scores while the campaign is in scoring."))
    if nomination.status != NominationStatus.NOMINATED:
        raise ActionRefused(_("This nomination is no longer scored."))
    if nomination.organization_id:
        reason = conflict_reason(actor, nomination.organization)
        if reason:
            raise ActionRefused(reason)
    points = _points(points)
    score = AwardScore.objects.filter(nomination=nomination, judge=actor).first()
    if score is None:
        score = AwardScore(nomination=nomination, judge=actor)
    score.points, score.comment = points, (comment or "").strip()
    score.full_clean()
    score.save()
    return score


@transaction.atomic
def award_conflict_declare(*, nomination: Nomination, actor, reason: str):
    """A judge declares a conflict of interest with a nomination's organization, in
    evaluation's register (one declaration per judge and organization); the judge's
    scores of that organization's nominations still being scored no longer count."""
    nomination = Nomination.objects.select_related("campaign", "organization").get(pk=nomination.pk)
    refuse_unless(can_score(actor, nomination.campaign))
    if nomination.organization_id is None:
        raise ActionRefused(
            _("Conflicts of interest are declared for organizations; tell the staff instead.")
        )
    declaration = conflict_declare(
        evaluator=actor, organization=nomination.organization, reason=reason, actor=actor
    )
    AwardScore.objects.filter(
        judge=actor,
        nomination__organization=nomination.organization,
        nomination__campaign__status=CampaignStatus.SCORING,
    ).delete()
    campaign_event(
        nomination.campaign,
        CampaignEventKind.JUDGE,
        actor,
        note=_("%(judge)s declared a conflict of interest with %(org)s")
        % {"judge": actor, "org": nomination.organization},
    )
    return declaration
