from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KaiyihuiConfig(AppConfig):
    """The project package (settings, URLs, Celery, WSGI/ASGI). Still an installed app
    for its migrations only: 0001 created the statistics reports' table, which
    reporting.PeriodicReport keeps (issue 15); 0002 hands the model over to reporting. Its
    ``ready`` wires apps that may not import each other (kaiyihui/job_notices.py)."""

    name = "kaiyihui"
    verbose_name = _("Platform")

    def ready(self):
        from kaiyihui import job_notices

        job_notices.register()
