"""Writing many append-only rows at once: the ledger's entries of a month and a snapshot's
rows. PostgreSQL's COPY takes plain tuples, so no model instance is built and no INSERT
of thousands of parameters is compiled; a yearly ranking of 100,000 organizations writes
about a million rows (bench/results.md, "Rankings"). Only the services call this."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from django.db import connection, models

BATCH = 5000


def copy_rows(model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence]) -> int:
    """Insert ``rows`` (tuples of ``fields``' values, foreign keys as ``<name>_id``) into
    ``model``'s table; returns how many. A row breaking a constraint fails them all, in
    the caller's transaction. Another database than PostgreSQL gets ``bulk_create``."""
    if connection.vendor != "postgresql":
        objects = [model(**dict(zip(fields, row, strict=True))) for row in rows]
        model._default_manager.bulk_create(objects, batch_size=BATCH)
        return len(objects)
    quote = connection.ops.quote_name
    model_fields = [model._meta.get_field(name) for name in fields]
    columns = ", ".join(quote(field.column) for field in model_fields)
    as_json = [
        (i, field.encoder)
        for i, field in enumerate(model_fields)
        if isinstance(field, models.JSONField)
    ]
    statement = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
    count = 0
    # wrap_database_errors: a broken constraint raises Django's IntegrityError, as an INSERT.
    with (
        connection.cursor() as cursor,
        connection.wrap_database_errors,
        cursor.cursor.copy(statement) as copy,
    ):
        for row in rows:
            if as_json:
                row = list(row)
                for i, encoder in as_json:
                    row[i] = json.dumps(row[i], cls=encoder)
            copy.write_row(row)
            count += 1
    return count
