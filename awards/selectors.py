"""Reads of award campaigns: eligibility in words, results, the campaigns a person is
offered, and the plain public values of honours for the public board, the portraits and
the statistics (built by other apps on these functions)."""

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from awards.models import Campaign, Honour, Nomination
from awards.workflows import CampaignStatus, NominationStatus
from core.identifiers import mask_name
from incubation.choices import Grade
from incubation.selectors import blocking_reasons, checkpoint_status
from incubation.workflows import EXIT_STAGES, Stage


def _grade_level(grade: str) -> int:
    return int(grade[0]) if grade else 0


def eligibility_reasons(campaign: Campaign, organization) -> list[str]:
    """Why ``organization`` may not be nominated to ``campaign`` (empty: eligible), each
    reason in words: the minimum grade, the credit lists (and the other blocks of
    ``incubation.selectors.blocking_reasons``), the allowed stages and the party-building
    checkpoint of the organization's current stage (评选 keeps its party check)."""
    reasons: list[str] = []
    if campaign.min_grade and _grade_level(organization.grade) < _grade_level(campaign.min_grade):
        if organization.grade:
            reasons.append(
                _("its grade is %(grade)s; the campaign asks for at least %(min)s")
                % {
                    "grade": organization.get_grade_display(),
                    "min": Grade(campaign.min_grade).label,
                }
            )
        else:
            reasons.append(
                _("it has no grade; the campaign asks for at least %(min)s")
                % {"min": Grade(campaign.min_grade).label}
            )
    if campaign.exclude_credit_listed:
        reasons.extend(blocking_reasons(organization, "award"))
    elif organization.stage in EXIT_STAGES:
        reasons.append(
            _("has left the hub (%(stage)s)") % {"stage": organization.get_stage_display()}
        )
    allowed = campaign.allowed_stages or []
    if allowed and organization.stage not in allowed:
        reasons.append(
            _("it is in %(stage)s; the campaign admits %(allowed)s")
            % {
                "stage": organization.get_stage_display(),
                "allowed": "、".join(str(Stage(s).label) for s in allowed),
            }
        )
    if campaign.require_party_checkpoint:
        status = checkpoint_status(organization, organization.stage)
        if status is not None and not status.met:
            reasons.append(
                _("the party-building checkpoint of %(stage)s is not recorded: %(missing)s")
                % {
                    "stage": organization.get_stage_display(),
                    "missing": "; ".join(status.missing),
                }
            )
    return reasons


def campaign_nominations(campaign: Campaign):
    """A campaign's nominations in the order of its result (unranked last)."""
    return (
        Nomination.objects.filter(campaign=campaign)
        .select_related("organization", "party_org")
        .annotate(score_count=Count("scores"))
        .order_by("rank", "created_at", "pk")
    )


def open_campaigns(street_ids):
    """Campaigns open for nominations or on notice in these streets."""
    return (
        Campaign.objects.filter(
            street_id__in=street_ids,
            status__in=(CampaignStatus.NOMINATING, CampaignStatus.NOTICE),
        )
        .select_related("street")
        .order_by("status", "-year", "pk")
    )


# --- Public values (the board, portraits, statistics) ------------------------------------


def _public_awardee(honour: Honour) -> str:
    if honour.person_name:
        return mask_name(honour.person_name)
    if honour.party_org is not None:
        return honour.party_org.name
    return honour.organization.name if honour.organization is not None else ""


def _public(honour: Honour) -> dict:
    return {
        "title": honour.title,
        "campaign": honour.campaign.title,
        "year": honour.campaign.year,
        "awarded_on": honour.awarded_on,
        "awardee_kind": honour.awardee_kind,
        "awardee": _public_awardee(honour),
        "organization_id": honour.organization_id if not honour.person_name else None,
    }


def _public_honours():
    return Honour.objects.select_related("campaign", "organization", "party_org").order_by(
        "-awarded_on", "-pk"
    )


def latest_honours(limit: int = 10) -> list[dict]:
    """The newest honours, as plain public values (a person's name masked): title,
    campaign, year, awarded_on, awardee_kind, awardee, organization_id."""
    return [_public(h) for h in _public_honours()[:limit]]


def honours_of_organization(org_id: int) -> list[dict]:
    """An organization's own honours (not its people's), newest first, as plain public
    values."""
    rows = _public_honours().filter(organization_id=org_id, person_name="")
    return [_public(h) for h in rows]


def campaign_figures(street=None) -> dict:
    """For ``stats --json``: honours given and campaigns held (closed), street-wide or all."""
    honours = Honour.objects.all()
    campaigns = Campaign.objects.filter(status=CampaignStatus.CLOSED)
    if street is not None:
        honours = honours.filter(campaign__street=street)
        campaigns = campaigns.filter(street=street)
    return {"honours_total": honours.count(), "campaigns_held": campaigns.count()}


def awarded_on_notice(campaign: Campaign):
    """The awarded nominations of a campaign on notice, with their pending objections."""
    return (
        Nomination.objects.filter(campaign=campaign, status=NominationStatus.AWARDED)
        .select_related("organization", "party_org")
        .annotate(pending_objections=Count("objections", filter=Q(objections__status="pending")))
        .order_by("rank", "pk")
    )
