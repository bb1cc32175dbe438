"""凯益集市 ⇄ Excel: needs and wishes imported all-or-nothing through the services, every bad
row named (line, column, reason); every list exported in a constant number of queries; the
people behind wishes never in an export for anyone who may not see them.

Round trip: imports only add. An exported file imported back is refused row by row
("already on record"), so it creates no duplicates."""

import datetime
import io
import time
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from marketplace.choices import FundSource, ProviderKind
from marketplace.excel import export_list, import_needs, import_wishes
from marketplace.models import Category, Claim, Need, Project, Resource, Wish, WishBeneficiary
from marketplace.resources import (
    AGE_BAND,
    ALIAS,
    CATEGORY,
    COLLECTED_ON,
    COMMUNITY,
    DESCRIPTION,
    ESTIMATED_VALUE,
    GRID,
    HANDOVER_CONTACT,
    MAX_CLAIMS,
    NATURE,
    NEED_HEADERS,
    PERSON_ADDRESS,
    PERSON_ID_NUMBER,
    PERSON_NAME,
    PERSON_PHONE,
    PHOTO_CONSENT,
    PLACE,
    QUANTITY,
    SOURCE,
    STATUS,
    TARGET_GROUP,
    TITLE,
    VALUE,
    WINDOW_END,
    WINDOW_START,
    WISH_DESCRIPTION,
    WISH_HEADERS,
    WISH_TITLE,
)
from marketplace.services import listings
from marketplace.services.claims import claim_create
from tests.jobs.exporting import export_bytes
from tests.marketplace.test_claims import _managed, _need, _wish

START = datetime.date(2026, 12, 1)
END = datetime.date(2027, 3, 31)


def need_row(community, n: int = 1, **cells) -> dict:
    row = {
        TITLE: f"独居老人助餐{n}",
        COMMUNITY: community.name,
        GRID: "第三网格",
        CATEGORY: "养老服务·助餐",
        NATURE: "服务",
        TARGET_GROUP: "独居老人",
        QUANTITY: 3,
        WINDOW_START: START,
        WINDOW_END: "2027/3/31",
        PLACE: "凯旋路88号",
        DESCRIPTION: "每周三次送餐上门",
        ESTIMATED_VALUE: "1,200.50元",
        SOURCE: "入户走访",
        MAX_CLAIMS: 1,
    }
    row.update(cells)
    return row


def wish_row(community, n: int = 1, **cells) -> dict:
    row = {
        ALIAS: "王奶奶",
        AGE_BAND: "80岁及以上",
        TARGET_GROUP: "elderly_alone",
        COMMUNITY: community.name,
        CATEGORY: "生活用品",
        WISH_TITLE: f"一台电饭煲{n}",
        WISH_DESCRIPTION: "家里的电饭煲坏了",
        VALUE: 199,
        COLLECTED_ON: datetime.date(2026, 11, 20),
        PERSON_NAME: f"王秀英{n}",
        PERSON_PHONE: "13900001111",
        PERSON_ADDRESS: "凯旋路88号3幢402室",
        PERSON_ID_NUMBER: None,
        HANDOVER_CONTACT: "网格员小李 13700002222",
        PHOTO_CONSENT: "是",
    }
    row.update(cells)
    return row


def workbook(rows: list[dict], headers) -> io.BytesIO:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(headers))
    for row in rows:
        sheet.append([row.get(header) for header in headers])
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def needs_file(rows, headers=NEED_HEADERS):
    return workbook(rows, [h for h in headers if h != STATUS])


def wishes_file(rows, headers=WISH_HEADERS):
    return workbook(rows, [h for h in headers if h != STATUS])


def all_cells(data) -> list:
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    return [
        cell
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
    ]


def rows_of(data) -> list[tuple]:
    sheet = openpyxl.load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    return list(sheet.iter_rows(values_only=True))


def errors_of(report) -> list[tuple]:
    return [(e.line, e.column, e.code) for e in report.errors]


# --- Needs --------------------------------------------------------------------------------


