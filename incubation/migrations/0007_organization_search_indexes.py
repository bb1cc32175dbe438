"""Indexes for the admin's organization search (``OrganizationAdmin.search_fields``).

The search looks for the text inside the name and the leader's name (``icontains``:
``UPPER(name) LIKE UPPER('%…%')``) and for the exact credit code or filing number. No
B-tree serves a contains search, so at province scale (300,000 organizations) every search
read the whole table (108 ms of SQL, twice: the count and the page). Trigram indexes
(pg_trgm, which splits Chinese names into trigrams too) and two expression indexes let
PostgreSQL answer the four OR-ed conditions from indexes: 7 ms.

PostgreSQL only: SQLite, the embedded default, has no such index and needs none at its
size. pg_trgm is a trusted extension (PostgreSQL 13+), so the database's owner may create
it without being a superuser.
"""

from django.db import migrations

INDEXES = {
    "org_name_trgm": "USING gin (UPPER(name) gin_trgm_ops)",
    "org_leader_name_trgm": "USING gin (UPPER(leader_name) gin_trgm_ops)",
    "org_uscc_upper": "(UPPER(uscc))",
    "org_filing_number_upper": "(UPPER(filing_number))",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, definition in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON incubation_organization {definition}"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("incubation", "0006_org_community_stage_id")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
