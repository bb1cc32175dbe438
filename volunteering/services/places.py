"""Places at a session: sign-up with a waiting list, sign-in and sign-out by the venue's
QR code or the organizer's mark, no-shows, and the hours that follow.

Every status change goes through ``place_transition`` and leaves a ``PlaceEvent``. The
session row is locked while places are counted, so the last place goes to one person and
a cancellation moves exactly the first on the waiting list up."""

from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core.decisions import refuse_unless
from core.errors import ActionRefused
from core.transitions import refuse_unless_allowed
from partybuilding.choices import ActivityKind
from partybuilding.services.activities import activity_attendance_record
from volunteering.choices import AttendanceSource, Audience, Series
from volunteering.hours import stay_hours
from volunteering.models import Place, PlaceEvent, Session, Volunteer
from volunteering.notices import place_moved_up
from volunteering.permissions import can_organize
from volunteering.services.volunteers import volunteer_register
from volunteering.tokens import SIGN_IN, SIGN_OUT, read_token
from volunteering.workflows import (
    LIVE_PLACE_STATUSES,
    PLACE_TRANSITIONS,
    TAKEN_PLACE_STATUSES,
    ActivityStatus,
    PlaceStatus,
)

P = PlaceStatus


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%H:%M")


def place_transition(place: Place, to: str, *, actor, note: str = "", **fields) -> Place:
    """The one way a place's status changes; ``fields`` are written with it. The caller
    holds the transaction."""
    refuse_unless_allowed(PLACE_TRANSITIONS, P, place.status, to, _("place"))
    before = place.status
    place.status = to
    for name, value in fields.items():
        setattr(place, name, value)
    place.save(update_fields=["status", "updated_at", *fields])
    PlaceEvent.record(place=place, actor=actor, from_value=before, to_value=to, note=note)
    return place


def audience_refusal(activity, volunteer: Volunteer) -> str:
    """Why this person may not join, in words; '' when they may."""
    if activity.audience == Audience.PARTY_MEMBERS and volunteer.party_member_id is None:
        return _("This activity is for party members.")
    if activity.audience == Audience.ORGANIZATION:
        member = volunteer.party_member
        works_there = member is not None and member.organization_id == activity.organization_id
        leads = volunteer.account_id is not None and (
            activity.organization is not None
            and activity.organization.leader_accounts.filter(pk=volunteer.account_id).exists()
        )
        if not (works_there or leads):
            return _("This activity is for the people of %(org)s.") % {
                "org": activity.organizer_name
            }
    return ""


def _taken(session: Session) -> int:
    return session.places.filter(status__in=TAKEN_PLACE_STATUSES).count()


def sign_up(session: Session, volunteer: Volunteer, *, actor, now=None) -> Place:
    """A place at the session, or one on its waiting list when it is full."""
    now = now or timezone.now()
    activity = session.activity
    if activity.status != ActivityStatus.PUBLISHED:
        raise ActionRefused(_("This activity is not open for sign-up."))
    if now > activity.recruit_until:
        raise ActionRefused(
            _("Sign-up closed at %(time)s.") % {"time": _local(activity.recruit_until)}
        )
    if now >= session.ends_at:
        raise ActionRefused(_("This session is over."))
    problem = audience_refusal(activity, volunteer)
    if problem:
        raise ActionRefused(problem)
    try:
        with transaction.atomic():
            locked = Session.objects.select_for_update().get(pk=session.pk)
            if locked.places.filter(volunteer=volunteer, status__in=LIVE_PLACE_STATUSES).exists():
                raise ActionRefused(_("You have signed up for this session already."))
            full = _taken(locked) >= activity.capacity
            status = P.WAITING if full else P.CONFIRMED
            place = Place.objects.create(session=locked, volunteer=volunteer, status=status)
            PlaceEvent.record(place=place, actor=actor, to_value=status)
    except IntegrityError:
        raise ActionRefused(_("You have signed up for this session already.")) from None
    return place


