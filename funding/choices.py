"""Fixed vocabularies of funding: ASCII keys, translated labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TrackKind(models.TextChoices):
    REGISTERED = "registered", _("Registered organizations")
    FILED = "filed", _("Filed community organizations")


class MilestoneKind(models.TextChoices):
    AGREEMENT = "agreement", _("Agreement signed")
    MIDTERM = "midterm", _("Mid-term report")
    FINAL = "final", _("Final acceptance")


class ReportKind(models.TextChoices):
    MIDTERM = "midterm", _("Mid-term report")
    FINAL = "final", _("Final report")


class AcceptanceResult(models.TextChoices):
    PASSED = "passed", _("Passed")
    BASICALLY_PASSED = "basically_passed", _("Basically passed")
    FAILED = "failed", _("Failed")


class AttachmentKind(models.TextChoices):
    APPLICATION = "application", _("Application material")
    MIDTERM = "midterm", _("Mid-term report material")
    FINAL = "final", _("Final report material")
