from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RankingsConfig(AppConfig):
    name = "rankings"
    verbose_name = _("Rankings and awards")

    def ready(self):
        from rankings import jobs, todos
        from rankings.services import objections

        jobs.register()
        objections.register_kinds()
        todos.register()
