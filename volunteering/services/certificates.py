"""Issuing volunteer service certificates (志愿服务证明).

The hub certifies what it recorded: the hours of attended places, and nothing the record
does not hold. A certificate needs the ID number on the volunteer's record (printed
masked) and at least some hours; it is issued in one transaction with its snapshot, and a
worker renders and freezes it after commit (``volunteering.certificates``)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.decisions import refuse_unless
from core.errors import ActionRefused
from volunteering.certificates import (
    certificate_number,
    certificate_schedule,
    certificate_snapshot,
    hours_text,
)
from volunteering.models import Volunteer, VolunteerCertificate
from volunteering.record import can_issue_certificate, hours_breakdown


def _same_as_last(volunteer: Volunteer, year: int | None, snapshot_hours: str, issued_on):
    """The certificate issued today for the same year and the same hours, if any: asking
    twice (a double tap, a reload) gives the same certificate, not a second number."""
    for certificate in VolunteerCertificate.objects.filter(
        volunteer=volunteer, issued_at__date=issued_on
    ).order_by("-issued_at", "-pk"):
        snapshot = certificate.snapshot
        if snapshot.get("year") == year and snapshot.get("hours") == snapshot_hours:
            return certificate
    return None


def certificate_issue(volunteer: Volunteer, *, actor, year: int | None = None):
    """Issue the certificate of ``volunteer``'s hours (of ``year``, or of all years) on
    behalf of their street's hub; returns the certificate (rendered after commit).

    Refused without an ID number on the record, and when there are no hours to certify."""
    refuse_unless(can_issue_certificate(actor, volunteer))
    with transaction.atomic():
        # The row lock serializes two requests of the same person: the second finds the
        # first's certificate instead of issuing another.
        volunteer = (
            Volunteer.objects.select_for_update().select_related("street").get(pk=volunteer.pk)
        )
        if not volunteer.id_number.strip():
            raise ActionRefused(
                _(
                    "The volunteer record has no ID number. Add the ID number before "
                    "a certificate is issued."
                )
            )
        breakdown = hours_breakdown(volunteer, year=year)
        if breakdown.total <= 0:
            if year is None:
                raise ActionRefused(_("No service hours are recorded yet: nothing to certify."))
            raise ActionRefused(
                _("No service hours are recorded in %(year)s: nothing to certify.") % {"year": year}
            )
        now = timezone.now()
        issued_on = timezone.localdate(now)
        existing = _same_as_last(volunteer, year, hours_text(breakdown.total), issued_on)
        if existing is not None:
            return existing
        certificate = VolunteerCertificate(volunteer=volunteer, issued_at=now, issued_by=actor)
        # The number carries the row's id: saved once under a provisional number to get
        # the id, then with the number in both the column and the snapshot.
        certificate.number = f"PENDING-{certificate.verification_code}"
        certificate.snapshot = certificate_snapshot(
            volunteer,
            breakdown=breakdown,
            year=year,
            number=certificate.number,
            code=certificate.verification_code,
            issued_on=issued_on,
        )
        certificate.full_clean()
        certificate.save()
        certificate.number = certificate_number(issued_on, certificate.pk)
        certificate.snapshot["number"] = certificate.number
        certificate.save(update_fields=["number", "snapshot"])
        certificate_schedule(certificate.pk)
    return certificate