def cancel_place(place: Place, *, actor) -> Place | None:
    """Give the place up; the first on the waiting list moves up (and is told). Returns
    the place that moved up, if any."""
    if place.volunteer.account_id != getattr(actor, "pk", None):
        refuse_unless(can_organize(actor, place.session.activity))
    if timezone.now() >= place.session.starts_at:
        raise ActionRefused(_("The session has started; a place can no longer be given up."))
    with transaction.atomic():
        Session.objects.select_for_update().get(pk=place.session_id)
        place.refresh_from_db()
        had_place = place.status == P.CONFIRMED
        place_transition(place, P.CANCELLED, actor=actor)
        if not had_place:
            return None
        first = (
            Place.objects.select_for_update()
            .filter(session_id=place.session_id, status=P.WAITING)
            .order_by("created_at", "pk")
            .first()
        )
        if first is None:
            return None
        place_transition(first, P.CONFIRMED, actor=actor, note=_("Moved up from the waiting list"))
        transaction.on_commit(lambda: place_moved_up(first.pk))
    return first


def add_hours(volunteer_id: int, delta: Decimal, served_on) -> None:
    updates = {"hours_total": F("hours_total") + delta}
    Volunteer.objects.filter(pk=volunteer_id).update(**updates)
    Volunteer.objects.filter(pk=volunteer_id).exclude(last_served_on__gte=served_on).update(
        last_served_on=served_on
    )


def sync_party_record(session: Session) -> None:
    """A dedication-day session keeps its branch's organizational-life record: the
    attendee count is the number of people who came."""
    activity = session.activity
    branch = activity.party_org
    if activity.series != Series.DEDICATION_DAY or branch is None:
        return
    locked = Session.objects.select_for_update().get(pk=session.pk)
    came = locked.places.filter(status=P.ATTENDED).count()
    record = activity_attendance_record(
        branch=branch,
        kind=ActivityKind.DEDICATION_DAY,
        date=timezone.localtime(locked.starts_at).date(),
        title=activity.title,
        attendees=came,
        organization=activity.organization,
        activity=locked.party_activity,
    )
    if locked.party_activity_id != record.pk:
        Session.objects.filter(pk=locked.pk).update(party_activity=record)
    session.party_activity = record


def _sign_in(session, volunteer, *, actor, at, source) -> Place:
    with transaction.atomic():
        locked = Session.objects.select_for_update().get(pk=session.pk)
        place = (
            Place.objects.select_for_update()
            .filter(session=locked, volunteer=volunteer, status__in=LIVE_PLACE_STATUSES)
            .first()
        )
        if place is not None and place.signed_in_at is not None:
            raise ActionRefused(
                _("You signed in at %(time)s already.") % {"time": _local(place.signed_in_at)}
            )
        if place is None or place.status == P.WAITING:
            # Walking in: welcome while there is room.
            if _taken(locked) >= locked.activity.capacity:
                raise ActionRefused(_("The session is full; ask the organizer at the venue."))
            problem = audience_refusal(locked.activity, volunteer)
            if problem:
                raise ActionRefused(problem)
            if place is None:
                place = Place.objects.create(
                    session=locked, volunteer=volunteer, status=P.CONFIRMED
                )
                PlaceEvent.record(place=place, actor=actor, to_value=P.CONFIRMED, note=_("Walk-in"))
            else:
                place_transition(place, P.CONFIRMED, actor=actor, note=_("Walk-in"))
        place_transition(
            place,
            P.ATTENDED,
            actor=actor,
            note=str(source.label),
            signed_in_at=at,
            sign_in_source=source,
        )
        sync_party_record(locked)
    return place


