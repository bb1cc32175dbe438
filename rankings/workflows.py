"""Statuses of a ranking snapshot and their transitions, as data. Only
``rankings.services.rankings.ranking_transition`` changes a status."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RankingStatus(models.TextChoices):
    COMPUTED = "computed", _("Computed")
    NOTICE = "notice", _("On public notice")
    FINAL = "final", _("Final")


RANKING_TRANSITIONS: dict[str, frozenset[str]] = {
    RankingStatus.COMPUTED: frozenset({RankingStatus.NOTICE}),
    RankingStatus.NOTICE: frozenset({RankingStatus.FINAL}),
    RankingStatus.FINAL: frozenset(),
}
# A snapshot may be re-run (after an upheld objection) until it is final.
RERUNNABLE_STATUSES = frozenset({RankingStatus.COMPUTED, RankingStatus.NOTICE})


class ObjectionStatus(models.TextChoices):
    FILED = "filed", _("Filed, awaiting a decision")
    UPHELD = "upheld", _("Upheld")
    DISMISSED = "dismissed", _("Dismissed")


# Only ``rankings.services.objections.objection_decide`` moves an objection; a decision
# is final (a new complaint about the re-run is a new objection to the new snapshot).
OBJECTION_TRANSITIONS: dict[str, frozenset[str]] = {
    ObjectionStatus.FILED: frozenset({ObjectionStatus.UPHELD, ObjectionStatus.DISMISSED}),
    ObjectionStatus.UPHELD: frozenset(),
    ObjectionStatus.DISMISSED: frozenset(),
}
