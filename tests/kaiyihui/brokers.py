"""Pointing the test process's Celery app at a broker for one test, and back."""

from contextlib import contextmanager

from kombu import pools

from kaiyihui.celery import app


def reset_pools() -> None:
    # Connections are pooled per broker URL in kombu's global pools, which the app also
    # caches (a pool may already exist from earlier tests): drop them all so a changed
    # broker URL takes effect.
    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


@contextmanager
def broker(url: str):
    """Tasks sent from this process go to ``url`` instead of running inline."""
    saved = {key: app.conf[key] for key in ("task_always_eager", "broker_url")}
    app.conf.update(task_always_eager=False, broker_url=url)
    reset_pools()
    try:
        yield
    finally:
        app.conf.update(saved)
        reset_pools()
