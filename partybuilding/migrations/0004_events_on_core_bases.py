# DevelopmentEvent moves onto core.models.TimelineEvent: its stages become the timeline's
# from_value/to_value (renamed, so every step is kept), its note a text column and its
# time indexed like every timeline's.

from django.db import migrations, models

STAGES = [
    ("applicant", "Applicant"),
    ("activist", "Activist"),
    ("candidate", "Development candidate"),
    ("probationary", "Probationary member"),
    ("full", "Full member"),
    ("cancelled", "Cancelled"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("partybuilding", "0003_party_org_name_key"),
    ]

    operations = [
        migrations.RenameField(
            model_name="developmentevent", old_name="from_stage", new_name="from_value"
        ),
        migrations.RenameField(
            model_name="developmentevent", old_name="to_stage", new_name="to_value"
        ),
        migrations.AlterField(
            model_name="developmentevent",
            name="from_value",
            field=models.CharField(choices=STAGES, max_length=50, verbose_name="from"),
        ),
        migrations.AlterField(
            model_name="developmentevent",
            name="to_value",
            field=models.CharField(choices=STAGES, max_length=50, verbose_name="to"),
        ),
        migrations.AlterField(
            model_name="developmentevent",
            name="created_at",
            field=models.DateTimeField(auto_now_add=True, db_index=True, verbose_name="time"),
        ),
        migrations.AlterField(
            model_name="developmentevent",
            name="note",
            field=models.TextField(blank=True, verbose_name="note"),
        ),
    ]
