"""Child process of `make bench`: export every organization to .xlsx and print one JSON line
with the rows, seconds, file size and this process's peak RSS.

    measure_export.py command OUT.xlsx   # manage.py export_organizations OUT.xlsx
    measure_export.py admin OUT.xlsx     # the admin's "export to Excel" as a superuser
    measure_export.py job OUT.xlsx       # the same: the admin's button starts this job

Both call ``incubation.excel.export_organizations`` (write-only workbook, rows read in
chunks). The admin's button only starts an ``exports.xlsx`` job (issue 19): "admin" and
"job" run that job's runner in this process, as a worker would (the file goes to a
temporary file on disk, then to the job's stored result), and report its progress calls.
A fresh process per run, so the peak is the export's own (plus Django's baseline, which
is printed too).
"""

import json
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaiyihui.settings")

import django  # noqa: E402

django.setup()


def _peak_mb() -> float:
    """This process's own high-water RSS (VmHWM; ru_maxrss would include the RSS of the
    process it was forked from)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def export_command(out: Path) -> int:
    from django.core.management import call_command

    from incubation.models import Organization

    call_command("export_organizations", str(out), stdout=open(os.devnull, "w"))  # noqa: SIM115
    return Organization.objects.count()


def export_job(out: Path) -> int:
    """The admin's export as its job runs in a worker: ``job_run`` of an ``exports.xlsx``
    job started for a superuser, the stored result copied to ``out``."""
    import shutil

    from accounts.models import User
    from jobs.admin_excel import CHANGELIST_EXPORT
    from jobs.exports import export_start
    from jobs.services import job_run

    user, _ = User.objects.get_or_create(
        username="bench-superuser", defaults={"is_superuser": True, "is_staff": True}
    )
    job = export_start(
        exporter=CHANGELIST_EXPORT,
        actor=user,
        title="bench export",
        params={"model": "incubation.organization", "query": ""},
    )
    job = job_run(job.pk)
    assert job is not None and job.status == "done", job and job.message
    with job.result.open("rb") as stored, out.open("wb") as handle:
        shutil.copyfileobj(stored, handle)
    job.result.delete(save=False)
    job.delete()
    return job.total


def main(mode: str, out: Path):
    from incubation.models import Organization

    Organization.objects.exists()  # connect before the baseline
    baseline = _peak_mb()
    started = time.perf_counter()
    rows = {"command": export_command, "admin": export_job, "job": export_job}[mode](out)
    seconds = time.perf_counter() - started
    print(
        json.dumps(
            {
                "mode": mode,
                "rows": rows,
                "seconds": round(seconds, 1),
                "file_mb": round(out.stat().st_size / 1024 / 1024, 1),
                "vmhwm_mb": _peak_mb(),
                "baseline_mb": baseline,
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]))
