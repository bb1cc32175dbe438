"""The results of a cycle in Excel (evaluation.exports): started from the cycle admin as a
background job, scores, grades and 年检 results on one sheet, the 公示 list of grades
(organization and grade, nothing personal) on a second, scoped like the reviews."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from evaluation.exports import (
    NOTICE_HEADERS,
    NOTICE_SHEET,
    RESULT_HEADERS,
    RESULTS_EXPORT,
    RESULTS_SHEET,
)
from evaluation.models import Cycle, Review
from evaluation.services.scoring import review_finalize
from jobs.exports import export_start
from jobs.models import JobStatus
from jobs.services import job_run
from tests.evaluation.helpers import assign_all, score_all, submitted_review
from tests.factories import RegisteredOrganizationFactory
from tests.jobs.exporting import run_export


def _finalized(ev):
    review = submitted_review(ev)
    assign_all(ev, review, groups=["expert"])
    score_all(review, ev.evaluators["expert"], Decimal("0.9"))
    return review_finalize(review=review, actor=ev.staff)


def _export(client, capture, ev, user):
    client.force_login(user)
    job, response = run_export(
        client,
        capture,
        lambda: client.post(
            reverse("admin:evaluation_cycle_changelist"),
            {"action": "export_results", "_selected_action": [ev.cycle.pk]},
        ),
    )
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheets = {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}
    return job, sheets


def test_it_exports_scores_grades_and_annual_review_results(
    ev, client, django_capture_on_commit_callbacks
):
    review = _finalized(ev)
    job, sheets = _export(client, django_capture_on_commit_callbacks, ev, ev.staff)

    assert list(sheets) == [RESULTS_SHEET, NOTICE_SHEET]
    results = sheets[RESULTS_SHEET]
    assert results[0] == RESULT_HEADERS
    row = dict(zip(RESULT_HEADERS, results[1], strict=True))
    assert row["组织名称"] == ev.org.name
    assert Decimal(str(row["总分"])) == review.total
    assert Decimal(str(row["专家评分"])) == Decimal(review.group_scores["expert"]["score"])
    assert row["等级"] == review.grade
    assert row["年检结论"] in ("合格", "基本合格", "不合格", "Passed", "Basically passed", "Failed")
    assert (job.done, job.total) == (2, 2)  # one review, one line of the notice


def test_the_notice_lists_only_finalized_graded_reviews_with_nothing_personal(
    ev, client, django_capture_on_commit_callbacks
):
    review = _finalized(ev)
    # A review still in draft is in the results, not in the notice.
    other = RegisteredOrganizationFactory(community=ev.tenant.community, name="未定稿服务社")
    Review.objects.create(cycle=ev.cycle, organization=other)

    _job, sheets = _export(client, django_capture_on_commit_callbacks, ev, ev.staff)

    assert {r[0] for r in sheets[RESULTS_SHEET][1:]} == {ev.org.name, "未定稿服务社"}
    assert sheets[NOTICE_SHEET] == [NOTICE_HEADERS, (ev.org.name, review.grade)]


def test_another_streets_staff_get_no_file_of_this_cycle(
    ev, client, outsider_tenant, django_capture_on_commit_callbacks
):
    _finalized(ev)
    # The worker looks the cycle up again as the requester: not theirs, no file.
    job = export_start(
        exporter=RESULTS_EXPORT,
        actor=outsider_tenant.street_admin,
        title="x",
        params={"cycle_id": ev.cycle.pk},
    )
    with pytest.raises(Cycle.DoesNotExist):
        job_run(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and not job.result
