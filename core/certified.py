"""Official records, frozen: one code path for every document the platform certifies
(evaluation reports, grant agreements, later volunteer certificates and ranking
snapshots).

A certified document lives in two steps:

1. **Issued** — inside the transaction that makes the record official (a review
   finalized, an agreement recorded) the owning app creates the document row with a
   *snapshot*: a JSON copy of every fact the printed document shows, as it is at that
   moment, and ``issued_at``. From then on later edits of the organization, the project
   or the scores cannot reach the document: it is rendered from the snapshot only.
2. **Frozen** — a task renders the snapshot to PDF once and :func:`certify` stores the
   bytes with their SHA-256. A frozen document is never overwritten: certifying again is
   refused, and a retried task finds it frozen and does nothing.

Downloads read the stored bytes through :func:`certified_bytes`, which checks them
against the stored hash. The public verification page of each kind shows the issue date
and the hash, never today's date.
"""

import hashlib
import logging
import secrets

from django.core.files.base import ContentFile
from django.db import models
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.queue import enqueue

logger = logging.getLogger(__name__)


class AlreadyCertified(Exception):
    """The document is frozen; its file and hash stay as they are."""


class CertifiedFileAltered(Exception):
    """The stored bytes no longer match the hash recorded when the document was frozen."""


def new_verification_code() -> str:
    # 64 random bits: printed on the document and typed from a QR code's URL.
    return secrets.token_hex(8).upper()


def certified_upload_to(instance, filename: str) -> str:
    # Each kind keeps its files in its own folder; the storage never overwrites a name
    # (it appends a suffix), so two renders can never share a file.
    return f"certified/{instance.CERTIFIED_FOLDER}/{filename}"


def sha256_hex(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


class CertifiedDocument(models.Model):
    """Fields shared by every certified document. Subclasses set ``CERTIFIED_FOLDER`` and
    link to the record they certify."""

    CERTIFIED_FOLDER = "documents"

    verification_code = models.CharField(
        _("verification code"), max_length=16, unique=True, default=new_verification_code
    )
    snapshot = models.JSONField(
        _("content as issued"),
        default=dict,
        help_text=_("Everything the document prints, as it was when it was issued."),
    )
    issued_at = models.DateTimeField(_("issued at"))
    file = models.FileField(_("file"), upload_to=certified_upload_to, blank=True)
    # Indexed: the verification pages and the archives look documents up by their hash.
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True, db_index=True)
    frozen_at = models.DateTimeField(_("rendered at"), null=True, blank=True)

    class Meta:
        abstract = True
        constraints = [
            # File and hash are written together by certify(), or not at all.
            models.CheckConstraint(
                condition=Q(file="", sha256="", frozen_at__isnull=True)
                | (~Q(file="") & ~Q(sha256="") & Q(frozen_at__isnull=False)),
                name="%(app_label)s_%(class)s_frozen_together",
            ),
        ]

    @property
    def is_frozen(self) -> bool:
        return bool(self.sha256)


def certify(document: CertifiedDocument, content: bytes, *, filename: str) -> CertifiedDocument:
    """Store ``content`` as the document's file with its SHA-256, once. Raises
    AlreadyCertified when the document is frozen already (also when another process froze
    it a moment ago: the conditional update below is what decides)."""
    if document.is_frozen:
        raise AlreadyCertified(document.verification_code)
    if not content:
        raise ValueError("an empty document cannot be certified")
    digest = sha256_hex(content)
    field = document.file.field
    storage = field.storage
    name = storage.save(field.generate_filename(document, filename), ContentFile(content))
    now = timezone.now()
    # Only a row still unfrozen is written: two workers racing on a retried task end with
    # one file and one hash; the loser removes its copy.
    updated = (
        type(document)
        ._default_manager.filter(pk=document.pk, sha256="")
        .update(file=name, sha256=digest, frozen_at=now)
    )
    if not updated:
        storage.delete(name)
        raise AlreadyCertified(document.verification_code)
    document.file.name = name
    document.sha256 = digest
    document.frozen_at = now
    return document


def freeze(document: CertifiedDocument, to_pdf, *, filename: str) -> bool:
    """Render the issued snapshot (``to_pdf(snapshot) -> bytes``) and certify it, once.
    True when this call froze the document; False when it was frozen already, also by
    another worker while this one rendered (theirs stands; the document is reloaded)."""
    if document.is_frozen:
        return False
    content = to_pdf(document.snapshot)
    try:
        certify(document, content, filename=filename)
    except AlreadyCertified:
        document.refresh_from_db()
        return False
    return True


def is_pending(document: CertifiedDocument | None) -> bool:
    """Issued but not rendered yet."""
    return document is not None and not document.is_frozen


def certified_bytes(document: CertifiedDocument | None) -> bytes | None:
    """The frozen bytes, checked against the stored hash; None while not issued or not
    rendered yet. Never renders."""
    if document is None or not document.is_frozen:
        return None
    with document.file.open("rb") as handle:
        content = handle.read()
    if sha256_hex(content) != document.sha256:
        # Somebody changed the stored file behind the platform's back: never hand out a
        # document whose hash the verification page would not confirm.
        logger.error(
            "certified file %s does not match its SHA-256 %s", document.file.name, document.sha256
        )
        raise CertifiedFileAltered(document.verification_code)
    return content


def certified_download(
    request, owner, *, read, pending, freeze_task, reload, filename, template, name
):
    """The frozen PDF of ``owner`` (a review, an application) as a download. Never renders
    it: while the worker has not frozen it yet the reader gets ``template`` (the owner in
    its context as ``name``) with 202 and Retry-After.

    ``read(owner)`` gives the checked bytes or None, ``pending(owner)`` says it is issued
    but not rendered. A pending render may have been lost with a broker outage, so
    ``freeze_task`` is asked again (a frozen document makes it a no-op) and the owner is
    read anew with ``reload()``. ``filename(owner)`` names the download."""
    content = read(owner)
    if content is None and pending(owner):
        enqueue(freeze_task, owner.pk)
        owner = reload()
        content = read(owner)
    if content is None:
        response = render(request, template, {name: owner})
        response.status_code = 202
        response["Retry-After"] = "10"
        return response
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename(owner)}"'
    return response
