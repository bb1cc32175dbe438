from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundingConfig(AppConfig):
    name = "funding"
    verbose_name = _("Funding")

    def ready(self):
        from evaluation.prefill import register_prefill
        from funding import exports, reminders, selectors, todos

        reminders.register_kinds()
        # The call ranking in Excel is a background job (jobs.exports).
        exports.register()
        todos.register()
        # The annual review form shows what the organization received in grants that year.
        register_prefill(
            "grants_received", _("Grants received (yuan)"), selectors.grants_received_total
        )
