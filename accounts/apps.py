from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and geography")

    def ready(self):
        from accounts import labels
        from accounts.roles import sync_roles_after_migrate

        labels.install()  # role groups and permissions named in Chinese

        # Roles are data that every database needs; creating them after each migrate keeps
        # a fresh database (and the test database) complete without a manual step.
        post_migrate.connect(sync_roles_after_migrate, dispatch_uid="accounts.sync_roles")
