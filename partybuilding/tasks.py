"""Thin tasks: primitives in, call the reminder or service functions."""

from celery import shared_task

from partybuilding import reminders


@shared_task(name="partybuilding.send_reminders", acks_late=True)
def send_reminders() -> dict:
    """Daily: every party-building reminder that is due today (each is sent once per
    branch or member and period, so a repeated run sends nothing new)."""
    return reminders.send_all()
