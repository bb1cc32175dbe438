"""Bulk writes of already-validated rows (an Excel import's updates), the same way in
every app: the rows locked in primary-key order, in batches of ``BULK_BATCH``."""

from core.decisions import refuse_unless

BULK_BATCH = 1000


def fields_changed(changes, editable) -> set[str]:
    """The fields that ``changes`` ([(row, {field: value})]) set. A field outside
    ``editable`` is a caller's bug, not a user's mistake: TypeError."""
    fields = set()
    for _row, change in changes:
        unknown = set(change) - set(editable)
        if unknown:
            raise TypeError(f"not editable here: {sorted(unknown)}")
        fields |= set(change)
    return fields


def refuse_unless_each(rows, decide, *, key) -> None:
    """``refuse_unless(decide(row))`` once per distinct ``key(row)``: one permission check
    stands for every row of the same community, branch, ... (a bulk write of thousands of
    rows asks a handful of times)."""
    checked = set()
    for row in rows:
        if key(row) not in checked:
            refuse_unless(decide(row))
            checked.add(key(row))


def lock_rows(queryset, changes) -> dict:
    """The stored rows of ``changes`` ([(row, change)]), locked ``select_for_update``
    (``queryset`` may narrow it, e.g. ``of=("self",)``), as pk → row. Locked in
    primary-key order, the order every writer uses, so two bulk writers never deadlock."""
    ids = sorted(row.pk for row, _change in changes)
    locked = {}
    for start in range(0, len(ids), BULK_BATCH):
        locked.update(queryset.in_bulk(ids[start : start + BULK_BATCH]))
    return locked
