"""Reads of evaluation: scoping, eligibility, the indicator tree, comparisons."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext as _

from evaluation.models import (
    Cycle,
    EvaluatorAssignment,
    Indicator,
    Review,
    ReviewVersion,
)
from evaluation.workflows import AssignmentStatus, ReviewStatus
from incubation.choices import AnnualReviewResult
from incubation.rules import add_years
from incubation.selectors import blocking_reasons


def template_items(template) -> list[Indicator]:
    return list(
        Indicator.objects.filter(template=template, parent__isnull=False)
        .select_related("parent")
        .order_by("position", "pk")
    )


def applicable_items(review: Review, items: list[Indicator] | None = None) -> list[Indicator]:
    """The scored items of the review's template that apply to its organization (registered
    民非 take 业务活动和诚信建设 in place of 工作绩效)."""
    cached = getattr(review, "_items", None)
    if cached is None:
        items = items if items is not None else template_items(review.cycle.template_id)
        cached = [i for i in items if i.applies_to(review.organization)]
        review._items = cached  # type: ignore[attr-defined]  # a per-instance cache
    return cached


@dataclass
class Dimension:
    indicator: Indicator
    items: list = field(default_factory=list)

    @property
    def max_points(self) -> Decimal:
        return sum((i.max_points for i in self.items), Decimal(0))


def dimensions(items: list[Indicator]) -> list[Dimension]:
    out: dict[int, Dimension] = {}
    for item in items:
        out.setdefault(item.parent_id, Dimension(item.parent)).items.append(item)
    return list(out.values())


def grading_blockers(org, cycle: Cycle) -> list[str]:
    """Why ``org`` gets the 年检 result only this cycle (empty: it is graded)."""
    reasons = list(blocking_reasons(org, "evaluation"))
    if not org.is_registered:
        reasons.append(_("filed organizations get the annual review result only"))
    elif org.founded_on is None or add_years(org.founded_on, 2) > cycle.opens_on:
        reasons.append(_("registered for less than two full years"))
    if (
        org.last_annual_review_result == AnnualReviewResult.BASICALLY_PASSED
        and org.last_annual_review_year == cycle.year - 1
        and _previous_result(org, cycle.year - 2) == AnnualReviewResult.BASICALLY_PASSED
    ):
        reasons.append(_("basically passed the annual review two years in a row"))
    return reasons


def _previous_result(org, year: int) -> str:
    review = (
        Review.objects.filter(organization=org, cycle__year=year, status=ReviewStatus.FINALIZED)
        .only("annual_result")
        .first()
    )
    return review.annual_result if review else ""


def previous_result(org, year: int) -> str:
    """The 年检 result of ``year``: our finalized review, else the registry's record."""
    result = _previous_result(org, year)
    if not result and org.last_annual_review_year == year:
        result = org.last_annual_review_result
    return result


def reviews_for(user):
    return (
        Review.objects.visible_to(user)
        .select_related("cycle", "organization")
        .order_by("-cycle__year", "organization__name")
    )


def assignments_for(user):
    return (
        EvaluatorAssignment.objects.filter(evaluator=user)
        .select_related("review__cycle", "review__organization")
        .order_by("-review__cycle__year", "status", "review__organization__name")
    )


def review_assignments(review: Review) -> list[EvaluatorAssignment]:
    from evaluation.models import Score

    return list(
        review.assignments.exclude(status=AssignmentStatus.CONFLICT)
        .select_related("evaluator")
        .prefetch_related(Prefetch("scores", queryset=Score.objects.order_by("indicator_id")))
        .order_by("group", "pk")
    )


def version_rows(review: Review, a: ReviewVersion, b: ReviewVersion) -> list[dict]:
    """Field-by-field comparison of two submitted versions."""
    from evaluation.services.reviews import FORM_FIELDS

    rows = []
    for name in FORM_FIELDS:
        label = str(Review._meta.get_field(name).verbose_name)
        va, vb = a.data.get(name), b.data.get(name)
        rows.append({"label": label, "a": va, "b": vb, "changed": va != vb})
    items = {str(i.pk): i for i in applicable_items(review)}
    sa, sb = a.data.get("self_assessment", {}), b.data.get("self_assessment", {})
    for key, item in items.items():
        va, vb = sa.get(key), sb.get(key)
        label = _("Self-assessment: %(item)s") % {"item": item.name}
        rows.append({"label": label, "a": va, "b": vb, "changed": va != vb})
    va, vb = a.data.get("attachments", []), b.data.get("attachments", [])
    rows.append(
        {"label": _("Attachments"), "a": "、".join(va), "b": "、".join(vb), "changed": va != vb}
    )
    return rows


def points_text(points) -> str:
    """Points as people write them: 50, 12.5 (never 5E+1)."""
    return format(points.normalize(), "f")


def frozen_reports_of(org) -> list[tuple[Review, FieldFile, str]]:
    """The organization's frozen evaluation reports, oldest year first, as
    ``(review, file, sha256)`` — for archives and dossiers that copy them byte for byte.
    Reports issued but not rendered yet are left out (they have no file)."""
    reviews = (
        Review.objects.filter(organization=org, status=ReviewStatus.FINALIZED)
        .exclude(frozen_report__sha256="")
        .filter(frozen_report__isnull=False)
        .select_related("cycle", "frozen_report")
        .order_by("cycle__year", "pk")
    )
    return [(r, r.frozen_report.file, r.frozen_report.sha256) for r in reviews]
