"""Starting and running jobs. The task only calls ``job_run``; everything a job does to its
own row happens here."""

import datetime
import logging

from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.queue import enqueue
from jobs.models import Job, JobStatus
from jobs.runners import DONE_HOOKS, RUNNERS

logger = logging.getLogger(__name__)

# A queued job no worker has picked up after this long is enqueued again (the broker was
# down when it was started, or its message was lost).
REQUEUE_AFTER = datetime.timedelta(minutes=2)
# A running job moves its bar at least once per item; one silent this long lost its worker
# (the broker redelivers too, after its visibility timeout; whichever comes first).
STALLED_AFTER = datetime.timedelta(minutes=15)


def job_start(*, kind: str, actor, street=None, title: str, params: dict | None = None) -> Job:
    if kind not in RUNNERS:
        raise ValueError(f"no runner registered for job kind {kind!r}")
    job = Job.objects.create(
        kind=kind,
        title=title,
        params=params or {},
        created_by=actor if getattr(actor, "pk", None) else None,
        street=street,
    )
    transaction.on_commit(lambda: job_enqueue(job.pk))
    return job


def job_enqueue(job_id: int) -> bool:
    """Hand the job to a worker. With the broker down the job stays queued, says so, and
    the requeue sweep (or the next page view's retry) sends it later: nothing is lost."""
    from jobs.tasks import run_job

    if enqueue(run_job, job_id):
        return True
    Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        message="broker-unavailable", updated_at=timezone.now()
    )
    return False


def job_requeue_waiting(now: datetime.datetime | None = None) -> int:
    now = now or timezone.now()
    waiting = Job.objects.filter(
        Q(status=JobStatus.QUEUED, updated_at__lt=now - REQUEUE_AFTER)
        | Q(status=JobStatus.RUNNING, updated_at__lt=now - STALLED_AFTER)
    )
    sent = 0
    for job_id in waiting.values_list("pk", flat=True):
        Job.objects.filter(pk=job_id).update(updated_at=now)
        sent += job_enqueue(job_id)
    return sent


def _progress_reporter(job: Job):
    def progress(done: int, total: int | None = None) -> None:
        changes = {"done": done, "updated_at": timezone.now()}
        if total is not None:
            changes["total"] = job.total = total
        job.done = done
        Job.objects.filter(pk=job.pk).update(**changes)

    return progress


def job_note(*, job: Job, message: str) -> None:
    """The runner's summary on the job while it runs (the counts of an import), written
    at once so the job page shows it; the rest of the row is ``job_run``'s."""
    job.message = message
    Job.objects.filter(pk=job.pk).update(message=job.message, updated_at=timezone.now())


def job_run(job_id: int) -> Job | None:
    """Run one job to its end. A finished job is left alone, so a redelivered task message
    does nothing twice; a job found ``running`` was interrupted and runs again (its runner
    skips what is already done)."""
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.finished:
            return job
        job.status = JobStatus.RUNNING
        job.attempts += 1
        job.message = ""
        job.started_at = job.started_at or timezone.now()
        job.save(update_fields=["status", "attempts", "message", "started_at", "updated_at"])
    runner = RUNNERS[job.kind]
    try:
        output = runner.fn(job, _progress_reporter(job))
    except Exception as exc:
        job.status = JobStatus.FAILED
        job.message = str(exc)[:2000]
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "message", "finished_at", "updated_at"])
        raise
    if output is not None:
        filename, content = output
        # Bytes, or a file the runner wrote on disk (an export: read in chunks, not loaded).
        upload = content if isinstance(content, File) else ContentFile(content)
        try:
            if job.result:
                job.result.delete(save=False)
            job.result.save(filename, upload, save=False)
        finally:
            upload.close()
    job.status = JobStatus.DONE
    job.done = max(job.done, job.total)
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "done", "result", "finished_at", "updated_at"])
    for hook in DONE_HOOKS:
        # After the row says "done": a notification links to a finished job.
        hook(job)
    return job
