"""Vocabularies of the score ledger and the rankings: ASCII keys, translated labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Dimension(models.TextChoices):
    """The six sides of an organization's portrait; every ledger source feeds one."""

    BASICS = "basics", _("Basics")
    PARTY = "party", _("Party work")
    ACTIVITIES = "activities", _("Activities")
    SERVICES = "services", _("Services")
    EVALUATION = "evaluation", _("Appraisal")
    CREDIT = "credit", _("Credit")


class SourceKind(models.TextChoices):
    """Where a ledger row's points come from (one fact of a lower app each)."""

    CLAIM_CONFIRMED = "claim_confirmed", _("Confirmed claim")
    CLAIM_RATING = "claim_rating", _("Rating of a claim")
    ACTIVITY_ORGANIZED = "activity_organized", _("Activity organized")
    VOLUNTEER_HOURS = "volunteer_hours", _("Volunteer service hours")
    EVALUATION_GRADE = "evaluation_grade", _("Evaluation grade")
    PARTY_COVERAGE = "party_coverage", _("Party coverage")
    ORGANIZATIONAL_LIFE = "organizational_life", _("Organizational life")
    GRANT_COMPLETED = "grant_completed", _("Grant completed")
    CREDIT_VETO = "credit_veto", _("Credit-list veto")


class PeriodKind(models.TextChoices):
    MONTH = "month", _("Monthly")
    YEAR = "year", _("Yearly")


class ScopeKind(models.TextChoices):
    STREET = "street", _("Street-wide")
    COMMUNITY = "community", _("Per community")
    GROWTH_LEVEL = "growth_level", _("Per growth level")
