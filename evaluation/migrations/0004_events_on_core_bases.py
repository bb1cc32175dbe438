# Cycle and review events move onto core.models.TimelineEvent (wider from/to, indexed
# time; cycle events gain a note), review attachments onto core.models.StoredUpload: their
# name and kind are renamed to original_name and content_type, so every row is kept.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("evaluation", "0003_review_event_attachments"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="cycleevent",
            name="note",
            field=models.TextField(blank=True, verbose_name="note"),
        ),
        migrations.AlterField(
            model_name="cycleevent",
            name="created_at",
            field=models.DateTimeField(auto_now_add=True, db_index=True, verbose_name="time"),
        ),
        migrations.AlterField(
            model_name="cycleevent",
            name="from_value",
            field=models.CharField(blank=True, max_length=50, verbose_name="from"),
        ),
        migrations.AlterField(
            model_name="cycleevent",
            name="to_value",
            field=models.CharField(blank=True, max_length=50, verbose_name="to"),
        ),
        migrations.AlterField(
            model_name="reviewevent",
            name="created_at",
            field=models.DateTimeField(auto_now_add=True, db_index=True, verbose_name="time"),
        ),
        migrations.AlterField(
            model_name="reviewevent",
            name="from_value",
            field=models.CharField(blank=True, max_length=50, verbose_name="from"),
        ),
        migrations.AlterField(
            model_name="reviewevent",
            name="to_value",
            field=models.CharField(blank=True, max_length=50, verbose_name="to"),
        ),
        migrations.RenameField(
            model_name="reviewattachment", old_name="name", new_name="original_name"
        ),
        migrations.RenameField(
            model_name="reviewattachment", old_name="kind", new_name="content_type"
        ),
        migrations.AlterField(
            model_name="reviewattachment",
            name="original_name",
            field=models.CharField(max_length=200, verbose_name="file name"),
        ),
        migrations.AlterField(
            model_name="reviewattachment",
            name="content_type",
            field=models.CharField(max_length=100, verbose_name="content type"),
        ),
        migrations.AlterField(
            model_name="reviewattachment",
            name="size",
            field=models.PositiveIntegerField(verbose_name="size (bytes)"),
        ),
        migrations.AlterField(
            model_name="reviewattachment",
            name="uploaded_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="uploaded by",
            ),
        ),
        migrations.AlterField(
            model_name="reviewattachment",
            name="created_at",
            field=models.DateTimeField(auto_now_add=True, verbose_name="uploaded at"),
        ),
    ]
