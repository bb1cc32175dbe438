from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Changed")
    DELETE = "delete", _("Deleted")
    LOGIN = "login", _("Logged in")
    LOGOUT = "logout", _("Logged out")
    LOGIN_FAILED = "login_failed", _("Login failed")


class AuditEntry(models.Model):
    """One data change or sign-in, whoever made it and however (portal, admin, import,
    task). Written by the recorder; never edited."""

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    # Kept as text too: the record outlives a deleted account.
    actor_name = models.CharField(_("by (name)"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=12, choices=AuditAction.choices)
    app_label = models.CharField(_("app"), max_length=50, blank=True)
    model = models.CharField(_("model"), max_length=50, blank=True)
    object_pk = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-pk"]
        indexes = [
            # "Who changed this record, and when": one object's history.
            models.Index(fields=["app_label", "model", "object_pk"], name="audit_object"),
        ]

    def __str__(self):
        action = self.get_action_display()
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {action} {self.object_repr}"
