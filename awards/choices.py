"""Choices of award campaigns. Keys are ASCII; Chinese names are translations."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AwardeeKind(models.TextChoices):
    ORGANIZATION = "organization", _("Organization")
    PARTY_ORG = "party_org", _("Party organization")
    PERSON = "person", _("Person")


class NominatedAs(models.TextChoices):
    STAFF = "staff", _("Nominated by street staff")
    COMMUNITY = "community", _("Nominated by the community")
    SELF = "self", _("Self-nomination")


class CampaignEventKind(models.TextChoices):
    STATUS = "status", _("Status changed")
    NOMINATION = "nomination", _("Nomination")
    JUDGE = "judge", _("Judge assigned")
    OBJECTION = "objection", _("Objection")
    HONOUR = "honour", _("Honour")
