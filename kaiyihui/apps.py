import logging

from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger("kaiyihui")


class KaiyihuiConfig(AppConfig):
    name = "kaiyihui"
    verbose_name = _("Platform")

    def ready(self):
        from django.contrib import admin

        admin.site.site_header = settings.PLATFORM_NAME
        admin.site.site_title = settings.PLATFORM_NAME
        admin.site.index_title = _("Street office administration")
        if settings.CELERY_TASK_ALWAYS_EAGER:
            logger.info("Celery: no broker configured (CELERY_BROKER_URL), tasks run inline.")
