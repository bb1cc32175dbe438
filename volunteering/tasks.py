"""Thin tasks of volunteering: reminders, closing sessions, freezing certificates."""

from celery import shared_task

from volunteering import reminders


@shared_task(name="volunteering.send_reminders", acks_late=True)
def send_reminders() -> int:
    return reminders.send_session_reminders()


@shared_task(name="volunteering.close_sessions", acks_late=True)
def close_sessions() -> dict:
    return reminders.close_ended_sessions()
