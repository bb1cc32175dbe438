"""The answer of every permission predicate (``can_<verb>(user, obj)``): one type, so that
views, templates and services read it the same way everywhere.

A ``Decision`` is truthy when the action is allowed and carries the reason in words
(empty when allowed without comment): ``if can_x(user, obj):`` in code,
``{% if can_x %}`` in a template, ``decision.reason`` to show why not. Services call
``refuse_unless(decision)``, which raises the reason as ``core.errors.ActionRefused`` (or
another error, e.g. ``PermissionDenied`` for account power). It neither unpacks nor
indexes: ``allowed, reason = can_x(...)`` and ``[0]`` were how the old ``(allowed, reason)``
tuples were read, and a bare tuple is always truthy, so ``if can_x(...)`` used to allow
everything. Both raise ``TypeError``, so a reader of the old shape fails at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from core.errors import ActionRefused


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.allowed

    def __iter__(self) -> Iterator:
        raise TypeError("a Decision does not unpack: test it for truth and read .reason")

    def __getitem__(self, key) -> None:
        raise TypeError("a Decision is not indexed: test it for truth and read .reason")


ALLOWED = Decision(True)


def allow(reason: str = "") -> Decision:
    return Decision(True, reason)


def deny(reason: str) -> Decision:
    return Decision(False, reason)


def refuse_unless(decision: Decision, error: type[Exception] = ActionRefused) -> None:
    """Raise the decision's reason when it refuses. A bare ``(allowed, reason)`` tuple is
    rejected: it is always truthy, so it would let every refusal through."""
    if not isinstance(decision, Decision):
        raise TypeError(f"refuse_unless takes a Decision, not {type(decision).__name__}")
    if not decision:
        raise error(decision.reason)
