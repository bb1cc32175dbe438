"""The .xlsx guard: zip bombs, lying dimensions and slow sheets are refused before (or
while) parsing, with a Chinese message naming the file and the limit; normal files pass.

Speed targets belong in benchmarks; here the elapsed-time bounds are only a safety net and
the real assertion is that openpyxl never saw the bomb."""

import io
import time
import zipfile
from xml.sax.saxutils import escape

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from core.excel import XLSX_CONTENT_TYPE
from core.xlsx_guard import WorkbookRefused, guarded_rows, inspect_xlsx
from incubation.excel import import_organizations
from incubation.models import Organization
from incubation.resources import FILING_NUMBER, HEADERS, LEGAL_STATUS, NAME, USCC
from tests.incubation.test_excel import filed_row

SHEET = "xl/worksheets/sheet1.xml"
MB = 1024 * 1024


# --- Helpers ------------------------------------------------------------------------------


def sheet_head(headers, dimension: str | None) -> bytes:
    cells = "".join(f'<c t="inlineStr"><is><t>{escape(str(h))}</t></is></c>' for h in headers)
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'{dim}<sheetData><row r="1">{cells}</row>'
    ).encode()


def xlsx_with_sheet(body_chunks, *, headers=HEADERS, dimension=None) -> bytes:
    """A valid workbook whose first sheet is the header row followed by ``body_chunks``
    (bytes of <row> elements), streamed into the zip so a 100 MB sheet costs no memory."""
    base = io.BytesIO()
    book = openpyxl.Workbook()
    book.active.append(list(headers))
    book.save(base)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(base) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target,
    ):
        for info in source.infolist():
            if info.filename != SHEET:
                target.writestr(info.filename, source.read(info.filename))
                continue
            with target.open(SHEET, "w", force_zip64=True) as part:
                part.write(sheet_head(headers, dimension))
                for chunk in body_chunks:
                    part.write(chunk)
                part.write(b"</sheetData></worksheet>")
    return out.getvalue()


