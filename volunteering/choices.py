"""Vocabularies of public-benefit activities: ASCII keys, translated labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Series(models.TextChoices):
    PARTNER_DAY = "partner_day", _("公益伙伴日 (public-benefit partner day)")
    DEDICATION_DAY = "dedication_day", _("Members' dedication day (25th)")
    CLAIM_DELIVERY = "claim_delivery", _("Delivery of a claimed list item")
    OTHER = "other", _("Other public-benefit activity")


class OrganizerKind(models.TextChoices):
    ORGANIZATION = "organization", _("Social organization")
    PARTY_ORG = "party_org", _("Party organization")
    HUB = "hub", _("The hub (凯益荟)")
    PARTNER_UNIT = "partner_unit", _("Partner unit")


class Audience(models.TextChoices):
    EVERYONE = "everyone", _("Everyone")
    PARTY_MEMBERS = "party_members", _("Party members")
    ORGANIZATION = "organization", _("The organization's own people")


class AttendanceSource(models.TextChoices):
    """How a sign-in or sign-out came to be recorded."""

    QR = "qr", _("Scanned the session's QR code")
    ORGANIZER = "organizer", _("Marked by the organizer")
    SUPPLEMENT = "supplement", _("Supplement (approved)")
