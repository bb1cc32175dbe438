import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from core.uploads import ATTACHMENT_MAX_BYTES, validate_attachment


def _ooxml(part: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(part, "<x/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (b"%PDF-1.7\n...", "pdf"),
        (b"\x89PNG\r\n\x1a\n....", "png"),
        (b"\xff\xd8\xff\xe0....", "jpeg"),
        (bytes.fromhex("D0CF11E0A1B11AE1") + b"....", "office"),
        (_ooxml("word/document.xml"), "docx"),
        (_ooxml("xl/workbook.xml"), "xlsx"),
        (_ooxml("ppt/presentation.xml"), "pptx"),
    ],
)
def test_it_accepts_by_content(content, kind):
    # The name lies on purpose: only the bytes count.
    assert validate_attachment(SimpleUploadedFile("whatever.bin", content)) == kind


@pytest.mark.parametrize(
    "content", [b"MZ\x90\x00 an exe", b"<html><script>", _ooxml("evil/x.xml"), b"PK\x03\x04broken"]
)
def test_it_refuses_other_content_even_with_a_pdf_name(content):
    with pytest.raises(ValidationError) as error:
        validate_attachment(SimpleUploadedFile("总结.pdf", content))
    assert "总结.pdf" in str(error.value)


def test_it_refuses_a_file_over_the_limit():
    upload = SimpleUploadedFile("big.pdf", b"%PDF-")
    upload.size = ATTACHMENT_MAX_BYTES + 1
    with pytest.raises(ValidationError) as error:
        validate_attachment(upload)
    assert error.value.code == "too_large"


def test_it_refuses_an_empty_file():
    with pytest.raises(ValidationError):
        validate_attachment(SimpleUploadedFile("a.pdf", b""))
