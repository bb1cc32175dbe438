from django.conf import settings
from django_celery_beat.models import PeriodicTask

from operations.schedule import schedule_sync
from tests.factories import UserFactory


def test_the_beat_schedule_from_code_is_in_the_admin_tables(db):
    schedule_sync()
    tasks = {task.name: task for task in PeriodicTask.objects.select_related("crontab")}
    assert set(settings.CELERY_BEAT_SCHEDULE) <= set(tasks)
    report = tasks["statistics-reports"]
    assert report.task == "reporting.scheduled_reports"
    assert (report.crontab.day_of_month, report.crontab.hour, report.crontab.minute) == (
        "1",
        "6",
        "0",
    )
    assert str(report.crontab.timezone) == "Asia/Shanghai"


def test_a_task_switched_off_in_the_admin_stays_off(db):
    schedule_sync()
    PeriodicTask.objects.filter(name="party-reminders").update(enabled=False)
    schedule_sync()
    assert not PeriodicTask.objects.get(name="party-reminders").enabled
    assert PeriodicTask.objects.filter(name="party-reminders").count() == 1


def test_the_schedule_is_in_the_admin_for_superusers_only(client, tenant):
    # Issue 14: technical models are hidden from street staff.
    schedule_sync()
    client.force_login(tenant.street_admin)
    assert client.get("/admin/django_celery_beat/periodictask/").status_code == 403
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    page = client.get("/admin/django_celery_beat/periodictask/")
    assert page.status_code == 200
    assert "statistics-reports" in page.content.decode()


def test_every_migrate_copies_the_schedule_into_the_tables(db):
    # operations has no models: the sync must not wait for its own post_migrate.
    from django.core.management.sql import emit_post_migrate_signal

    PeriodicTask.objects.all().delete()
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert set(settings.CELERY_BEAT_SCHEDULE) <= set(
        PeriodicTask.objects.values_list("name", flat=True)
    )
