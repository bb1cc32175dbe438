"""PeriodicReport moved from kaiyihui to reporting (issue 15) in Django's state only: a
report written under the old app survives the migrations with its table, its row and its
permissions, and beat's stored entry sends the task's new name."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.factories import StreetFactory

BEFORE = [("kaiyihui", "0001_initial"), ("reporting", None)]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state([("kaiyihui", "0001_initial")]).apps


def _latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_a_report_of_the_old_app_survives_the_move():
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.models import ContentType
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    street = StreetFactory()
    old_apps = _migrate(BEFORE)
    OldReport = old_apps.get_model("kaiyihui", "PeriodicReport")
    assert OldReport._meta.db_table == "kaiyihui_periodicreport"
    old = OldReport.objects.create(
        street_id=street.pk,
        kind="monthly",
        period_start=datetime.date(2026, 10, 1),
        period_end=datetime.date(2026, 10, 31),
        figures={"organizations": 7},
    )
    # The content type and a role's permission as the old HEAD left them.
    ContentType.objects.filter(app_label="reporting", model="periodicreport").delete()
    old_type, _ = ContentType.objects.get_or_create(app_label="kaiyihui", model="periodicreport")
    permission, _ = Permission.objects.get_or_create(
        content_type=old_type, codename="add_periodicreport", defaults={"name": "add"}
    )
    group = Group.objects.create(name="holds the old permission")
    group.permissions.add(permission)
    crontab = CrontabSchedule.objects.create(minute="0", hour="6", day_of_month="1")
    PeriodicTask.objects.update_or_create(
        name="statistics-reports",
        defaults={"task": "kaiyihui.scheduled_reports", "crontab": crontab},
    )

    _migrate(_latest())

    from reporting.models import PeriodicReport

    report = PeriodicReport.objects.get(pk=old.pk)
    assert report.figures == {"organizations": 7}
    assert report.street_id == street.pk
    assert not ContentType.objects.filter(app_label="kaiyihui", model="periodicreport").exists()
    moved = ContentType.objects.get(app_label="reporting", model="periodicreport")
    assert moved.pk == old_type.pk
    assert group.permissions.filter(content_type=moved, codename="add_periodicreport").exists()
    assert PeriodicTask.objects.get(name="statistics-reports").task == (
        "reporting.scheduled_reports"
    )


def test_the_moved_model_is_still_audited():
    from audit.selectors import is_audited
    from reporting.models import PeriodicReport

    assert is_audited(PeriodicReport)
