from awards.models import Campaign, CampaignEvent


def campaign_event(campaign: Campaign, kind: str, actor, **values) -> CampaignEvent:
    return CampaignEvent.record(campaign=campaign, kind=kind, actor=actor, **values)


def lock_campaign(campaign: Campaign) -> Campaign:
    # On PostgreSQL select_for_update itself refuses to run outside a transaction.
    return Campaign.objects.select_for_update().select_related("street").get(pk=campaign.pk)
