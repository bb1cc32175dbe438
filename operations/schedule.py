"""The beat schedule lives in settings (code); this copies it into django-celery-beat's
tables after every migrate, so staff see it in the admin even before beat first starts.
Beat does the same at its start. An entry switched off in the admin stays off."""

from zoneinfo import ZoneInfo

from django.conf import settings


def schedule_sync() -> int:
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        cron = entry["schedule"]
        crontab, _created = CrontabSchedule.objects.get_or_create(
            minute=str(cron._orig_minute),
            hour=str(cron._orig_hour),
            day_of_week=str(cron._orig_day_of_week),
            day_of_month=str(cron._orig_day_of_month),
            month_of_year=str(cron._orig_month_of_year),
            timezone=ZoneInfo(settings.CELERY_TIMEZONE),
        )
        PeriodicTask.objects.update_or_create(
            name=name, defaults={"task": entry["task"], "crontab": crontab, "interval": None}
        )
    return len(settings.CELERY_BEAT_SCHEDULE)


def schedule_sync_after_migrate(sender, **kwargs):
    schedule_sync()
