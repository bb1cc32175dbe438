"""Organization Excel import and export: all-or-nothing imports with line/column errors,
streaming exports in a constant number of queries, the commands and the admin pages.

Errors are checked by structure (Excel line, column header, error code); one test checks
the Chinese wording and is marked as such."""

import datetime
import io
import json
from pathlib import Path

import openpyxl
import pytest
from django.contrib.admin import AdminSite
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import IntegrityError
from django.urls import path, reverse
from django.utils import timezone, translation

import kaiyihui.urls
from core.decisions import deny
from core.identifiers import complete_uscc
from incubation.admin import OrganizationAdmin
from incubation.admin_excel import PENDING_SESSION_KEY, OrganizationExcelAdminMixin
from incubation.choices import EventKind
from incubation.excel import XLSX_CONTENT_TYPE, export_organizations, import_organizations
from incubation.models import Organization, OrganizationEvent
from incubation.resources import (
    COMMUNITY,
    FILING_NUMBER,
    FOUNDED_ON,
    HEADERS,
    LEADER_PHONE,
    LEGAL_STATUS,
    NAME,
    PARTY_MEMBER_COUNT,
    SERVICE_FIELD,
    USCC,
)
from tests.factories import RegisteredOrganizationFactory
from tests.jobs.exporting import export_bytes, run_export

VECTORS = json.loads(
    (Path(__file__).resolve().parents[1] / "data" / "identifier_vectors.json").read_text("utf-8")
)

# The admin pages are tested on a site of their own, so these tests do not depend on the
# mixin being listed in incubation/admin.py yet (and keep working once it is).
excel_site = AdminSite(name="admin")
_bases = (
    (OrganizationAdmin,)
    if issubclass(OrganizationAdmin, OrganizationExcelAdminMixin)
    else (OrganizationExcelAdminMixin, OrganizationAdmin)
)
excel_site.register(Organization, type("ExcelOrganizationAdmin", _bases, {}))
urlpatterns = [
    path("admin/", excel_site.urls),
    *(p for p in kaiyihui.urls.urlpatterns if str(p.pattern) != "admin/"),
]
with_excel_admin = pytest.mark.urls(__name__)


# --- Helpers ------------------------------------------------------------------------------


def uscc(n: int, type_digit: str = "1") -> str:
    return complete_uscc(f"5{type_digit}330102MK{n:06d}")


def registered_row(community, n: int = 1, **cells) -> dict:
    row = {
        NAME: f"导入组织{n}",
        USCC: uscc(n),
        FILING_NUMBER: None,
        LEGAL_STATUS: "社会团体",
        COMMUNITY: community.name,
        SERVICE_FIELD: "邻里互助",
        FOUNDED_ON: datetime.date(2021, 5, 1),
        "负责人": "王芳",
        "负责人政治面貌": "中共党员",
        LEADER_PHONE: "13912345678",
        PARTY_MEMBER_COUNT: 3,
    }
    row.update(cells)
    return row


def filed_row(community, n: int = 1, **cells) -> dict:
    base = {NAME: f"备案组织{n}", USCC: None, FILING_NUMBER: f"KX-IMP-{n:05d}"}
    return registered_row(community, n, **{LEGAL_STATUS: "备案", **base, **cells})


