"""The wish counts kept per community and status (WishTally). The wish service moves a
wish's count in the transaction that moves the wish; bulk loads (the demo, the benchmark,
the migration that added the table) count again with ``recount``."""

from django.db.models import Count, F

from marketplace.models import Wish, WishTally


def move(community_id: int, before: str | None, to: str) -> None:
    """One wish of the community went from ``before`` (None: new) to ``to``. Called inside
    the wish's transaction. The rows are written in status order, so that two moves in
    opposite directions cannot lock each other's rows in turn (deadlock)."""
    statuses = sorted({to} | ({before} if before else set()))
    WishTally.objects.bulk_create(
        [WishTally(community_id=community_id, status=status, n=0) for status in statuses],
        ignore_conflicts=True,
    )
    for status in statuses:
        delta = (status == to) - (status == before)
        WishTally.objects.filter(community_id=community_id, status=status).update(n=F("n") + delta)


def recount() -> int:
    """Count every community's wishes again from the wish table; returns the rows kept."""
    counted = (
        Wish.objects.order_by()
        .values("community_id", "status")
        .annotate(n=Count("pk"))
        .values_list("community_id", "status", "n")
    )
    rows = [WishTally(community_id=c, status=s, n=n) for c, s, n in counted]
    WishTally.objects.all().delete()
    WishTally.objects.bulk_create(rows)
    return len(rows)
