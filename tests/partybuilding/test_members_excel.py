"""Party member Excel import and export: all-or-nothing imports with line/column errors, the
ID number as natural key, masked exports that cannot be imported back, the commands and the
admin pages.

Errors are checked by structure (Excel line, column header, error code); one test checks
the Chinese wording."""

import datetime
import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from core.identifiers import mask_id_number, mask_phone
from partybuilding.admin_excel import PENDING_SESSION_KEY
from partybuilding.choices import MemberStatus
from partybuilding.members_excel import (
    BIRTH_DATE,
    BRANCH,
    HEADERS,
    ID_NUMBER,
    JOINED_ON,
    MASKED_SHEET_TITLE,
    NAME,
    NOTE_SHEET_TITLE,
    ORGANIZATION,
    ORGANIZATION_CODE,
    PHONE,
    POSTS,
    SEX,
    SHEET_TITLE,
    STATUS,
    XLSX_CONTENT_TYPE,
    export_members,
    import_members,
)
from partybuilding.models import PartyMember
from tests.factories import OrganizationFactory, RegisteredOrganizationFactory
from tests.jobs.exporting import export_bytes as job_export_bytes
from tests.jobs.exporting import run_export
from tests.partybuilding.member_helpers import (
    make_member,
    make_tree,
    read_back,
    resident_id,
    workbook,
)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(datetime.datetime(2026, 11, 28, 10), tick=False):
        yield


@pytest.fixture
def tree(tenant):
    return make_tree(tenant)


def row(tree, n: int = 1, **cells) -> dict:
    sex = "M" if n % 2 else "F"
    birth = datetime.date(1985, 1, 1) + datetime.timedelta(days=n)
    base = {
        NAME: f"导入党员{n}",
        SEX: "男" if sex == "M" else "女",
        BIRTH_DATE: birth,
        ID_NUMBER: resident_id(birth, sex, seq=n),
        PHONE: f"1381234{n:04d}",
        ORGANIZATION: None,
        ORGANIZATION_CODE: None,
        BRANCH: tree.branch.name,
        STATUS: "正式党员",
        JOINED_ON: datetime.date(2012, 7, 1),
        POSTS: "",
    }
    base.update(cells)
    return base


def run(tenant, rows, *, dry_run=False, actor=None, **kwargs):
    return import_members(
        workbook(rows, **kwargs), street=tenant.street, actor=actor, dry_run=dry_run
    )


def errors_of(report) -> list[tuple]:
    return [(e.line, e.column, e.code) for e in report.errors]


def export_bytes(queryset, *, masked) -> bytes:
    buffer = io.BytesIO()
    export_members(queryset, buffer, masked=masked)
    return buffer.getvalue()


# --- Import -------------------------------------------------------------------------------


def test_it_creates_members(tenant, tree):
    report = run(
        tenant,
        [row(tree, 1), row(tree, 2, **{STATUS: "预备党员", JOINED_ON: datetime.date(2026, 7, 1)})],
        actor=tenant.street_admin,
    )

    assert report.ok, [e.message for e in report.errors]
    assert (report.created, report.updated, report.unchanged, report.written) == (2, 0, 0, True)
    probationary = PartyMember.objects.get(name="导入党员2")
    assert probationary.status == MemberStatus.PROBATIONARY
    assert probationary.probation_ends_on == datetime.date(2027, 7, 1)
    assert probationary.sex == "F"
    assert probationary.branch == tree.branch


def test_importing_the_same_file_twice_creates_no_duplicates(tenant, tree):
    rows = [row(tree, 1), row(tree, 2)]
    run(tenant, rows)

    again = run(tenant, rows)

    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert PartyMember.objects.count() == 2


def test_a_changed_row_updates_the_member_found_by_its_id_number(tenant, tree):
    run(tenant, [row(tree, 1)])
    number = row(tree, 1)[ID_NUMBER]

    report = run(tenant, [row(tree, 1, **{POSTS: "组织委员", ID_NUMBER: f" {number.lower()} "})])

    assert (report.created, report.updated) == (0, 1)
    assert PartyMember.objects.get(id_number=number).posts == "组织委员"


def test_empty_birth_date_and_sex_are_taken_from_the_id_number(tenant, tree):
    report = run(tenant, [row(tree, 2, **{SEX: None, BIRTH_DATE: None})])

    assert report.ok
    member = PartyMember.objects.get()
    assert (member.sex, member.birth_date) == ("F", datetime.date(1985, 1, 3))


