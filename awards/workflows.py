"""Statuses of award campaigns, nominations and objections, and their transitions, as
data. Only the transition functions of ``awards.services`` change a status."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    NOMINATING = "nominating", _("Open for nominations")
    SCORING = "scoring", _("Panel scoring")
    NOTICE = "notice", _("Results on public notice")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


CAMPAIGN_TRANSITIONS: dict[str, frozenset[str]] = {
    CampaignStatus.DRAFT: frozenset({CampaignStatus.NOMINATING, CampaignStatus.CANCELLED}),
    CampaignStatus.NOMINATING: frozenset({CampaignStatus.SCORING, CampaignStatus.CANCELLED}),
    CampaignStatus.SCORING: frozenset({CampaignStatus.NOTICE, CampaignStatus.CANCELLED}),
    CampaignStatus.NOTICE: frozenset({CampaignStatus.CLOSED}),
    CampaignStatus.CLOSED: frozenset(),
    CampaignStatus.CANCELLED: frozenset(),
}
# Campaigns whose results the public sees (the notice and the closed results).
PUBLIC_CAMPAIGN_STATUSES = frozenset({CampaignStatus.NOTICE, CampaignStatus.CLOSED})


class NominationStatus(models.TextChoices):
    NOMINATED = "nominated", _("Nominated")
    AWARDED = "awarded", _("Awarded")
    NOT_AWARDED = "not_awarded", _("Not awarded")
    REVOKED = "revoked", _("Award withdrawn after an objection")


NOMINATION_TRANSITIONS: dict[str, frozenset[str]] = {
    NominationStatus.NOMINATED: frozenset({NominationStatus.AWARDED, NominationStatus.NOT_AWARDED}),
    NominationStatus.AWARDED: frozenset({NominationStatus.REVOKED}),
    NominationStatus.NOT_AWARDED: frozenset(),
    NominationStatus.REVOKED: frozenset(),
}


class ObjectionStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting a decision")
    UPHELD = "upheld", _("Upheld")
    DISMISSED = "dismissed", _("Dismissed")


OBJECTION_TRANSITIONS: dict[str, frozenset[str]] = {
    ObjectionStatus.PENDING: frozenset({ObjectionStatus.UPHELD, ObjectionStatus.DISMISSED}),
    ObjectionStatus.UPHELD: frozenset(),
    ObjectionStatus.DISMISSED: frozenset(),
}
