"""Thin tasks: ids in, reload, call a service or a reminder function."""

from celery import shared_task


@shared_task(name="funding.send_reminders", acks_late=True)
def send_reminders() -> int:
    from funding.reminders import send_report_reminders

    return send_report_reminders()
