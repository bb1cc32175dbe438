"""The results of an evaluation cycle as Excel, a background export job (``jobs.exports``),
started from the cycle admin ("Export the results").

Two sheets: 评估结果, one row per review the user sees (scores by evaluator group, total,
grade, the 年检 result and why a review was not graded) and 等级公示, the list of grades to
post publicly: organization and grade of each finalized, graded review, nothing personal.
Rows are ``values()`` read with ``iterator(chunk_size=...)`` into a write-only workbook,
so memory does not grow with the number of reviews; the bar moves after every chunk.
"""

from decimal import Decimal

import openpyxl
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.excel import start_export_sheet
from core.excel_resources import append_rows, start_progress
from evaluation.choices import EvaluatorGroup
from evaluation.models import Cycle, Review
from evaluation.workflows import ReviewStatus
from incubation.choices import AnnualReviewResult, Grade
from jobs.exports import register_exporter

RESULTS_EXPORT = "evaluation.results"
CHUNK_SIZE = 2000

RESULTS_SHEET = "评估结果"
NOTICE_SHEET = "等级公示"
GROUP_HEADERS = {
    EvaluatorGroup.STREET_LEADER: "街道领导评分",
    EvaluatorGroup.DEPARTMENT: "职能部门评分",
    EvaluatorGroup.EXPERT: "专家评分",
    EvaluatorGroup.COMMUNITY: "社区代表评分",
}
RESULT_HEADERS = (
    "组织名称",
    "统一社会信用代码",
    "备案编号",
    "社区",
    "状态",
    *GROUP_HEADERS.values(),
    "总分",
    "等级",
    "年检结论",
    "未评等原因",
    "评分分歧较大",
    "定稿时间",
)
NOTICE_HEADERS = ("组织名称", "等级")
WIDTHS = {"组织名称": 32, "统一社会信用代码": 22, "备案编号": 18, "未评等原因": 30}

_STATUS = dict(ReviewStatus.choices)
_GRADE = dict(Grade.choices)
_RESULT = dict(AnnualReviewResult.choices)
_FIELDS = (
    "organization__name",
    "organization__uscc",
    "organization__filing_number",
    "organization__community__name",
    "status",
    "group_scores",
    "total",
    "grade",
    "annual_result",
    "graded",
    "grading_note",
    "spread_flagged",
    "finalized_at",
)


def _score(group_scores: dict, group: str):
    score = (group_scores or {}).get(group, {}).get("score")
    return Decimal(score) if score else None


def _result_row(row: dict) -> list:
    finalized_at = row["finalized_at"]
    return [
        row["organization__name"],
        row["organization__uscc"],
        row["organization__filing_number"],
        row["organization__community__name"],
        str(_STATUS.get(row["status"], row["status"])),
        *(_score(row["group_scores"], group) for group in GROUP_HEADERS),
        row["total"],
        str(_GRADE.get(row["grade"], "")) if row["graded"] else "",
        str(_RESULT.get(row["annual_result"], "")),
        row["grading_note"],
        "是" if row["spread_flagged"] else "",
        timezone.localtime(finalized_at).strftime("%Y-%m-%d %H:%M") if finalized_at else None,
    ]


def cycle_results(cycle, user):
    """The reviews of ``cycle`` that ``user`` sees, as the rows of the results sheet."""
    return (
        Review.objects.visible_to(user)
        .filter(cycle=cycle)
        .order_by("organization__community__name", "organization__name", "pk")
        .values(*_FIELDS)
    )


def cycle_grades_notice(cycle, user):
    """What may be posted: the organization and grade of each finalized, graded review."""
    return (
        Review.objects.visible_to(user)
        .filter(cycle=cycle, status=ReviewStatus.FINALIZED, graded=True)
        .exclude(grade="")
        .order_by("-grade", "organization__name", "pk")
        .values_list("organization__name", "grade")
    )


@register_exporter(RESULTS_EXPORT, _("Evaluation results"))
def export_results(*, user, params, destination) -> str:
    cycle = Cycle.objects.visible_to(user).get(pk=params["cycle_id"])
    results, notice = cycle_results(cycle, user), cycle_grades_notice(cycle, user)
    workbook = openpyxl.Workbook(write_only=True)
    sheet = start_export_sheet(workbook, RESULTS_SHEET, RESULT_HEADERS, WIDTHS, 12)
    start_progress(results)
    start_progress(notice)
    append_rows(
        sheet,
        (_result_row(row) for row in results.iterator(chunk_size=CHUNK_SIZE)),
        chunk_size=CHUNK_SIZE,
    )
    sheet = start_export_sheet(workbook, NOTICE_SHEET, NOTICE_HEADERS, WIDTHS, 12)
    append_rows(
        sheet,
        ([name, str(_GRADE.get(grade, grade))] for name, grade in notice.iterator(CHUNK_SIZE)),
        chunk_size=CHUNK_SIZE,
    )
    workbook.save(destination)
    return f"evaluation-results-{cycle.year}-{timezone.localdate():%Y%m%d}.xlsx"


def register() -> None:
    """Importing the module registers the exporter; called from ``apps.ready``."""
