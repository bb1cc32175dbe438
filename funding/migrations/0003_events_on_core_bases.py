# Application events move onto core.models.TimelineEvent (from_status/to_status renamed to
# from_value/to_value, so every row is kept; time indexed), attachments onto
# core.models.StoredUpload (content_kind renamed to content_type, wider).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("funding", "0002_grant_agreement_document"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField(
            model_name="applicationevent", old_name="from_status", new_name="from_value"
        ),
        migrations.RenameField(
            model_name="applicationevent", old_name="to_status", new_name="to_value"
        ),
        migrations.AlterField(
            model_name="applicationevent",
            name="from_value",
            field=models.CharField(blank=True, max_length=50, verbose_name="from"),
        ),
        migrations.AlterField(
            model_name="applicationevent",
            name="to_value",
            field=models.CharField(blank=True, max_length=50, verbose_name="to"),
        ),
        migrations.AlterField(
            model_name="applicationevent",
            name="actor",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="by",
            ),
        ),
        migrations.AlterField(
            model_name="applicationevent",
            name="created_at",
            field=models.DateTimeField(auto_now_add=True, db_index=True, verbose_name="time"),
        ),
        migrations.RenameField(
            model_name="attachment", old_name="content_kind", new_name="content_type"
        ),
        migrations.AlterField(
            model_name="attachment",
            name="content_type",
            field=models.CharField(max_length=100, verbose_name="content type"),
        ),
        migrations.AlterField(
            model_name="attachment",
            name="size",
            field=models.PositiveIntegerField(verbose_name="size (bytes)"),
        ),
        migrations.AlterField(
            model_name="attachment",
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
            model_name="attachment",
            name="created_at",
            field=models.DateTimeField(auto_now_add=True, verbose_name="uploaded at"),
        ),
    ]
