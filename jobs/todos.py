"""What the start pages ask of background jobs: imports, exports and batches that failed
recently, each a link to the job page with its message."""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.todos import URGENT, TodoItem, register_todo_source
from jobs.models import Job, JobStatus

# A failure older than this was dealt with or is no longer worth a start-page line.
RECENT = datetime.timedelta(days=14)
SHOWN = 10


def todo_items(user, today: datetime.date) -> list[TodoItem]:
    failed = (
        Job.objects.visible_to(user)
        .filter(status=JobStatus.FAILED, updated_at__gte=timezone.now() - RECENT)
        .order_by("-updated_at")[:SHOWN]
    )
    return [
        TodoItem(
            title=_("Failed: %(title)s") % {"title": job.title},
            url=reverse("jobs:detail", args=[job.pk]),
            due=timezone.localdate(job.updated_at),
            state=str(job.get_status_display()),
            urgency=URGENT,
        )
        for job in failed
    ]


def register() -> None:
    register_todo_source("jobs", todo_items)
