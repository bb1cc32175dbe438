"""Party organization names are unique per street by their key
(core.identifiers.normalize_name), so a look-alike name (a zero-width space, full-width
digits, another spacing) is refused like the same name."""

from django.db import migrations, models

import core.fields
from core.identifiers import clean_name, normalize_name


def fill_keys(apps, schema_editor):
    """Store the cleaned name and its key. Rows that already collide (two spellings of one
    name in one street) keep their names; the later rows get a key marked with their id so
    the constraint can be built, and staff merge or rename them: their next edit is refused
    until the name differs."""
    PartyOrganization = apps.get_model("partybuilding", "PartyOrganization")
    seen = set()
    batch = []
    for party_org in (
        PartyOrganization.objects.order_by("pk")
        .only("pk", "street_id", "name")
        .iterator(chunk_size=2000)
    ):
        party_org.name = clean_name(party_org.name) or party_org.name
        key = normalize_name(party_org.name)[:200]
        if (party_org.street_id, key) in seen:
            key = f"{key[:180]}#{party_org.pk}"
        seen.add((party_org.street_id, key))
        party_org.name_key = key
        batch.append(party_org)
        if len(batch) >= 1000:
            PartyOrganization.objects.bulk_update(batch, ["name", "name_key"])
            batch = []
    if batch:
        PartyOrganization.objects.bulk_update(batch, ["name", "name_key"])


class Migration(migrations.Migration):
    dependencies = [
        ("partybuilding", "0002_activity_branch_date"),
    ]

    operations = [
        migrations.AddField(
            model_name="partyorganization",
            name="name_key",
            field=core.fields.NameKeyField(max_length=200, source="name", verbose_name="name key"),
        ),
        # The old constraint goes first: cleaning a name may make it equal to another.
        migrations.RemoveConstraint(
            model_name="partyorganization",
            name="party_org_unique_name",
        ),
        migrations.RunPython(fill_keys, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="partyorganization",
            constraint=models.UniqueConstraint(
                fields=("street", "name_key"), name="party_org_unique_name_key"
            ),
        ),
    ]
