"""Scoring arithmetic on a hand-computed example, thresholds, the party rule, the spread
flag, finalizing through the transition service and grade drops."""

import datetime
from decimal import Decimal

import pytest

from core.errors import ActionRefused
from evaluation.models import ReviewEvent
from evaluation.services.scoring import compute_outcome, review_finalize
from evaluation.workflows import ReviewStatus
from incubation.choices import AnnualReviewResult
from incubation.workflows import Stage
from tests.evaluation.helpers import assign_all, make_org, score_all, submitted_review

pytestmark = pytest.mark.django_db

D = Decimal


def marks():
    # Hand-computed: group means 880 / 890 / 940 / 820, weights 30/20/30/20:
    # 0.3·880 + 0.2·890 + 0.3·940 + 0.2·820 = 264 + 178 + 282 + 164 = 888.00.
    return [
        ("street_leader", {1: D(400), 2: D(480)}),
        ("department", {1: D(450), 2: D(460)}),
        ("department", {1: D(430), 2: D(440)}),
        ("expert", {1: D(470), 2: D(470)}),
        ("community", {1: D(400), 2: D(420)}),
    ]


def test_the_hand_computed_example(ev):
    outcome = compute_outcome(ev.cycle, marks(), has_party_organization=True)
    assert outcome.total == D("888.00")
    assert outcome.group_scores["department"] == {"score": "890.00", "weight": "20", "n": 2}
    # Item 1: 0.3·400 + 0.2·440 + 0.3·470 + 0.2·400 = 429; item 2: 459; 429 + 459 = 888.
    assert outcome.item_scores == {"1": "429.00", "2": "459.00"}
    assert outcome.grade == "4A"
    assert outcome.annual_result == AnnualReviewResult.PASSED
    assert outcome.spread == D(120) and not outcome.spread_flagged


def test_weights_renormalize_over_the_groups_that_scored(ev):
    only = [m for m in marks() if m[0] in ("expert", "community")]
    # (0.3·940 + 0.2·820) / 0.5 = 892.
    assert compute_outcome(ev.cycle, only, has_party_organization=True).total == D("892.00")


def test_thresholds_are_the_cycles_table_and_the_party_rule_caps_at_4a(ev):
    ev.cycle.thresholds = {"5A": 880, "4A": 800, "3A": 700, "2A": 600}
    assert compute_outcome(ev.cycle, marks(), has_party_organization=True).grade == "5A"
    capped = compute_outcome(ev.cycle, marks(), has_party_organization=False)
    assert capped.grade == "4A" and capped.capped_by_party_rule
    ev.cycle.party_rule = False
    assert compute_outcome(ev.cycle, marks(), has_party_organization=False).grade == "5A"
    ev.cycle.thresholds = {"5A": 950, "4A": 901, "3A": 851, "2A": 801}
    assert compute_outcome(ev.cycle, marks(), has_party_organization=True).grade == "3A"
    ev.cycle.thresholds = {"5A": 990, "4A": 980, "3A": 970, "2A": 960}
    assert compute_outcome(ev.cycle, marks(), has_party_organization=True).grade == "1A"


def test_annual_result_bands(ev):
    low = [("expert", {1: D(200), 2: D(250)})]  # 450
    assert compute_outcome(ev.cycle, low, has_party_organization=True).annual_result == (
        AnnualReviewResult.BASICALLY_PASSED
    )
    lower = [("expert", {1: D(100), 2: D(250)})]  # 350
    assert compute_outcome(ev.cycle, lower, has_party_organization=True).annual_result == (
        AnnualReviewResult.FAILED
    )


def test_a_wide_spread_is_flagged(ev):
    wide = [("expert", {1: D(500)}), ("expert", {1: D(340)})]
    assert compute_outcome(ev.cycle, wide, has_party_organization=True).spread_flagged


def test_finalizing_sets_grade_and_result_and_returns_the_organization_to_management(ev):
    review = submitted_review(ev)
    assign_all(ev, review)
    for evaluator in ev.evaluators.values():
        score_all(review, evaluator, D("0.95"), comment="规范有序")
    review = review_finalize(review=review, actor=ev.staff)
    assert review.status == ReviewStatus.FINALIZED
    assert review.total == D("950.00")
    assert review.grade == "5A"
    assert review.annual_result == AnnualReviewResult.PASSED
    ev.org.refresh_from_db()
    assert ev.org.grade == "5A"
    assert ev.org.grade_valid_until == datetime.date(2031, 11, 20)
    assert (ev.org.last_annual_review_year, ev.org.last_annual_review_result) == (
        2026,
        AnnualReviewResult.PASSED,
    )
    assert ev.org.stage == Stage.MANAGEMENT
    event = ev.org.events.filter(to_value=Stage.MANAGEMENT).first()
    assert event.evidence["checkpoint"] == {"party_section_included": True}
    # Re-asking is a no-op.
    assert review_finalize(review=review, actor=ev.staff).status == ReviewStatus.FINALIZED


