"""Thin tasks: ids in, reload, call a service or a reminder function."""

from celery import shared_task

from core.queue import RETRIED_ON_OS_ERROR
from evaluation import reminders
from evaluation.models import Cycle, Review
from evaluation.workflows import CycleStatus, ReviewStatus


@shared_task(name="evaluation.send_reminders", acks_late=True)
def send_reminders() -> int:
    return reminders.send_all()


@shared_task(name="evaluation.announce_cycle_opened", acks_late=True)
def announce_cycle_opened(cycle_id: int) -> int:
    cycle = Cycle.objects.filter(pk=cycle_id, status=CycleStatus.OPEN).first()
    if cycle is None:
        return 0
    return reminders.send_cycle_opened(cycle)


@shared_task(
    name="evaluation.freeze_report",
    **RETRIED_ON_OS_ERROR,
)
def freeze_report(review_id: int) -> bool:
    """Render a finalized review's issued snapshot and freeze it; a frozen one is left
    alone, so a retried or repeated task changes nothing."""
    from evaluation.reports import report_freeze

    review = (
        Review.objects.filter(pk=review_id, status=ReviewStatus.FINALIZED)
        .select_related("cycle", "organization", "frozen_report")
        .first()
    )
    if review is None:
        return False
    document = report_freeze(review)
    return document is not None and document.is_frozen
