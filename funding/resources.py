"""The staff ranking of a grant call as Excel, through django-import-export.

The rows are ``selectors.ranking``'s ``RankRow`` objects (not model rows), numbered by
their place in the ranking; the resource is a plain ``Resource``. The headers are a file
format: fixed Chinese strings, one extra column per scoring criterion of the call.
"""

from __future__ import annotations

from import_export import resources
from import_export.fields import Field

from core.excel_widgets import CellWidget

_AS_IS = CellWidget(lambda value: value)

EXPORT_WIDTHS = {"组织名称": 30, "项目名称": 36, "社区": 14}


def _column(header: str) -> Field:
    return Field(column_name=header, widget=_AS_IS)


class RankingResource(resources.Resource):
    """One ranked application per line: ``(rank, RankRow)`` pairs, as
    ``enumerate(selectors.ranking(...), start=1)`` gives them."""

    rank = _column("排名")
    organization = _column("组织名称")
    community = _column("社区")
    title = _column("项目名称")
    track = _column("赛道")
    status = _column("状态")
    requested_amount = _column("申请金额")
    score = _column("加权得分")
    experts = _column("评审专家数")
    awarded_amount = _column("立项金额")
    paid = _column("已拨付")
    outstanding = _column("待拨付")
    within_budget = _column("预算线内")
    acceptance = _column("验收结果")

    class Meta:
        # The criteria's columns (added per call in __init__) follow these.
        export_order = (
            "rank",
            "organization",
            "community",
            "title",
            "track",
            "status",
            "requested_amount",
            "score",
            "experts",
            "awarded_amount",
            "paid",
            "outstanding",
            "within_budget",
            "acceptance",
        )

    def __init__(self, criteria=()):
        super().__init__()
        # One column per criterion: its mean score over the experts, "name（weight%）".
        for criterion in criteria:
            self.fields[f"criterion_{criterion.pk}"] = Field(
                column_name=f"{criterion.name}（{criterion.weight:g}%）",
                dehydrate_method=lambda ranked, pk=criterion.pk: ranked[1].by_criterion.get(pk),
                widget=_AS_IS,
            )

    def dehydrate_rank(self, ranked) -> int:
        return ranked[0]

    def dehydrate_organization(self, ranked) -> str:
        return ranked[1].application.organization.name

    def dehydrate_community(self, ranked) -> str:
        return ranked[1].application.organization.community.name

    def dehydrate_title(self, ranked) -> str:
        return ranked[1].application.title

    def dehydrate_track(self, ranked) -> str:
        return ranked[1].application.get_track_display()

    def dehydrate_status(self, ranked) -> str:
        return ranked[1].application.get_status_display()

    def dehydrate_requested_amount(self, ranked):
        return ranked[1].application.requested_amount

    def dehydrate_score(self, ranked):
        return ranked[1].score

    def dehydrate_experts(self, ranked) -> int:
        return ranked[1].experts

    def dehydrate_awarded_amount(self, ranked):
        return ranked[1].application.awarded_amount

    def dehydrate_paid(self, ranked):
        return ranked[1].paid

    def dehydrate_outstanding(self, ranked):
        return ranked[1].outstanding

    def dehydrate_within_budget(self, ranked) -> str:
        return "是" if ranked[1].within_budget else "否"

    def dehydrate_acceptance(self, ranked) -> str:
        app = ranked[1].application
        return app.get_acceptance_result_display() if app.acceptance_result else ""
