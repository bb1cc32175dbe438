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
        from django.db.models.signals import post_migrate

        from operations.schedule import schedule_sync_after_migrate

        post_migrate.connect(
            schedule_sync_after_migrate, sender=self, dispatch_uid="kaiyihui.schedule_sync"
        )
        if settings.CELERY_TASK_ALWAYS_EAGER:
            logger.info("Celery: no broker configured (CELERY_BROKER_URL), tasks run inline.")
