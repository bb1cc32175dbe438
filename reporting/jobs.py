"""The statistics report as a background job (the admin's "generate" button)."""

import datetime
import io
import zipfile

from django.utils.translation import gettext_lazy as _

from accounts.models import Street
from jobs.runners import register_runner
from reporting.services import periodic_report_generate

REPORT_JOB = "kaiyihui.periodic_report"


@register_runner(REPORT_JOB, _("Statistics report"))
def run_report(job, progress):
    params = job.params
    progress(0, total=1)
    report = periodic_report_generate(
        street=Street.objects.get(pk=params["street_id"]),
        kind=params["kind"],
        period_start=datetime.date.fromisoformat(params["period_start"]),
        actor=job.created_by,
    )
    progress(1)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for field in (report.pdf, report.xlsx):
            archive.writestr(field.name.rsplit("/", 1)[-1], field.read())
    return f"{report.file_stem}.zip", buffer.getvalue()
