"""Thin tasks: the nightly sweep and the daily reminders of the marketplace."""

from celery import shared_task

from marketplace import reminders
from marketplace.services.claims import expire_overdue_claims


@shared_task(name="marketplace.send_reminders", acks_late=True)
def send_reminders() -> dict:
    return {
        "claim_deadline": reminders.send_claim_deadline_reminders(),
        "unclaimed_needs": reminders.escalate_unclaimed_needs(),
    }


@shared_task(name="marketplace.expire_claims", acks_late=True)
def expire_claims() -> int:
    return expire_overdue_claims()
