"""Volunteering's tunable rules (``VOLUNTEERING_RULES`` in settings overrides any)."""

from dataclasses import dataclass

from core.rules import rules_from_settings


@dataclass(frozen=True)
class VolunteeringRules:
    # Rounding of a stay into service hours, in minutes: under the first counts nothing,
    # up to the second half an hour, up to the third a whole hour; beyond an hour the
    # remainder is rounded the same way and added to the whole hours.
    round_zero_below_minutes: int = 15
    round_half_below_minutes: int = 45
    # Star levels (星级志愿者) by total hours: one star at the first threshold, and so on.
    star_thresholds_hours: tuple[int, ...] = (100, 300, 600, 1000, 1500)
    # The session's QR code signs people in from this long before the start …
    qr_opens_minutes_before: int = 60
    # … until this long after the end.
    qr_closes_minutes_after: int = 120
    # Sessions end with their no-shows recorded this long after the end.
    no_show_after_minutes: int = 120


def volunteering_rules() -> VolunteeringRules:
    return rules_from_settings(VolunteeringRules, "VOLUNTEERING_RULES")
