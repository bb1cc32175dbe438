"""Statuses of activities, places and hour supplements, and their transitions, as data.
Only the transition functions of ``volunteering.services`` change a status."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ActivityStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Awaiting approval")
    PUBLISHED = "published", _("Published")
    REJECTED = "rejected", _("Sent back")
    CANCELLED = "cancelled", _("Cancelled")
    FINISHED = "finished", _("Finished")


ACTIVITY_TRANSITIONS: dict[str, frozenset[str]] = {
    ActivityStatus.DRAFT: frozenset({ActivityStatus.SUBMITTED, ActivityStatus.CANCELLED}),
    ActivityStatus.SUBMITTED: frozenset({ActivityStatus.PUBLISHED, ActivityStatus.REJECTED}),
    ActivityStatus.REJECTED: frozenset({ActivityStatus.SUBMITTED, ActivityStatus.CANCELLED}),
    ActivityStatus.PUBLISHED: frozenset({ActivityStatus.CANCELLED, ActivityStatus.FINISHED}),
    ActivityStatus.CANCELLED: frozenset(),
    ActivityStatus.FINISHED: frozenset(),
}
# What the public calendar and the portal show.
PUBLIC_ACTIVITY_STATUSES = frozenset({ActivityStatus.PUBLISHED, ActivityStatus.FINISHED})


class PlaceStatus(models.TextChoices):
    """A person's place at a session: signed up, on the waiting list, or gone."""

    CONFIRMED = "confirmed", _("Signed up")
    WAITING = "waiting", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")
    ATTENDED = "attended", _("Attended")
    NO_SHOW = "no_show", _("Did not come")


PLACE_TRANSITIONS: dict[str, frozenset[str]] = {
    PlaceStatus.WAITING: frozenset({PlaceStatus.CONFIRMED, PlaceStatus.CANCELLED}),
    PlaceStatus.CONFIRMED: frozenset(
        {PlaceStatus.CANCELLED, PlaceStatus.ATTENDED, PlaceStatus.NO_SHOW}
    ),
    # A no-show who brings a paper record gets the attendance back through a supplement.
    PlaceStatus.NO_SHOW: frozenset({PlaceStatus.ATTENDED}),
    PlaceStatus.CANCELLED: frozenset(),
    PlaceStatus.ATTENDED: frozenset(),
}
# A person holds at most one live place per session (a database constraint).
LIVE_PLACE_STATUSES = frozenset(
    {PlaceStatus.CONFIRMED, PlaceStatus.WAITING, PlaceStatus.ATTENDED, PlaceStatus.NO_SHOW}
)
# Places that take one of the session's capacity.
TAKEN_PLACE_STATUSES = frozenset({PlaceStatus.CONFIRMED, PlaceStatus.ATTENDED})


class SupplementStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting a second person's approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


SUPPLEMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    SupplementStatus.PENDING: frozenset({SupplementStatus.APPROVED, SupplementStatus.REJECTED}),
    SupplementStatus.APPROVED: frozenset(),
    SupplementStatus.REJECTED: frozenset(),
}