def test_a_good_needs_file_is_imported_through_the_service(tenant):
    rows = [
        need_row(tenant.community, 1),
        need_row(
            tenant.community,
            2,
            **{CATEGORY: "legal", NATURE: "goods", SOURCE: "热线", ESTIMATED_VALUE: None},
        ),
        need_row(tenant.other_community, 3, **{CATEGORY: "心理疏导", WINDOW_END: "2027年1月5日"}),
    ]
    report = import_needs(
        needs_file(rows), street=tenant.street, actor=tenant.street_admin, dry_run=False
    )

    assert report.ok, [e.message for e in report.errors]
    assert (report.created, report.written) == (3, True)
    first = Need.objects.get(title="独居老人助餐1")
    assert first.category.code == "elderly-meal"
    assert (first.nature, first.source, first.target_group) == (
        "service",
        "home_visit",
        "elderly_alone",
    )
    assert first.estimated_value == Decimal("1200.50")
    assert (first.window_start, first.window_end) == (START, END)
    assert (first.status, first.collected_by) == ("pending", tenant.street_admin)
    second = Need.objects.get(title="独居老人助餐2")
    assert (second.category.code, second.nature, second.estimated_value) == (
        "legal",
        "goods",
        Decimal("0"),
    )
    third = Need.objects.get(title="独居老人助餐3")
    assert (third.community, third.category.code) == (tenant.other_community, "health-mental")


def test_three_bad_rows_write_nothing_and_each_is_named_in_chinese(tenant):
    rows = [
        need_row(tenant.community, 1),
        need_row(tenant.community, 2, **{CATEGORY: "不存在的类别"}),
        need_row(tenant.community, 3),
        need_row(tenant.community, 4, **{WINDOW_END: "2026-11-01"}),
        need_row(tenant.community, 5, **{ESTIMATED_VALUE: "九十"}),
    ]
    with translation.override("zh-hans"):
        report = import_needs(
            needs_file(rows), street=tenant.street, actor=tenant.community_staff, dry_run=False
        )

    assert not report.ok and not report.written
    assert errors_of(report) == [
        (3, CATEGORY, "unknown_category"),
        (5, WINDOW_END, "window_order"),
        (6, ESTIMATED_VALUE, "money_invalid"),
    ]
    assert [e.reason for e in report.errors] == [
        "没有名为“不存在的类别”的服务类别;请填写类别名称(如 养老服务 或 养老服务·助餐)或类别代码。",
        "需求截止日期不能早于需求开始日期。",
        "“九十”不是以元为单位的金额,请用数字填写,如 199.50。",
    ]
    assert report.errors[0].message.startswith("第3行「服务类别」")
    assert not Need.objects.exists()


def test_a_community_the_importer_may_not_manage_is_a_row_error(tenant):
    rows = [need_row(tenant.community, 1), need_row(tenant.other_community, 2)]
    report = import_needs(
        needs_file(rows), street=tenant.street, actor=tenant.community_staff, dry_run=False
    )

    assert errors_of(report) == [(3, COMMUNITY, "community_not_yours")]
    # Named as typed, nothing else about it.
    assert tenant.other_community.name in report.errors[0].reason
    assert not Need.objects.exists()


def test_an_unknown_community_lists_only_the_importers_own(tenant, outsider_tenant):
    rows = [need_row(outsider_tenant.community, 1)]
    report = import_needs(
        needs_file(rows), street=tenant.street, actor=tenant.community_staff, dry_run=False
    )

    assert errors_of(report) == [(2, COMMUNITY, "unknown_community")]
    assert tenant.community.name in report.errors[0].reason
    assert tenant.other_community.name not in report.errors[0].reason


def test_a_dry_run_counts_and_writes_nothing(tenant):
    report = import_needs(
        needs_file([need_row(tenant.community)]),
        street=tenant.street,
        actor=tenant.community_staff,
        dry_run=True,
    )

    assert report.ok and report.created == 1 and not report.written
    assert not Need.objects.exists()


