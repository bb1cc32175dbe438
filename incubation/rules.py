"""Rules with dates. Defaults follow the civil-affairs rules; a deployment may override any
of them with the ``INCUBATION_RULES`` setting (a dict with the same keys)."""

import datetime
from dataclasses import dataclass, fields

from django.conf import settings


@dataclass(frozen=True)
class Rules:
    # 年检: report due to the supervising unit and to the registry (month, day).
    annual_report_due: tuple[int, int] = (3, 31)
    annual_registry_due: tuple[int, int] = (5, 31)
    # Organizations founded after this day of a year skip that year's 年检.
    annual_review_founded_cutoff: tuple[int, int] = (6, 30)
    # 换届
    max_term_years: int = 5
    max_extension_months: int = 12
    extension_notice_months: int = 3
    re_election_reminder_days: tuple[int, ...] = (90, 30)
    # 出壳 criteria
    graduation_min_months: int = 12
    graduation_requires_passed_review: bool = True
    graduation_requires_independence: bool = True
    incubation_end_reminder_days: int = 30
    # Credit lists: years on the abnormal list before it escalates.
    abnormal_escalation_years: int = 2
    # Documents with an expiry date (登记证书): reminders this many days ahead, then once
    # it has expired.
    document_expiry_reminder_days: tuple[int, ...] = (60, 14)


def rules() -> Rules:
    overrides = getattr(settings, "INCUBATION_RULES", {}) or {}
    known = {f.name for f in fields(Rules)}
    return Rules(**{k: v for k, v in overrides.items() if k in known})


def add_months(day: datetime.date, months: int) -> datetime.date:
    """Same day ``months`` later, clamped to the month's end (2024-01-31 + 1 → 2024-02-29)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError(day)


def add_years(day: datetime.date, years: int) -> datetime.date:
    return add_months(day, 12 * years)
