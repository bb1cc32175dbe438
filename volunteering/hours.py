"""Service hours from a stay: the rounding rule and the cap, in one place."""

import datetime
from decimal import ROUND_DOWN, Decimal

from volunteering.rules import volunteering_rules

HALF = Decimal("0.5")


def round_minutes(minutes: int) -> Decimal:
    """Whole hours, plus the remainder rounded by the rules (default: under 15 minutes 0,
    under 45 minutes half an hour, else a whole hour)."""
    rules = volunteering_rules()
    if minutes <= 0:
        return Decimal("0")
    whole, rest = divmod(minutes, 60)
    if rest < rules.round_zero_below_minutes:
        extra = Decimal("0")
    elif rest < rules.round_half_below_minutes:
        extra = HALF
    else:
        extra = Decimal("1")
    return Decimal(whole) + extra


def session_hours(session) -> Decimal:
    """The session's length in hours, to a tenth, rounded down: nobody earns more."""
    seconds = (session.ends_at - session.starts_at).total_seconds()
    return (Decimal(seconds) / Decimal(3600)).quantize(Decimal("0.1"), rounding=ROUND_DOWN)


def stay_hours(session, signed_in_at: datetime.datetime, signed_out_at: datetime.datetime):
    """The hours a stay earns: only the part within the session counts (arriving early
    or leaving late adds nothing), rounded, never more than the session's length."""
    start = max(signed_in_at, session.starts_at)
    end = min(signed_out_at, session.ends_at)
    minutes = int((end - start).total_seconds() // 60) if end > start else 0
    return min(round_minutes(minutes), session_hours(session))


def stars_for(hours: Decimal) -> int:
    """星级: how many of the thresholds the hours have reached (0 to 5 by default)."""
    return sum(1 for threshold in volunteering_rules().star_thresholds_hours if hours >= threshold)


def next_star_at(hours: Decimal) -> int | None:
    for threshold in volunteering_rules().star_thresholds_hours:
        if hours < threshold:
            return threshold
    return None
