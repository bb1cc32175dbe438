"""Statuses of the evaluation models and their allowed transitions, as data.

Only the transition functions in ``evaluation.services`` change a status, and only along
these tables. Keys are ASCII; Chinese names are translations.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CycleStatus(models.TextChoices):
    DRAFT = "draft", _("Being prepared")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Finished")


CYCLE_TRANSITIONS: dict[str, frozenset[str]] = {
    CycleStatus.DRAFT: frozenset({CycleStatus.OPEN}),
    CycleStatus.OPEN: frozenset({CycleStatus.CLOSED}),
    CycleStatus.CLOSED: frozenset(),
}


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for revision")
    FINALIZED = "finalized", _("Finalized")


REVIEW_TRANSITIONS: dict[str, frozenset[str]] = {
    ReviewStatus.DRAFT: frozenset({ReviewStatus.SUBMITTED}),
    ReviewStatus.SUBMITTED: frozenset({ReviewStatus.RETURNED, ReviewStatus.FINALIZED}),
    ReviewStatus.RETURNED: frozenset({ReviewStatus.SUBMITTED}),
    ReviewStatus.FINALIZED: frozenset(),
}
# The leader may edit the form in these statuses (before the deadline or an extension).
EDITABLE_STATUSES = frozenset({ReviewStatus.DRAFT, ReviewStatus.RETURNED})


class AssignmentStatus(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned")
    SUBMITTED = "submitted", _("Scores submitted")
    CONFLICT = "conflict", _("Withdrawn: conflict of interest")


ASSIGNMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    AssignmentStatus.ASSIGNED: frozenset({AssignmentStatus.SUBMITTED, AssignmentStatus.CONFLICT}),
    # Staff reopen submitted scores when the review was returned and resubmitted.
    AssignmentStatus.SUBMITTED: frozenset({AssignmentStatus.ASSIGNED}),
    AssignmentStatus.CONFLICT: frozenset(),
}
