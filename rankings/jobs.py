"""The ranking job: computes a period's rankings, or re-runs one ranking into a new
snapshot. Run again after a lost worker, it ends with each ranking once (the ledger is
idempotent and a computed scope or a made re-run is not made again)."""

import datetime

from django.utils.translation import gettext_lazy as _

from accounts.models import Street
from core.decisions import refuse_unless
from rankings.models import Ranking
from rankings.permissions import can_manage_rankings
from rankings.services.rankings import COMPUTE_JOB, ranking_compute, ranking_rerun


def run_compute(job, progress):
    params = job.params
    if "supersedes_id" in params:
        ranking = Ranking.objects.select_related("scheme", "street").get(pk=params["supersedes_id"])
        ranking_rerun(ranking, reason=params["reason"], actor=job.created_by, progress=progress)
        return None
    street = Street.objects.get(pk=params["street_id"])
    # Asked again at run time: rights may have changed while the job waited.
    refuse_unless(can_manage_rankings(job.created_by, street))
    ranking_compute(
        street_id=street.pk,
        period_kind=params["period_kind"],
        period_start=datetime.date.fromisoformat(params["period_start"]),
        actor=job.created_by,
        progress=progress,
    )
    return None


def register() -> None:
    from jobs.runners import register_runner

    register_runner(COMPUTE_JOB, _("Ranking computation"))(run_compute)
