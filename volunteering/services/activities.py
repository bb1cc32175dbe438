"""Activities and their sessions: drafted by the organizer, approved by staff, then public.

Every status change goes through ``activity_transition`` and leaves an ``ActivityEvent``."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.decisions import refuse_unless
from core.errors import ActionRefused
from core.transitions import refuse_unless_allowed
from marketplace.workflows import ClaimStatus
from volunteering.choices import OrganizerKind, Series
from volunteering.models import Activity, ActivityEvent, Place, Session
from volunteering.notices import activity_cancelled
from volunteering.permissions import can_approve_activity, can_organize
from volunteering.services.places import place_transition
from volunteering.workflows import ACTIVITY_TRANSITIONS, ActivityStatus, PlaceStatus

S = ActivityStatus
# A claim's delivery (a service day for a need, a project) is held while it is under way.
DELIVERING_CLAIM_STATUSES = frozenset({ClaimStatus.CLAIMED, ClaimStatus.IN_PROGRESS})


def activity_create(*, actor, **fields) -> Activity:
    """A draft activity. The organizer's kind decides which organizer field is needed; a
    dedication-day activity is a party branch's; a claim's delivery names the claim."""
    activity = Activity(created_by=actor if getattr(actor, "pk", None) else None, **fields)
    errors = {}
    if activity.series == Series.DEDICATION_DAY and activity.organizer_kind != (
        OrganizerKind.PARTY_ORG
    ):
        errors["organizer_kind"] = _("The members' dedication day is organized by a branch.")
    if activity.series == Series.CLAIM_DELIVERY and activity.claim is None:
        errors["claim"] = _("Name the claim this activity delivers.")
    elif activity.claim is not None:
        claim = activity.claim
        if claim.organization_id is None or claim.organization_id != activity.organization_id:
            errors["claim"] = _("The claim is not the organizing organization's.")
        elif claim.status not in DELIVERING_CLAIM_STATUSES:
            errors["claim"] = _("Only a claim being delivered can be delivered as an activity.")
    if activity.community is not None and activity.community.street_id != activity.street_id:
        errors["community"] = _("The community belongs to another street.")
    if errors:
        raise ValidationError(errors)
    activity.full_clean()
    refuse_unless(can_organize(actor, activity))
    with transaction.atomic():
        activity.save()
        ActivityEvent.record(activity=activity, actor=actor, to_value=S.DRAFT)
    return activity


def session_add(activity: Activity, *, starts_at, ends_at, actor) -> Session:
    refuse_unless(can_organize(actor, activity))
    if activity.status in (S.CANCELLED, S.FINISHED):
        raise ActionRefused(_("A cancelled or finished activity takes no new sessions."))
    errors = {}
    if ends_at <= starts_at:
        errors["ends_at"] = _("The session must end after it starts.")
    elif ends_at - starts_at > datetime.timedelta(hours=12):
        errors["ends_at"] = _("A session lasts at most 12 hours; add one per day.")
    if errors:
        raise ValidationError(errors)
    return Session.objects.create(activity=activity, starts_at=starts_at, ends_at=ends_at)


def activity_transition(activity: Activity, to: str, *, actor, note: str = "") -> Activity:
    """The one way an activity's status changes: checked against the table, in a
    transaction with its event."""
    with transaction.atomic():
        locked = Activity.objects.select_for_update().get(pk=activity.pk)
        refuse_unless_allowed(ACTIVITY_TRANSITIONS, S, locked.status, to, _("activity"))
        before = locked.status
        locked.status = to
        changed = ["status", "updated_at"]
        if to == S.PUBLISHED:
            locked.published_at = timezone.now()
            changed.append("published_at")
        locked.save(update_fields=changed)
        ActivityEvent.record(
            activity=locked, actor=actor, from_value=before, to_value=to, note=note
        )
    activity.status, activity.published_at = locked.status, locked.published_at
    return activity


def activity_submit(activity: Activity, *, actor) -> Activity:
    refuse_unless(can_organize(actor, activity))
    if not activity.sessions.exists():
        raise ActionRefused(_("Add at least one session before asking for approval."))
    return activity_transition(activity, S.SUBMITTED, actor=actor)


def activity_approve(activity: Activity, *, actor, note: str = "") -> Activity:
    """Staff approve and publish: from now on the calendar shows it and people sign up."""
    refuse_unless(can_approve_activity(actor, activity))
    return activity_transition(activity, S.PUBLISHED, actor=actor, note=note)


def activity_reject(activity: Activity, *, actor, reason: str) -> Activity:
    refuse_unless(can_approve_activity(actor, activity))
    if not (reason or "").strip():
        raise ActionRefused(_("Say why the activity is sent back."))
    return activity_transition(activity, S.REJECTED, actor=actor, note=reason)


def activity_cancel(activity: Activity, *, actor, reason: str) -> Activity:
    """Cancel; the places of sessions not yet held end with it and their people are told."""
    refuse_unless(can_organize(actor, activity))
    if not (reason or "").strip():
        raise ActionRefused(_("Say why the activity is cancelled; those signed up are told."))
    with transaction.atomic():
        activity_transition(activity, S.CANCELLED, actor=actor, note=reason)
        ended = []
        for place in Place.objects.select_for_update().filter(
            session__activity=activity,
            session__starts_at__gt=timezone.now(),
            status__in=(PlaceStatus.CONFIRMED, PlaceStatus.WAITING),
        ):
            place_transition(place, PlaceStatus.CANCELLED, actor=actor, note=reason)
            ended.append(place.pk)
        transaction.on_commit(lambda: activity_cancelled(activity.pk, ended, reason))
    return activity


def activity_draft(*, actor, starts_at, ends_at, **fields) -> Activity:
    """A draft activity with its first session, both or neither (the portal's form)."""
    with transaction.atomic():
        activity = activity_create(actor=actor, **fields)
        session_add(activity, starts_at=starts_at, ends_at=ends_at, actor=actor)
    return activity


def session_renew_qr(session: Session, *, actor) -> Session:
    """Replace the session's QR codes: every copy shown or printed before stops working
    (a photo of the code sent around)."""
    refuse_unless(can_organize(actor, session.activity))
    with transaction.atomic():
        locked = Session.objects.select_for_update().get(pk=session.pk)
        locked.qr_version += 1
        locked.save(update_fields=["qr_version"])
        ActivityEvent.record(
            activity=session.activity,
            actor=actor,
            note=_("QR codes of the session of %(time)s replaced")
            % {"time": timezone.localtime(locked.starts_at).strftime("%Y-%m-%d %H:%M")},
        )
    session.qr_version = locked.qr_version
    return session
