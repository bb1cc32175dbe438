from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from accounts.scoping import get_visible_or_404
from jobs.models import Job


def _status(job: Job) -> dict:
    return {
        "status": job.status,
        "status_label": str(job.get_status_display()),
        "done": job.done,
        "total": job.total,
        "percent": job.percent,
        "finished": job.finished,
        "message": bool(job.message) and job.finished,
        "download": reverse("jobs:download", args=[job.pk]) if job.result else None,
    }


@never_cache
@login_required
def job_detail(request, pk: int):
    job = get_visible_or_404(Job, request.user, pk=pk)
    return render(request, "jobs/detail.html", {"job": job, "state": _status(job)})


@never_cache
@login_required
def job_status(request, pk: int):
    return JsonResponse(_status(get_visible_or_404(Job, request.user, pk=pk)))


@login_required
def job_download(request, pk: int):
    job = get_visible_or_404(Job, request.user, pk=pk)
    if not job.result:
        raise Http404
    return FileResponse(
        job.result.open("rb"), as_attachment=True, filename=job.result.name.rsplit("/", 1)[-1]
    )
