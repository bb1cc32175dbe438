"""The default service categories (marketplace.categories)."""

from django.db import migrations


def seed(apps, schema_editor):
    from marketplace.categories import seed_default_categories

    seed_default_categories(apps.get_model("marketplace", "Category"))


class Migration(migrations.Migration):
    dependencies = [("marketplace", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
