import math

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from accounts.scoping import get_visible_or_404
from jobs.exports import EXPORT_JOB
from jobs.models import Job, JobStatus

JOBS_PER_PAGE = 50


def _seconds_left(job: Job) -> int | None:
    """The time left at the pace so far (items done since the job started); None before
    the first items or once finished."""
    if job.status != JobStatus.RUNNING or not job.started_at or not job.done or not job.total:
        return None
    elapsed = (timezone.now() - job.started_at).total_seconds()
    return max(0, math.ceil(elapsed / job.done * (job.total - job.done)))


def _time_left_label(seconds: int | None) -> str:
    if seconds is None:
        return ""
    if seconds < 60:
        return _("less than a minute left")
    return _("about %(minutes)d min left") % {"minutes": round(seconds / 60)}


def _status(job: Job) -> dict:
    seconds_left = _seconds_left(job)
    return {
        "status": job.status,
        "status_label": str(job.get_status_display()),
        "done": job.done,
        "total": job.total,
        "percent": job.percent,
        "seconds_left": seconds_left,
        "time_left": _time_left_label(seconds_left),
        "finished": job.finished,
        "message": bool(job.message) and job.finished,
        "download": reverse("jobs:download", args=[job.pk]) if job.result else None,
    }


def _job_for(request, pk: int) -> Job:
    """The job if the user may follow it. An export's file holds what its requester sees,
    so an export job is its requester's alone: anyone else gets the 404 of a missing one."""
    job = get_visible_or_404(Job, request.user, pk=pk)
    if job.kind == EXPORT_JOB and job.created_by_id != request.user.pk:
        raise Http404
    return job


@never_cache
@login_required
def job_list(request):
    """The user's downloads: the jobs they started, newest first, with their files."""
    jobs = Job.objects.filter(created_by=request.user).only(
        "pk", "kind", "title", "status", "total", "done", "result", "created_at", "finished_at"
    )
    page = Paginator(jobs, JOBS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "jobs/list.html", {"page": page})


@never_cache
@login_required
def job_detail(request, pk: int):
    job = _job_for(request, pk)
    return render(request, "jobs/detail.html", {"job": job, "state": _status(job)})


@never_cache
@login_required
def job_status(request, pk: int):
    return JsonResponse(_status(_job_for(request, pk)))


@login_required
def job_download(request, pk: int):
    job = _job_for(request, pk)
    if not job.result:
        raise Http404
    return FileResponse(
        job.result.open("rb"), as_attachment=True, filename=job.result.name.rsplit("/", 1)[-1]
    )