def test_a_needs_export_imported_back_is_refused_row_by_row(tenant):
    rows = [need_row(tenant.community, n) for n in (1, 2)]
    import_needs(
        needs_file(rows), street=tenant.street, actor=tenant.community_staff, dry_run=False
    )
    buffer = io.BytesIO()
    assert export_list("needs", Need.objects.visible_to(tenant.community_staff), buffer) == 2
    exported = rows_of(buffer.getvalue())
    assert exported[0] == NEED_HEADERS
    assert set(exported[1]) >= {"独居老人助餐1", "养老服务·助餐", "独居老人", "待审核"}

    buffer.seek(0)
    report = import_needs(buffer, street=tenant.street, actor=tenant.community_staff, dry_run=False)

    assert errors_of(report) == [(2, TITLE, "already_on_record"), (3, TITLE, "already_on_record")]
    assert Need.objects.count() == 2


def test_the_same_row_twice_in_a_file_is_refused(tenant):
    rows = [need_row(tenant.community, 1), need_row(tenant.community, 1)]
    report = import_needs(
        needs_file(rows), street=tenant.street, actor=tenant.community_staff, dry_run=False
    )

    assert errors_of(report) == [(3, TITLE, "duplicate_row")]


def test_two_thousand_needs_import_in_well_under_a_minute(tenant):
    rows = [need_row(tenant.community, n) for n in range(2000)]
    source = needs_file(rows)
    started = time.monotonic()

    report = import_needs(source, street=tenant.street, actor=tenant.community_staff, dry_run=False)

    elapsed = time.monotonic() - started
    assert report.ok and report.created == 2000
    assert Need.objects.count() == 2000
    assert elapsed < 30, elapsed


# --- Wishes -------------------------------------------------------------------------------


def test_wishes_are_imported_with_their_beneficiaries(tenant):
    rows = [wish_row(tenant.community, 1), wish_row(tenant.community, 2, **{PHOTO_CONSENT: None})]
    report = import_wishes(
        wishes_file(rows), street=tenant.street, actor=tenant.community_staff, dry_run=False
    )

    assert report.ok, [e.message for e in report.errors]
    wish = Wish.objects.get(title="一台电饭煲1")
    assert (wish.value, wish.age_band, wish.category.code) == (
        Decimal("199"),
        "elder",
        "goods-daily",
    )
    assert (wish.status, wish.collected_on) == ("collected", datetime.date(2026, 11, 20))
    person = WishBeneficiary.objects.get(wish=wish)
    assert (person.name, person.phone, person.photo_consent) == ("王秀英1", "13900001111", True)
    assert person.consent_recorded_by == tenant.community_staff
    assert not WishBeneficiary.objects.get(wish__title="一台电饭煲2").photo_consent


def test_a_wish_over_the_cap_and_a_missing_person_are_row_errors(tenant):
    rows = [
        wish_row(tenant.community, 1, **{VALUE: "350"}),
        wish_row(tenant.community, 2, **{PERSON_NAME: None, PERSON_PHONE: "12345"}),
    ]
    with translation.override("zh-hans"):
        report = import_wishes(
            wishes_file(rows), street=tenant.street, actor=tenant.community_staff, dry_run=False
        )

    assert errors_of(report) == [
        (2, VALUE, "over_cap"),
        (3, PERSON_NAME, "required"),
        (3, PERSON_PHONE, "phone_invalid"),
    ]
    assert "300" in report.errors[0].reason and "350" in report.errors[0].reason
    assert not Wish.objects.exists() and not WishBeneficiary.objects.exists()


def test_a_wish_export_for_street_staff_leaves_the_people_out(tenant):
    import_wishes(
        wishes_file([wish_row(tenant.community, 1)]),
        street=tenant.street,
        actor=tenant.community_staff,
        dry_run=False,
    )
    secrets = {"王秀英1", "13900001111", "凯旋路88号3幢402室", "网格员小李 13700002222"}

    street_buffer = io.BytesIO()
    viewer = tenant.street_admin
    export_list("wishes", Wish.objects.visible_to(viewer), street_buffer, viewer=viewer)
    staff_buffer = io.BytesIO()
    viewer = tenant.community_staff
    export_list("wishes", Wish.objects.visible_to(viewer), staff_buffer, viewer=viewer)

    street_cells = all_cells(street_buffer.getvalue())
    assert "一台电饭煲1" in street_cells
    assert not secrets & {str(cell) for cell in street_cells if cell is not None}
    assert not {PERSON_NAME, PERSON_PHONE, PERSON_ADDRESS, HANDOVER_CONTACT} & set(street_cells)
    assert secrets <= set(all_cells(staff_buffer.getvalue()))
    # The public export cannot be imported back: the person's columns are missing.
    street_buffer.seek(0)
    report = import_wishes(
        street_buffer, street=tenant.street, actor=tenant.street_admin, dry_run=True
    )
    assert errors_of(report) == [(1, "", "headers")]


