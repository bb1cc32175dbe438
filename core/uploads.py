"""Attachments: the type is decided by the bytes, never by the file name or the browser's
claim, and the size is capped. Every app that stores an uploaded file calls
``validate_attachment`` first."""

import zipfile

from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.utils.translation import gettext as _

ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024

# Office Open XML files are zip archives whose first part names tell the kind apart.
_OOXML_PARTS = {"word/": "docx", "xl/": "xlsx", "ppt/": "pptx"}
# Legacy Office (doc, xls, ppt) is an OLE compound file.
_OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")


def sniff_kind(head: bytes) -> str | None:
    """The attachment kind from the first bytes, or None for anything we do not accept."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(_OLE_MAGIC):
        return "office"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    return None


def _ooxml_kind(uploaded) -> str | None:
    try:
        with zipfile.ZipFile(uploaded) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    for prefix, kind in _OOXML_PARTS.items():
        if any(name.startswith(prefix) for name in names):
            return kind
    return None


def validate_attachment(uploaded) -> str:
    """Return the detected kind (pdf, png, jpeg, office, docx, xlsx, pptx) or raise a
    ValidationError in Chinese naming the file and the reason."""
    name = getattr(uploaded, "name", "") or _("the file")
    size = getattr(uploaded, "size", None)
    if size is None:
        uploaded.seek(0, 2)
        size = uploaded.tell()
    if size > ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            _("%(name)s is %(size).1f MB; attachments may be at most %(max)d MB.")
            % {
                "name": name,
                "size": size / 1024 / 1024,
                "max": ATTACHMENT_MAX_BYTES // 1024 // 1024,
            },
            code="too_large",
        )
    if size == 0:
        raise ValidationError(_("%(name)s is empty.") % {"name": name}, code="empty")
    uploaded.seek(0)
    kind = sniff_kind(uploaded.read(8))
    uploaded.seek(0)
    if kind == "zip":
        kind = _ooxml_kind(uploaded)
        uploaded.seek(0)
    if kind is None:
        raise ValidationError(
            _(
                "%(name)s is not an accepted type: attach a PDF, a PNG or JPEG image, or an "
                "Office document (Word, Excel, PowerPoint)."
            )
            % {"name": name},
            code="bad_type",
        )
    return kind


def stored_upload_fields(uploaded, uploader) -> dict:
    """The fields of a ``core.models.StoredUpload`` for an upload, after checking it: the
    file, its original name (without any client path), the kind read from its bytes, its
    size and who uploaded it. Raises ValidationError like ``validate_attachment``."""
    kind = validate_attachment(uploaded)
    name = (getattr(uploaded, "name", "") or "").replace("\\", "/").rsplit("/", 1)[-1]
    return {
        "file": uploaded,
        "original_name": name[:200],
        "content_type": kind,
        "size": uploaded.size,
        "uploaded_by": uploader if getattr(uploader, "pk", None) else None,
    }


def stored_upload_response(upload) -> FileResponse:
    """A stored upload (``core.models.StoredUpload``) as a download: under the name it was
    uploaded with and the type decided from its bytes when it was stored."""
    return FileResponse(
        upload.file.open("rb"),
        as_attachment=True,
        filename=upload.original_name,
        content_type=upload.content_type,
    )
