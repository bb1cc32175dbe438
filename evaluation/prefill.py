"""Pre-fill providers for the annual review form.

Higher apps (funding) register a provider from their ``AppConfig.ready``; this app registers
its own for activities logged and party activities. The review form calls every registered
provider once when a draft is started (and on "refresh from the platform").

    from evaluation.prefill import register_prefill

    register_prefill("grants_received", _("Grants received"), fn)  # fn(org, year) -> value

A provider returns a JSON-friendly value: int, str, Decimal (stored as a string), or a list
of short strings. A provider that raises is skipped and logged; the form stays usable.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PrefillProvider:
    key: str
    label: Any  # str or lazy translation
    fn: Callable[[Any, int], Any]


_PROVIDERS: dict[str, PrefillProvider] = {}


def register_prefill(key: str, label, fn: Callable[[Any, int], Any]) -> None:
    """Register (or replace, on reload) the provider for ``key``."""
    _PROVIDERS[key] = PrefillProvider(key=key, label=label, fn=fn)


def providers() -> list[PrefillProvider]:
    return list(_PROVIDERS.values())


def _jsonable(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def collect_prefill(organization, year: int) -> dict[str, Any]:
    """Call every registered provider: {key: value} (JSON-friendly; Decimal as a string)."""
    values: dict[str, Any] = {}
    for provider in providers():
        try:
            values[provider.key] = _jsonable(provider.fn(organization, year))
        except Exception:  # a broken provider must not break the review form
            logger.exception("prefill provider %s failed", provider.key)
    return values


def labels() -> dict[str, Any]:
    return {p.key: p.label for p in providers()}
