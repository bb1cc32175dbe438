"""Codes of the marketplace (凯益集市). Keys are ASCII; the Chinese is a translation."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ListKind(models.TextChoices):
    """The three published lists (三张清单)."""

    NEEDS = "needs", _("Needs list")
    RESOURCES = "resources", _("Resources list")
    PROJECTS = "projects", _("Projects list")


class NeedSource(models.TextChoices):
    HOME_VISIT = "home_visit", _("Home visit")
    HOTLINE = "hotline", _("Hotline")
    RESIDENT_MEETING = "resident_meeting", _("Resident meeting")
    OTHER = "other", _("Other")


class NeedNature(models.TextChoices):
    SERVICE = "service", _("Service")
    GOODS = "goods", _("Goods")


class TargetGroup(models.TextChoices):
    ELDERLY_ALONE = "elderly_alone", _("Elderly living alone")
    ELDERLY = "elderly", _("Elderly")
    CHILDREN = "children", _("Children in difficulty")
    DISABLED = "disabled", _("People with disabilities")
    LOW_INCOME = "low_income", _("Families on minimum living allowance")
    VETERANS = "veterans", _("Veterans")
    RESIDENTS = "residents", _("All residents")


class ProviderKind(models.TextChoices):
    ORGANIZATION = "organization", _("Social organization")
    PARTY_MEMBER = "party_member", _("Party member")
    PARTNER_UNIT = "partner_unit", _("Partner unit")
    VOLUNTEER_TEAM = "volunteer_team", _("Volunteer team")


class FundSource(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise")
    FOUNDATION = "foundation", _("Foundation")
    GOVERNMENT = "government", _("Government purchase of services")
    SELF_RAISED = "self_raised", _("Self-raised")
    IN_KIND = "in_kind", _("In kind (valued)")


class AgeBand(models.TextChoices):
    CHILD = "child", _("Under 14")
    YOUTH = "youth", _("14 to 35")
    ADULT = "adult", _("36 to 59")
    SENIOR = "senior", _("60 to 79")
    ELDER = "elder", _("80 and over")


class ClaimTarget(models.TextChoices):
    NEED = "need", _("Need")
    PROJECT = "project", _("Project")
    WISH = "wish", _("Micro-wish")
