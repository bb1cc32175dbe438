"""The to-do registry behind every start page: "what must I do now".

Each app registers one selector with ``register_todo_source`` in its AppConfig.ready();
the selector takes ``(user, today)`` and returns ``TodoItem`` rows the user may act on
(already scoped: another organization's work never appears). The start page
(reporting.views.home) composes them with ``todos_for``; the apps never import it.

A later app (the marketplace's claims to confirm, awards…) only registers its source:
nothing here or in the start pages changes. Each source must keep a constant number of
queries whatever the number of rows (aggregate into one item per kind for staff queues).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

# Urgency: lower is more urgent; ties on the due date sort by it.
URGENT = 0
SOON = 1
ROUTINE = 2


@dataclass(frozen=True)
class TodoItem:
    title: str
    url: str
    due: datetime.date | None = None
    state: str = ""
    urgency: int = ROUTINE
    # Who it is about (an organization's name, a cycle), shown under the title.
    subject: str = ""
    # How many rows the item stands for (a staff queue: "12 reviews wait"); 0 = one thing.
    count: int = 0
    source: str = ""

    def days_left(self, today: datetime.date) -> int | None:
        return None if self.due is None else (self.due - today).days

    def overdue(self, today: datetime.date) -> bool:
        return self.due is not None and self.due < today

    @property
    def sort_key(self):
        # Undated items after every dated one; then the most urgent first.
        return (self.due or datetime.date.max, self.urgency, self.title)


TodoSource = Callable[[object, datetime.date], list[TodoItem]]

_SOURCES: dict[str, TodoSource] = {}


def register_todo_source(name: str, source: TodoSource) -> None:
    """Register (or replace, on a repeated ready()) the selector of one app."""
    _SOURCES[name] = source


def todo_sources() -> dict[str, TodoSource]:
    """Every registered source, for the start pages' documentation and tests."""
    return dict(_SOURCES)


def todos_for(user, today: datetime.date) -> list[TodoItem]:
    """Every registered source's items for ``user``, due date first, then urgency."""
    if not getattr(user, "is_authenticated", False):
        return []
    items: list[TodoItem] = []
    for name, source in _SOURCES.items():
        for item in source(user, today) or ():
            items.append(item if item.source else _with_source(item, name))
    return sorted(items, key=lambda item: item.sort_key)


def _with_source(item: TodoItem, name: str) -> TodoItem:
    from dataclasses import replace

    return replace(item, source=name)
