"""Following an export through its job in a test: the request only starts the job (no
workbook is built in it: ``openpyxl.Workbook`` raises while the request runs), the job runs
inline after the request's commit, and the user downloads the file from the job."""

import re
from unittest import mock

import openpyxl
from django.urls import reverse

from jobs.exports import EXPORT_JOB
from jobs.models import Job, JobStatus

_JOB_URL = re.compile(r"/jobs/(\d+)/$")


def _no_workbook(*args, **kwargs):
    raise AssertionError("a workbook was built inside the request")


def run_export(client, capture, send):
    """``send()`` makes the request (a GET of an export URL, an action's POST); returns
    the finished job and the download response."""
    with capture(execute=True), mock.patch.object(openpyxl, "Workbook", _no_workbook):
        response = send()
    assert response.status_code == 302, response.status_code
    match = _JOB_URL.search(response["Location"])
    assert match, response["Location"]
    job = Job.objects.get(pk=int(match.group(1)))
    assert job.kind == EXPORT_JOB
    assert job.status == JobStatus.DONE, job.message
    download = client.get(reverse("jobs:download", args=[job.pk]))
    assert download.status_code == 200
    return job, download


def export_bytes(client, capture, send) -> bytes:
    _job, download = run_export(client, capture, send)
    return b"".join(download.streaming_content)
