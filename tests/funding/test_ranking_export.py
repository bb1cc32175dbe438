"""The ranking export through funding.resources.RankingResource: the same columns, Chinese
headers and one column per criterion as the hand-written sheet it replaced."""

import io

import openpyxl
from django.urls import reverse

from tests.funding.factories import make_call
from tests.funding.test_views import _many_applications
from tests.jobs.exporting import export_bytes

FIXED = (
    "排名",
    "组织名称",
    "社区",
    "项目名称",
    "赛道",
    "状态",
    "申请金额",
    "加权得分",
    "评审专家数",
    "立项金额",
    "已拨付",
    "待拨付",
    "预算线内",
    "验收结果",
)


def test_the_ranking_sheet_keeps_its_columns_and_values(
    client, tenant, django_capture_on_commit_callbacks
):
    call = make_call(tenant, budget="25000", cap="10000")
    _many_applications(tenant, call, 2)
    client.force_login(tenant.street_admin)
    data = export_bytes(
        client,
        django_capture_on_commit_callbacks,
        lambda: client.get(reverse("funding:call_export", args=[call.pk])),
    )
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    rows = list(sheet.iter_rows(values_only=True))
    criteria = [f"{c.name}（{c.weight:g}%）" for c in call.criteria.all()]
    assert rows[0] == (*FIXED, *criteria)
    assert sheet.title == f"{call.year}微创投"
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["排名"] == 1
    assert first["预算线内"] in ("是", "否")
    assert first["评审专家数"] == 1
    assert all(first[name] is not None for name in criteria)
