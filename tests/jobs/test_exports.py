"""Exports as jobs (jobs.exports): the runner streams rows in chunks and moves the bar
after each, a re-run after a crash writes one complete file, the file is its requester's
alone, the downloads list shows the user's own jobs, the user is notified once, and the
job pages keep their query counts."""

import io
from unittest import mock

import openpyxl
import pytest
from django.db.models.query import QuerySet
from django.urls import reverse

from incubation.models import Organization
from incubation.resources import HEADERS
from jobs.exports import EXPORT_JOB, export_start, run_export
from jobs.models import Job, JobStatus
from jobs.services import job_run
from kaiyihui.job_notices import KIND as READY_KIND
from notifications.models import Notification
from tests.factories import OrganizationFactory
from tests.jobs.exporting import export_bytes

EXPORT_URL = "admin:incubation_organization_export"


def _rows(data: bytes) -> list[tuple]:
    return list(openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))


def _start(user, query=""):
    return export_start(
        exporter="admin.changelist",
        actor=user,
        title="社会组织",
        params={"model": "incubation.organization", "query": query},
    )


def test_it_streams_the_rows_in_chunks_and_moves_the_bar_after_each(tenant, settings):
    for number in range(3):
        OrganizationFactory(community=tenant.community, name=f"分块组织{number}")
    settings.IMPORT_EXPORT_CHUNK_SIZE = 2
    job = _start(tenant.street_admin)
    calls = []
    fetch_all = QuerySet._fetch_all

    def no_full_load(queryset):
        # The organizations come through iterator(chunk_size=...), never a loaded list.
        assert queryset.model is not Organization, "the export loaded the whole queryset"
        return fetch_all(queryset)

    def progress(done, total=None):
        calls.append((done, total))

    with mock.patch.object(QuerySet, "_fetch_all", no_full_load):
        filename, content = run_export(job, progress)
    # 5 organizations: the total first, then every 2 rows and the rest.
    assert calls == [(0, 0), (0, 5), (2, None), (4, None), (5, None)]
    assert filename.endswith(".xlsx")
    rows = _rows(content.read())
    content.close()
    assert rows[0] == HEADERS and len(rows) == 6


def test_the_job_writes_the_same_columns_and_rows_as_the_export_function(tenant):
    from incubation.excel import export_organizations

    direct = io.BytesIO()
    export_organizations(Organization.objects.visible_to(tenant.street_admin), direct)
    job = job_run(_start(tenant.street_admin).pk)
    assert job.status == JobStatus.DONE
    assert _rows(job.result.read()) == _rows(direct.getvalue())
    assert (job.done, job.total) == (2, 2)


def test_a_rerun_after_a_crash_writes_one_complete_file(tenant):
    job = _start(tenant.street_admin)
    with (
        mock.patch("jobs.services._progress_reporter") as reporter,
        pytest.raises(SystemExit),
    ):
        # The worker dies once the first rows are written.
        reporter.return_value = mock.Mock(side_effect=[None, None, SystemExit("killed")])
        job_run(job.pk)
    # SIGKILL leaves the row "running"; the redelivered message runs it again.
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING)
    job = job_run(job.pk)
    assert job.status == JobStatus.DONE and job.attempts == 2
    rows = _rows(job.result.read())
    assert sorted(r[0] for r in rows[1:]) == sorted([tenant.org.name, tenant.other_org.name])
    assert Notification.objects.filter(kind=READY_KIND, recipient=tenant.street_admin).count() == 1


def test_a_community_staff_export_holds_only_their_rows(tenant, outsider_tenant):
    job = job_run(_start(tenant.community_staff).pk)
    assert [r[0] for r in _rows(job.result.read())[1:]] == [tenant.org.name]


def test_the_user_is_notified_once_with_a_link_to_the_job(
    client, tenant, django_capture_on_commit_callbacks
):
    client.force_login(tenant.street_admin)
    export_bytes(
        client, django_capture_on_commit_callbacks, lambda: client.get(reverse(EXPORT_URL))
    )
    job = Job.objects.get(kind=EXPORT_JOB)
    notice = Notification.objects.get(kind=READY_KIND)
    assert notice.recipient == tenant.street_admin
    assert notice.url == reverse("jobs:detail", args=[job.pk])
    job_run(job.pk)  # a redelivered message: the job is finished, nothing more
    assert Notification.objects.filter(kind=READY_KIND).count() == 1


def test_another_users_export_is_404_even_for_street_staff(client, tenant):
    job = job_run(_start(tenant.community_staff).pk)
    client.force_login(tenant.street_admin)
    for name in ("jobs:detail", "jobs:status", "jobs:download"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404, name
    client.force_login(tenant.community_staff)
    assert client.get(reverse("jobs:download", args=[job.pk])).status_code == 200


def test_the_downloads_list_shows_the_users_own_jobs_only(client, tenant):
    mine = job_run(_start(tenant.street_admin).pk)
    theirs = job_run(_start(tenant.community_staff).pk)
    client.force_login(tenant.street_admin)
    page = client.get(reverse("jobs:list"))
    assert page.status_code == 200
    body = page.content.decode()
    assert reverse("jobs:download", args=[mine.pk]) in body
    assert reverse("jobs:detail", args=[theirs.pk]) not in body
    assert (
        reverse("jobs:list") in client.get(reverse("jobs:detail", args=[mine.pk])).content.decode()
    )


def test_the_status_says_how_long_is_left(client, tenant):
    import datetime

    from django.utils import timezone

    job = _start(tenant.street_admin)
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING,
        started_at=timezone.now() - datetime.timedelta(seconds=60),
        done=100,
        total=400,
    )
    client.force_login(tenant.street_admin)
    state = client.get(reverse("jobs:status", args=[job.pk])).json()
    assert (state["done"], state["total"]) == (100, 400)
    assert 170 <= state["seconds_left"] <= 190
    assert "3" in state["time_left"]


def test_the_job_pages_keep_their_query_counts(client, tenant, count_queries):
    client.force_login(tenant.street_admin)
    job = job_run(_start(tenant.street_admin).pk)
    urls = [
        reverse("jobs:list"),
        reverse("jobs:detail", args=[job.pk]),
        reverse("jobs:status", args=[job.pk]),
    ]

    def measure():
        counts = []
        for url in urls:
            with count_queries() as queries:
                assert client.get(url).status_code == 200, url
            counts.append((queries.count, queries.dump()))
        return counts

    few = measure()
    for _ in range(10):
        job_run(_start(tenant.street_admin).pk)
    many = measure()
    for url, (small, _dump), (large, dump) in zip(urls, few, many, strict=True):
        assert small == large, f"{url}\n{dump}"


def test_the_export_button_starts_a_job_and_redirects(
    client, tenant, django_capture_on_commit_callbacks
):
    client.force_login(tenant.street_admin)
    with mock.patch.object(openpyxl, "Workbook", side_effect=AssertionError("in request")):
        response = client.get(reverse(EXPORT_URL))
    job = Job.objects.get(kind=EXPORT_JOB)
    assert response.status_code == 302
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert job.status == JobStatus.QUEUED and job.created_by == tenant.street_admin
    assert job.params["params"] == {"model": "incubation.organization", "query": ""}
