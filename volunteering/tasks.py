"""Thin tasks of volunteering: reminders, closing sessions, freezing certificates."""

from celery import shared_task

from core.queue import RETRIED_ON_OS_ERROR
from volunteering import reminders


@shared_task(name="volunteering.send_reminders", acks_late=True)
def send_reminders() -> int:
    return reminders.send_session_reminders()


@shared_task(name="volunteering.close_sessions", acks_late=True)
def close_sessions() -> dict:
    return reminders.close_ended_sessions()


@shared_task(name="volunteering.freeze_certificate", **RETRIED_ON_OS_ERROR)
def freeze_certificate(certificate_id: int) -> bool:
    """Render an issued certificate's snapshot and freeze it; a frozen one is left alone."""
    from volunteering.certificates import certificate_freeze
    from volunteering.models import VolunteerCertificate

    certificate = VolunteerCertificate.objects.filter(pk=certificate_id).first()
    if certificate is None:
        return False
    certificate_freeze(certificate)
    return certificate.is_frozen
