"""Evaluators: assignment (with conflicts of interest), scoring, and the arithmetic that
turns scores into a total, a grade and a 年检 result.

The arithmetic, in one place (``compute_outcome``):

1. each evaluator's total is the sum of their item points (every applicable item scored);
2. a group's score is the mean of its evaluators' totals;
3. the total is the weighted mean of the group scores, over the groups that have scores
   (weights renormalized when a group has no evaluator), rounded half-up to 0.01;
4. the grade is the highest whose threshold the total reaches (1A below the lowest);
   with the cycle's party rule, an organization without a party organization gets at
   most 4A;
5. the 年检 result: 合格 from the pass mark, 基本合格 from the basic pass mark, else 不合格;
6. evaluator totals further apart than the cycle's spread limit flag the review.
"""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import Role, roles_of
from core.decisions import refuse_unless
from core.errors import ActionRefused
from core.transitions import refuse_unless_allowed
from evaluation.choices import GRADE_ORDER, ReviewEventKind
from evaluation.models import ConflictDeclaration, EvaluatorAssignment, Review, Score
from evaluation.permissions import can_assign, can_score
from evaluation.selectors import applicable_items, grading_blockers, previous_result
from evaluation.services._common import clean_points, review_event
from evaluation.workflows import ASSIGNMENT_TRANSITIONS, AssignmentStatus, ReviewStatus
from incubation.choices import AnnualReviewResult
from incubation.rules import add_years
from incubation.services import organization_record_annual_review, organization_set_grade

CENT = Decimal("0.01")


# --- Assignment and conflicts -------------------------------------------------------------


def conflict_reason(evaluator, organization) -> str:
    """Why ``evaluator`` may not score ``organization`` ('' when they may)."""
    if organization.leader_accounts.filter(pk=evaluator.pk).exists():
        return _("%(name)s leads %(org)s.") % {"name": evaluator, "org": organization}
    declared = ConflictDeclaration.objects.filter(
        evaluator=evaluator, organization=organization
    ).first()
    if declared is not None:
        return _("%(name)s declared a conflict of interest with %(org)s: %(reason)s") % {
            "name": evaluator,
            "org": organization,
            "reason": declared.reason,
        }
    return ""


@transaction.atomic
def assignment_create(*, review: Review, evaluator, group: str, actor) -> EvaluatorAssignment:
    refuse_unless(can_assign(actor, review))
    if Role.EVALUATOR not in roles_of(evaluator):
        raise ActionRefused(_("%(name)s has no evaluator role.") % {"name": evaluator})
    if evaluator.street_id and evaluator.street_id != review.cycle.street_id:
        raise ActionRefused(_("%(name)s works for another street.") % {"name": evaluator})
    reason = conflict_reason(evaluator, review.organization)
    if reason:
        raise ActionRefused(reason)
    existing = EvaluatorAssignment.objects.filter(review=review, evaluator=evaluator).first()
    if existing is not None:
        if existing.status == AssignmentStatus.CONFLICT:
            raise ActionRefused(_("This evaluator withdrew for a conflict of interest."))
        return existing
    assignment = EvaluatorAssignment(review=review, evaluator=evaluator, group=group)
    assignment.full_clean()
    assignment.save()
    review_event(review, ReviewEventKind.ASSIGNED, actor, to_value=group, note=str(evaluator))
    return assignment


def assignment_change_status(
    *, assignment: EvaluatorAssignment, to_status: str, actor, note: str = ""
) -> EvaluatorAssignment:
    """The one way an assignment's status changes."""
    to_status = AssignmentStatus(to_status)
    with transaction.atomic():
        locked = EvaluatorAssignment.objects.select_for_update().get(pk=assignment.pk)
        from_status = AssignmentStatus(locked.status)
        if from_status == to_status:
            return locked
        refuse_unless_allowed(
            ASSIGNMENT_TRANSITIONS,
            AssignmentStatus,
            from_status,
            to_status,
            EvaluatorAssignment._meta.verbose_name,
        )
        fields = ["status", "updated_at"]
        kind = ReviewEventKind.SCORES_REOPENED
        if to_status == AssignmentStatus.SUBMITTED:
            locked.review = assignment.review
            refuse_unless(can_score(actor, locked))
            missing = _unscored(locked)
            if missing:
                raise ActionRefused(
                    _("Score every item first; missing: %(items)s.")
                    % {"items": "、".join(missing)},
                    missing=missing,
                )
            locked.submitted_at = timezone.now()
            fields.append("submitted_at")
            kind = ReviewEventKind.SCORES
        elif to_status == AssignmentStatus.CONFLICT:
            if actor is None or actor.pk != locked.evaluator_id:
                raise ActionRefused(_("Only the evaluator declares their own conflict."))
            kind = ReviewEventKind.CONFLICT
        locked.status = to_status
        locked.save(update_fields=fields)
        review_event(
            locked.review, kind, actor, from_value=from_status, to_value=to_status, note=note
        )
    assignment.status = locked.status
    return locked


def _unscored(assignment: EvaluatorAssignment) -> list[str]:
    scored = set(assignment.scores.values_list("indicator_id", flat=True))
    return [i.name for i in applicable_items(assignment.review) if i.pk not in scored]


