"""PeriodicReport now belongs to reporting (reporting/migrations/0001_initial.py): gone
from kaiyihui's state only. The table stays; reporting's model names it."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("kaiyihui", "0001_initial"),
        ("reporting", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="PeriodicReport")],
            database_operations=[],
        ),
    ]
