"""Vocabularies of party building: ASCII keys, translated labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PartyOrgKind(models.TextChoices):
    COMMITTEE = "committee", _("Party committee")
    GENERAL_BRANCH = "general_branch", _("General party branch")
    BRANCH = "branch", _("Party branch")


# Which kind may sit under which (党委 → 党总支 → 党支部; a branch may also sit directly
# under the committee).
ALLOWED_PARENTS = {
    PartyOrgKind.COMMITTEE: {None},
    PartyOrgKind.GENERAL_BRANCH: {PartyOrgKind.COMMITTEE},
    PartyOrgKind.BRANCH: {PartyOrgKind.COMMITTEE, PartyOrgKind.GENERAL_BRANCH},
}


class Establishment(models.TextChoices):
    SINGLE = "single", _("Set up alone")
    JOINT = "joint", _("Set up jointly")
    FUNCTIONAL = "functional", _("Functional")


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class MemberStatus(models.TextChoices):
    FULL = "full", _("Full member")
    PROBATIONARY = "probationary", _("Probationary member")


class CoverageKind(models.TextChoices):
    OWN_BRANCH = "own_branch", _("Own branch")
    JOINT_BRANCH = "joint_branch", _("Joint branch")
    INSTRUCTOR = "instructor", _("Instructor only")
    NONE = "none", _("Not covered")


class ActivityKind(models.TextChoices):
    GENERAL_ASSEMBLY = "general_assembly", _("Branch general assembly")
    COMMITTEE_MEETING = "committee_meeting", _("Branch committee meeting")
    GROUP_MEETING = "group_meeting", _("Party group meeting")
    PARTY_LECTURE = "party_lecture", _("Party lecture")
    THEME_DAY = "theme_day", _("Theme party day")
    DEDICATION_DAY = "dedication_day", _("Members' dedication day (25th)")
    VOLUNTEERING = "volunteering", _("Volunteer service")


class DevelopmentStage(models.TextChoices):
    APPLICANT = "applicant", _("Applicant")
    ACTIVIST = "activist", _("Activist")
    CANDIDATE = "candidate", _("Development candidate")
    PROBATIONARY = "probationary", _("Probationary member")
    FULL = "full", _("Full member")
    CANCELLED = "cancelled", _("Cancelled")


class PreReviewResult(models.TextChoices):
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
