import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class TimelineEvent(models.Model):
    """One step of a record's timeline: who moved it from what to what, why, and when.

    Each app's event model extends this with the record it belongs to (and a ``kind``
    where one record has several kinds of steps). Rows are written only by the owning
    app's services, in the same transaction as the change they describe; a higher app
    that needs a step on a lower app's timeline calls that app's service."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    from_value = models.CharField(_("from"), max_length=50, blank=True)
    to_value = models.CharField(_("to"), max_length=50, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-pk"]

    @classmethod
    def record(cls, *, actor=None, from_value="", to_value="", note="", **owner):
        """Store one step. ``owner`` names the record it belongs to (and the ``kind`` or
        other fields of the app's event); an actor that is not a stored user (the system,
        an anonymous request) is recorded as nobody, and the values as text."""
        return cls._default_manager.create(
            actor=actor if getattr(actor, "pk", None) else None,
            from_value=str(from_value or ""),
            to_value=str(to_value or ""),
            note=str(note or ""),
            **owner,
        )


def stored_upload_path(instance, filename) -> str:
    # Stored names are generated: a client's file name never reaches the storage (it is
    # kept in ``original_name`` for the download). Apps group files under their label.
    return f"{instance._meta.app_label}/{uuid.uuid4().hex}"


class StoredUpload(models.Model):
    """A file somebody uploaded: stored under a generated name, its type decided from the
    bytes by ``core.uploads.validate_attachment`` (never the browser's claim), its size
    and uploader kept. Apps' attachments and documents extend this with what they belong
    to; ``core.uploads.stored_upload_fields`` fills these fields from an upload."""

    file = models.FileField(_("file"), upload_to=stored_upload_path)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.original_name
