"""Thin tasks: ids in, reload, call a service or a reminder function."""

from celery import shared_task

from evaluation import reminders
from evaluation.models import Cycle
from evaluation.workflows import CycleStatus


@shared_task(name="evaluation.send_reminders", acks_late=True)
def send_reminders() -> int:
    return reminders.send_all()


@shared_task(name="evaluation.announce_cycle_opened", acks_late=True)
def announce_cycle_opened(cycle_id: int) -> int:
    cycle = Cycle.objects.filter(pk=cycle_id, status=CycleStatus.OPEN).first()
    if cycle is None:
        return 0
    return reminders.send_cycle_opened(cycle)
