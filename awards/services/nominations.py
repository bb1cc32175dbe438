"""Nominations: by street staff, by the staff of the organization's community, or by the
organization's leader (self-nomination from the portal), with a statement and materials.
The campaign's eligibility rules are checked here (``awards.selectors.
eligibility_reasons``): an ineligible nomination is refused with every reason, and
nothing is written."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import is_community_staff_of, is_street_staff_of
from awards.choices import AwardeeKind, CampaignEventKind, NominatedAs
from awards.models import Campaign, Nomination, NominationMaterial
from awards.permissions import can_nominate
from awards.selectors import eligibility_reasons
from awards.services._common import campaign_event
from awards.workflows import NOMINATION_TRANSITIONS, CampaignStatus, NominationStatus
from core.decisions import refuse_unless
from core.errors import ActionRefused
from core.transitions import refuse_unless_allowed
from core.uploads import stored_upload_fields


def _nominated_as(actor, campaign, organization) -> str:
    if is_street_staff_of(actor, campaign.street_id):
        return NominatedAs.STAFF
    if organization is not None and is_community_staff_of(actor, organization.community_id):
        return NominatedAs.COMMUNITY
    return NominatedAs.SELF


def _refuse_closed_window(campaign: Campaign, today: datetime.date) -> None:
    if campaign.status != CampaignStatus.NOMINATING:
        raise ActionRefused(
            _("%(campaign)s is not open for nominations (%(status)s).")
            % {"campaign": campaign, "status": campaign.get_status_display()}
        )
    if not campaign.nominations_open_on <= today <= campaign.nominations_close_on:
        raise ActionRefused(
            _("Nominations to %(campaign)s are taken from %(start)s to %(end)s.")
            % {
                "campaign": campaign,
                "start": campaign.nominations_open_on.isoformat(),
                "end": campaign.nominations_close_on.isoformat(),
            }
        )


def _refuse_wrong_awardee(campaign, organization, party_org, person_name) -> None:
    kind = campaign.awardee_kind
    if kind == AwardeeKind.ORGANIZATION and (organization is None or party_org or person_name):
        raise ActionRefused(_("This campaign awards organizations: choose an organization."))
    if kind == AwardeeKind.PARTY_ORG and (party_org is None or person_name):
        raise ActionRefused(
            _("This campaign awards party organizations: choose a party organization.")
        )
    if kind == AwardeeKind.PERSON and not person_name:
        raise ActionRefused(_("This campaign awards people: give the person's name."))
    if party_org is not None and party_org.street_id != campaign.street_id:
        raise ActionRefused(_("The party organization belongs to another street."))
    if organization is not None and organization.community.street_id != campaign.street_id:
        raise ActionRefused(_("The organization belongs to another street."))


def _refuse_twice(campaign, organization, party_org, person_name) -> None:
    existing = Nomination.objects.filter(campaign=campaign)
    if person_name:
        existing = existing.filter(person_name=person_name, organization=organization)
    elif party_org is not None:
        existing = existing.filter(party_org=party_org)
    else:
        existing = existing.filter(organization=organization, person_name="")
    if existing.exists():
        raise ActionRefused(_("This candidate is already nominated to the campaign."))


def nomination_create(
    *,
    campaign: Campaign,
    actor,
    statement: str,
    organization=None,
    party_org=None,
    person_name: str = "",
    uploaded=None,
    today: datetime.date | None = None,
) -> Nomination:
    """Nominate a candidate. Every eligibility rule the candidate fails is named in the
    refusal (``ActionRefused.missing``); the materials are checked before anything is
    stored."""
    today = today or timezone.localdate()
    person_name = (person_name or "").strip()
    statement = (statement or "").strip()
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        refuse_unless(can_nominate(actor, campaign, organization))
        if party_org is not None and not is_street_staff_of(actor, campaign.street_id):
            raise ActionRefused(_("Party organizations are nominated by the street's staff."))
        _refuse_closed_window(campaign, today)
        _refuse_wrong_awardee(campaign, organization, party_org, person_name)
        if not statement:
            raise ActionRefused(_("Say why the candidate deserves the award."))
        if organization is not None:
            reasons = eligibility_reasons(campaign, organization)
            if reasons:
                raise ActionRefused(
                    _("%(org)s is not eligible for %(campaign)s: %(reasons)s.")
                    % {"org": organization, "campaign": campaign, "reasons": "; ".join(reasons)},
                    missing=reasons,
                )
        _refuse_twice(campaign, organization, party_org, person_name)
        material = stored_upload_fields(uploaded, actor) if uploaded is not None else None
        nomination = Nomination(
            campaign=campaign,
            organization=organization,
            party_org=party_org,
            person_name=person_name,
            statement=statement,
            nominated_as=_nominated_as(actor, campaign, organization),
            nominated_by=actor if getattr(actor, "pk", None) else None,
        )
        nomination.full_clean()
        nomination.save()
        if material is not None:
            NominationMaterial.objects.create(nomination=nomination, **material)
        campaign_event(
            campaign,
            CampaignEventKind.NOMINATION,
            actor,
            to_value=NominationStatus.NOMINATED,
            note=f"{nomination} · {nomination.get_nominated_as_display()}",
        )
    return nomination


def nomination_transition(*, nomination: Nomination, to: str, actor, note: str = "") -> Nomination:
    """The one way a nomination's status changes (called by publishing the result and by
    an upheld objection); the step goes on the campaign's timeline."""
    to = NominationStatus(to)
    with transaction.atomic():
        locked = Nomination.objects.select_for_update().get(pk=nomination.pk)
        current = NominationStatus(locked.status)
        if current == to:
            return locked
        refuse_unless_allowed(
            NOMINATION_TRANSITIONS, NominationStatus, current, to, Nomination._meta.verbose_name
        )
        locked.status = to
        locked.save(update_fields=["status", "updated_at"])
        campaign_event(
            locked.campaign,
            CampaignEventKind.NOMINATION,
            actor,
            from_value=current,
            to_value=to,
            note=f"{nomination}: {note}" if note else str(nomination),
        )
    nomination.status = locked.status
    return locked
