"""Every Excel export is a background job of one kind, ``exports.xlsx``: no request builds
a workbook (issue 19). A view or admin action calls ``export_start`` with the name of a
registered exporter and its parameters (filters, ids, never a queryset) and redirects to
the job's page; the worker runs the exporter as the user who asked.

An app registers its exporters in its ``apps.ready`` (or at import of the module that
holds them), like runners; this app never imports them::

    @register_exporter("funding.grant_call", _("Grant call ranking"))
    def export_call(*, user, params, destination) -> str:
        call = GrantCall.objects.visible_to(user).get(pk=params["call_id"])
        ...  # write a write-only workbook into ``destination``
        return "grants-2026.xlsx"

The exporter reaches its rows again with ``Model.objects.visible_to(user)``: the scope is
the requester's at the time the job runs. It writes an openpyxl write-only workbook, reading
rows with ``iterator(chunk_size=...)``, so that memory does not grow with the rows;
``core.excel_resources.write_sheet`` / ``append_rows`` move the bar after every chunk.

A re-run (a worker killed mid-way, the message redelivered) writes the file again from
scratch into a new temporary file; ``job_run`` replaces the stored result, so the job ends
with one complete file.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass

from django.core.files import File
from django.utils.translation import gettext_lazy as _

from core.excel_resources import export_progress
from jobs.runners import register_runner

EXPORT_JOB = "exports.xlsx"


@dataclass(frozen=True)
class Exporter:
    name: str
    label: object
    fn: Callable[..., str]


EXPORTERS: dict[str, Exporter] = {}


def register_exporter(name: str, label):
    def decorator(fn):
        EXPORTERS[name] = Exporter(name, label, fn)
        return fn

    return decorator


def export_start(*, exporter: str, actor, title: str, params: dict | None = None):
    """Start the export ``exporter`` for ``actor`` (after the request's commit) and return
    its job; the caller redirects to ``jobs:detail``."""
    from jobs.services import job_start

    if exporter not in EXPORTERS:
        raise ValueError(f"no exporter registered as {exporter!r}")
    return job_start(
        kind=EXPORT_JOB,
        actor=actor,
        street=getattr(actor, "street", None),
        title=title,
        params={"exporter": exporter, "user_id": actor.pk, "params": params or {}},
    )


@register_runner(EXPORT_JOB, _("Excel export"))
def run_export(job, progress):
    from accounts.models import User

    exporter = EXPORTERS[job.params["exporter"]]
    # Never None: without a user the exporter would see past the requester's scope.
    user = User.objects.get(pk=job.params["user_id"], is_active=True)
    progress(0, total=0)
    # On disk, not in memory: a 300,000-row file is tens of megabytes.
    destination = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 (closed by job_run)
    try:
        with export_progress(progress):
            filename = exporter.fn(user=user, params=job.params["params"], destination=destination)
    except BaseException:
        destination.close()
        raise
    destination.seek(0)
    return filename, File(destination, name=filename)
