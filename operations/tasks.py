from celery import shared_task


# The name stays the project's (it was kaiyihui/tasks.py): probes send it by name.
@shared_task(name="kaiyihui.ping", ignore_result=False, acks_late=True)
def ping() -> str:
    """Round trip through the broker: the health probe and the worker test use it."""
    return "pong"
