from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """One message to one person. ``(recipient, kind, key)`` is unique, so a retried or
    doubled beat run can never send the same reminder twice."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=50)
    key = models.CharField(
        _("key"), max_length=120, help_text=_("What and which period it is about, e.g. org:12:2027")
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "key"], name="notification_once_per_period"
            )
        ]
        indexes = [
            # The unread badge on every page: unread notifications of one user.
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
        ]

    def __str__(self):
        return self.title


class NotificationOptOut(models.Model):
    """A user who does not want e-mail and in-app messages of an optional kind."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_opt_outs",
        verbose_name=_("user"),
    )
    kind = models.CharField(_("kind"), max_length=50)

    class Meta:
        verbose_name = _("notification opt-out")
        verbose_name_plural = _("notification opt-outs")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_opt_out_once")
        ]

    def __str__(self):
        return f"{self.user} · {self.kind}"
