"""志愿服务证明: the volunteer service certificate, an official record frozen when it is
issued (``core.certified``).

The hub of the street certifies the hours it recorded ("whoever records certifies",
民政部令第67号). Issuing (``volunteering.services.certificates.certificate_issue``) takes a
*snapshot* of the fields the rule names — the volunteer's name and masked ID number, the
hours and what they were spent on, the issuing organization and its person in charge, the
certificate's number and date — and a worker renders it once (:func:`certificate_freeze`)
and stores the PDF with its SHA-256. Later hours, a corrected name or a new person in
charge never reach a certificate already issued: a new one is issued instead.

The QR code on the certificate opens the public check page, which confirms it with the
name masked.
"""

import datetime

import segno
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import override

from core.certified import freeze
from core.identifiers import mask_id_number
from core.pdf import render_pdf
from volunteering.choices import Series
from volunteering.models import Volunteer, VolunteerCertificate
from volunteering.record import HoursBreakdown

# Bumped when the snapshot's shape changes; the renderer reads every version it ever wrote.
SNAPSHOT_VERSION = 1
NUMBER_PREFIX = "KYH-V"
TEMPLATE = "volunteering/record/certificate_pdf.html"


def certificate_number(issued_on: datetime.date, pk: int) -> str:
    """``KYH-V-2026-000123``: the year of issue and the row's id — unique without a
    counter to lock, and growing in the order certificates were issued."""
    return f"{NUMBER_PREFIX}-{issued_on.year}-{pk:06d}"


def verification_url(code: str) -> str:
    # Absolute: printed in the QR code by a worker, which has no request to take a host from.
    base = settings.PLATFORM_BASE_URL.rstrip("/")
    return base + reverse("volunteering:certificate_check", args=[code])


def issuer_of(street) -> dict:
    """The hub of the volunteer's street, which recorded the hours and so certifies them,
    with its person in charge (``HUB_PERSONS_IN_CHARGE`` by street code; blank when not
    set: the paper copy is signed by hand)."""
    persons = getattr(settings, "HUB_PERSONS_IN_CHARGE", {}) or {}
    return {
        "name": f"{street.name}凯益荟",
        "street": street.name,
        "person_in_charge": persons.get(street.code, ""),
    }


def hours_text(value) -> str:
    """12.0 → "12", 12.5 → "12.5": hours as people write them."""
    return format(value.normalize(), "f")


def certificate_snapshot(
    volunteer: Volunteer,
    *,
    breakdown: HoursBreakdown,
    year: int | None,
    number: str,
    code: str,
    issued_on: datetime.date,
) -> dict:
    """Every fact the certificate prints, as JSON, read now; labels in Chinese (the
    certificate goes on file in Chinese whatever the reader's language). The full ID
    number never enters it: only its masked form."""
    with override("zh-hans"):
        labels = {key: str(label) for key, label in Series.choices}
    content = [
        {
            "series": labels.get(row["series"], row["series"]),
            "activities": row["activities"],
            "hours": hours_text(row["hours"]),
        }
        for row in breakdown.by_series
    ]
    return {
        "version": SNAPSHOT_VERSION,
        "volunteer": {
            "name": volunteer.name,
            "id_number_masked": mask_id_number(volunteer.id_number),
        },
        "year": year,
        "first_served_on": _iso(breakdown.first_served_on),
        "last_served_on": _iso(breakdown.last_served_on),
        "hours": hours_text(breakdown.total),
        "activities": breakdown.activities,
        "content": content,
        "issuer": issuer_of(volunteer.street),
        "number": number,
        "issued_on": issued_on.isoformat(),
        "verification_code": code,
        "verification_url": verification_url(code),
    }


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def render_certificate(snapshot: dict) -> bytes:
    """The certificate's PDF from its snapshot alone (no database read), in Chinese."""
    context = {
        **snapshot,
        "issued_on": _date(snapshot["issued_on"]),
        "first_served_on": _date(snapshot.get("first_served_on")),
        "last_served_on": _date(snapshot.get("last_served_on")),
        "qr": segno.make(snapshot["verification_url"], error="m").svg_data_uri(scale=3, border=2),
    }
    with override("zh-hans"):
        return render_pdf(TEMPLATE, context)


def certificate_filename(certificate: VolunteerCertificate) -> str:
    return f"{certificate.number}.pdf"


def certificate_schedule(certificate_id: int) -> None:
    """After commit: render in a worker (inline when there is no broker)."""
    from core.queue import enqueue
    from volunteering.tasks import freeze_certificate

    transaction.on_commit(lambda: enqueue(freeze_certificate, certificate_id))


def certificate_freeze(certificate: VolunteerCertificate) -> bool:
    """Render the issued snapshot and store it with its SHA-256, once; True when this call
    froze it (a frozen certificate is left as it is)."""
    return freeze(certificate, render_certificate, filename=certificate_filename(certificate))
