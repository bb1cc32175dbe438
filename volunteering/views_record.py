"""A volunteer's record and service certificates (志愿服务记录与证明).

- ``my_record``: the signed-in person's own record; POST asks for a certificate.
- ``volunteer_record``: the same page for staff who see the volunteer (the street's
  admins, the volunteer's community staff); anyone else gets the 404 of a missing id.
- ``certificate_pdf``: the frozen PDF for its volunteer and those staff, else 404.
- ``certificate_check``: public (the QR code on the paper): confirms the certificate with
  the name masked, the hours, the issuer, number, date and SHA-256 — nothing else.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.decorators import role_required
from accounts.roles import STAFF_ROLES
from accounts.scoping import get_visible_or_404
from core.certified import certified_bytes, certified_download, is_pending
from core.errors import ActionRefused
from core.forms import add_refusal
from core.http import tell_outcome
from core.identifiers import mask_id_number, mask_name
from volunteering.certificates import certificate_filename
from volunteering.forms import IdentityForm
from volunteering.models import Volunteer, VolunteerCertificate
from volunteering.record import (
    attended_places,
    can_issue_certificate,
    certificates_of,
    certificates_visible_to,
    hours_breakdown,
    stars_of,
)
from volunteering.services.certificates import certificate_issue
from volunteering.services.volunteers import volunteer_for_account, volunteer_set_identity
from volunteering.tasks import freeze_certificate

PER_PAGE = 20


def _year(request) -> int | None:
    """The year a certificate is asked for; empty or anything else is every year."""
    raw = (request.POST.get("year") or "").strip()
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else None


def _record_page(request, volunteer: Volunteer, *, own: bool):
    # A party member's name and number come from the roll: no form for them.
    identity = None if volunteer.party_member_id else IdentityForm(initial={"name": volunteer.name})
    here = (
        reverse("volunteering:my_record")
        if own
        else reverse("volunteering:volunteer_record", args=[volunteer.pk])
    )
    if request.method == "POST" and request.POST.get("action") == "identity":
        identity = IdentityForm(request.POST)
        if identity.is_valid():
            try:
                volunteer_set_identity(volunteer, actor=request.user, **identity.cleaned_data)
            except (ActionRefused, ValidationError) as exc:
                add_refusal(identity, exc)
            else:
                messages.success(request, _("The real name and ID number are saved."))
                return redirect(here)
    elif request.method == "POST":
        tell_outcome(
            request,
            lambda: certificate_issue(volunteer, actor=request.user, year=_year(request)),
            _("The certificate is issued; its PDF is ready in a moment."),
        )
        return redirect(here)
    breakdown = hours_breakdown(volunteer)
    stars = stars_of(volunteer.hours_total)
    page = Paginator(attended_places(volunteer), PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "volunteer": volunteer,
        "own": own,
        "stars": stars,
        "stars_text": "★" * stars.count,
        "breakdown": breakdown,
        "page": page,
        "certificates": certificates_of(volunteer),
        "can_issue": can_issue_certificate(request.user, volunteer),
        "this_year": timezone.localdate().year,
        "identity": identity,
        "masked_id": mask_id_number(volunteer.id_number),
    }
    return render(request, "volunteering/record/record.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def my_record(request):
    try:
        volunteer = volunteer_for_account(request.user)
    except ActionRefused as exc:
        return render(request, "volunteering/record/no_record.html", {"reason": exc.message})
    return _record_page(request, volunteer, own=True)


@role_required(STAFF_ROLES, refuse_as_missing=True)
@require_http_methods(["GET", "POST"])
def volunteer_record(request, pk):
    volunteer = get_visible_or_404(Volunteer, request.user, pk=pk)
    return _record_page(request, volunteer, own=False)


def _certificate(request, pk) -> VolunteerCertificate:
    certificate = certificates_visible_to(request.user).filter(pk=pk).first()
    if certificate is None:
        raise Http404
    return certificate


@login_required
@require_GET
def certificate_pdf(request, pk):
    """The frozen certificate, byte for byte as stored; never rendered here."""
    certificate = _certificate(request, pk)
    return certified_download(
        request,
        certificate,
        read=certified_bytes,
        pending=is_pending,
        freeze_task=freeze_certificate,
        reload=lambda: _certificate(request, pk),
        filename=certificate_filename,
        template="volunteering/record/certificate_pending.html",
        name="certificate",
    )


@require_GET
def certificate_check(request, code):
    """Public: the certificate is genuine — masked name, hours, issuer, number, date and
    the PDF's SHA-256, as issued. No ID number, no activities, no phone."""
    certificate = (
        VolunteerCertificate.objects.filter(verification_code=str(code).upper())
        .only("snapshot", "issued_at", "sha256", "number")
        .first()
    )
    if certificate is None:
        raise Http404
    snapshot = certificate.snapshot
    context = {
        "name": mask_name(snapshot["volunteer"]["name"]),
        "hours": snapshot["hours"],
        "year": snapshot.get("year"),
        "issuer": snapshot["issuer"]["name"],
        "number": certificate.number,
        "date": timezone.localdate(certificate.issued_at),
        "sha256": certificate.sha256,
    }
    return render(request, "volunteering/record/certificate_check.html", context)
