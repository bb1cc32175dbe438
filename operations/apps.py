import logging

from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger("kaiyihui")


class OperationsConfig(AppConfig):
    """Running the platform: backup and restore, the demo data, the beat schedule's copy
    in the database, sending reminders now. No models of its own."""

    name = "operations"
    verbose_name = _("Operations")

    def ready(self):
        from django.apps import apps
        from django.db.models.signals import post_migrate

        from operations.schedule import schedule_sync_after_migrate

        # Django sends post_migrate once per app with models; operations has none, so the
        # sync follows the schedule tables' own app (once per migrate, after all of them).
        post_migrate.connect(
            schedule_sync_after_migrate,
            sender=apps.get_app_config("django_celery_beat"),
            dispatch_uid="kaiyihui.schedule_sync",
        )
        if settings.CELERY_TASK_ALWAYS_EAGER:
            logger.info("Celery: no broker configured (CELERY_BROKER_URL), tasks run inline.")
