"""Lifecycle stages and incubation phases, with their allowed transitions as data.

Keys are ASCII; Chinese names are translations. Only the transition services in
``incubation.services`` change a stage or phase, and only along these tables.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role


class Stage(models.TextChoices):
    REGISTRATION = "registration", _("Registration")
    ONBOARDING = "onboarding", _("Onboarding")
    MANAGEMENT = "management", _("Management")
    ANNUAL_REVIEW = "annual_review", _("Annual review")
    RE_ELECTION = "re_election", _("Re-election")
    AWARDS = "awards", _("Awards")
    GRADUATED = "graduated", _("Graduated")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    DEREGISTERED = "deregistered", _("Deregistered")


# The six lifecycle stages, in order of first passage (dashboards count these).
LIFECYCLE_STAGES = [
    Stage.REGISTRATION,
    Stage.ONBOARDING,
    Stage.MANAGEMENT,
    Stage.ANNUAL_REVIEW,
    Stage.RE_ELECTION,
    Stage.AWARDS,
]
# Leaving the hub ends the lifecycle.
EXIT_STAGES = frozenset({Stage.GRADUATED, Stage.WITHDRAWN, Stage.DEREGISTERED})

STAGE_TRANSITIONS: dict[str, frozenset[str]] = {
    Stage.REGISTRATION: frozenset({Stage.ONBOARDING, Stage.WITHDRAWN, Stage.DEREGISTERED}),
    Stage.ONBOARDING: frozenset({Stage.MANAGEMENT, Stage.WITHDRAWN, Stage.DEREGISTERED}),
    Stage.MANAGEMENT: frozenset(
        {
            Stage.ANNUAL_REVIEW,
            Stage.RE_ELECTION,
            Stage.AWARDS,
            Stage.GRADUATED,
            Stage.WITHDRAWN,
            Stage.DEREGISTERED,
        }
    ),
    Stage.ANNUAL_REVIEW: frozenset({Stage.MANAGEMENT, Stage.DEREGISTERED}),
    Stage.RE_ELECTION: frozenset({Stage.MANAGEMENT, Stage.DEREGISTERED}),
    Stage.AWARDS: frozenset({Stage.MANAGEMENT}),
    Stage.GRADUATED: frozenset(),
    Stage.WITHDRAWN: frozenset(),
    Stage.DEREGISTERED: frozenset(),
}

# Who may make a change: street staff may make any allowed change; community staff the
# everyday ones of their own community. Organization leaders never change stages.
STAGE_CHANGE_ROLES: dict[tuple[str, str], frozenset[str]] = {
    (Stage.REGISTRATION, Stage.ONBOARDING): frozenset({Role.COMMUNITY_STAFF}),
    (Stage.ONBOARDING, Stage.MANAGEMENT): frozenset({Role.COMMUNITY_STAFF}),
    (Stage.MANAGEMENT, Stage.ANNUAL_REVIEW): frozenset({Role.COMMUNITY_STAFF}),
    (Stage.MANAGEMENT, Stage.RE_ELECTION): frozenset({Role.COMMUNITY_STAFF}),
}
ALWAYS_ALLOWED_ROLES = frozenset({Role.STREET_ADMIN})


def stage_change_roles(from_stage: str, to_stage: str) -> frozenset[str]:
    return ALWAYS_ALLOWED_ROLES | STAGE_CHANGE_ROLES.get((from_stage, to_stage), frozenset())


class IncubationPhase(models.TextChoices):
    NONE = "", _("Not incubated")
    ENTERED = "entered", _("Entered the incubator")
    INCUBATING = "incubating", _("Incubating")
    GRADUATED = "graduated", _("Graduated from the incubator")
    FOLLOW_UP = "follow_up", _("Follow-up service")


PHASE_TRANSITIONS: dict[str, frozenset[str]] = {
    IncubationPhase.NONE: frozenset({IncubationPhase.ENTERED}),
    IncubationPhase.ENTERED: frozenset({IncubationPhase.INCUBATING, IncubationPhase.NONE}),
    IncubationPhase.INCUBATING: frozenset({IncubationPhase.GRADUATED, IncubationPhase.NONE}),
    IncubationPhase.GRADUATED: frozenset({IncubationPhase.FOLLOW_UP}),
    IncubationPhase.FOLLOW_UP: frozenset(),
}