@transaction.atomic
def conflict_declare(*, evaluator, organization, reason: str, actor) -> ConflictDeclaration:
    """An evaluator declares an interest; their open assignments to the organization's
    reviews are withdrawn and their marks no longer count."""
    if actor is None or actor.pk != evaluator.pk:
        raise ActionRefused(_("Only the evaluator declares their own conflict."))
    if not reason.strip():
        raise ActionRefused(_("Say what the conflict of interest is."))
    declaration, _created = ConflictDeclaration.objects.get_or_create(
        evaluator=evaluator, organization=organization, defaults={"reason": reason.strip()}
    )
    open_assignments = (
        EvaluatorAssignment.objects.filter(evaluator=evaluator, review__organization=organization)
        .exclude(status=AssignmentStatus.CONFLICT)
        .exclude(review__status=ReviewStatus.FINALIZED)
    )
    for assignment in open_assignments.select_related("review"):
        if assignment.status == AssignmentStatus.SUBMITTED:
            assignment_change_status(
                assignment=assignment, to_status=AssignmentStatus.ASSIGNED, actor=actor
            )
        assignment_change_status(
            assignment=assignment, to_status=AssignmentStatus.CONFLICT, actor=actor, note=reason
        )
    return declaration


def assignments_reopen(*, review_id: int) -> int:
    """A resubmitted review goes back to the evaluators who had submitted scores."""
    reopened = 0
    for assignment in EvaluatorAssignment.objects.filter(
        review_id=review_id, status=AssignmentStatus.SUBMITTED
    ).select_related("review"):
        assignment_change_status(
            assignment=assignment, to_status=AssignmentStatus.ASSIGNED, actor=None
        )
        reopened += 1
    return reopened


# --- Scoring ------------------------------------------------------------------------------


@transaction.atomic
def scores_save(
    *, assignment: EvaluatorAssignment, actor, scores: dict, comment: str | None = None
) -> EvaluatorAssignment:
    """Save an evaluator's marks: ``scores`` is {indicator_id: (points, comment)}; points
    within 0..max. Blank points leave the item unscored."""
    refuse_unless(can_score(actor, assignment))
    items = {i.pk: i for i in applicable_items(assignment.review)}
    errors: list[str] = []
    existing = {s.indicator_id: s for s in assignment.scores.all()}
    to_create, to_update = [], []
    for key, value in scores.items():
        points, note = value if isinstance(value, (tuple, list)) else (value, "")
        item = items.get(int(key))
        if item is None:
            continue
        if points in (None, ""):
            continue
        points = clean_points(item, points, errors)
        if points is None:
            continue
        score = existing.get(item.pk)
        if score is None:
            to_create.append(
                Score(assignment=assignment, indicator=item, points=points, comment=note or "")
            )
        else:
            score.points, score.comment = points, note or ""
            to_update.append(score)
    if errors:
        raise ValidationError({"scores": errors})
    Score.objects.bulk_create(to_create)
    Score.objects.bulk_update(to_update, ["points", "comment"])
    if comment is not None:
        assignment.comment = comment
        assignment.save(update_fields=["comment", "updated_at"])
    return assignment


def scores_submit(*, assignment: EvaluatorAssignment, actor) -> EvaluatorAssignment:
    return assignment_change_status(
        assignment=assignment, to_status=AssignmentStatus.SUBMITTED, actor=actor
    )


# --- The arithmetic -----------------------------------------------------------------------


@dataclass
class Outcome:
    total: Decimal
    grade: str
    annual_result: str
    group_scores: dict = field(default_factory=dict)  # group -> {"score", "weight", "n"}
    item_scores: dict = field(default_factory=dict)  # item id (str) -> weighted points
    evaluator_totals: list = field(default_factory=list)
    spread: Decimal = Decimal(0)
    spread_flagged: bool = False
    capped_by_party_rule: bool = False


def grade_for(total: Decimal, thresholds: dict) -> str:
    for grade in reversed(GRADE_ORDER[1:]):
        if grade in thresholds and total >= Decimal(str(thresholds[grade])):
            return grade
    return GRADE_ORDER[0]


def annual_result_for(total: Decimal, cycle) -> str:
    if total >= cycle.pass_mark:
        return AnnualReviewResult.PASSED
    if total >= cycle.basic_pass_mark:
        return AnnualReviewResult.BASICALLY_PASSED
    return AnnualReviewResult.FAILED


def _mean(values) -> Decimal:
    values = list(values)
    return sum(values, Decimal(0)) / len(values)


