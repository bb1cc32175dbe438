"""The printed grant agreement (资助协议), an official record frozen when it is recorded
(``core.certified``).

Recording the signed agreement (the application's move to in-progress) captures a
snapshot — parties, project, amount, tranches, dates — into a ``GrantAgreement`` row in
the same transaction (:func:`agreement_issue`) and schedules :func:`agreement_freeze`
after commit, which renders the snapshot once and stores the PDF with its SHA-256. Later
edits of the organization or the project never reach the printed agreement.
"""

import datetime

import segno
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from core.certified import certified_bytes, freeze, is_pending
from core.pdf import render_pdf
from funding.models import Application, GrantAgreement

SNAPSHOT_VERSION = 1


def _document(application: Application) -> GrantAgreement | None:
    try:
        return application.agreement
    except GrantAgreement.DoesNotExist:
        return None


def agreement_verification_url(code: str) -> str:
    base = settings.PLATFORM_BASE_URL.rstrip("/")
    return base + reverse("funding:verify_agreement", args=[code])


def agreement_filename(application: Application) -> str:
    document = _document(application)
    code = document.verification_code if document else application.pk
    return f"agreement-{code}.pdf"


def agreement_snapshot(app: Application, code: str) -> dict:
    """Every fact the agreement prints, read now (when it is recorded), in Chinese."""
    with override("zh-hans"):
        org = app.organization
        call = app.call
        tranches = [
            {
                "milestone": str(t.get_milestone_display()),
                "percent": str(t.percent),
                "amount": str(t.amount),
            }
            for t in app.tranches.order_by("pk")
        ]
        return {
            "version": SNAPSHOT_VERSION,
            "call": {"title": call.title, "year": call.year, "street": call.street.name},
            "org": {
                "name": org.name,
                "identifier": org.identifier,
                "leader_name": org.leader_name,
                "community": org.community.name,
            },
            "project": {
                "title": app.title,
                "summary": app.summary,
                "service_field": str(app.get_service_field_display()),
                "target_community": app.target_community.name if app.target_community else "",
                "beneficiaries": app.beneficiaries,
                "beneficiary_count": app.beneficiary_count,
                "starts_on": _iso(app.starts_on),
                "ends_on": _iso(app.ends_on),
            },
            "awarded_amount": str(app.awarded_amount),
            "tranches": tranches,
            "signed_on": _iso(app.agreement_signed_on),
            "midterm_due_on": _iso(app.midterm_due_on),
            "final_due_on": _iso(app.final_due_on),
            "verification_code": code,
            "verification_url": agreement_verification_url(code),
        }


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def agreement_issue(app: Application, *, issued_at=None) -> GrantAgreement:
    """Capture the agreement's snapshot (called by the application's transition function
    when the agreement is recorded, row locked). Asking again returns the existing one."""
    document = _document(app)
    if document is not None:
        return document
    document = GrantAgreement(application=app, issued_at=issued_at or timezone.now())
    document.snapshot = agreement_snapshot(app, document.verification_code)
    document.save()
    app.agreement = document
    return document


def agreement_schedule(application_id: int) -> None:
    """After commit: render in a worker (inline when there is no broker)."""
    from core.queue import enqueue
    from funding.tasks import freeze_agreement

    transaction.on_commit(lambda: enqueue(freeze_agreement, application_id))


def render_agreement(snapshot: dict) -> bytes:
    def date(value):
        return datetime.date.fromisoformat(value) if value else None

    project = dict(snapshot["project"])
    project["starts_on"], project["ends_on"] = date(project["starts_on"]), date(project["ends_on"])
    context = {
        **snapshot,
        "project": project,
        "signed_on": date(snapshot["signed_on"]),
        "midterm_due_on": date(snapshot["midterm_due_on"]),
        "final_due_on": date(snapshot["final_due_on"]),
        "qr": segno.make(snapshot["verification_url"], error="m").svg_data_uri(scale=3, border=2),
    }
    with override("zh-hans"):
        return render_pdf("funding/agreement.html", context)


def agreement_freeze(app: Application) -> GrantAgreement | None:
    """Render the issued snapshot and store it with its SHA-256, once."""
    document = _document(app)
    if document is not None:
        freeze(document, render_agreement, filename=agreement_filename(app))
    return document


def agreement_bytes(app: Application) -> bytes | None:
    """The frozen agreement's bytes (checked against the stored hash); None while not
    rendered yet or not issued. Never renders."""
    return certified_bytes(_document(app))


def agreement_pending(app: Application) -> bool:
    return is_pending(_document(app))