def workbook(rows: list[dict], headers=HEADERS) -> io.BytesIO:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(headers))
    for row in rows:
        sheet.append([row.get(header) for header in headers] if isinstance(row, dict) else row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def run(tenant, rows, *, dry_run=False, actor=None, **kwargs):
    return import_organizations(
        workbook(rows, **kwargs), street=tenant.street, actor=actor, dry_run=dry_run
    )


def only_error(report):
    assert len(report.errors) == 1, [e.message for e in report.errors]
    error = report.errors[0]
    return error.line, error.column, error.code


def read_back(data) -> list[tuple]:
    sheet = openpyxl.load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    return list(sheet.iter_rows(values_only=True))


# --- Import: success ----------------------------------------------------------------------


def test_it_creates_organizations_with_their_events(tenant):
    rows = [
        registered_row(tenant.community, 1),
        registered_row(tenant.other_community, 2, **{LEGAL_STATUS: "基金会", USCC: uscc(2, "3")}),
        filed_row(tenant.community, 3),
    ]
    report = run(tenant, rows)

    assert report.ok, [e.message for e in report.errors]
    assert (report.created, report.updated, report.unchanged) == (3, 0, 0)
    assert report.written and report.first_data_line == 2
    org = Organization.objects.get(uscc=uscc(1))
    assert (org.legal_status, org.service_field, org.leader_political_status) == (
        "social_group",
        "neighbourly_help",
        "party_member",
    )
    assert (org.founded_on, org.party_member_count) == (datetime.date(2021, 5, 1), 3)
    assert Organization.objects.get(uscc=uscc(2, "3")).legal_status == "foundation"
    filed = Organization.objects.get(filing_number="KX-IMP-00003")
    assert (filed.legal_status, filed.uscc) == ("filed", None)
    events = OrganizationEvent.objects.filter(
        kind=EventKind.CREATED, organization__name__in=["导入组织1", "导入组织2", "备案组织3"]
    )
    assert events.count() == 3
    assert events.filter(evidence__source="excel_import").count() == 3


def test_importing_the_same_file_twice_creates_no_duplicates(tenant):
    rows = [registered_row(tenant.community, n) for n in range(1, 4)] + [
        filed_row(tenant.community)
    ]
    first = run(tenant, rows)
    total = Organization.objects.count()

    second = run(tenant, rows)

    assert (first.created, second.created, second.updated, second.unchanged) == (4, 0, 0, 4)
    assert Organization.objects.count() == total


def test_a_changed_row_updates_the_organization_through_the_service(tenant):
    run(tenant, [registered_row(tenant.community, 1), registered_row(tenant.community, 2)])

    report = run(
        tenant,
        [
            registered_row(tenant.community, 1, **{LEADER_PHONE: "0571-86001234"}),
            registered_row(tenant.community, 2),
        ],
    )

    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    org = Organization.objects.get(uscc=uscc(1))
    assert org.leader_phone == "0571-86001234"
    event = org.events.get(kind=EventKind.UPDATED)
    assert event.evidence["changed"]["leader_phone"] == ["13912345678", "0571-86001234"]


def test_an_existing_organization_is_matched_by_its_normalized_code(tenant):
    org = RegisteredOrganizationFactory(community=tenant.community, name="已有组织")
    spaced = " ".join([org.uscc[:9], org.uscc[9:]]).lower()
    row = registered_row(tenant.community, 1, **{NAME: "已有组织", USCC: spaced})

    report = run(tenant, [row])

    assert (report.created, report.updated) == (0, 1)


def test_a_dry_run_reports_the_counts_and_writes_nothing(tenant):
    before = Organization.objects.count(), OrganizationEvent.objects.count()

    report = run(tenant, [registered_row(tenant.community, 1)], dry_run=True)

    assert report.ok and report.created == 1 and not report.written
    assert (Organization.objects.count(), OrganizationEvent.objects.count()) == before


@pytest.mark.parametrize(
    "value",
    [
        "2021-05-01",
        "2021/5/1",
        "2021年5月1日",
        " 2021-5-1 ",
        datetime.datetime(2021, 5, 1, 0, 0),
        datetime.date(2021, 5, 1),
    ],
)
def test_it_reads_dates_as_cells_and_in_the_usual_spellings(tenant, value):
    report = run(tenant, [registered_row(tenant.community, 1, **{FOUNDED_ON: value})])

    assert report.ok, [e.message for e in report.errors]
    assert Organization.objects.get(uscc=uscc(1)).founded_on == datetime.date(2021, 5, 1)


@pytest.mark.parametrize("value", [3, "3", 3.0, " 3 "])
def test_it_reads_party_member_counts(tenant, value):
    report = run(tenant, [registered_row(tenant.community, 1, **{PARTY_MEMBER_COUNT: value})])

    assert report.ok
    assert Organization.objects.get(uscc=uscc(1)).party_member_count == 3


@pytest.mark.parametrize(
    "label", ["社会团体", "社会团体(登记)", "社会团体（登记）", "social_group"]
)
def test_it_accepts_the_short_and_full_labels_and_the_key_of_a_legal_status(tenant, label):
    report = run(tenant, [registered_row(tenant.community, 1, **{LEGAL_STATUS: label})])

    assert report.ok
    assert Organization.objects.get(uscc=uscc(1)).legal_status == "social_group"


def test_blank_rows_are_ignored_and_lines_keep_their_numbers(tenant):
    rows = [
        registered_row(tenant.community, 1),
        [None] * len(HEADERS),
        registered_row(tenant.community, 2, **{PARTY_MEMBER_COUNT: "三"}),
        ["", "  ", None],
        [None] * len(HEADERS),
    ]

    report = run(tenant, rows)

    assert only_error(report) == (4, PARTY_MEMBER_COUNT, "count_invalid")
    assert report.rows == 2


def test_an_existing_checksum_exempt_code_is_accepted_a_new_one_is_not(tenant):
    good = uscc(7)
    pilot = good[:17] + ("0" if good[17] != "0" else "1")
    RegisteredOrganizationFactory(
        community=tenant.community, name="试点组织", uscc=pilot, uscc_checksum_exempt=True
    )
    exempt_row = registered_row(tenant.community, 7, **{NAME: "试点组织", USCC: pilot})
    new_pilot = uscc(8)[:17] + ("0" if uscc(8)[17] != "0" else "1")

    assert run(tenant, [exempt_row]).ok
    report = run(tenant, [registered_row(tenant.community, 8, **{USCC: new_pilot})])
    assert only_error(report) == (2, USCC, "uscc_checksum")


# --- Import: errors -----------------------------------------------------------------------


def _vector_status(code: str) -> str:
    return {"1": "社会团体", "2": "民办非企业单位", "3": "基金会"}.get(code[1], "社会团体")


@pytest.mark.parametrize("vector", VECTORS["uscc"]["invalid"], ids=lambda v: v["code"])
def test_invalid_codes_from_the_vectors_are_rejected_on_their_line(tenant, vector):
    code = vector["code"]
    bad = registered_row(tenant.community, 2, **{USCC: code, LEGAL_STATUS: _vector_status(code)})

    report = run(tenant, [registered_row(tenant.community, 1), bad])

    line, column, error_code = only_error(report)
    assert (line, column) == (3, USCC)
    assert error_code.startswith("uscc_")


def _future() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=30)


