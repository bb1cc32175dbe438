"""What each kind of job does. Apps register a runner in their ``apps.ready`` (or at import
of their ``jobs`` module); the jobs app never imports them.

A runner is ``fn(job, progress) -> (filename, content) | None``. ``progress(done, total=None)``
moves the bar. A runner may be run again after a worker died mid-way, so it must skip the
items it already finished (store per-item results) and end with every item exactly once.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Runner:
    kind: str
    label: str
    fn: Callable


RUNNERS: dict[str, Runner] = {}


def register_runner(kind: str, label):
    def decorator(fn):
        RUNNERS[kind] = Runner(kind, label, fn)
        return fn

    return decorator


# ``fn(job)`` called once a job has finished with its file (``register_done_hook``): an app
# above this one (kaiyihui wires the notifications) tells the user it is ready.
DONE_HOOKS: list[Callable] = []


def register_done_hook(fn: Callable) -> Callable:
    if fn not in DONE_HOOKS:
        DONE_HOOKS.append(fn)
    return fn