def test_a_dry_run_reports_the_counts_and_writes_nothing(tenant, tree):
    report = run(tenant, [row(tree, 1)], dry_run=True)

    assert (report.created, report.written) == (1, False)
    assert not PartyMember.objects.exists()


@pytest.mark.parametrize(
    ("cells", "column", "code"),
    [
        ({BIRTH_DATE: datetime.date(1985, 3, 1)}, ID_NUMBER, "resident_id_birth_date_mismatch"),
        ({SEX: "男"}, ID_NUMBER, "resident_id_sex_mismatch"),  # line 3 is a woman
        ({ID_NUMBER: "33010219850102001"}, ID_NUMBER, "resident_id_length"),
        ({ID_NUMBER: 330102198501020011}, ID_NUMBER, "number_cell"),
        ({NAME: None}, NAME, "required"),
        ({SEX: "未知"}, SEX, "choice_invalid"),
        ({PHONE: "12345"}, PHONE, "phone_invalid"),
        ({BRANCH: "不存在的支部"}, BRANCH, "unknown_branch"),
        ({STATUS: "群众"}, STATUS, "choice_invalid"),
        ({JOINED_ON: None}, JOINED_ON, "required"),
        ({JOINED_ON: "2030-01-01"}, JOINED_ON, "date_future"),
        ({JOINED_ON: datetime.date(2000, 1, 1)}, JOINED_ON, "joined_too_young"),
        ({ORGANIZATION: "没有这个组织"}, ORGANIZATION, "unknown_organization"),
        ({ORGANIZATION_CODE: "KX-NONE-0001"}, ORGANIZATION_CODE, "unknown_organization_code"),
    ],
)
def test_a_bad_cell_is_reported_with_line_and_column_and_nothing_is_written(
    tenant, tree, cells, column, code
):
    report = run(tenant, [row(tree, 1), row(tree, 2, **cells)])

    assert errors_of(report) == [(3, column, code)]
    assert not report.written
    assert not PartyMember.objects.exists()


def test_a_committee_is_not_a_branch(tenant, tree):
    report = run(tenant, [row(tree, 1, **{BRANCH: tree.committee.name})])

    assert errors_of(report) == [(2, BRANCH, "not_a_branch")]


def test_every_error_of_the_file_is_reported_in_line_order(tenant, tree):
    rows = [
        row(tree, 1, **{PHONE: "1"}),
        row(tree, 2),
        row(tree, 3, **{STATUS: None, NAME: None}),
    ]

    report = run(tenant, rows)

    assert errors_of(report) == [
        (2, PHONE, "phone_invalid"),
        (4, NAME, "required"),
        (4, STATUS, "required"),
    ]


def test_a_duplicate_id_number_in_the_file_names_the_first_line(tenant, tree):
    report = run(tenant, [row(tree, 1), row(tree, 2), row(tree, 1, **{NAME: "重复"})])

    assert errors_of(report) == [(4, ID_NUMBER, "duplicate_key")]
    assert "2" in report.errors[0].reason


def test_an_update_does_not_move_a_member_to_another_branch(tenant, tree):
    make_member(tree.branch, 1, id_number=row(tree, 1)[ID_NUMBER])

    report = run(tenant, [row(tree, 1, **{BRANCH: tree.other_branch.name})])

    assert errors_of(report) == [(2, BRANCH, "branch_changed")]


def test_a_member_of_another_street_is_refused(tenant, tree, outsider_tenant):
    elsewhere = make_tree(outsider_tenant).branch
    make_member(elsewhere, 1, id_number=row(tree, 1)[ID_NUMBER])

    report = run(tenant, [row(tree, 1)])

    assert errors_of(report) == [(2, ID_NUMBER, "key_elsewhere")]


def test_a_party_worker_imports_only_into_their_branches(tenant, tree):
    tree.branch.worker_accounts.add(tenant.party_worker)
    make_member(tree.other_branch, 9)
    other = PartyMember.objects.get()
    rows = [
        row(tree, 1),
        row(tree, 2, **{BRANCH: tree.other_branch.name}),
        row(tree, 3, **{ID_NUMBER: other.id_number, SEX: None, BIRTH_DATE: None}),
    ]

    report = run(tenant, rows, actor=tenant.party_worker)

    # The other branch is not one the worker sees: it does not exist for them.
    assert errors_of(report) == [(3, BRANCH, "unknown_branch"), (4, ID_NUMBER, "out_of_scope")]


