"""Rules a deployment may tune in settings, read the same way in every app.

An app describes its rules as a frozen dataclass with the defaults of DESIGN.md and reads
them with ``rules_from_settings(TheRules, "SETTING_NAME")``: the defaults with the
setting's dict applied, read per call (so a late ``override_settings`` is honoured). An
unknown key stops with ImproperlyConfigured naming it — a misspelt rule would otherwise
be ignored silently and the default applied."""

from dataclasses import fields, replace
from typing import TypeVar

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

R = TypeVar("R")


def rules_from_settings(rules_class: type[R], setting: str) -> R:
    overrides = getattr(settings, setting, None) or {}
    known = {f.name for f in fields(rules_class)}  # type: ignore[arg-type]
    unknown = set(overrides) - known
    if unknown:
        raise ImproperlyConfigured(
            f"{setting}: unknown rule(s) {sorted(unknown)}; known: {sorted(known)}"
        )
    return replace(rules_class(), **overrides)  # type: ignore[type-var]
