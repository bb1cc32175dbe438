from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VolunteeringConfig(AppConfig):
    name = "volunteering"
    verbose_name = _("Public-benefit activities and volunteers")

    def ready(self):
        from notifications.kinds import register_kind

        register_kind("activity_reminder", _("Activity tomorrow"))
        register_kind("activity_changed", _("Activity updated"), optional=False)
        register_kind("place_confirmed", _("A place freed up for you"), optional=False)
