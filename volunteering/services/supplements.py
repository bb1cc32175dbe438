"""Supplements and corrections of hours (补录): a forgotten sign-out, a paper sign-in
sheet, a wrong time. Requested with a reason, applied only when a second person approves;
the place's history keeps what it was before."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.decisions import refuse_unless
from core.errors import ActionRefused
from core.transitions import refuse_unless_allowed
from volunteering.choices import AttendanceSource
from volunteering.hours import stay_hours
from volunteering.models import HoursSupplement, Place, PlaceEvent
from volunteering.permissions import can_approve_supplement, can_organize
from volunteering.services.places import P, add_hours, place_transition, sync_party_record
from volunteering.workflows import SUPPLEMENT_TRANSITIONS, SupplementStatus

SUPPLEMENTABLE = frozenset({P.ATTENDED, P.NO_SHOW, P.CONFIRMED})


def supplement_request(place: Place, *, signed_in_at, signed_out_at, reason: str, actor):
    refuse_unless(can_organize(actor, place.session.activity))
    if not (reason or "").strip():
        raise ActionRefused(_("Say why the hours are supplemented (e.g. a paper sign-in sheet)."))
    if signed_out_at <= signed_in_at:
        raise ActionRefused(_("The sign-out must be after the sign-in."))
    if place.status not in SUPPLEMENTABLE:
        raise ActionRefused(_("A cancelled place has no hours to supplement."))
    if place.supplements.filter(status=SupplementStatus.PENDING).exists():
        raise ActionRefused(_("A supplement of this place is waiting for approval already."))
    return HoursSupplement.objects.create(
        place=place,
        signed_in_at=signed_in_at,
        signed_out_at=signed_out_at,
        hours_before=place.hours,
        hours_after=stay_hours(place.session, signed_in_at, signed_out_at),
        reason=reason.strip(),
        requested_by=actor,
    )


def _decide(supplement: HoursSupplement, to: str, *, actor, note: str) -> HoursSupplement:
    refuse_unless_allowed(
        SUPPLEMENT_TRANSITIONS, SupplementStatus, supplement.status, to, _("supplement")
    )
    supplement.status = to
    supplement.decided_by = actor
    supplement.decided_at = timezone.now()
    supplement.decision_note = note
    supplement.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    return supplement


def supplement_approve(supplement: HoursSupplement, *, actor, note: str = ""):
    """Apply the supplement: the place takes its times and hours, the volunteer's total
    moves by the difference, and the place's history says who asked and who approved."""
    refuse_unless(can_approve_supplement(actor, supplement))
    with transaction.atomic():
        supplement = HoursSupplement.objects.select_for_update().get(pk=supplement.pk)
        place = Place.objects.select_for_update().get(pk=supplement.place_id)
        _decide(supplement, SupplementStatus.APPROVED, actor=actor, note=note)
        session = place.session
        hours = stay_hours(session, supplement.signed_in_at, supplement.signed_out_at)
        before = place.hours
        fields = {
            "signed_in_at": supplement.signed_in_at,
            "signed_out_at": supplement.signed_out_at,
            "sign_in_source": AttendanceSource.SUPPLEMENT,
            "sign_out_source": AttendanceSource.SUPPLEMENT,
            "hours": hours,
        }
        text = _("Supplement approved: %(before)s h → %(after)s h. Reason: %(reason)s") % {
            "before": before,
            "after": hours,
            "reason": supplement.reason,
        }
        if place.status == P.ATTENDED:
            for name, value in fields.items():
                setattr(place, name, value)
            place.save(update_fields=[*fields, "updated_at"])
            PlaceEvent.record(
                place=place, actor=actor, from_value=P.ATTENDED, to_value=P.ATTENDED, note=text
            )
        else:
            place_transition(place, P.ATTENDED, actor=actor, note=text, **fields)
        add_hours(place.volunteer_id, hours - before, timezone.localtime(session.starts_at).date())
        sync_party_record(session)
    return supplement


def supplement_reject(supplement: HoursSupplement, *, actor, note: str):
    refuse_unless(can_approve_supplement(actor, supplement))
    if not (note or "").strip():
        raise ActionRefused(_("Say why the supplement is rejected."))
    with transaction.atomic():
        supplement = HoursSupplement.objects.select_for_update().get(pk=supplement.pk)
        return _decide(supplement, SupplementStatus.REJECTED, actor=actor, note=note)
