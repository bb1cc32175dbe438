from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwardsConfig(AppConfig):
    name = "awards"
    verbose_name = _("Award campaigns")

    def ready(self):
        # 双孵六同步: the lifecycle's 评选 checkpoint reads award campaigns (see
        # awards.checkpoints).
        from awards import checkpoints

        checkpoints.register()