ROW_ERRORS = {
    "wrong check character": (
        {USCC: "53100000500020462H", LEGAL_STATUS: "基金会"},
        USCC,
        "uscc_checksum",
    ),
    "wrong type digit": (
        {USCC: "51100000500002862F", LEGAL_STATUS: "基金会"},
        USCC,
        "uscc_type_mismatch",
    ),
    "unknown community": ({COMMUNITY: "不存在社区"}, COMMUNITY, "unknown_community"),
    "bad date text": ({FOUNDED_ON: "去年五月"}, FOUNDED_ON, "date_invalid"),
    "impossible date": ({FOUNDED_ON: "2021-02-30"}, FOUNDED_ON, "date_invalid"),
    "future date": ({FOUNDED_ON: _future()}, FOUNDED_ON, "date_future"),
    "future date text": ({FOUNDED_ON: _future().isoformat()}, FOUNDED_ON, "date_future"),
    "members in words": ({PARTY_MEMBER_COUNT: "三"}, PARTY_MEMBER_COUNT, "count_invalid"),
    "negative members": ({PARTY_MEMBER_COUNT: -1}, PARTY_MEMBER_COUNT, "count_negative"),
    "fractional members": ({PARTY_MEMBER_COUNT: 2.5}, PARTY_MEMBER_COUNT, "count_invalid"),
    "bad phone": ({LEADER_PHONE: "12345"}, LEADER_PHONE, "phone_invalid"),
    "phone lost digits": ({LEADER_PHONE: 1.5}, LEADER_PHONE, "number_cell"),
    "unknown legal status": ({LEGAL_STATUS: "合作社"}, LEGAL_STATUS, "choice_invalid"),
    "unknown service field": ({SERVICE_FIELD: "旅游"}, SERVICE_FIELD, "choice_invalid"),
    "no name": ({NAME: "  "}, NAME, "required"),
    "name too long": ({NAME: "长" * 201}, NAME, "too_long"),
    "registered without code": ({USCC: None}, USCC, "required"),
    "registered with filing number": (
        {FILING_NUMBER: "KX-1"},
        FILING_NUMBER,
        "registered_with_filing_number",
    ),
}


