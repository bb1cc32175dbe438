"""Organization names are unique per community by their key (core.identifiers.normalize_name),
so a look-alike name (a zero-width space, full-width letters, another spacing) is refused
like the same name."""

from django.db import migrations, models

import core.fields
from core.identifiers import clean_name, normalize_name


def fill_keys(apps, schema_editor):
    """Store the cleaned name and its key. Rows that already collide (two spellings of one
    name in one community) keep their names; the later rows get a key marked with their
    id so the constraint can be built, and staff merge or rename them: their next edit
    is refused until the name differs."""
    Organization = apps.get_model("incubation", "Organization")
    seen = set()
    batch = []
    for org in (
        Organization.objects.order_by("pk")
        .only("pk", "community_id", "name")
        .iterator(chunk_size=2000)
    ):
        org.name = clean_name(org.name) or org.name
        key = normalize_name(org.name)[:200]
        if (org.community_id, key) in seen:
            key = f"{key[:180]}#{org.pk}"
        seen.add((org.community_id, key))
        org.name_key = key
        batch.append(org)
        if len(batch) >= 1000:
            Organization.objects.bulk_update(batch, ["name", "name_key"])
            batch = []
    if batch:
        Organization.objects.bulk_update(batch, ["name", "name_key"])


class Migration(migrations.Migration):
    dependencies = [
        ("incubation", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="organization",
            name="name_key",
            field=core.fields.NameKeyField(max_length=200, source="name", verbose_name="name key"),
        ),
        # The old constraint goes first: cleaning a name may make it equal to another.
        migrations.RemoveConstraint(
            model_name="organization",
            name="organization_unique_name",
        ),
        migrations.RunPython(fill_keys, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="organization",
            constraint=models.UniqueConstraint(
                fields=("community", "name_key"), name="organization_unique_name_key"
            ),
        ),
    ]
