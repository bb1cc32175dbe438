from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketplaceConfig(AppConfig):
    name = "marketplace"
    verbose_name = _("Service marketplace (凯益集市)")

    def ready(self):
        from notifications.kinds import register_kind

        register_kind("list_published", _("A list was published"))
        register_kind("claim_changed", _("Claim updated"), optional=False)
        register_kind("claim_deadline", _("Claim deadline near"), optional=False)
        register_kind("need_unclaimed", _("Need unclaimed"))