@pytest.mark.parametrize(("cells", "column", "code"), ROW_ERRORS.values(), ids=ROW_ERRORS.keys())
def test_a_bad_cell_is_reported_with_line_column_and_code_and_nothing_is_written(
    tenant, cells, column, code
):
    existing = RegisteredOrganizationFactory(community=tenant.community, name="已有组织")
    update = registered_row(tenant.community, 9, **{NAME: "已有组织", USCC: existing.uscc})
    before = Organization.objects.count(), OrganizationEvent.objects.count()

    report = run(tenant, [update, registered_row(tenant.community, 2, **cells)])

    assert only_error(report) == (3, column, code)
    assert not report.written and report.created == report.updated == 0
    assert (Organization.objects.count(), OrganizationEvent.objects.count()) == before
    existing.refresh_from_db()
    assert existing.leader_name == "张建国"  # the valid update on line 2 was not applied


def test_a_filed_organization_with_a_code_is_refused(tenant):
    report = run(tenant, [filed_row(tenant.community, 1, **{USCC: uscc(1)})])

    assert only_error(report) == (2, USCC, "filed_with_uscc")


def test_a_filed_organization_needs_its_filing_number(tenant):
    report = run(tenant, [filed_row(tenant.community, 1, **{FILING_NUMBER: None})])

    assert only_error(report) == (2, FILING_NUMBER, "required")


def test_a_duplicate_code_in_the_file_names_both_lines(tenant):
    rows = [
        registered_row(tenant.community, 1),
        filed_row(tenant.community, 2),
        registered_row(tenant.community, 3, **{USCC: uscc(1)}),
    ]

    report = run(tenant, rows)

    assert only_error(report) == (4, USCC, "duplicate_key")
    assert "2" in report.errors[0].reason and report.errors[0].message.count("4") == 1
    assert not Organization.objects.filter(name__startswith="导入组织").exists()


def test_a_duplicate_name_in_one_community_is_refused(tenant):
    rows = [
        registered_row(tenant.community, 1, **{NAME: "同名组织"}),
        registered_row(tenant.community, 2, **{NAME: "同名组织"}),
    ]

    assert only_error(run(tenant, rows)) == (3, NAME, "duplicate_name")


def test_a_name_already_used_in_the_community_is_refused(tenant):
    report = run(tenant, [registered_row(tenant.community, 1, **{NAME: tenant.org.name})])

    assert only_error(report) == (2, NAME, "name_taken")


def test_a_code_of_another_street_is_refused(tenant, outsider_tenant):
    foreign = RegisteredOrganizationFactory(community=outsider_tenant.community)

    report = run(tenant, [registered_row(tenant.community, 1, **{USCC: foreign.uscc})])

    assert only_error(report) == (2, USCC, "key_elsewhere")
    foreign.refresh_from_db()
    assert foreign.community == outsider_tenant.community


def test_every_error_of_the_file_is_reported_in_line_order(tenant):
    rows = [
        registered_row(tenant.community, 1, **{PARTY_MEMBER_COUNT: "三", LEADER_PHONE: "1"}),
        registered_row(tenant.community, 2),
        registered_row(tenant.community, 3, **{COMMUNITY: "不存在社区"}),
    ]

    report = run(tenant, rows)

    assert [(e.line, e.column) for e in report.errors] == [
        (2, LEADER_PHONE),
        (2, PARTY_MEMBER_COUNT),
        (4, COMMUNITY),
    ]


def test_a_row_the_service_still_refuses_rolls_everything_back(tenant, monkeypatch):
    existing = RegisteredOrganizationFactory(community=tenant.community, name="已有组织")
    rows = [
        registered_row(tenant.community, 1),
        registered_row(tenant.community, 9, **{NAME: "已有组织", USCC: existing.uscc}),
    ]

    def refuse(**kwargs):
        raise IntegrityError("duplicate key")

    monkeypatch.setattr("incubation.excel.services.organizations_bulk_update", refuse)
    before = Organization.objects.count(), OrganizationEvent.objects.count()

    report = run(tenant, rows)

    assert only_error(report) == (None, "", "write_failed")
    assert not report.written and report.created == 0
    assert (Organization.objects.count(), OrganizationEvent.objects.count()) == before


def test_new_rows_need_an_actor_who_may_edit_them(tenant, monkeypatch):
    monkeypatch.setattr(
        "incubation.services.registry.can_edit_organization", lambda user, org: deny("not yours")
    )
    before = Organization.objects.count(), OrganizationEvent.objects.count()

    report = run(tenant, [registered_row(tenant.community, 1)], actor=tenant.street_admin)

    assert only_error(report) == (None, "", "refused")
    assert (Organization.objects.count(), OrganizationEvent.objects.count()) == before


