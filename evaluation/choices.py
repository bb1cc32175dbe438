"""Fixed vocabularies of evaluation: ASCII keys, translated labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EvaluatorGroup(models.TextChoices):
    STREET_LEADER = "street_leader", _("Street leaders")
    DEPARTMENT = "department", _("Functional departments")
    EXPERT = "expert", _("Experts")
    COMMUNITY = "community", _("Community representatives")


class IndicatorScope(models.TextChoices):
    """Which organizations an indicator applies to: registered 民非 replace 工作绩效 with
    业务活动和诚信建设."""

    ALL = "all", _("All organizations")
    NOT_PNE = "not_pne", _("All but registered private non-enterprise units")
    PNE_ONLY = "pne_only", _("Registered private non-enterprise units only")


class ReviewEventKind(models.TextChoices):
    STATUS = "status", _("Status changed")
    SAVED = "saved", _("Draft saved")
    EXTENSION = "extension", _("Extension granted")
    ASSIGNED = "assigned", _("Evaluator assigned")
    CONFLICT = "conflict", _("Conflict of interest declared")
    SCORES = "scores", _("Scores submitted")
    SCORES_REOPENED = "scores_reopened", _("Scores reopened")
    GRADE_DROPPED = "grade_dropped", _("Grade dropped one level")
    REPORT = "report", _("Report generated")
    ATTACHED = "attached", _("Attachment added")
    DETACHED = "detached", _("Attachment removed")


DEFAULT_THRESHOLDS = {"5A": 900, "4A": 800, "3A": 700, "2A": 600}
DEFAULT_WEIGHTS = {
    EvaluatorGroup.STREET_LEADER.value: 30,
    EvaluatorGroup.DEPARTMENT.value: 20,
    EvaluatorGroup.EXPERT.value: 30,
    EvaluatorGroup.COMMUNITY.value: 20,
}
# 年检 result from the total: 合格 from PASS_MARK (a 1A organization still passes), 基本合格
# from BASIC_PASS_MARK, 不合格 below.
DEFAULT_PASS_MARK = 500
DEFAULT_BASIC_PASS_MARK = 400
# Evaluator totals further apart than this (points) flag the review for a second look.
DEFAULT_SPREAD_LIMIT = 150
GRADE_ORDER = ["1A", "2A", "3A", "4A", "5A"]