def test_finalizing_needs_every_evaluator_and_street_staff(ev):
    review = submitted_review(ev)
    assign_all(ev, review, groups=["expert", "community"])
    score_all(review, ev.evaluators["expert"], D("0.8"))
    with pytest.raises(ActionRefused):
        review_finalize(review=review, actor=ev.staff)
    score_all(review, ev.evaluators["community"], D("0.8"))
    with pytest.raises(ActionRefused):
        review_finalize(review=review, actor=ev.leader)
    with pytest.raises(ActionRefused):
        review_finalize(review=review, actor=ev.evaluators["expert"])
    review = review_finalize(review=review, actor=ev.staff)
    assert review.total == D("800.00") and review.grade == "4A"


def test_no_party_organization_means_at_most_4a(ev, tenant):
    ev.org = make_org(tenant, name="无党组织服务社", leader=ev.leader, party=False)
    review = submitted_review(ev)
    assign_all(ev, review, groups=["expert"])
    score_all(review, ev.evaluators["expert"], D("0.95"))
    review = review_finalize(review=review, actor=ev.staff)
    assert review.total == D("950.00") and review.grade == "4A"
    assert review.has_party_organization is False


def test_scores_outside_zero_to_max_are_refused(ev):
    from django.core.exceptions import ValidationError

    from evaluation.selectors import applicable_items
    from evaluation.services.scoring import scores_save

    review = submitted_review(ev)
    assign_all(ev, review, groups=["expert"])
    assignment = review.assignments.get()
    item = applicable_items(review)[0]
    with pytest.raises(ValidationError):
        scores_save(assignment=assignment, actor=ev.evaluators["expert"], scores={item.pk: "-1"})
    with pytest.raises(ValidationError):
        scores_save(
            assignment=assignment,
            actor=ev.evaluators["expert"],
            scores={item.pk: str(item.max_points + 1)},
        )
    with pytest.raises(ActionRefused):  # incomplete
        from evaluation.services.scoring import scores_submit

        scores_submit(assignment=assignment, actor=ev.evaluators["expert"])


@pytest.mark.parametrize(
    ("previous", "ratio", "expected_result"),
    [
        (AnnualReviewResult.BASICALLY_PASSED, D("0.45"), AnnualReviewResult.BASICALLY_PASSED),
        (AnnualReviewResult.PASSED, D("0.30"), AnnualReviewResult.FAILED),
    ],
)
def test_a_bad_annual_result_drops_the_grade_one_level(ev, previous, ratio, expected_result):
    from incubation.services import organization_record_annual_review, organization_set_grade

    organization_set_grade(
        organization=ev.org, grade="4A", awarded_on=datetime.date(2024, 12, 1), actor=None
    )
    organization_record_annual_review(organization=ev.org, year=2025, result=previous, actor=None)
    review = submitted_review(ev)
    assign_all(ev, review, groups=["expert"])
    score_all(review, ev.evaluators["expert"], ratio)
    review = review_finalize(review=review, actor=ev.staff)
    assert review.annual_result == expected_result
    assert review.graded is False and review.grade == ""
    ev.org.refresh_from_db()
    assert ev.org.grade == "3A"
    assert ev.org.grade_valid_until == datetime.date(2029, 12, 1)  # validity unchanged
    assert ReviewEvent.objects.filter(review=review, kind="grade_dropped").exists()


def test_one_basic_pass_does_not_drop_the_grade(ev):
    from incubation.services import organization_set_grade

    organization_set_grade(
        organization=ev.org, grade="4A", awarded_on=datetime.date(2024, 12, 1), actor=None
    )
    review = submitted_review(ev)
    assign_all(ev, review, groups=["expert"])
    score_all(review, ev.evaluators["expert"], D("0.45"))
    review = review_finalize(review=review, actor=ev.staff)
    assert review.annual_result == AnnualReviewResult.BASICALLY_PASSED
    assert review.graded and review.grade == "1A"


def test_a_resubmitted_review_goes_back_to_evaluators(ev):
    from evaluation.services.reviews import review_return, review_submit

    review = submitted_review(ev)
    assign_all(ev, review, groups=["expert"])
    assignment = score_all(review, ev.evaluators["expert"], D("0.8"))
    review_return(review=review, comment="补充", actor=ev.staff)
    review_submit(review=review, actor=ev.leader)
    assignment.refresh_from_db()
    assert assignment.status == "assigned" and assignment.scores.count() > 0
