import logging

from django.apps import AppConfig
from django.conf import settings
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger("kaiyihui")


class KaiyihuiAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with our site (kaiyihui.admin_site): module order, Chinese app
    names, technical models for superusers only. Named in INSTALLED_APPS by its path;
    not this module's default (that is KaiyihuiConfig)."""

    default = False
    default_site = "kaiyihui.admin_site.KaiyihuiAdminSite"

    def ready(self):
        from kaiyihui.admin_site import name_third_party_apps

        name_third_party_apps()
        super().ready()


class KaiyihuiConfig(AppConfig):
    name = "kaiyihui"
    verbose_name = _("Platform")

    def ready(self):
        from django.contrib import admin

        from kaiyihui import (
            dossier,
            jobs,  # noqa: F401  (registers the report job runner)
        )

        dossier.register()  # the audit dossier's job runner and its button
        from notifications.kinds import register_kind

        register_kind("statistics_report", _("Statistics report ready"))
        from django.db.models.signals import post_migrate

        from kaiyihui.schedule import schedule_sync_after_migrate

        post_migrate.connect(
            schedule_sync_after_migrate, sender=self, dispatch_uid="kaiyihui.schedule_sync"
        )

        admin.site.site_header = settings.PLATFORM_NAME
        admin.site.site_title = settings.PLATFORM_NAME
        admin.site.index_title = _("Street office administration")
        if settings.CELERY_TASK_ALWAYS_EAGER:
            logger.info("Celery: no broker configured (CELERY_BROKER_URL), tasks run inline.")
