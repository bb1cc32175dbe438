"""Thin tasks: ids in, reload, call a service or a reminder function."""

from celery import shared_task

from core.queue import RETRIED_ON_OS_ERROR


@shared_task(name="funding.send_reminders", acks_late=True)
def send_reminders() -> int:
    from funding.reminders import send_report_reminders

    return send_report_reminders()


@shared_task(
    name="funding.freeze_agreement",
    **RETRIED_ON_OS_ERROR,
)
def freeze_agreement(application_id: int) -> bool:
    """Render a recorded agreement's snapshot and freeze it; a frozen one is left alone."""
    from funding.agreements import agreement_freeze
    from funding.models import Application

    app = Application.objects.filter(pk=application_id).select_related("agreement").first()
    if app is None:
        return False
    document = agreement_freeze(app)
    return document is not None and document.is_frozen
