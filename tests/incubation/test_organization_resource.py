"""The organization import runs on django-import-export: the library's import_data with
all-or-nothing settings, bulk batches rolled back by a later bad row, the same outcome in
the library's row-by-row mode, and cell widgets that give Chinese messages with codes."""

import datetime

import pytest
from django.utils import translation
from import_export.resources import ModelResource

from core.excel_widgets import CellError, CountWidget, DateWidget
from incubation.models import Organization, OrganizationEvent
from incubation.resources import (
    PARTY_MEMBER_COUNT,
    OrganizationResource,
    RowByRowOrganizationResource,
)
from tests.incubation.test_excel import filed_row, only_error, run, workbook

pytestmark = pytest.mark.django_db


def test_it_imports_through_the_library_all_or_nothing(tenant, monkeypatch):
    calls = []
    original = ModelResource.import_data

    def spy(self, dataset, **kwargs):
        calls.append((type(self), len(dataset), kwargs))
        return original(self, dataset, **kwargs)

    monkeypatch.setattr(ModelResource, "import_data", spy)

    report = run(tenant, [filed_row(tenant.community, 1), filed_row(tenant.community, 2)])

    assert report.created == 2
    [(resource_class, rows, kwargs)] = calls
    assert issubclass(resource_class, OrganizationResource) and rows == 2
    assert kwargs["use_transactions"] and kwargs["rollback_on_validation_errors"]
    assert OrganizationResource._meta.use_bulk


def test_a_bad_row_after_a_written_batch_rolls_the_batch_back(tenant, monkeypatch):
    monkeypatch.setattr(OrganizationResource._meta, "batch_size", 2)
    rows = [filed_row(tenant.community, n) for n in range(1, 6)]
    rows[4][PARTY_MEMBER_COUNT] = "九十"
    before = Organization.objects.count(), OrganizationEvent.objects.count()

    report = run(tenant, rows)

    assert only_error(report) == (6, PARTY_MEMBER_COUNT, "count_invalid")
    assert not report.written
    assert (Organization.objects.count(), OrganizationEvent.objects.count()) == before


def test_the_row_by_row_mode_gives_the_same_result(tenant):
    from incubation.excel import import_organizations

    rows = [filed_row(tenant.community, n) for n in range(1, 4)]

    report = import_organizations(
        workbook(rows),
        street=tenant.street,
        actor=None,
        dry_run=False,
        resource_class=RowByRowOrganizationResource,
    )

    assert report.ok and (report.created, report.updated) == (3, 0)
    assert OrganizationEvent.objects.filter(evidence__source="excel_import").count() == 3
    again = run(tenant, rows)
    assert (again.created, again.unchanged) == (0, 3)


def test_a_dry_run_in_row_by_row_mode_writes_nothing(tenant):
    from incubation.excel import import_organizations

    before = Organization.objects.count()

    report = import_organizations(
        workbook([filed_row(tenant.community, 1)]),
        street=tenant.street,
        actor=None,
        dry_run=True,
        resource_class=RowByRowOrganizationResource,
    )

    assert report.ok and report.created == 1 and not report.written
    assert Organization.objects.count() == before


@pytest.mark.parametrize(
    ("widget", "value", "code", "chinese"),
    [
        (CountWidget(), "九十", "count_invalid", "不是整数"),
        (DateWidget(), "去年五月", "date_invalid", "不是日期"),
    ],
)
def test_widgets_raise_a_value_error_with_a_code_and_a_chinese_reason(widget, value, code, chinese):
    with translation.override("zh-hans"), pytest.raises(CellError) as raised:
        widget.clean(value)

    assert isinstance(raised.value, ValueError)
    assert raised.value.code == code
    assert chinese in raised.value.reason


def test_the_date_widget_reads_the_usual_spellings():
    widget = DateWidget()

    assert {widget.clean(v) for v in ("2021-05-01", "2021/5/1", "2021年5月1日")} == {
        datetime.date(2021, 5, 1)
    }