def compute_outcome(
    cycle, marks: list[tuple[str, dict]], *, has_party_organization: bool
) -> Outcome:
    """``marks``: one (group, {item_id: points}) per evaluator whose scores count."""
    if not marks:
        raise ActionRefused(_("No evaluator's scores to count."))
    weights = {g: Decimal(str(w)) for g, w in (cycle.weights or {}).items()}
    by_group: dict[str, list[dict]] = {}
    for group, points in marks:
        by_group.setdefault(group, []).append(points)
    counted = {g: rows for g, rows in by_group.items() if weights.get(g, 0) > 0}
    if not counted:
        raise ActionRefused(_("None of the assigned evaluator groups carries a weight."))
    weight_sum = sum(weights[g] for g in counted)
    group_scores: dict[str, dict] = {}
    item_scores: dict[str, Decimal] = {}
    total = Decimal(0)
    item_ids = sorted({k for _g, pts in marks for k in pts})
    for group, rows in counted.items():
        score = _mean(sum(r.values(), Decimal(0)) for r in rows)
        group_scores[group] = {
            "score": str(score.quantize(CENT, ROUND_HALF_UP)),
            "weight": str(weights[group]),
            "n": len(rows),
        }
        total += score * weights[group] / weight_sum
        for item in item_ids:
            share = _mean(r.get(item, Decimal(0)) for r in rows) * weights[group] / weight_sum
            item_scores[str(item)] = item_scores.get(str(item), Decimal(0)) + share
    total = total.quantize(CENT, ROUND_HALF_UP)
    evaluator_totals = [sum(pts.values(), Decimal(0)) for _g, pts in marks]
    spread = max(evaluator_totals) - min(evaluator_totals)
    grade = grade_for(total, cycle.thresholds or {})
    capped = False
    if cycle.party_rule and not has_party_organization and grade == "5A":
        grade, capped = "4A", True
    return Outcome(
        total=total,
        grade=grade,
        annual_result=annual_result_for(total, cycle),
        group_scores=group_scores,
        item_scores={k: str(v.quantize(CENT, ROUND_HALF_UP)) for k, v in item_scores.items()},
        evaluator_totals=[str(t) for t in evaluator_totals],
        spread=spread,
        spread_flagged=spread > cycle.spread_limit,
        capped_by_party_rule=capped,
    )


def has_party_organization(org) -> bool:
    """Own or joint branch covering the organization now (an instructor alone is work
    coverage, not a party organization)."""
    from partybuilding.models import PartyCoverage

    return PartyCoverage.objects.active().filter(organization=org).exists()


def review_marks(review: Review) -> list[tuple[str, dict]]:
    items = {i.pk for i in applicable_items(review)}
    counted = review.assignments.filter(status=AssignmentStatus.SUBMITTED).prefetch_related(
        "scores"
    )
    return [
        (a.group, {s.indicator_id: s.points for s in a.scores.all() if s.indicator_id in items})
        for a in counted
    ]


def apply_outcome(review: Review, *, actor, today: datetime.date) -> list[str]:
    """Finalizing (called by the review's transition function, row locked): compute, record
    the 年检 result and the grade in the registry. Returns the fields it set."""
    pending = review.assignments.filter(status=AssignmentStatus.ASSIGNED).count()
    if pending:
        raise ActionRefused(
            _("%(n)d evaluator(s) have not submitted their scores.") % {"n": pending}
        )
    org = review.organization
    party = has_party_organization(org)
    outcome = compute_outcome(review.cycle, review_marks(review), has_party_organization=party)
    blockers = grading_blockers(org, review.cycle)
    year = review.cycle.year
    drop = outcome.annual_result == AnnualReviewResult.FAILED or (
        outcome.annual_result == AnnualReviewResult.BASICALLY_PASSED
        and previous_result(org, year - 1) == AnnualReviewResult.BASICALLY_PASSED
    )
    review.has_party_organization = party
    review.total = outcome.total
    review.annual_result = outcome.annual_result
    review.group_scores = outcome.group_scores
    review.item_scores = outcome.item_scores
    review.spread_flagged = outcome.spread_flagged
    review.graded = not blockers and not drop
    review.grading_note = "; ".join(blockers)[:500]
    review.grade = outcome.grade if review.graded else ""
    review.finalized_at = timezone.now()
    organization_record_annual_review(
        organization=org, year=year, result=outcome.annual_result, actor=actor
    )
    if review.graded:
        organization_set_grade(organization=org, grade=review.grade, awarded_on=today, actor=actor)
    elif drop and org.grade:
        lower = GRADE_ORDER[GRADE_ORDER.index(org.grade) - 1] if org.grade != "1A" else ""
        awarded = add_years(org.grade_valid_until, -5) if org.grade_valid_until else today
        note = _("Annual review %(year)s: %(result)s — the grade drops one level.") % {
            "year": year,
            "result": AnnualReviewResult(outcome.annual_result).label,
        }
        review_event(
            review,
            ReviewEventKind.GRADE_DROPPED,
            actor,
            from_value=org.grade,
            to_value=lower,
            note=note,
        )
        organization_set_grade(
            organization=org, grade=lower, awarded_on=awarded, actor=actor, note=note
        )
    return [
        "has_party_organization",
        "total",
        "annual_result",
        "group_scores",
        "item_scores",
        "spread_flagged",
        "graded",
        "grading_note",
        "grade",
        "finalized_at",
    ]


def review_finalize(*, review: Review, actor, today=None) -> Review:
    from evaluation.services.reviews import review_change_status

    return review_change_status(
        review=review, to_status=ReviewStatus.FINALIZED, actor=actor, today=today
    )
