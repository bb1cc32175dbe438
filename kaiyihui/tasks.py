from celery import shared_task


@shared_task(name="kaiyihui.ping", ignore_result=False, acks_late=True)
def ping() -> str:
    """Round trip through the broker: the health probe and the worker test use it."""
    return "pong"
