from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TwoFactorConfig(AppConfig):
    name = "twofactor"
    verbose_name = _("Two-factor sign-in")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from twofactor import checks  # noqa: F401  (registers the system checks)
        from twofactor.session import remember_state_on_login

        user_logged_in.connect(remember_state_on_login, dispatch_uid="twofactor.state")
