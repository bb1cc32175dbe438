from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartybuildingConfig(AppConfig):
    name = "partybuilding"
    verbose_name = _("Party building")

    def ready(self):
        # 双孵六同步: the lifecycle's 入驻, 管理 and 换届 checkpoints read party-building
        # records (see partybuilding.checkpoints).
        from partybuilding import checkpoints, exports, reminders, visibility

        checkpoints.register()
        # The coverage matrix in Excel is a background job (jobs.exports).
        exports.register()
        # Party workers see the organizations their party organizations cover.
        visibility.register()
        reminders.register_kinds()