def test_a_branch_the_user_sees_but_may_not_manage_is_refused(tenant, tree):
    # Community staff see their community's branch but manage no members.
    report = run(tenant, [row(tree, 1)], actor=tenant.community_staff)

    assert errors_of(report) == [(2, BRANCH, "branch_not_yours")]


# --- Organizations ------------------------------------------------------------------------


def test_the_organization_is_found_by_name_or_by_code(tenant, tree):
    registered = RegisteredOrganizationFactory(community=tenant.community, name="凯旋义工队")
    rows = [
        row(tree, 1, **{ORGANIZATION: tenant.org.name}),
        row(tree, 2, **{ORGANIZATION_CODE: registered.uscc.lower()}),
        row(tree, 3, **{ORGANIZATION: tenant.other_org.name, ORGANIZATION_CODE: None}),
        row(
            tree, 4, **{ORGANIZATION_CODE: tenant.org.filing_number, ORGANIZATION: tenant.org.name}
        ),
    ]

    report = run(tenant, rows)

    assert report.ok, [e.message for e in report.errors]
    orgs = dict(PartyMember.objects.values_list("name", "organization"))
    assert orgs == {
        "导入党员1": tenant.org.pk,
        "导入党员2": registered.pk,
        "导入党员3": tenant.other_org.pk,
        "导入党员4": tenant.org.pk,
    }


def test_a_name_used_in_two_communities_needs_the_code(tenant, tree):
    OrganizationFactory(community=tenant.other_community, name=tenant.org.name)

    report = run(tenant, [row(tree, 1, **{ORGANIZATION: tenant.org.name})])

    assert errors_of(report) == [(2, ORGANIZATION, "ambiguous_organization")]
    assert ORGANIZATION_CODE in report.errors[0].reason


def test_a_code_and_a_name_that_disagree_are_refused(tenant, tree):
    cells = {ORGANIZATION_CODE: tenant.org.filing_number, ORGANIZATION: tenant.other_org.name}

    report = run(tenant, [row(tree, 1, **cells)])

    assert errors_of(report) == [(2, ORGANIZATION, "organization_mismatch")]


def test_an_organization_of_another_street_is_not_found(tenant, tree, outsider_tenant):
    report = run(tenant, [row(tree, 1, **{ORGANIZATION_CODE: outsider_tenant.org.filing_number})])

    assert errors_of(report) == [(2, ORGANIZATION_CODE, "unknown_organization_code")]


# --- Headers and files --------------------------------------------------------------------


def test_the_code_column_may_be_left_out(tenant, tree):
    headers = [h for h in HEADERS if h != ORGANIZATION_CODE]

    report = run(tenant, [row(tree, 1, **{ORGANIZATION: tenant.org.name})], headers=headers)

    assert report.ok
    assert PartyMember.objects.get().organization == tenant.org


def test_a_wrong_header_is_one_error_on_line_1(tenant, tree):
    headers = [h for h in HEADERS if h != BRANCH] + ["备注"]

    report = run(tenant, [row(tree, 1)], headers=headers)

    assert errors_of(report) == [(1, "", "headers")]
    assert BRANCH in report.errors[0].reason and "备注" in report.errors[0].reason


def test_blank_rows_are_ignored_and_lines_keep_their_numbers(tenant, tree):
    report = run(tenant, [row(tree, 1), [None] * len(HEADERS), row(tree, 2, **{PHONE: "x"})])

    assert errors_of(report) == [(4, PHONE, "phone_invalid")]


def test_a_file_that_is_not_a_workbook_is_refused(tenant):
    report = import_members(
        io.BytesIO(b"not a zip"), street=tenant.street, actor=None, dry_run=True
    )

    assert errors_of(report) == [(None, "", "file_unreadable")]


def test_a_file_with_only_the_header_is_refused(tenant):
    assert errors_of(run(tenant, [])) == [(None, "", "no_rows")]


def test_errors_read_in_chinese_with_line_and_column(tenant, tree):
    with translation.override("zh-hans"):
        report = run(tenant, [row(tree, 1, **{NAME: None})])

    assert report.errors[0].message.startswith("第2行「姓名」")


# --- Export -------------------------------------------------------------------------------


