"""The batch report job: every finalized review of a cycle, one frozen PDF each, then a
zip of the stored files.

Idempotent: a report frozen already (at finalization, by an earlier run or by a download)
is taken as stored, never rendered again, so a re-run after a killed worker renders only
what is still missing and the zip holds each report exactly once. A review finalized
before reports were frozen gets its snapshot now (``report_issue``)."""

import io
import zipfile

from django.utils.translation import gettext_lazy as _

KIND = "evaluation.reports"


def run_reports(job, progress):
    from evaluation.models import Review
    from evaluation.reports import report_bytes, report_filename, report_freeze, report_issue
    from evaluation.workflows import ReviewStatus

    reviews = (
        Review.objects.filter(cycle_id=job.params["cycle_id"], status=ReviewStatus.FINALIZED)
        .select_related(
            "cycle", "cycle__street", "organization", "organization__community", "frozen_report"
        )
        .order_by("pk")
    )
    only = job.params.get("review_ids")
    if only:
        reviews = reviews.filter(pk__in=only)
    reviews = list(reviews)
    progress(0, len(reviews))
    for done, review in enumerate(reviews, 1):
        report_issue(review)
        report_freeze(review, actor=job.created_by)
        progress(done)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for review in reviews:
            archive.writestr(report_filename(review), report_bytes(review))
    year = reviews[0].cycle.year if reviews else "empty"
    return f"evaluation-reports-{year}.zip", buffer.getvalue()


def register() -> None:
    from jobs.runners import register_runner

    register_runner(KIND, _("Evaluation reports"))(run_reports)