def test_community_staff_cannot_update_an_organization_of_another_community(tenant):
    other = RegisteredOrganizationFactory(community=tenant.other_community, name="他社区组织")
    row = registered_row(tenant.community, 1, **{NAME: "他社区组织", USCC: other.uscc})

    report = run(tenant, [row], actor=tenant.community_staff)

    assert only_error(report) == (2, USCC, "out_of_scope")


def test_an_update_by_a_user_is_recorded_with_the_user(tenant):
    existing = RegisteredOrganizationFactory(community=tenant.community, name="已有组织")
    row = registered_row(tenant.community, 9, **{NAME: "已有组织", USCC: existing.uscc})

    report = run(tenant, [row], actor=tenant.street_admin)

    assert report.updated == 1
    assert existing.events.get(kind=EventKind.UPDATED).actor == tenant.street_admin


@pytest.mark.parametrize(
    "headers",
    [
        [h if h != NAME else "组织名" for h in HEADERS],  # misspelled
        [h for h in HEADERS if h != LEADER_PHONE],  # missing
    ],
)
def test_a_wrong_header_is_one_error_listing_the_expected_headers(tenant, headers):
    report = run(tenant, [["x"] * len(headers)], headers=headers)

    assert only_error(report) == (1, "", "headers")
    assert all(header in report.errors[0].reason for header in HEADERS)


def test_headers_may_come_in_another_order(tenant):
    headers = list(reversed(HEADERS))

    report = run(tenant, [registered_row(tenant.community, 1)], headers=headers)

    assert report.ok and report.created == 1


def test_a_file_that_is_not_a_workbook_is_refused(tenant):
    report = import_organizations(
        io.BytesIO(b"name,code\n"), street=tenant.street, actor=None, dry_run=False
    )

    assert only_error(report) == (None, "", "file_unreadable")


def test_a_file_with_only_the_header_is_refused(tenant):
    assert only_error(run(tenant, [])) == (None, "", "no_rows")


def test_a_file_with_too_many_rows_is_refused(tenant, monkeypatch):
    monkeypatch.setattr("incubation.excel.MAX_ROWS", 2)
    rows = [filed_row(tenant.community, n) for n in range(1, 4)]

    assert only_error(run(tenant, rows)) == (None, "", "too_many_rows")


def test_errors_read_in_chinese_with_line_and_column(tenant):
    # CHINESE TEXT: passes once the msgids of /tmp/translations/excel.json are merged into
    # locale/zh_Hans (the other tests check line, column and code only).
    bad = registered_row(
        tenant.community, 2, **{USCC: "53100000500020462H", LEGAL_STATUS: "基金会"}
    )
    with translation.override("zh-hans"):
        report = run(tenant, [registered_row(tenant.community, 1), bad])

    assert report.errors[0].message == "第3行「统一社会信用代码」:校验码（第18位）应为K，而不是H。"


# --- Export -------------------------------------------------------------------------------


def test_an_export_imports_back_unchanged(tenant):
    RegisteredOrganizationFactory.create_batch(3, community=tenant.community)
    RegisteredOrganizationFactory(
        community=tenant.other_community, name="=SUM(A1)", founded_on=datetime.date(2020, 1, 2)
    )
    street_orgs = Organization.objects.filter(community__street=tenant.street)
    buffer = io.BytesIO()
    written = export_organizations(street_orgs, buffer)
    buffer.seek(0)

    report = import_organizations(buffer, street=tenant.street, actor=None, dry_run=False)

    assert report.ok, [e.message for e in report.errors]
    assert written == report.rows == report.unchanged == street_orgs.count() == 6
    assert report.created == report.updated == 0


def test_the_export_writes_headers_labels_and_real_dates(tenant):
    RegisteredOrganizationFactory(
        community=tenant.community, name="文体协会", founded_on=datetime.date(2020, 1, 2)
    )
    buffer = io.BytesIO()
    export_organizations(Organization.objects.filter(name="文体协会"), buffer)

    header, row = read_back(buffer.getvalue())

    assert header == HEADERS
    assert row[:6] == (
        "文体协会",
        Organization.objects.get(name="文体协会").uscc,
        None,
        "社会团体",
        tenant.community.name,
        "其他",
    )
    assert row[6] == datetime.datetime(2020, 1, 2)
    assert row[8:] == ("中共党员", "13812345678", 3)


