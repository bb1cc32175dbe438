"""Handing work to the Celery workers without ever failing the user's request.

When Redis is down, ``enqueue`` gives up after a short retry and says so: the caller
either runs the work inline (``inline=True``, for small work such as creating
notifications) or keeps its own record for a sweep to send later (jobs, e-mails).
"""

import logging

from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)

# A page waits at most about a second for an unreachable broker.
PUBLISH_RETRY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.3, "interval_max": 0.5}


# Tasks whose work is worth retrying when a file or the network fails them (rendering and
# storing a PDF, sending an e-mail): acknowledged only when done, retried with backoff.
# ``@shared_task(name=..., **RETRIED_ON_OS_ERROR)``.
RETRIED_ON_OS_ERROR = {
    "acks_late": True,
    "autoretry_for": (OSError,),
    "retry_backoff": True,
    "max_retries": 5,
}


def enqueue(task, *args, inline: bool = False) -> bool:
    """Send ``task(*args)`` to the workers; True when it was sent or ran inline."""
    try:
        task.apply_async(args=args, retry=True, retry_policy=PUBLISH_RETRY)
        return True
    except OperationalError as exc:
        logger.warning("broker unavailable for %s%r: %s", task.name, args, exc)
    if inline:
        task.apply(args=args, throw=True)
        return True
    return False
