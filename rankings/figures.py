"""The rankings' figure for ``stats --json``, the dashboard and the periodic reports."""

from __future__ import annotations

from django.db.models import Max
from django.utils import timezone

from rankings.choices import ScopeKind
from rankings.public import published_rankings


def rankings_figures(*, street=None, community=None) -> dict:
    """``ranking_published_at``: the day the latest street-wide ranking went on public
    notice (ISO date), for the platform, a street or a community's street; None before
    any. One query."""
    rankings = published_rankings().filter(scope_kind=ScopeKind.STREET)
    if street is not None:
        rankings = rankings.filter(street=street)
    elif community is not None:
        rankings = rankings.filter(street_id=community.street_id)
    latest = rankings.aggregate(at=Max("published_at"))["at"]
    return {"ranking_published_at": timezone.localdate(latest).isoformat() if latest else None}