def test_the_export_takes_the_same_number_of_queries_for_3_and_30_organizations(
    tenant, count_queries
):
    counts = []
    for size in (3, 30):
        Organization.objects.all().delete()
        RegisteredOrganizationFactory.create_batch(size, community=tenant.community)
        with count_queries() as queries:
            assert export_organizations(Organization.objects.all(), io.BytesIO()) == size
        counts.append(queries.count)

    assert counts[0] == counts[1], queries.dump()


# --- Commands -----------------------------------------------------------------------------


def _file(tmp_path, rows) -> str:
    target = tmp_path / "orgs.xlsx"
    target.write_bytes(workbook(rows).getvalue())
    return str(target)


def test_the_import_command_prints_the_counts(tenant, tmp_path):
    out = io.StringIO()

    call_command("import_organizations", _file(tmp_path, [filed_row(tenant.community)]), stdout=out)

    assert Organization.objects.filter(filing_number="KX-IMP-00001").exists()
    assert "1" in out.getvalue()


def test_the_import_command_dry_run_writes_nothing(tenant, tmp_path):
    out = io.StringIO()
    path_ = _file(tmp_path, [filed_row(tenant.community)])

    call_command("import_organizations", path_, "--dry-run", stdout=out)

    assert not Organization.objects.filter(filing_number="KX-IMP-00001").exists()
    assert len(out.getvalue().strip().splitlines()) == 2


def test_the_import_command_exits_1_with_one_error_per_line(tenant, tmp_path):
    rows = [
        registered_row(tenant.community, 1, **{PARTY_MEMBER_COUNT: "三"}),
        registered_row(tenant.community, 2, **{COMMUNITY: "不存在社区"}),
        registered_row(tenant.community, 3),
    ]
    err = io.StringIO()

    with pytest.raises(CommandError) as raised:
        call_command("import_organizations", _file(tmp_path, rows), stderr=err)

    assert raised.value.returncode == 1
    lines = err.getvalue().strip().splitlines()
    assert len(lines) == 2 and "2" in lines[0] and "3" in lines[1]
    assert not Organization.objects.filter(name__startswith="导入组织").exists()


def test_the_import_command_needs_a_street_when_there_are_several(
    tenant, outsider_tenant, tmp_path
):
    rows = [filed_row(tenant.community)]
    with pytest.raises(CommandError):
        call_command("import_organizations", _file(tmp_path, rows))

    call_command("import_organizations", _file(tmp_path, rows), "--street", tenant.street.code)

    assert Organization.objects.filter(filing_number="KX-IMP-00001").exists()


def test_the_export_command_writes_the_chosen_community(tenant, tmp_path):
    target, out = tmp_path / "out.xlsx", io.StringIO()

    call_command(
        "export_organizations",
        str(target),
        "--street",
        tenant.street.code,
        "--community",
        tenant.community.code,
        stdout=out,
    )

    rows = read_back(target.read_bytes())
    assert [row[0] for row in rows[1:]] == [tenant.org.name]
    assert "1" in out.getvalue()


# --- Admin --------------------------------------------------------------------------------


def _upload(rows) -> SimpleUploadedFile:
    return SimpleUploadedFile("orgs.xlsx", workbook(rows).getvalue(), XLSX_CONTENT_TYPE)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path / "imports"


@with_excel_admin
def test_the_changelist_links_to_import_and_export(client, tenant):
    client.force_login(tenant.street_admin)

    page = client.get(reverse("admin:incubation_organization_changelist")).content.decode()

    assert reverse("admin:incubation_organization_import") in page
    assert reverse("admin:incubation_organization_export") in page


@with_excel_admin
def test_the_import_page_lists_the_headers(client, tenant):
    client.force_login(tenant.street_admin)

    response = client.get(reverse("admin:incubation_organization_import"))

    assert response.status_code == 200
    assert "、".join(HEADERS) in response.content.decode()


@with_excel_admin
def test_the_admin_preview_shows_errors_and_writes_nothing(client, tenant, media):
    client.force_login(tenant.street_admin)
    rows = [
        registered_row(tenant.community, 1),
        registered_row(tenant.community, 2, **{COMMUNITY: "不存在社区"}),
    ]
    before = Organization.objects.count()

    response = client.post(reverse("admin:incubation_organization_import"), {"file": _upload(rows)})

    assert response.status_code == 200
    report = response.context["report"]
    assert [(e.line, e.column, e.code) for e in report.errors] == [
        (3, COMMUNITY, "unknown_community")
    ]
    assert 'data-code="unknown_community"' in response.content.decode()
    assert "token" not in response.context
    assert Organization.objects.count() == before
    assert not media.exists() or not list(media.glob("*"))


