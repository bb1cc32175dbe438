"""The notification "your export is ready": jobs and notifications sit side by side in the
layers and may not import each other, so the project package wires them (a done hook of
``jobs.runners`` that calls ``notifications.services.notify``)."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

KIND = "export_ready"


def notify_export_ready(job) -> None:
    from jobs.exports import EXPORT_JOB
    from notifications.services import notify

    if job.kind != EXPORT_JOB or job.created_by is None:
        return
    # Once per job: a re-run of the same job finds the notification sent (kind + key).
    notify(
        recipient=job.created_by,
        kind=KIND,
        key=f"job:{job.pk}",
        title=_("Your export is ready: %(title)s") % {"title": job.title},
        body=_("The file is in your downloads for as long as the job is kept."),
        url=reverse("jobs:detail", args=[job.pk]),
        email=False,
    )


def register() -> None:
    from jobs.runners import register_done_hook
    from notifications.kinds import register_kind

    register_kind(KIND, gettext_lazy("Export ready"), optional=False)
    register_done_hook(notify_export_ready)
