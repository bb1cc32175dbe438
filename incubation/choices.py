"""Fixed vocabularies of the organization registry: ASCII keys, translated labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class LegalStatus(models.TextChoices):
    SOCIAL_GROUP = "social_group", _("Social group (registered)")
    PRIVATE_NON_ENTERPRISE = "private_non_enterprise", _("Private non-enterprise unit (registered)")
    FOUNDATION = "foundation", _("Foundation (registered)")
    FILED = "filed", _("Community social organization (filed)")


# Position 2 of a social organization's 统一社会信用代码 for each registered legal status.
USCC_TYPE_FOR_STATUS = {
    LegalStatus.SOCIAL_GROUP: "1",
    LegalStatus.PRIVATE_NON_ENTERPRISE: "2",
    LegalStatus.FOUNDATION: "3",
}


class ServiceField(models.TextChoices):
    RESIDENT_SERVICES = "resident_services", _("Services for residents")
    NEIGHBOURLY_HELP = "neighbourly_help", _("Neighbourly help")
    CHARITY = "charity", _("Public welfare and charity")
    SAFETY = "safety", _("Safe community")
    CULTURE_SPORTS = "culture_sports", _("Culture and sports")
    ELDERLY = "elderly", _("Elderly care")
    DISABILITY = "disability", _("Disability support")
    YOUTH = "youth", _("Children and youth")
    ENVIRONMENT = "environment", _("Environment")
    OTHER = "other", _("Other")


class PoliticalStatus(models.TextChoices):
    PARTY_MEMBER = "party_member", _("CPC member")
    PROBATIONARY_MEMBER = "probationary_member", _("CPC probationary member")
    LEAGUE_MEMBER = "league_member", _("Communist Youth League member")
    DEMOCRATIC_PARTY = "democratic_party", _("Member of a democratic party")
    MASSES = "masses", _("Ordinary citizen")


class GrowthLevel(models.TextChoices):
    RESIDENT_TEAM = "resident_team", _("Resident core team")
    PIONEER_CLUB = "pioneer_club", _("Pioneer club")
    COMMUNITY_ORG = "community_org", _("Community social organization")
    HUB_ORG = "hub_org", _("Hub organization")


class IncubationType(models.TextChoices):
    STARTUP = "startup", _("Start-up")
    GROWING = "growing", _("Growing")
    MATURE = "mature", _("Mature")


class Grade(models.TextChoices):
    A1 = "1A", _("1A")
    A2 = "2A", _("2A")
    A3 = "3A", _("3A")
    A4 = "4A", _("4A")
    A5 = "5A", _("5A")


class AnnualReviewResult(models.TextChoices):
    PASSED = "passed", _("Passed")
    BASICALLY_PASSED = "basically_passed", _("Basically passed")
    FAILED = "failed", _("Failed")
    ABSENT = "absent", _("Did not take part")


class IncubationServiceKind(models.TextChoices):
    PARTY_BUILDING = "party_building", _("Party building")
    CAPACITY = "capacity", _("Capacity building")
    TALENT = "talent", _("Talent development")
    SUPPORT = "support", _("Support and incentives")
    SUPERVISION = "supervision", _("Supervision")
    ASSESSMENT = "assessment", _("Capacity assessment")
    FOLLOW_UP = "follow_up", _("Follow-up service")


class CreditList(models.TextChoices):
    ABNORMAL = "abnormal", _("List of abnormal activities")
    SERIOUS = "serious", _("List of serious violations and dishonesty")


class CreditGround(models.TextChoices):
    LATE_ANNUAL_REPORT = "late_annual_report", _("Annual report not submitted on time")
    NO_PARTY_ORGANIZATION = "no_party_organization", _("No party organization where required")
    FINE_UNDER_50K = "fine_under_50k", _("Administrative fine under 50,000 yuan")
    UNREACHABLE = "unreachable", _("Cannot be reached at the registered address")
    TWO_YEARS_ABNORMAL = "two_years_abnormal", _("Two years on the abnormal list")
    FINE_50K_OR_MORE = "fine_50k_or_more", _("Administrative fine of 50,000 yuan or more")
    OTHER = "other", _("Other")


class EventKind(models.TextChoices):
    CREATED = "created", _("Created")
    UPDATED = "updated", _("Details changed")
    STAGE_CHANGED = "stage_changed", _("Stage changed")
    PHASE_CHANGED = "phase_changed", _("Incubation phase changed")
    CODE_EXEMPTED = "code_exempted", _("Code marked checksum-exempt")
    CREDIT_LISTED = "credit_listed", _("Put on a credit list")
    CREDIT_CLEARED = "credit_cleared", _("Removed from a credit list")
    PAIRED = "paired", _("Paired with a mentor")
    PAIRING_ENDED = "pairing_ended", _("Pairing with a mentor ended")
    GRADE_SET = "grade_set", _("Grade set")
    ANNUAL_REVIEW_RESULT = "annual_review_result", _("Annual review result recorded")
    TERM_RENEWED = "term_renewed", _("Council term renewed")


class DocumentKind(models.TextChoices):
    ARTICLES = "articles", _("Articles of association")
    REGISTRATION_CERTIFICATE = "registration_certificate", _("Registration certificate")
    AUDIT_REPORT = "audit_report", _("Annual audit report")
    RE_ELECTION = "re_election", _("Re-election papers")
    OTHER = "other", _("Other document")
