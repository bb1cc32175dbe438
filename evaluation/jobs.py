"""The batch report job: every finalized review of a cycle, one PDF each, then a zip.

Idempotent: a re-run after a killed worker skips reviews whose report was generated since
the job first started (the per-item result is the stored report), so every report ends up
generated exactly once per job and the zip holds each exactly once."""

import io
import zipfile

from django.utils.translation import gettext_lazy as _

KIND = "evaluation.reports"


def run_reports(job, progress):
    from evaluation.models import Review
    from evaluation.reports import report_filename, report_store
    from evaluation.workflows import ReviewStatus

    reviews = (
        Review.objects.filter(cycle_id=job.params["cycle_id"], status=ReviewStatus.FINALIZED)
        .select_related("cycle", "cycle__street", "organization", "organization__community")
        .order_by("pk")
    )
    only = job.params.get("review_ids")
    if only:
        reviews = reviews.filter(pk__in=only)
    reviews = list(reviews)
    progress(0, len(reviews))
    since = job.started_at
    for done, review in enumerate(reviews, 1):
        fresh = (
            review.report
            and review.report_generated_at
            and since
            and (review.report_generated_at >= since)
        )
        if not fresh:
            report_store(review, actor=job.created_by)
        progress(done)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for review in reviews:
            with review.report.open("rb") as handle:
                archive.writestr(report_filename(review), handle.read())
    year = reviews[0].cycle.year if reviews else "empty"
    return f"evaluation-reports-{year}.zip", buffer.getvalue()


def register() -> None:
    from jobs.runners import register_runner

    register_runner(KIND, _("Evaluation reports"))(run_reports)
