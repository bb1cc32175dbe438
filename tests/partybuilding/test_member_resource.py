"""The party member import runs on django-import-export: the library's import_data with
all-or-nothing settings, and bulk batches that a later bad row rolls back."""

import pytest
from import_export.resources import ModelResource

from partybuilding.members_excel import ID_NUMBER, JOINED_ON
from partybuilding.models import PartyMember
from partybuilding.resources import PartyMemberResource
from tests.partybuilding.test_members_excel import clock, errors_of, row, run, tree  # noqa: F401
from tests.partybuilding.test_views import matrix_rows  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def test_it_imports_through_the_library_all_or_nothing(tenant, tree, monkeypatch):  # noqa: F811
    calls = []
    original = ModelResource.import_data

    def spy(self, dataset, **kwargs):
        calls.append((type(self), len(dataset), kwargs))
        return original(self, dataset, **kwargs)

    monkeypatch.setattr(ModelResource, "import_data", spy)

    report = run(tenant, [row(tree, 1), row(tree, 2)], actor=tenant.street_admin)

    assert report.created == 2
    [(resource_class, rows, kwargs)] = calls
    assert issubclass(resource_class, PartyMemberResource) and rows == 2
    assert kwargs["use_transactions"] and kwargs["rollback_on_validation_errors"]
    assert PartyMemberResource._meta.use_bulk


def test_a_bad_row_after_a_written_batch_rolls_the_batch_back(tenant, tree, monkeypatch):  # noqa: F811
    monkeypatch.setattr(PartyMemberResource._meta, "batch_size", 2)
    rows = [row(tree, n) for n in range(1, 6)]
    rows[4][JOINED_ON] = "去年七月"
    before = PartyMember.objects.count()

    report = run(tenant, rows, actor=tenant.street_admin)

    assert errors_of(report) == [(6, JOINED_ON, "date_invalid")]
    assert not report.written
    assert PartyMember.objects.count() == before


def test_a_masked_id_number_is_refused_even_for_a_member_on_record(tenant, tree):  # noqa: F811
    first = run(tenant, [row(tree, 1)], actor=tenant.street_admin)
    assert first.created == 1
    member = PartyMember.objects.get(name="导入党员1")
    masked = member.id_number[:6] + "********" + member.id_number[14:]

    report = run(tenant, [row(tree, 1, **{ID_NUMBER: masked})], actor=tenant.street_admin)

    assert errors_of(report) == [(2, ID_NUMBER, "id_masked")]


def test_the_coverage_matrix_is_written_by_its_resource(
    tenant,
    outsider_tenant,
    monkeypatch,
    matrix_rows,  # noqa: F811
):
    from partybuilding.resources import CoverageMatrixResource
    from tests.partybuilding.test_views import coverage_street

    street = coverage_street(tenant, outsider_tenant)
    monkeypatch.setattr(CoverageMatrixResource, "dehydrate_coverage", lambda self, org: "X")

    rows = matrix_rows(street.tenant.street_admin)

    assert len(rows) > 1 and {row[2] for row in rows[1:]} == {"X"}
