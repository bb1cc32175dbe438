"""The document archive: every upload is a new version of one kind of document; the
previous current version of that kind is superseded and kept."""

import datetime
import hashlib

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from core.dates import human_date
from core.decisions import refuse_unless
from core.errors import ActionRefused
from core.uploads import stored_upload_fields
from incubation.choices import DocumentKind
from incubation.models import Organization, OrganizationDocument
from incubation.permissions import can_upload_document
from incubation.services._common import _lock

# What the archive accepts, by the kind core.uploads detects from the bytes (legacy Office
# files and slides are refused: the archive keeps documents that open everywhere).
DOCUMENT_CONTENT_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def file_sha256(handle) -> str:
    """SHA-256 of a file-like object read in chunks (large scans stay out of memory)."""
    digest = hashlib.sha256()
    handle.seek(0)
    for chunk in iter(lambda: handle.read(1024 * 1024), b""):
        digest.update(chunk)
    handle.seek(0)
    return digest.hexdigest()


def _checked_upload(file, actor) -> dict:
    """The ``StoredUpload`` fields of an acceptable upload (``content_type`` as a MIME
    type); a ValidationError in Chinese naming the file and the reason otherwise."""
    fields = stored_upload_fields(file, actor)
    name = fields["original_name"]
    if fields["content_type"] not in DOCUMENT_CONTENT_TYPES:
        raise ValidationError(
            _(
                "%(name)s is not an accepted type for the archive: upload a PDF, a PNG or "
                "JPEG image, a Word (.docx) or an Excel (.xlsx) file."
            )
            % {"name": name or _("the file")},
            code="bad_type",
        )
    fields["content_type"] = DOCUMENT_CONTENT_TYPES[fields["content_type"]]
    fields["original_name"] = name or "document"
    return fields


def _kind_title(kind: str) -> str:
    # The archive is kept in Chinese whoever uploads (a title is data, not a label).
    with override("zh-hans"):
        return str(DocumentKind(kind).label)


def document_upload(
    *,
    organization: Organization,
    kind: str,
    file,
    expires_on: datetime.date | None = None,
    actor,
    title: str = "",
    valid_from: datetime.date | None = None,
    note: str = "",
) -> OrganizationDocument:
    """Store ``file`` as the next version of the organization's ``kind`` document. The
    previous current version of the kind is marked superseded (kept, still downloadable).
    Street staff, the organization's community staff and its own leaders may upload."""
    refuse_unless(can_upload_document(actor, organization))
    if kind not in DocumentKind.values:
        raise ActionRefused(_("Unknown document kind: %(kind)s.") % {"kind": kind})
    if expires_on and valid_from and expires_on < valid_from:
        raise ActionRefused(
            _("The expiry date %(expires)s is before the date the document is valid from.")
            % {"expires": human_date(expires_on)}
        )
    upload = _checked_upload(file, actor)
    digest = file_sha256(file)

    stored_name = ""
    try:
        with transaction.atomic():
            # The organization row is the lock: two uploads of one kind at once get
            # consecutive versions, and exactly one stays current.
            org = _lock(organization)
            previous = (
                OrganizationDocument.objects.select_for_update()
                .filter(organization=org, kind=kind)
                .current()
                .first()
            )
            last = OrganizationDocument.objects.filter(organization=org, kind=kind).aggregate(
                last=Max("version")
            )["last"]
            if previous is not None:
                previous.superseded_at = timezone.now()
                previous.save(update_fields=["superseded_at", "updated_at"])
            document = OrganizationDocument(
                organization=org,
                kind=kind,
                title=(title or "").strip()[:200] or _kind_title(kind),
                version=(last or 0) + 1,
                sha256=digest,
                valid_from=valid_from,
                expires_on=expires_on,
                note=note or "",
                **{name: value for name, value in upload.items() if name != "file"},
            )
            file.seek(0)
            document.file.save("upload", file, save=False)
            stored_name = document.file.name
            document.full_clean()
            document.save()
    except BaseException:
        # The row is gone with the rollback; the stored bytes must not outlive it.
        if stored_name:
            OrganizationDocument._meta.get_field("file").storage.delete(stored_name)
        raise
    return document
