"""Jobs: progress, one file at the end, re-runs after an interrupted worker, a broker that
is down, and 404 for anyone else's job."""

from unittest import mock

import pytest
from django.core.files.base import ContentFile
from kombu.exceptions import OperationalError

from jobs.models import Job, JobStatus
from jobs.runners import RUNNERS, register_runner
from jobs.services import job_requeue_waiting, job_run, job_start

DONE_ITEMS: list[str] = []


@pytest.fixture
def counting_runner():
    """A runner over the items in params that records each item once, like a batch of
    reports that stores one file per organization."""
    DONE_ITEMS.clear()

    @register_runner("test.count", "Counting")
    def run(job, progress):
        items = job.params["items"]
        progress(0, total=len(items))
        for number, item in enumerate(items, start=1):
            if item not in DONE_ITEMS:
                if item == job.params.get("crash_at") and job.attempts == 1:
                    raise SystemExit("worker killed")
                DONE_ITEMS.append(item)
            progress(number)
        return "count.txt", ",".join(DONE_ITEMS).encode()

    yield run
    RUNNERS.pop("test.count")


def test_it_runs_inline_to_the_end_with_a_file(
    tenant, counting_runner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(
            kind="test.count",
            actor=tenant.street_admin,
            street=tenant.street,
            title="三项",
            params={"items": ["a", "b", "c"]},
        )
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert (job.done, job.total, job.percent) == (3, 3, 100)
    assert job.result.read() == b"a,b,c"
    assert job.attempts == 1


def test_it_completes_after_an_interrupted_run_with_each_item_once(tenant, counting_runner):
    job = Job.objects.create(
        kind="test.count",
        title="t",
        street=tenant.street,
        params={"items": list("abcd"), "crash_at": "c"},
    )
    with pytest.raises(SystemExit):
        job_run(job.pk)
    # SIGKILL leaves the row "running"; the redelivered message runs it again.
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING)
    job = job_run(job.pk)
    assert job.status == JobStatus.DONE
    assert DONE_ITEMS == ["a", "b", "c", "d"]
    assert job.attempts == 2


def test_it_does_nothing_for_a_finished_job(tenant, counting_runner):
    job = Job.objects.create(kind="test.count", title="t", params={"items": ["a"]})
    job_run(job.pk)
    job_run(job.pk)
    assert DONE_ITEMS == ["a"]
    assert Job.objects.get(pk=job.pk).attempts == 1


def test_it_records_a_failure_and_reraises(tenant):
    @register_runner("test.fail", "Failing")
    def run(job, progress):
        raise ValueError("数据有误")

    try:
        job = Job.objects.create(kind="test.fail", title="t")
        with pytest.raises(ValueError):
            job_run(job.pk)
        job.refresh_from_db()
        assert job.status == JobStatus.FAILED
        assert job.message == "数据有误"
    finally:
        RUNNERS.pop("test.fail")


def test_it_keeps_the_job_queued_when_the_broker_is_down_and_requeues_it(
    tenant, counting_runner, django_capture_on_commit_callbacks
):
    with (
        mock.patch("jobs.tasks.run_job.apply_async", side_effect=OperationalError("down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        job = job_start(kind="test.count", actor=None, title="t", params={"items": ["a"]})
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED
    assert job.message == "broker-unavailable"
    Job.objects.filter(pk=job.pk).update(updated_at=job.updated_at.replace(year=2020))
    assert job_requeue_waiting() == 1
    job.refresh_from_db()
    assert job.status == JobStatus.DONE


def test_it_refuses_an_unknown_kind(tenant):
    with pytest.raises(ValueError):
        job_start(kind="nope", actor=None, title="t")


@pytest.fixture
def finished_job(tenant):
    job = Job.objects.create(
        kind="x", title="报告", street=tenant.street, status=JobStatus.DONE, total=2, done=2
    )
    job.result.save("reports.zip", ContentFile(b"PK"), save=True)
    return job


def test_it_shows_progress_and_download_to_street_staff(client, tenant, finished_job):
    client.force_login(tenant.street_admin)
    page = client.get(f"/jobs/{finished_job.pk}/")
    assert page.status_code == 200
    assert "100%" in page.content.decode()
    status = client.get(f"/jobs/{finished_job.pk}/status.json").json()
    assert status["finished"] and status["download"]
    download = client.get(status["download"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"PK"


@pytest.mark.parametrize("role", ["street_admin", "community_staff", "leader", "evaluator"])
def test_it_answers_404_to_another_street(client, outsider_tenant, finished_job, role):
    client.force_login(getattr(outsider_tenant, role))
    for url in ("/jobs/{}/", "/jobs/{}/status.json", "/jobs/{}/download/"):
        assert client.get(url.format(finished_job.pk)).status_code == 404


def test_it_lets_the_starter_follow_a_job_without_a_street(client, tenant):
    job = Job.objects.create(kind="x", title="t", created_by=tenant.leader)
    client.force_login(tenant.leader)
    assert client.get(f"/jobs/{job.pk}/").status_code == 200
    client.force_login(tenant.evaluator)
    assert client.get(f"/jobs/{job.pk}/").status_code == 404


def test_a_running_job_silent_for_long_is_sent_again(tenant, counting_runner):
    job = Job.objects.create(
        kind="test.count", title="t", status=JobStatus.RUNNING, params={"items": ["a"]}
    )
    assert job_requeue_waiting() == 0  # still moving, as far as anyone knows
    Job.objects.filter(pk=job.pk).update(updated_at=job.updated_at.replace(year=2020))
    assert job_requeue_waiting() == 1
    assert Job.objects.get(pk=job.pk).status == JobStatus.DONE