def test_a_wish_export_imported_back_creates_no_duplicates(tenant):
    import_wishes(
        wishes_file([wish_row(tenant.community, 1)]),
        street=tenant.street,
        actor=tenant.community_staff,
        dry_run=False,
    )
    buffer = io.BytesIO()
    viewer = tenant.community_staff
    export_list("wishes", Wish.objects.visible_to(viewer), buffer, viewer=viewer)
    buffer.seek(0)

    report = import_wishes(buffer, street=tenant.street, actor=viewer, dry_run=False)

    assert errors_of(report) == [(2, WISH_TITLE, "already_on_record")]
    assert Wish.objects.count() == 1


# --- Exports ------------------------------------------------------------------------------


def _fill(tenant, n: int, tag: str = "x") -> None:
    category = Category.objects.get(code="elderly-meal")
    org = _managed(tenant.org)
    for i in range(n):
        need = _need(tenant, title=f"需求{tag}-{i}")
        resource = listings.resource_create(
            street=tenant.street,
            actor=tenant.street_admin,
            provider_kind=ProviderKind.VOLUNTEER_TEAM,
            team_name=f"志愿队{tag}-{i}",
            title=f"服务{tag}-{i}",
            category=category,
            communities=[tenant.community],
        )
        resource = listings.resource_review(
            resource=resource, actor=tenant.street_admin, approved=True
        )
        project = listings.match_need(need=need, resource=resource, actor=tenant.community_staff)
        for amount in ("100", "250.5"):
            listings.fund_commit(
                project=project,
                actor=tenant.community_staff,
                source=FundSource.ENTERPRISE,
                funder="凯旋超市",
                amount=Decimal(amount),
                committed_on=datetime.date(2026, 12, 1),
            )
        wish = _wish(tenant, title=f"心愿{tag}-{i}")
        claim_create(item=wish, actor=tenant.leader, organization=org)


@pytest.mark.parametrize("kind", ["needs", "resources", "projects", "wishes", "claims"])
def test_every_list_exports_in_a_constant_number_of_queries(tenant, count_queries, kind):
    models = {"needs": Need, "resources": Resource, "projects": Project, "wishes": Wish}
    model = models.get(kind, Claim)
    viewer = tenant.community_staff
    counts = []
    for tag, size in (("a", 2), ("b", 4)):
        _fill(tenant, size, tag)
        queryset = model.objects.visible_to(viewer)
        expected = queryset.count()
        with count_queries() as queries:
            assert export_list(kind, queryset, io.BytesIO(), viewer=viewer) == expected
        counts.append(queries.count)
    assert counts[0] == counts[1], queries.dump()


def test_the_projects_export_carries_the_ledger_sum(tenant):
    _fill(tenant, 1)
    buffer = io.BytesIO()
    export_list("projects", Project.objects.visible_to(tenant.community_staff), buffer)
    header, row = rows_of(buffer.getvalue())

    assert row[header.index("已筹社会资金（元）")] == 350.5


def test_exports_are_scoped_by_the_caller(tenant, outsider_tenant):
    _need(tenant, title="本街道需求")
    buffer = io.BytesIO()
    viewer = outsider_tenant.street_admin
    assert export_list("needs", Need.objects.visible_to(viewer), buffer, viewer=viewer) == 0


# --- Commands and admin -------------------------------------------------------------------