def _sign_out(session, volunteer, *, actor, at, source) -> Place:
    with transaction.atomic():
        place = (
            Place.objects.select_for_update()
            .filter(session=session, volunteer=volunteer, status__in=LIVE_PLACE_STATUSES)
            .first()
        )
        if place is None or place.signed_in_at is None:
            raise ActionRefused(_("Sign in first: there is no sign-in to close."))
        if place.signed_out_at is not None:
            raise ActionRefused(
                _("You signed out at %(time)s already.") % {"time": _local(place.signed_out_at)}
            )
        if at < place.signed_in_at:
            raise ActionRefused(_("The sign-out cannot be before the sign-in."))
        hours = stay_hours(session, place.signed_in_at, at)
        place.signed_out_at, place.sign_out_source, place.hours = at, source, hours
        place.save(update_fields=["signed_out_at", "sign_out_source", "hours", "updated_at"])
        PlaceEvent.record(
            place=place,
            actor=actor,
            from_value=P.ATTENDED,
            to_value=P.ATTENDED,
            note=_("Signed out (%(source)s): %(hours)s h")
            % {"source": source.label, "hours": hours},
        )
        add_hours(volunteer.pk, hours, timezone.localtime(session.starts_at).date())
    return place


def scan(session: Session, token: str, volunteer: Volunteer, *, actor, now=None) -> Place:
    """Sign in or out with the QR code shown at the venue. A forged, replaced, expired or
    other session's code, a second sign-in and a sign-out without a sign-in are refused
    in words and change nothing."""
    now = now or timezone.now()
    parsed = read_token(token, session, now=now)
    if session.activity.status not in (ActivityStatus.PUBLISHED, ActivityStatus.FINISHED):
        raise ActionRefused(_("This activity is not open; nobody signs in to it."))
    if parsed.act == SIGN_IN:
        return _sign_in(session, volunteer, actor=actor, at=now, source=AttendanceSource.QR)
    if parsed.act == SIGN_OUT:
        return _sign_out(session, volunteer, actor=actor, at=now, source=AttendanceSource.QR)
    raise ActionRefused(_("This QR code is not one of ours. Scan the code shown at the venue."))


def mark_attendance(session: Session, volunteer: Volunteer, *, actor, signed_in_at, signed_out_at):
    """The organizer records somebody without a phone: both times at once, on the day."""
    refuse_unless(can_organize(actor, session.activity))
    if signed_out_at <= signed_in_at:
        raise ActionRefused(_("The sign-out must be after the sign-in."))
    if session.closed_at is not None:
        raise ActionRefused(
            _("Attendance of this session is closed; add what is missing as a supplement.")
        )
    _sign_in(session, volunteer, actor=actor, at=signed_in_at, source=AttendanceSource.ORGANIZER)
    return _sign_out(
        session, volunteer, actor=actor, at=signed_out_at, source=AttendanceSource.ORGANIZER
    )


def mark_attendance_of_new_person(
    session: Session, *, name: str, actor, signed_in_at, signed_out_at
):
    """The organizer records a person not known yet (no account, not signed up): the
    volunteer record and the attendance, both or neither."""
    refuse_unless(can_organize(actor, session.activity))
    activity = session.activity
    with transaction.atomic():
        volunteer = volunteer_register(
            name=name, street=activity.street, community=activity.community
        )
        return mark_attendance(
            session,
            volunteer,
            actor=actor,
            signed_in_at=signed_in_at,
            signed_out_at=signed_out_at,
        )


def close_session(session: Session, *, actor=None, now=None) -> int:
    """After the session: those signed up who never came are recorded as no-shows. Runs
    nightly and from the organizer's page; a closed session is left alone. Returns how
    many were recorded."""
    now = now or timezone.now()
    if now < session.ends_at:
        raise ActionRefused(_("The session has not ended yet."))
    with transaction.atomic():
        locked = Session.objects.select_for_update().get(pk=session.pk)
        if locked.closed_at is not None:
            return 0
        absent = list(Place.objects.select_for_update().filter(session=locked, status=P.CONFIRMED))
        for place in absent:
            place_transition(place, P.NO_SHOW, actor=actor)
        for place in Place.objects.select_for_update().filter(session=locked, status=P.WAITING):
            place_transition(place, P.CANCELLED, actor=actor, note=_("The session is over"))
        locked.closed_at = now
        locked.save(update_fields=["closed_at"])
    session.closed_at = now
    return len(absent)
