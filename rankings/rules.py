"""The rules of a scoring scheme (weights, caps and the dimension of each source) and
the one function that validates them.

A scheme's ``rules`` maps every ``SourceKind`` to::

    {"dimension": "services", "points": "3", "cap": "30"}

``points`` are per fact (per star of a rating, per hour of service); ``cap`` is the most
points one organization earns from that source in one month (null: no cap). Sources whose
points depend on a level name them in ``levels`` (a grade, the kind of party coverage, a
grant's acceptance result). A credit-list veto's ``points`` are zero or less, and its
``levels`` give the cap of the *total* score of an organization on that list.

Numbers are decimal strings so that a scheme round-trips through JSON exactly."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.rules import rules_from_settings
from funding.choices import AcceptanceResult
from incubation.choices import CreditList, Grade
from rankings.choices import Dimension, SourceKind

K = SourceKind

COVERAGE_BRANCH = "branch"
COVERAGE_INSTRUCTOR = "instructor"

# The level keys each levelled source must give, all of them.
LEVEL_KEYS: dict[str, tuple[str, ...]] = {
    K.EVALUATION_GRADE: tuple(Grade.values),
    K.PARTY_COVERAGE: (COVERAGE_BRANCH, COVERAGE_INSTRUCTOR),
    K.GRANT_COMPLETED: tuple(AcceptanceResult.values),
    K.CREDIT_VETO: tuple(CreditList.values),
}

DEFAULT_RULES: dict[str, dict] = {
    K.CLAIM_CONFIRMED: {"dimension": Dimension.SERVICES, "points": "3", "cap": "30"},
    K.CLAIM_RATING: {"dimension": Dimension.EVALUATION, "points": "0.5", "cap": "15"},
    K.ACTIVITY_ORGANIZED: {"dimension": Dimension.ACTIVITIES, "points": "2", "cap": "20"},
    K.VOLUNTEER_HOURS: {"dimension": Dimension.ACTIVITIES, "points": "0.1", "cap": "20"},
    K.EVALUATION_GRADE: {
        "dimension": Dimension.BASICS,
        "points": "0",
        "cap": "10",
        "levels": {"1A": "2", "2A": "4", "3A": "6", "4A": "8", "5A": "10"},
    },
    K.PARTY_COVERAGE: {
        "dimension": Dimension.PARTY,
        "points": "0",
        "cap": "5",
        "levels": {COVERAGE_BRANCH: "5", COVERAGE_INSTRUCTOR: "3"},
    },
    K.ORGANIZATIONAL_LIFE: {"dimension": Dimension.PARTY, "points": "1", "cap": "10"},
    K.GRANT_COMPLETED: {
        "dimension": Dimension.SERVICES,
        "points": "0",
        "cap": "20",
        "levels": {"passed": "10", "basically_passed": "5", "failed": "0"},
    },
    # No monthly cap (no "cap" key): a veto caps the total score instead.
    K.CREDIT_VETO: {
        "dimension": Dimension.CREDIT,
        "points": "0",
        "levels": {"abnormal": "60", "serious": "0"},
    },
}

_KEYS = frozenset({"dimension", "points", "cap", "levels"})


def _decimal(value) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def validate_rules(rules) -> None:
    """Raise ``ValidationError`` naming every mistake in ``rules``; return if sound."""
    if not isinstance(rules, dict):
        raise ValidationError(_("The rules must be an object with one entry per source."))
    errors: list[str] = []
    for extra in sorted(set(rules) - set(SourceKind.values)):
        errors.append(_("Unknown source “%(source)s”.") % {"source": extra})
    for kind in SourceKind:
        rule = rules.get(kind.value)
        label = kind.label
        if not isinstance(rule, dict):
            errors.append(_("The rule of “%(source)s” is missing.") % {"source": label})
            continue
        for extra in sorted(set(rule) - _KEYS):
            errors.append(
                _("The rule of “%(source)s” has an unknown key “%(key)s”.")
                % {"source": label, "key": extra}
            )
        if rule.get("dimension") not in Dimension.values:
            errors.append(
                _("The rule of “%(source)s” needs one of the six dimensions.") % {"source": label}
            )
        points = _decimal(rule.get("points"))
        if points is None:
            errors.append(_("The points of “%(source)s” must be a number.") % {"source": label})
        elif kind == K.CREDIT_VETO and points > 0:
            errors.append(_("A credit-list veto cannot add points."))
        elif kind != K.CREDIT_VETO and points < 0:
            errors.append(_("The points of “%(source)s” cannot be negative.") % {"source": label})
        cap = rule.get("cap")
        if cap is not None and ((number := _decimal(cap)) is None or number < 0):
            errors.append(
                _("The cap of “%(source)s” must be empty or a number of at least 0.")
                % {"source": label}
            )
        keys = LEVEL_KEYS.get(kind.value)
        levels = rule.get("levels")
        if keys is None:
            if levels is not None:
                errors.append(_("The rule of “%(source)s” takes no levels.") % {"source": label})
            continue
        if not isinstance(levels, dict) or set(levels) != set(keys):
            errors.append(
                _("The levels of “%(source)s” must be exactly: %(keys)s.")
                % {"source": label, "keys": ", ".join(keys)}
            )
            continue
        for key, value in levels.items():
            number = _decimal(value)
            if number is None or number < 0:
                errors.append(
                    _("The level “%(level)s” of “%(source)s” must be a number of at least 0.")
                    % {"level": key, "source": label}
                )
    if errors:
        raise ValidationError(errors)


def default_rules() -> dict:
    """A fresh copy of the default rules as plain JSON values (keys are plain strings)."""
    return json.loads(json.dumps(DEFAULT_RULES))


def points_of(rules: dict, kind: str, level: str | None = None) -> Decimal:
    rule = rules[kind]
    # A veto's levels are caps of the total, not points.
    if level is not None and "levels" in rule and kind != K.CREDIT_VETO:
        return Decimal(str(rule["levels"][level]))
    return Decimal(str(rule["points"]))


def cap_of(rules: dict, kind: str) -> Decimal | None:
    cap = rules[kind].get("cap")
    return None if cap is None else Decimal(str(cap))


def veto_cap_of(rules: dict, list_kind: str) -> Decimal:
    return Decimal(str(rules[K.CREDIT_VETO]["levels"][list_kind]))


@dataclass(frozen=True)
class RankingRules:
    """The rankings' tunable rules (``RANKINGS_RULES`` in settings overrides any)."""

    # Public notice (公示) of a ranking before it may be finalized.
    notice_days: int = 7


def ranking_rules() -> RankingRules:
    return rules_from_settings(RankingRules, "RANKINGS_RULES")
