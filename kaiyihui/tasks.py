from celery import shared_task


@shared_task(name="kaiyihui.ping", ignore_result=False, acks_late=True)
def ping() -> str:
    """Round trip through the broker: the health probe and the worker test use it."""
    return "pong"


@shared_task(name="kaiyihui.scheduled_reports", acks_late=True)
def scheduled_reports() -> int:
    """On the 1st of each month: last month's report (and in January last year's)."""
    from kaiyihui.reports import scheduled_reports as run

    return len(run())