def test_a_full_export_imports_back_unchanged(tenant, tree):
    run(
        tenant,
        [
            row(tree, 1, **{ORGANIZATION: tenant.org.name, POSTS: "书记"}),
            row(tree, 2, **{STATUS: "预备党员", JOINED_ON: datetime.date(2026, 6, 1)}),
            row(tree, 3, **{BRANCH: tree.other_branch.name, PHONE: "0571-86001234"}),
        ],
    )

    data = export_bytes(PartyMember.objects.all(), masked=False)
    report = import_members(
        io.BytesIO(data), street=tenant.street, actor=tenant.street_admin, dry_run=False
    )

    assert report.ok, [e.message for e in report.errors]
    assert (report.created, report.updated, report.unchanged) == (0, 0, 3)


def test_the_export_writes_headers_labels_and_real_dates(tenant, tree):
    member = make_member(tree.branch, 1, organization=tenant.org, posts="组织委员")

    sheets, rows = read_back(export_bytes(PartyMember.objects.all(), masked=False))

    assert sheets == [SHEET_TITLE]
    assert rows[0] == HEADERS
    assert rows[1] == (
        member.name,
        "男",
        datetime.datetime(1980, 5, 18),
        member.id_number,
        member.phone,
        tenant.org.name,
        tenant.org.filing_number,
        tree.branch.name,
        "正式党员",
        datetime.datetime(2010, 7, 1),
        "组织委员",
    )


def test_a_masked_export_says_so_and_masks_id_and_phone(tenant, tree):
    member = make_member(tree.branch, 1)

    sheets, rows = read_back(export_bytes(PartyMember.objects.all(), masked=True))

    assert sheets == [MASKED_SHEET_TITLE, NOTE_SHEET_TITLE]
    assert rows[1][3] == mask_id_number(member.id_number) != member.id_number
    assert rows[1][4] == mask_phone(member.phone) != member.phone


def test_a_masked_export_cannot_be_used_to_update(tenant, tree):
    make_member(tree.branch, 1, posts="")
    make_member(tree.branch, 2)
    data = export_bytes(PartyMember.objects.all(), masked=True)

    report = import_members(io.BytesIO(data), street=tenant.street, actor=None, dry_run=False)

    assert errors_of(report) == [
        (2, ID_NUMBER, "id_masked"),
        (2, PHONE, "phone_masked"),
        (3, ID_NUMBER, "id_masked"),
        (3, PHONE, "phone_masked"),
    ]
    assert "*" in report.errors[0].reason
    assert PartyMember.objects.count() == 2


def test_the_export_takes_the_same_number_of_queries_for_3_and_30_members(
    tenant, tree, count_queries
):
    def measure():
        with count_queries() as q:
            export_bytes(PartyMember.objects.all(), masked=True)
        return q

    for n in range(3):
        make_member(tree.branch, n + 1, organization=tenant.org)
    small = measure()
    for n in range(3, 30):
        make_member(tree.other_branch, n + 1, organization=tenant.other_org)
    large = measure()

    assert small.count == large.count, large.dump()


# --- Commands -----------------------------------------------------------------------------


def _file(tmp_path, rows, name="members.xlsx"):
    path = tmp_path / name
    path.write_bytes(workbook(rows).getvalue())
    return str(path)


def test_the_import_command_prints_the_counts(tenant, tree, tmp_path, capsys):
    call_command("import_party_members", _file(tmp_path, [row(tree, 1)]), street=tenant.street.code)

    assert PartyMember.objects.count() == 1


def test_the_import_command_dry_run_writes_nothing(tenant, tree, tmp_path):
    call_command(
        "import_party_members", _file(tmp_path, [row(tree, 1)]), "--dry-run", street="a-street"
    )

    assert not PartyMember.objects.exists()


def test_the_import_command_exits_1_with_one_error_per_line(tenant, tree, tmp_path):
    path = _file(tmp_path, [row(tree, 1, **{PHONE: "1"}), row(tree, 2, **{NAME: None})])
    err = io.StringIO()

    with pytest.raises(CommandError) as exc:
        call_command("import_party_members", path, street=tenant.street.code, stderr=err)

    assert exc.value.returncode == 1
    assert len(err.getvalue().strip().splitlines()) == 2
    assert not PartyMember.objects.exists()


def test_the_export_command_masks_unless_asked(tenant, tree, tmp_path):
    member = make_member(tree.branch, 1)
    masked, full = tmp_path / "masked.xlsx", tmp_path / "full.xlsx"

    call_command("export_party_members", str(masked), street=tenant.street.code)
    call_command("export_party_members", str(full), "--unmasked", street=tenant.street.code)

    assert read_back(masked.read_bytes())[1][1][3] == mask_id_number(member.id_number)
    assert read_back(full.read_bytes())[1][1][3] == member.id_number


