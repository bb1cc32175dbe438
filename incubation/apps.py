from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncubationConfig(AppConfig):
    name = "incubation"
    verbose_name = _("Organizations and incubation")

    def ready(self):
        from notifications.kinds import register_kind

        register_kind("stage_changed", _("Lifecycle stage changed"))
        register_kind("re_election_due", _("Re-election due"), optional=False)
        register_kind("incubation_ending", _("Incubation period ending"))
        register_kind("document_expiring", _("Document expiring"), optional=False)

        from incubation import todos

        todos.register()