@with_excel_admin
def test_the_admin_confirm_writes_the_previewed_file(client, tenant, media):
    client.force_login(tenant.street_admin)
    url = reverse("admin:incubation_organization_import")
    rows = [registered_row(tenant.community, 1), filed_row(tenant.other_community, 2)]

    preview = client.post(url, {"file": _upload(rows)})
    assert preview.context["report"].created == 2
    assert not Organization.objects.filter(name__in=["导入组织1", "备案组织2"]).exists()

    confirmed = client.post(url, {"confirm": "1", "token": preview.context["token"]})

    assert confirmed.status_code == 302
    assert Organization.objects.filter(name__in=["导入组织1", "备案组织2"]).count() == 2
    created = OrganizationEvent.objects.get(organization__name="导入组织1", kind="created")
    assert created.actor == tenant.street_admin
    assert list(media.glob("*.xlsx")) == []
    assert client.session[PENDING_SESSION_KEY] == []


@with_excel_admin
def test_the_admin_confirm_refuses_a_token_of_another_session(client, tenant, media):
    client.force_login(tenant.street_admin)
    url = reverse("admin:incubation_organization_import")
    preview = client.post(url, {"file": _upload([registered_row(tenant.community, 1)])})
    token = preview.context["token"]
    session = client.session
    session[PENDING_SESSION_KEY] = []
    session.save()

    response = client.post(url, {"confirm": "1", "token": token})

    assert response.status_code == 302
    assert not Organization.objects.filter(name="导入组织1").exists()


@with_excel_admin
def test_community_staff_import_only_into_their_community(client, tenant, media):
    client.force_login(tenant.community_staff)
    rows = [registered_row(tenant.other_community, 1)]

    response = client.post(reverse("admin:incubation_organization_import"), {"file": _upload(rows)})

    assert only_error(response.context["report"]) == (2, COMMUNITY, "unknown_community")


@with_excel_admin
def test_users_without_add_and_change_permission_cannot_import(client, tenant):
    client.force_login(tenant.party_worker)

    response = client.get(reverse("admin:incubation_organization_import"))

    assert response.status_code == 403


@with_excel_admin
def test_a_superuser_without_a_street_is_refused_when_there_are_several(
    client, tenant, outsider_tenant, django_user_model
):
    root = django_user_model.objects.create_superuser("root", "root@example.com", "pw-x-12345")
    client.force_login(root)

    response = client.get(reverse("admin:incubation_organization_import"))

    assert response.status_code == 302


@with_excel_admin
def test_the_admin_export_downloads_an_xlsx_with_the_header_row(
    client, tenant, django_capture_on_commit_callbacks
):
    client.force_login(tenant.street_admin)

    _job, response = run_export(
        client,
        django_capture_on_commit_callbacks,
        lambda: client.get(reverse("admin:incubation_organization_export")),
    )

    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert "attachment" in response["Content-Disposition"]
    rows = read_back(b"".join(response.streaming_content))
    assert rows[0] == HEADERS
    assert sorted(row[0] for row in rows[1:]) == sorted([tenant.org.name, tenant.other_org.name])


@with_excel_admin
def test_community_staff_export_only_their_community(
    client, tenant, outsider_tenant, django_capture_on_commit_callbacks
):
    client.force_login(tenant.community_staff)

    data = export_bytes(
        client,
        django_capture_on_commit_callbacks,
        lambda: client.get(reverse("admin:incubation_organization_export")),
    )

    rows = read_back(data)
    assert [row[0] for row in rows[1:]] == [tenant.org.name]


@with_excel_admin
def test_the_admin_export_applies_the_changelist_filters(
    client, tenant, django_capture_on_commit_callbacks
):
    client.force_login(tenant.street_admin)
    url = reverse("admin:incubation_organization_export")

    data = export_bytes(
        client,
        django_capture_on_commit_callbacks,
        lambda: client.get(url, {"community": tenant.other_community.pk}),
    )

    rows = read_back(data)
    assert [row[0] for row in rows[1:]] == [tenant.other_org.name]
