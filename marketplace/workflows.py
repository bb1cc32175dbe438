"""The marketplace's statuses and their transitions, as data. Only the transition
functions of ``marketplace.services`` change a status, and only along these tables."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class BatchStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    CLOSED = "closed", _("Closed")
    ARCHIVED = "archived", _("Archived")


BATCH_TRANSITIONS: dict[str, frozenset[str]] = {
    BatchStatus.DRAFT: frozenset({BatchStatus.PUBLISHED}),
    BatchStatus.PUBLISHED: frozenset({BatchStatus.CLOSED}),
    BatchStatus.CLOSED: frozenset({BatchStatus.ARCHIVED, BatchStatus.PUBLISHED}),
    BatchStatus.ARCHIVED: frozenset(),
}


class ListingStatus(models.TextChoices):
    """Needs and resources: checked by staff before anybody sees them."""

    PENDING = "pending", _("Awaiting verification")
    LISTED = "listed", _("Listed")
    REJECTED = "rejected", _("Rejected")
    FULFILLED = "fulfilled", _("Fulfilled")
    WITHDRAWN = "withdrawn", _("Withdrawn")


LISTING_TRANSITIONS: dict[str, frozenset[str]] = {
    ListingStatus.PENDING: frozenset({ListingStatus.LISTED, ListingStatus.REJECTED}),
    ListingStatus.LISTED: frozenset({ListingStatus.FULFILLED, ListingStatus.WITHDRAWN}),
    ListingStatus.REJECTED: frozenset({ListingStatus.PENDING}),
    ListingStatus.FULFILLED: frozenset(),
    ListingStatus.WITHDRAWN: frozenset(),
}


class ProjectStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    MATCHED = "matched", _("Matched")
    DELIVERING = "delivering", _("In delivery")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


PROJECT_TRANSITIONS: dict[str, frozenset[str]] = {
    ProjectStatus.PROPOSED: frozenset({ProjectStatus.MATCHED, ProjectStatus.CANCELLED}),
    ProjectStatus.MATCHED: frozenset({ProjectStatus.DELIVERING, ProjectStatus.CANCELLED}),
    ProjectStatus.DELIVERING: frozenset({ProjectStatus.COMPLETED, ProjectStatus.CANCELLED}),
    ProjectStatus.COMPLETED: frozenset(),
    ProjectStatus.CANCELLED: frozenset(),
}
# "Projects matched" (the hub's 340) counts projects whose match staff confirmed.
MATCHED_PROJECT_STATUSES = frozenset(
    {ProjectStatus.MATCHED, ProjectStatus.DELIVERING, ProjectStatus.COMPLETED}
)


class ClaimStatus(models.TextChoices):
    CLAIMED = "claimed", _("Claimed")
    IN_PROGRESS = "in_progress", _("In progress")
    EVIDENCE_SUBMITTED = "evidence_submitted", _("Evidence submitted")
    CONFIRMED = "confirmed", _("Confirmed")
    RATED = "rated", _("Rated")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")


C = ClaimStatus

CLAIM_TRANSITIONS: dict[str, frozenset[str]] = {
    C.CLAIMED: frozenset({C.IN_PROGRESS, C.CANCELLED, C.EXPIRED, C.REVOKED}),
    C.IN_PROGRESS: frozenset({C.EVIDENCE_SUBMITTED, C.CANCELLED, C.EXPIRED, C.REVOKED}),
    # Staff confirm the evidence, or send it back for more.
    C.EVIDENCE_SUBMITTED: frozenset({C.CONFIRMED, C.IN_PROGRESS, C.REVOKED}),
    C.CONFIRMED: frozenset({C.RATED}),
    C.RATED: frozenset(),
    C.CANCELLED: frozenset(),
    C.EXPIRED: frozenset(),
    C.REVOKED: frozenset(),
}
# A live claim holds its slot of the item (the database allows one live claim per slot).
LIVE_CLAIM_STATUSES = frozenset(
    {C.CLAIMED, C.IN_PROGRESS, C.EVIDENCE_SUBMITTED, C.CONFIRMED, C.RATED}
)
# Still running: the deadline applies, the claimant may cancel, the nightly sweep expires.
OPEN_CLAIM_STATUSES = frozenset({C.CLAIMED, C.IN_PROGRESS})
# Done: counted in the figures and the rankings by the confirmation time.
DONE_CLAIM_STATUSES = frozenset({C.CONFIRMED, C.RATED})
# Moves made by the claimant; the others are staff's (expiry is the system's).
CLAIMANT_MOVES = frozenset({C.IN_PROGRESS, C.EVIDENCE_SUBMITTED, C.CANCELLED})
STAFF_MOVES = frozenset({C.IN_PROGRESS, C.CONFIRMED, C.RATED, C.REVOKED})


class WishStatus(models.TextChoices):
    COLLECTED = "collected", _("Collected")
    VERIFIED = "verified", _("Verified")
    PUBLISHED = "published", _("Published")
    CLAIMED = "claimed", _("Claimed")
    DELIVERED = "delivered", _("Delivered")
    CONFIRMED = "confirmed", _("Fulfilled")
    WITHDRAWN = "withdrawn", _("Withdrawn")


W = WishStatus

WISH_TRANSITIONS: dict[str, frozenset[str]] = {
    W.COLLECTED: frozenset({W.VERIFIED, W.WITHDRAWN}),
    W.VERIFIED: frozenset({W.PUBLISHED, W.WITHDRAWN}),
    W.PUBLISHED: frozenset({W.CLAIMED, W.WITHDRAWN}),
    # A claim that ends without delivery puts the wish back on the wall.
    W.CLAIMED: frozenset({W.DELIVERED, W.PUBLISHED}),
    W.DELIVERED: frozenset({W.CONFIRMED, W.CLAIMED}),
    W.CONFIRMED: frozenset(),
    W.WITHDRAWN: frozenset(),
}
# Shown on the public wish wall.
PUBLIC_WISH_STATUSES = frozenset({W.PUBLISHED, W.CLAIMED, W.DELIVERED, W.CONFIRMED})