def bomb(megabytes: int = 100) -> bytes:
    """About 300 KB that unpacks to a ~100 MB sheet of blank rows: parsed, it kept a server
    process busy for close to a minute (blank rows escape the importers' row count)."""
    block = b'<row><c t="inlineStr"><is><t> </t></is></c></row>' * 20_000
    return xlsx_with_sheet(block for _ in range(megabytes * MB // len(block)))


def refusal(file) -> WorkbookRefused:
    with pytest.raises(WorkbookRefused) as caught:
        inspect_xlsx(file)
    return caught.value


@pytest.fixture
def no_parsing(monkeypatch):
    """Fails the test if openpyxl is asked to open a workbook."""

    def refuse(*args, **kwargs):
        raise AssertionError("openpyxl.load_workbook was called on a refused file")

    monkeypatch.setattr(openpyxl, "load_workbook", refuse)


@pytest.fixture(scope="module")
def the_bomb() -> bytes:
    return bomb()


# --- The zip ------------------------------------------------------------------------------


def test_it_refuses_the_300_kb_bomb_naming_the_part_and_the_limit(the_bomb):
    assert len(the_bomb) < 400 * 1024
    with zipfile.ZipFile(io.BytesIO(the_bomb)) as archive:
        assert archive.getinfo(SHEET).file_size > 99 * MB

    with translation.override("zh-hans"):
        started = time.perf_counter()
        refused = refusal(SimpleUploadedFile("bomb.xlsx", the_bomb))
        elapsed = time.perf_counter() - started

    assert refused.code == "xlsx_part_too_large"
    message = refused.message
    assert "bomb.xlsx" in message and SHEET in message and "50 MB" in message
    assert "压缩炸弹" in message
    assert elapsed < 5  # a safety net only; `make bench`-style figure in the README


def test_it_refuses_a_compression_ratio_no_spreadsheet_has(settings):
    settings.KAIYIHUI_IMPORT_MAX_PART_MB = 500
    block = b"<row/>" * 100_000
    data = xlsx_with_sheet(block for _ in range(5 * MB // len(block)))

    refused = refusal(io.BytesIO(data))

    assert refused.code == "xlsx_ratio"
    assert SHEET in refused.message


def test_it_refuses_a_total_beyond_the_limit(settings):
    settings.KAIYIHUI_IMPORT_MAX_UNZIPPED_MB = 1
    block = b"".join(
        f'<row r="{n}"><c r="A{n}"><v>{n * 7919}</v></c></row>'.encode() for n in range(2, 40_000)
    )

    assert refusal(io.BytesIO(xlsx_with_sheet([block]))).code == "xlsx_total_too_large"


def test_it_refuses_a_file_that_is_not_a_zip():
    refused = refusal(SimpleUploadedFile("名单.xlsx", b"name,code\n1,2\n"))

    assert refused.code == "xlsx_not_zip"
    assert "名单.xlsx" in refused.message


def test_it_tells_a_password_protected_workbook_apart():
    ole = bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 504
    assert refusal(io.BytesIO(ole)).code == "xlsx_encrypted"


def test_it_refuses_a_zip_that_is_not_a_workbook():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")

    assert refusal(buffer).code == "xlsx_not_workbook"


def test_it_refuses_an_encrypted_part():
    data = bytearray(xlsx_with_sheet([]))
    # Set the "encrypted" flag of every entry in the central directory.
    start = 0
    while (found := data.find(b"PK\x01\x02", start)) != -1:
        data[found + 8] |= 0x1
        start = found + 4

    assert refusal(io.BytesIO(bytes(data))).code == "xlsx_encrypted"


def test_it_refuses_a_zip_of_too_many_parts():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        for n in range(1001):
            archive.writestr(f"xl/media/{n}.bin", b"")

    assert refusal(buffer).code == "xlsx_too_many_parts"


# --- The declared dimension ---------------------------------------------------------------


def test_it_refuses_a_declared_dimension_beyond_the_row_limit(no_parsing):
    # A few hundred bytes that say "a million rows": refused before anything is read.
    data = xlsx_with_sheet([], dimension="A1:K1048576")

    refused = refusal(io.BytesIO(data))

    assert refused.code == "xlsx_too_many_rows"
    assert "1048576" in refused.message and "100000" in refused.message


def test_it_refuses_a_declared_dimension_beyond_the_column_limit():
    assert refusal(io.BytesIO(xlsx_with_sheet([], dimension="A1:XFD2"))).code == (
        "xlsx_too_many_columns"
    )


def test_it_accepts_a_normal_workbook_and_leaves_the_file_at_its_start(tenant):
    book = openpyxl.Workbook()
    book.active.append(list(HEADERS))
    book.active.append([1] * len(HEADERS))
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(5)

    inspect_xlsx(buffer)

    assert buffer.tell() == 0


# --- While streaming ----------------------------------------------------------------------


def test_a_sheet_lying_about_its_dimension_is_stopped_by_the_row_limit(tenant, settings):
    settings.KAIYIHUI_IMPORT_MAX_ROWS = 1000
    row = b'<row><c t="inlineStr"><is><t> </t></is></c></row>'
    data = xlsx_with_sheet([row * 5000], dimension="A1:K10")

    report = import_organizations(io.BytesIO(data), street=tenant.street, actor=None, dry_run=True)

    assert [(e.line, e.code) for e in report.errors] == [(None, "too_many_rows")]
    assert "1000" in report.errors[0].message


def test_rows_beyond_a_too_small_dimension_are_still_read(tenant):
    # Some tools write a wrong dimension; openpyxl alone would stop at its last row.
    rows = [filed_row(tenant.community, n) for n in (1, 2, 3)]
    book = openpyxl.Workbook()
    book.active.append(list(HEADERS))
    for row in rows:
        book.active.append([row.get(header) for header in HEADERS])
    buffer = io.BytesIO()
    book.save(buffer)
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == SHEET:
                content = content.replace(b'ref="A1:K4"', b'ref="A1:K2"')
                assert b'ref="A1:K2"' in content
            target.writestr(info, content)
    out.seek(0)

    report = import_organizations(out, street=tenant.street, actor=None, dry_run=True)

    assert report.ok and report.created == 3, [e.message for e in report.errors]


def test_reading_stops_when_the_time_budget_is_spent(monkeypatch):
    clock = iter(range(0, 100, 5))
    monkeypatch.setattr("core.xlsx_guard.time.monotonic", lambda: next(clock))
    rows = guarded_rows(([1],) * 10, name="慢.xlsx", seconds=12)

    with pytest.raises(WorkbookRefused) as caught:
        list(rows)

    assert caught.value.code == "xlsx_too_slow"
    assert "慢.xlsx" in caught.value.message and "12" in caught.value.message


def test_a_row_wider_than_the_column_limit_is_refused(settings):
    settings.KAIYIHUI_IMPORT_MAX_COLUMNS = 3

    with pytest.raises(WorkbookRefused) as caught:
        list(guarded_rows([(1, 2, 3), (1, 2, 3, 4)], name="x.xlsx"))

    assert caught.value.code == "xlsx_too_many_columns"


# --- Where files come in ------------------------------------------------------------------


def test_the_admin_upload_refuses_the_bomb_before_parsing(client, tenant, the_bomb, no_parsing):
    client.force_login(tenant.street_admin)

    response = client.post(
        reverse("admin:incubation_organization_import"),
        {"file": SimpleUploadedFile("bomb.xlsx", the_bomb, XLSX_CONTENT_TYPE)},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )

    assert response.status_code == 200
    assert "report" not in response.context
    errors = response.context["form"].errors["file"]
    assert any(SHEET in error and "压缩炸弹" in error for error in errors)


def test_the_import_command_refuses_the_bomb_before_parsing(tenant, tmp_path, the_bomb, no_parsing):
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(the_bomb)
    err = io.StringIO()

    with pytest.raises(CommandError):
        call_command("import_organizations", str(path), stderr=err)

    assert "bomb.xlsx" in err.getvalue() and SHEET in err.getvalue()


def test_the_party_member_command_refuses_the_bomb_too(tenant, tmp_path, the_bomb, no_parsing):
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(the_bomb)
    err = io.StringIO()

    with pytest.raises(CommandError):
        call_command("import_party_members", str(path), stderr=err)

    assert SHEET in err.getvalue()


def test_a_normal_file_still_imports_through_the_guard(tenant):
    row = filed_row(tenant.community, 1)
    book = openpyxl.Workbook()
    book.active.append(list(HEADERS))
    book.active.append([row.get(header) for header in HEADERS])
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)

    report = import_organizations(buffer, street=tenant.street, actor=None, dry_run=False)

    assert report.ok, [e.message for e in report.errors]
    organization = Organization.objects.get(name=row[NAME])
    assert organization.filing_number == row[FILING_NUMBER]
    assert row[LEGAL_STATUS] == "备案" and row[USCC] is None
