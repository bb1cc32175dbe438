from django.db import transaction

from awards.models import Campaign, CampaignEvent


def campaign_event(campaign: Campaign, kind: str, actor, **values) -> CampaignEvent:
    return CampaignEvent.record(campaign=campaign, kind=kind, actor=actor, **values)


def lock_campaign(campaign: Campaign) -> Campaign:
    assert transaction.get_connection().in_atomic_block
    return Campaign.objects.select_for_update().select_related("street").get(pk=campaign.pk)