def test_the_commands_import_and_export(tenant, tmp_path):
    path = tmp_path / "needs.xlsx"
    path.write_bytes(needs_file([need_row(tenant.community)]).getvalue())
    call_command("import_needs", str(path), "--street", tenant.street.code, "--user", "a-staff")
    assert Need.objects.count() == 1
    with pytest.raises(CommandError):
        call_command("import_needs", str(path), "--street", tenant.street.code, "--user", "a-staff")
    target = tmp_path / "out.xlsx"
    call_command("export_marketplace", "needs", str(target))
    assert rows_of(target.read_bytes())[1][0] == "独居老人助餐1"
    wishes = tmp_path / "wishes.xlsx"
    path.write_bytes(wishes_file([wish_row(tenant.community)]).getvalue())
    call_command("import_wishes", str(path), "--street", tenant.street.code, "--user", "a-staff")
    call_command("export_marketplace", "wishes", str(wishes))
    assert "王秀英1" not in all_cells(wishes.read_bytes())
    with pytest.raises(CommandError):
        call_command("export_marketplace", "nothing", str(target))


def test_the_admin_previews_then_imports_wishes(client, tenant):
    client.force_login(tenant.community_staff)
    url = reverse("admin:marketplace_wish_import")
    rows = [wish_row(tenant.community, 1), wish_row(tenant.community, 2, **{VALUE: 301})]
    upload = SimpleUploadedFile("wishes.xlsx", wishes_file(rows).getvalue())

    response = client.post(url, {"file": upload})

    assert response.status_code == 200
    errors = response.context["report"].errors
    assert [(e.line, e.column, e.code) for e in errors] == [(3, VALUE, "over_cap")]
    assert not Wish.objects.exists()

    upload = SimpleUploadedFile("wishes.xlsx", wishes_file(rows[:1]).getvalue())
    response = client.post(url, {"file": upload})
    token = response.context["token"]
    response = client.post(url, {"confirm": "1", "token": token})
    assert response.status_code == 302
    assert Wish.objects.get().beneficiary.name == "王秀英1"


def test_the_admin_exports_each_list(client, tenant, django_capture_on_commit_callbacks):
    _fill(tenant, 1)
    client.force_login(tenant.street_admin)
    for model in ("need", "resource", "project", "wish", "claim"):
        changelist = client.get(reverse(f"admin:marketplace_{model}_changelist"))
        export_url = reverse(f"admin:marketplace_{model}_export")
        assert export_url in changelist.content.decode()
        data = export_bytes(
            client, django_capture_on_commit_callbacks, lambda url=export_url: client.get(url)
        )
        assert len(rows_of(data)) == 2, model
        if model == "wish":
            assert "王秀英" not in {str(c) for c in all_cells(data)}


def test_a_large_confirmed_needs_file_is_imported_as_a_job(
    client, tenant, settings, django_capture_on_commit_callbacks
):
    from jobs.admin_excel import IMPORT_JOB
    from jobs.models import Job, JobStatus

    settings.KAIYIHUI_IMPORT_JOB_ROWS = 2
    client.force_login(tenant.community_staff)
    url = reverse("admin:marketplace_need_import")
    rows = [need_row(tenant.community, n) for n in (1, 2, 3)]
    upload = SimpleUploadedFile("needs.xlsx", needs_file(rows).getvalue())
    previewed = client.post(url, {"file": upload})
    assert previewed.context["runs_as_job"]

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"confirm": "1", "token": previewed.context["token"]})

    job = Job.objects.get(kind=IMPORT_JOB)
    assert job.status == JobStatus.DONE, job.message
    assert Need.objects.filter(collected_by=tenant.community_staff).count() == 3


def test_a_service_refusal_names_its_line_and_nothing_is_written(tenant, monkeypatch):
    from core.errors import ActionRefused
    from marketplace import resources

    real = resources.need_create

    def refuse_the_second(**kwargs):
        if kwargs["title"].endswith("2"):
            raise ActionRefused("拒绝")
        return real(**kwargs)

    monkeypatch.setattr(resources, "need_create", refuse_the_second)
    rows = [need_row(tenant.community, n) for n in (1, 2)]
    report = import_needs(
        needs_file(rows), street=tenant.street, actor=tenant.community_staff, dry_run=False
    )

    assert [(e.line, e.code, e.reason) for e in report.errors] == [(3, "refused", "拒绝")]
    assert not Need.objects.exists()
