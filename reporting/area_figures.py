"""The dashboard's figures kept in one row per area (reporting.models.AreaFigures).

Computing them counts over every row of a street: at province scale (30,000 organizations
and 300,000 resources in a street) about a second of SQL in some 30 queries. The dashboard
reads the row instead, in one query. The row is recomputed:

- by the worker, every few minutes, for every area looked at in the last week
  (``refresh_viewed``, beat's "dashboard-figures");
- by the worker at once when a visitor finds it older than FRESH_FOR (one message for a
  crowd of visitors, ``refresh_sent_at``);
- inline when it is missing, or older than TOO_OLD (the worker is evidently not keeping
  it), and when staff press "recompute now".
"""

import datetime
import time

from django.db.models import Q
from django.utils import timezone

from accounts.models import Community, Street
from core.queue import enqueue
from core.tagged_json import pack, unpack
from reporting.models import AreaFigures
from reporting.selectors import headline_figures, trend_figures

FRESH_FOR = datetime.timedelta(minutes=5)
TOO_OLD = datetime.timedelta(hours=1)
# A refresh sent and not done within this time (worker stopped) may be sent again.
RESEND_AFTER = datetime.timedelta(minutes=2)
# The worker keeps the areas viewed within this time; the view notes a visit at most
# this often (one UPDATE an hour, not one per page view).
KEPT_FOR = datetime.timedelta(days=7)
VISIT_NOTED_EVERY = datetime.timedelta(hours=1)


def scope_of(street: Street | None, community: Community | None) -> str:
    if community is not None:
        return f"community:{community.pk}"
    if street is not None:
        return f"street:{street.pk}"
    return "all"


class Snapshot:
    """An AreaFigures row with its figures unpacked, as the dashboard shows them."""

    def __init__(self, row: AreaFigures):
        self.row = row
        self.figures = unpack(row.figures)
        self.trends = unpack(row.trends)
        self.computed_at = row.computed_at


def recompute(street: Street | None, community: Community | None) -> Snapshot:
    """Count the area's figures now and keep them."""
    started = time.perf_counter()
    figures = headline_figures(street=street, community=community)
    trends = trend_figures(street=street, community=community)
    now = timezone.now()
    kept = {
        "street": street,
        "community": community,
        "figures": pack(figures),
        "trends": pack(trends),
        "computed_at": now,
        "compute_ms": round((time.perf_counter() - started) * 1000),
    }
    row, _ = AreaFigures.objects.update_or_create(
        scope=scope_of(street, community),
        defaults={**kept, "refresh_sent_at": None},
        create_defaults={**kept, "viewed_at": now},
    )
    return Snapshot(row)


def figures_for_dashboard(
    street: Street | None, community: Community | None, *, now: datetime.datetime | None = None
) -> Snapshot:
    """The area's figures for a page view: the kept row when it is recent enough."""
    now = now or timezone.now()
    row = AreaFigures.objects.filter(scope=scope_of(street, community)).first()
    if row is None or now - row.computed_at > TOO_OLD:
        return recompute(street, community)
    if now - row.viewed_at > VISIT_NOTED_EVERY:
        AreaFigures.objects.filter(pk=row.pk).update(viewed_at=now)
    if now - row.computed_at > FRESH_FOR and _claim_refresh(row, now):
        from reporting.tasks import refresh_area_figures

        enqueue(refresh_area_figures, row.scope)
    return Snapshot(row)


def _claim_refresh(row: AreaFigures, now: datetime.datetime) -> bool:
    """True for the one visitor who sends the refresh (an atomic UPDATE decides)."""
    unsent = Q(refresh_sent_at__isnull=True) | Q(refresh_sent_at__lt=now - RESEND_AFTER)
    return AreaFigures.objects.filter(unsent, pk=row.pk).update(refresh_sent_at=now) == 1


def recompute_scope(scope: str) -> Snapshot | None:
    """The worker's refresh of one kept row; None when its area is gone."""
    row = AreaFigures.objects.select_related("street", "community").filter(scope=scope).first()
    if row is None:
        return None
    return recompute(row.street, row.community)


def refresh_viewed(*, now: datetime.datetime | None = None) -> int:
    """Recompute every row viewed within KEPT_FOR that is not fresh (beat, every five
    minutes); the rows nobody looks at any more are dropped. Returns the rows recomputed."""
    now = now or timezone.now()
    AreaFigures.objects.filter(viewed_at__lt=now - KEPT_FOR).delete()
    # A minute's margin: beat's next run finds the row computed by this one not yet stale.
    due = AreaFigures.objects.filter(
        computed_at__lt=now - FRESH_FOR + datetime.timedelta(minutes=1)
    )
    done = 0
    for row in due.select_related("street", "community").order_by("computed_at").iterator():
        recompute(row.street, row.community)
        done += 1
    return done
