from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    """The dashboard, the statistics, the periodic reports and the audit dossier: reads
    across the apps below it, writes only its own reports and jobs."""

    name = "reporting"
    verbose_name = _("Platform")

    def ready(self):
        from notifications.kinds import register_kind
        from reporting import (
            dossier,
            jobs,  # noqa: F401  (registers the report job runner)
        )

        dossier.register()  # the audit dossier's job runner and its button
        register_kind("statistics_report", _("Statistics report ready"))
