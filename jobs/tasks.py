from celery import shared_task

from jobs.services import job_requeue_waiting, job_run


@shared_task(name="jobs.run_job", acks_late=True, reject_on_worker_lost=True)
def run_job(job_id: int) -> str | None:
    job = job_run(job_id)
    return job.status if job else None


@shared_task(name="jobs.requeue_waiting", acks_late=True)
def requeue_waiting() -> int:
    return job_requeue_waiting()
