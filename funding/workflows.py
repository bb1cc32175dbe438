"""The grant application's workflow, as data. Only
``funding.services.applications.application_transition`` changes ``Application.status``,
and only along ``APPLICATION_TRANSITIONS``."""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from funding.choices import MilestoneKind


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    WAITLISTED = "waitlisted", _("Waitlisted")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    IN_PROGRESS = "in_progress", _("Agreement signed, in delivery")
    COMPLETED = "completed", _("Completed")
    TERMINATED = "terminated", _("Terminated")


S = ApplicationStatus

APPLICATION_TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.SUBMITTED}),
    S.SUBMITTED: frozenset({S.APPROVED, S.WAITLISTED, S.REJECTED}),
    S.WAITLISTED: frozenset({S.APPROVED, S.REJECTED}),
    S.APPROVED: frozenset({S.IN_PROGRESS, S.TERMINATED}),
    S.IN_PROGRESS: frozenset({S.COMPLETED, S.TERMINATED}),
    S.REJECTED: frozenset(),
    S.COMPLETED: frozenset(),
    S.TERMINATED: frozenset(),
}

# Award decisions (each with a message to the applicant).
DECISION_STATUSES = frozenset({S.APPROVED, S.WAITLISTED, S.REJECTED})
# Statuses whose awarded amount is committed against the call's budget. A terminated
# grant keeps only what was already paid (see selectors.committed_amount).
COMMITTED_STATUSES = frozenset({S.APPROVED, S.IN_PROGRESS, S.COMPLETED})
# A grant still running: a second application for the same project is not eligible.
OPEN_GRANT_STATUSES = frozenset({S.APPROVED, S.IN_PROGRESS})
# Funded projects (the published figure counts these).
FUNDED_STATUSES = frozenset({S.APPROVED, S.IN_PROGRESS, S.COMPLETED, S.TERMINATED})
# Applications experts score.
SCORABLE_STATUSES = frozenset({S.SUBMITTED, S.WAITLISTED})

# The default tranche plan: half on agreement, half on final acceptance.
DEFAULT_MILESTONES: tuple[tuple[str, Decimal], ...] = (
    (MilestoneKind.AGREEMENT, Decimal("50")),
    (MilestoneKind.FINAL, Decimal("50")),
)
MILESTONE_ORDER = {
    MilestoneKind.AGREEMENT: 0,
    MilestoneKind.MIDTERM: 1,
    MilestoneKind.FINAL: 2,
}

# An earlier project accepted as 不合格 blocks new grants for this many years.
FAILED_PROJECT_BLOCK_YEARS = 2
# Report reminders: this many days before the due date, then once overdue.
REPORT_REMINDER_DAYS = (14, 3)
