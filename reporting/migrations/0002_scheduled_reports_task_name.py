"""The monthly reports' beat entry sends reporting.scheduled_reports since the task moved
out of kaiyihui (issue 15). Beat rewrites its stored entries from settings when it
starts, and so does every migrate (operations.schedule); this renames them at once, also
for a database whose beat is not restarted. Links in the "report ready" notifications
point at the admin list's new address."""

from django.db import migrations

OLD_TASK, NEW_TASK = "kaiyihui.scheduled_reports", "reporting.scheduled_reports"
OLD_URL, NEW_URL = "/admin/kaiyihui/periodicreport/", "/admin/reporting/periodicreport/"


def rename(apps, schema_editor, old_task, new_task, old_url, new_url):
    db = schema_editor.connection.alias
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.using(db).filter(task=old_task).update(task=new_task)
    Notification = apps.get_model("notifications", "Notification")
    Notification.objects.using(db).filter(url=old_url).update(url=new_url)


def forwards(apps, schema_editor):
    rename(apps, schema_editor, OLD_TASK, NEW_TASK, OLD_URL, NEW_URL)


def backwards(apps, schema_editor):
    rename(apps, schema_editor, NEW_TASK, OLD_TASK, NEW_URL, OLD_URL)


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
        ("notifications", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
