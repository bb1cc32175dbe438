"""Large admin imports run as background jobs: the preview says so, the confirmation starts
a job, and the job page shows the progress, then the counts or the errors (with a CSV)."""

import csv
import io

import pytest
from django.urls import reverse

from core.xlsx_guard import guarded_rows, reading_limits
from incubation.models import Organization
from incubation.resources import NAME
from jobs.admin_excel import IMPORT_JOB
from jobs.models import Job, JobStatus
from tests.factories import RegisteredOrganizationFactory
from tests.incubation.test_excel import _upload, filed_row

URL = "admin:incubation_organization_import"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path / "imports"


@pytest.fixture
def small_threshold(settings):
    settings.KAIYIHUI_IMPORT_JOB_ROWS = 2


def preview(client, rows):
    response = client.post(reverse(URL), {"file": _upload(rows)})
    assert response.context["report"].ok, [e.message for e in response.context["report"].errors]
    return response


def confirm(client, response, capture):
    with capture(execute=True):
        return client.post(reverse(URL), {"confirm": "1", "token": response.context["token"]})


def test_it_imports_a_large_confirmed_file_as_a_job(
    client, tenant, media, small_threshold, django_capture_on_commit_callbacks
):
    client.force_login(tenant.street_admin)
    rows = [filed_row(tenant.community, n) for n in (1, 2, 3)]

    previewed = preview(client, rows)
    assert previewed.context["runs_as_job"]
    assert "import-as-job" in previewed.content.decode()
    assert not Organization.objects.filter(name=rows[0][NAME]).exists()

    response = confirm(client, previewed, django_capture_on_commit_callbacks)

    job = Job.objects.get(kind=IMPORT_JOB)
    assert response.status_code == 302
    assert response.url == reverse("jobs:detail", args=[job.pk])
    assert job.status == JobStatus.DONE and job.percent == 100
    assert job.created_by == tenant.street_admin and job.street == tenant.street
    assert "3" in job.message and not job.result
    assert Organization.objects.filter(name__in=[r[NAME] for r in rows]).count() == 3
    assert list(media.rglob("*.xlsx")) == []
    page = client.get(response.url).content.decode()
    assert job.message in page


def test_a_small_confirmed_file_is_still_imported_in_the_request(
    client, tenant, media, django_capture_on_commit_callbacks
):
    client.force_login(tenant.street_admin)
    previewed = preview(client, [filed_row(tenant.community, 1)])
    assert not previewed.context["runs_as_job"]

    response = confirm(client, previewed, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert not Job.objects.filter(kind=IMPORT_JOB).exists()
    assert Organization.objects.filter(name=filed_row(tenant.community, 1)[NAME]).exists()


def test_a_job_that_finds_errors_writes_nothing_and_offers_them_as_a_file(
    client, tenant, media, small_threshold, django_capture_on_commit_callbacks
):
    client.force_login(tenant.street_admin)
    rows = [filed_row(tenant.community, n) for n in (1, 2, 3)]
    previewed = preview(client, rows)
    # Between preview and confirmation someone takes the name of line 3 in the community.
    RegisteredOrganizationFactory(name=rows[1][NAME], community=tenant.community)

    confirm(client, previewed, django_capture_on_commit_callbacks)

    job = Job.objects.get(kind=IMPORT_JOB)
    assert job.status == JobStatus.DONE
    assert not Organization.objects.filter(name=rows[0][NAME]).exists()
    assert job.result
    table = list(csv.reader(io.StringIO(job.result.read().decode("utf-8-sig"))))
    assert table[1][:2] == ["3", NAME]
    assert job.message.splitlines()[1] in client.get(
        reverse("jobs:detail", args=[job.pk])
    ).content.decode().replace("<br>", "\n")


def test_another_street_cannot_follow_the_import_job(
    client, tenant, outsider_tenant, media, small_threshold, django_capture_on_commit_callbacks
):
    client.force_login(tenant.street_admin)
    previewed = preview(client, [filed_row(tenant.community, n) for n in (1, 2, 3)])
    confirm(client, previewed, django_capture_on_commit_callbacks)
    job = Job.objects.get(kind=IMPORT_JOB)

    client.force_login(outsider_tenant.street_admin)

    assert client.get(reverse("jobs:detail", args=[job.pk])).status_code == 404


def test_reading_limits_move_the_progress_bar_while_rows_stream():
    seen = []
    with reading_limits(seconds=60, on_line=seen.append):
        list(guarded_rows(((1,),) * 2500, name="x.xlsx"))

    assert seen == [1000, 2000]
