"""A Celery worker killed with SIGKILL in the middle of a batch PDF job: after a restart
the job completes, with every report generated exactly once. Needs PostgreSQL and Redis
(CI has both; elsewhere it skips unless CI is set)."""

import os
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest
import redis
from django.db import connection
from django.utils import timezone

from evaluation.choices import ReviewEventKind
from evaluation.jobs import KIND
from evaluation.models import ReviewEvent, ReviewReport
from evaluation.services.reviews import review_start, review_submit
from evaluation.services.scoring import assignment_create, review_finalize
from jobs.models import Job, JobStatus
from jobs.services import STALLED_AFTER, job_requeue_waiting, job_start
from tests.evaluation.helpers import fill, make_cycle, make_evaluators, make_org, score_all
from tests.factories import UserFactory
from tests.kaiyihui.brokers import broker
from tests.kaiyihui.test_celery import REDIS_URL, redis_available

ROOT = Path(__file__).resolve().parents[2]
REPORTS = 8
# The workers' output, for when this test fails.
WORKER_LOG = Path(os.environ.get("TMPDIR", "/tmp")) / "kaiyihui-kill-worker.log"


def finalized_reviews(tenant) -> tuple:
    cycle = make_cycle(tenant.street)
    expert = make_evaluators(tenant)["expert"]
    reviews = []
    for n in range(REPORTS):
        leader = UserFactory(username=f"kill-leader-{n}", role="org_leader", street=tenant.street)
        org = make_org(tenant, name=f"批量报告组织{n}", leader=leader)
        review = review_start(cycle=cycle, organization=org, actor=leader)
        fill(review, leader)
        review = review_submit(review=review, actor=leader)
        assignment_create(
            review=review, evaluator=expert, group="expert", actor=tenant.street_admin
        )
        score_all(review, expert, Decimal("0.9"))
        reviews.append(review_finalize(review=review, actor=tenant.street_admin))
    # Finalizing renders each report at once (inline here). Put them back to "issued, not
    # rendered yet" — as after finalizing while the broker was down — so the batch job
    # has every report still to render when the worker is killed.
    ReviewReport.objects.filter(review__in=reviews).update(file="", sha256="", frozen_at=None)
    ReviewEvent.objects.filter(review__in=reviews, kind=ReviewEventKind.REPORT).delete()
    return cycle, reviews


def start_worker(env) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "kaiyihui",
            "worker",
            "--pool",
            "prefork",
            "--concurrency",
            "1",
            "--loglevel",
            "info",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=WORKER_LOG.open("ab"),
        stderr=subprocess.STDOUT,
    )


def wait_for(predicate, seconds: float, worker) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        if worker.poll() is not None:
            raise AssertionError("the worker exited")
        time.sleep(0.2)
    return False


def kill(worker) -> None:
    # The whole worker (main process and its pool child) dies at once, as on power loss.
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_killed_worker_leaves_a_job_that_completes_with_each_report_once(tenant, settings):
    if connection.vendor != "postgresql":
        pytest.skip("the worker shares the test database: PostgreSQL only (CI runs it)")
    if not redis_available():
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but Redis at {REDIS_URL} is not reachable.")
        pytest.skip(f"Redis at {REDIS_URL} is not reachable.")
    redis.Redis.from_url(REDIS_URL).flushdb()
    cycle, reviews = finalized_reviews(tenant)
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}",
        "CELERY_BROKER_URL": REDIS_URL,
        "CELERY_RESULT_BACKEND": "",
        "DJANGO_DEBUG": "true",
        "DJANGO_READ_DOT_ENV": "false",
        # The worker stores the reports where this test process reads them.
        "DJANGO_MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    worker = start_worker(env)
    try:
        with broker(REDIS_URL):
            job = job_start(
                kind=KIND,
                actor=tenant.street_admin,
                street=tenant.street,
                title="批量报告",
                params={"cycle_id": cycle.pk},
            )

        def progress() -> int:
            return Job.objects.get(pk=job.pk).done

        assert wait_for(lambda: progress() >= 2, 120, worker), "the job never got going"
        kill(worker)
        interrupted = Job.objects.get(pk=job.pk)
        assert interrupted.status == JobStatus.RUNNING
        assert interrupted.done < REPORTS

        worker = start_worker(env)
        # The broker hands the lost message back after its visibility timeout and restore
        # sweep (minutes); the jobs sweep (every 5 minutes in beat) finds the silent job
        # sooner. Run the sweep now as if its time had come.
        with broker(REDIS_URL):
            assert job_requeue_waiting(timezone.now() + STALLED_AFTER) == 1
        finished = wait_for(
            lambda: Job.objects.get(pk=job.pk).status == JobStatus.DONE, 180, worker
        )
        assert finished, f"job still {Job.objects.get(pk=job.pk).status} after a restart"
    finally:
        if worker.poll() is None:
            kill(worker)

    job = Job.objects.get(pk=job.pk)
    assert job.attempts >= 2
    assert (job.done, job.total) == (REPORTS, REPORTS)
    generated = ReviewEvent.objects.filter(
        review__in=reviews, kind=ReviewEventKind.REPORT
    ).values_list("review_id", flat=True)
    assert sorted(generated) == sorted(review.pk for review in reviews)  # each exactly once
