"""Reads of rankings data for the admin and, later, the public board and portraits."""

from __future__ import annotations

import datetime

from rankings.choices import ScopeKind
from rankings.models import Ranking


def period_computed(street_id: int, period_kind: str, period_start: datetime.date) -> bool:
    """Whether the period's first street-wide ranking exists (a new computation would
    only be a re-run)."""
    return Ranking.objects.filter(
        street_id=street_id,
        period_kind=period_kind,
        period_start=period_start,
        scope_kind=ScopeKind.STREET,
        supersedes__isnull=True,
    ).exists()