def test_the_export_command_writes_only_the_chosen_street(tenant, tree, outsider_tenant, tmp_path):
    make_member(tree.branch, 1)
    make_member(make_tree(outsider_tenant).branch, 2)
    path = tmp_path / "a.xlsx"

    call_command("export_party_members", str(path), street=tenant.street.code)

    assert [r[0] for r in read_back(path.read_bytes())[1][1:]] == ["党员1"]


# --- Admin --------------------------------------------------------------------------------

IMPORT_URL = "admin:partybuilding_partymember_import"
EXPORT_URL = "admin:partybuilding_partymember_export"


def _upload(rows) -> SimpleUploadedFile:
    return SimpleUploadedFile("members.xlsx", workbook(rows).getvalue(), XLSX_CONTENT_TYPE)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path / "imports"


def test_the_changelist_links_to_import_and_export(client, tenant):
    client.force_login(tenant.street_admin)

    page = client.get(reverse("admin:partybuilding_partymember_changelist")).content.decode()

    assert reverse(IMPORT_URL) in page
    assert reverse(EXPORT_URL) in page


def test_the_admin_preview_shows_errors_and_writes_nothing(client, tenant, tree, media):
    client.force_login(tenant.street_admin)
    rows = [row(tree, 1), row(tree, 2, **{BRANCH: "不存在的支部"})]

    response = client.post(reverse(IMPORT_URL), {"file": _upload(rows)})

    assert response.status_code == 200
    assert errors_of(response.context["report"]) == [(3, BRANCH, "unknown_branch")]
    assert 'data-code="unknown_branch"' in response.content.decode()
    assert "token" not in response.context
    assert not PartyMember.objects.exists()


def test_the_admin_confirm_writes_the_previewed_file(client, tenant, tree, media):
    client.force_login(tenant.street_admin)
    url = reverse(IMPORT_URL)

    preview = client.post(url, {"file": _upload([row(tree, 1), row(tree, 2)])})
    assert preview.context["report"].created == 2
    assert not PartyMember.objects.exists()
    confirmed = client.post(url, {"confirm": "1", "token": preview.context["token"]})

    assert confirmed.status_code == 302
    assert PartyMember.objects.count() == 2
    assert list(media.glob("*.xlsx")) == []
    assert client.session[PENDING_SESSION_KEY] == []


def test_community_staff_cannot_import(client, tenant):
    client.force_login(tenant.community_staff)

    assert client.get(reverse(IMPORT_URL)).status_code == 403


def test_a_linked_party_worker_imports_into_their_branch(client, tenant, tree, media):
    tree.branch.worker_accounts.add(tenant.party_worker)
    client.force_login(tenant.party_worker)

    response = client.post(reverse(IMPORT_URL), {"file": _upload([row(tree, 1)])})

    assert response.context["report"].ok


@pytest.mark.parametrize(
    ("role", "masked"),
    [("street_admin", False), ("community_staff", True), ("party_worker", True)],
)
def test_the_admin_export_is_masked_except_for_street_staff(
    client, tenant, tree, role, masked, django_capture_on_commit_callbacks
):
    tree.branch.worker_accounts.add(tenant.party_worker)
    member = make_member(tree.branch, 1, organization=tenant.org)
    client.force_login(getattr(tenant, role))

    _job, response = run_export(
        client, django_capture_on_commit_callbacks, lambda: client.get(reverse(EXPORT_URL))
    )

    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    sheets, rows = read_back(b"".join(response.streaming_content))
    assert [r[0] for r in rows[1:]] == [member.name]
    assert (rows[1][3] == mask_id_number(member.id_number)) is masked
    assert (rows[1][3] == member.id_number) is not masked
    assert (sheets[0] == MASKED_SHEET_TITLE) is masked


def test_community_staff_export_only_their_communitys_members(
    client, tenant, tree, django_capture_on_commit_callbacks
):
    make_member(tree.branch, 1, organization=tenant.org)
    make_member(tree.branch, 2, organization=tenant.other_org)
    make_member(tree.branch, 3)
    client.force_login(tenant.community_staff)

    data = job_export_bytes(
        client, django_capture_on_commit_callbacks, lambda: client.get(reverse(EXPORT_URL))
    )

    rows = read_back(data)[1]
    assert [r[0] for r in rows[1:]] == ["党员1"]
