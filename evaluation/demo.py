"""The evaluation part of the demo dataset.

- Last year's cycle, finished: one finalized review for every organization in 管理 whose
  年检 of that year the registry records (the incubation demo already moved them through
  年检 and recorded the result). Scores from four evaluators, one per group, are chosen in
  the band of the grade the organization shows (its 年检 result when it has no grade), and
  the total, grade and result are computed by ``compute_outcome`` like a real finalization.
  Rows are bulk-created: the audited facts (stage round trip, result, grade) already went
  through the incubation services. Each review's report is *issued* like a real
  finalization: its snapshot (the content, fixed from then on) is taken at seed time.
  Rendering 289 PDFs (~0.5 s each) would make ``make run`` minutes slower, so the PDFs
  are rendered by workers after commit when a broker is configured, else on the first
  download or by the batch job — from the snapshot either way, so the content is the same.
- This year's cycle, open: leader1's review a draft, leader2's submitted (through the
  services) and assigned to expert1; ``seed_reviews_to_score`` adds the reviews of a few
  more organizations, submitted and waiting for expert1's scores, and one returned.
"""

import datetime
import random
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.translation import override

from accounts.models import User
from accounts.roles import Role
from accounts.services import user_create
from evaluation.choices import EvaluatorGroup
from evaluation.models import Cycle, EvaluatorAssignment, Review, ReviewReport, Score
from evaluation.selectors import template_items
from evaluation.services.cycles import cycle_change_status, cycle_create
from evaluation.services.reviews import review_return, review_save, review_start, review_submit
from evaluation.services.scoring import assignment_create, compute_outcome
from evaluation.services.templates import template_seed_default
from evaluation.workflows import AssignmentStatus, CycleStatus, ReviewStatus
from incubation.choices import AnnualReviewResult
from incubation.models import Organization
from incubation.workflows import Stage

EVALUATORS = [
    ("expert1", EvaluatorGroup.EXPERT, "赵志远"),
    ("judge_street", EvaluatorGroup.STREET_LEADER, "孙建军"),
    ("judge_dept", EvaluatorGroup.DEPARTMENT, "钱慧敏"),
    ("judge_community", EvaluatorGroup.COMMUNITY, "吴秀兰"),
]
# Share of the maximum each grade's scores sit around (thresholds 900/800/700/600).
GRADE_BANDS = {
    "5A": (0.92, 0.97),
    "4A": (0.82, 0.88),
    "3A": (0.72, 0.78),
    "2A": (0.62, 0.68),
    "1A": (0.52, 0.58),
}
RESULT_BANDS = {
    AnnualReviewResult.PASSED: (0.55, 0.85),
    AnnualReviewResult.BASICALLY_PASSED: (0.42, 0.48),
    AnnualReviewResult.FAILED: (0.30, 0.38),
}
COMMENTS = ["规范有序,台账完整", "服务成效明显", "党建引领作用突出", "建议加强财务公开", ""]


def _evaluators(street, users) -> dict[str, User]:
    out = {}
    for username, group, name in EVALUATORS:
        user = users.get(username) or User.objects.filter(username=username).first()
        if user is None:
            user = user_create(
                username=username,
                password=settings.DEMO_PASSWORD,
                role=Role.EVALUATOR,
                street=street,
                full_name=name,
                email=f"{username}@kaiyihui.local",
            )
        out[group] = user
    return out


def _covered(orgs) -> set[int]:
    from partybuilding.models import PartyCoverage

    return set(
        PartyCoverage.objects.active()
        .filter(organization__in=orgs)
        .values_list("organization_id", flat=True)
    )


def _last_year(street, template, evaluators, today, rng) -> int:
    year = today.year - 1
    cycle = Cycle.objects.filter(street=street, year=year).first()
    if cycle is not None:
        return 0
    cycle = cycle_create(
        street=street,
        year=year,
        template=template,
        opens_on=datetime.date(year, 11, 1),
        deadline=datetime.date(year, 12, 15),
        actor=None,
    )
    cycle_change_status(cycle=cycle, to_status=CycleStatus.OPEN, actor=None)
    cycle_change_status(cycle=cycle, to_status=CycleStatus.CLOSED, actor=None)
    orgs = list(
        Organization.objects.filter(
            community__street=street,
            stage=Stage.MANAGEMENT,
            last_annual_review_year=year,
        )
        .select_related("community")
        .order_by("pk")
    )
    return len(seed_finalized_reviews(cycle, orgs, evaluators, rng))


def seed_finalized_reviews(cycle, orgs, evaluators, rng) -> list[Review]:
    """Bulk-create finalized reviews with scores from one evaluator per group (the demo and
    the report benchmark). Grades and results follow what the organizations show."""
    year = cycle.year
    template = cycle.template
    covered = _covered(orgs)
    items = template_items(template)
    finalized_at = timezone.make_aware(datetime.datetime(year, 12, 28, 10, 0))
    reviews = []
    for org in orgs:
        applicable = [i for i in items if i.applies_to(org)]
        band = GRADE_BANDS.get(org.grade) or RESULT_BANDS.get(
            org.last_annual_review_result, RESULT_BANDS[AnnualReviewResult.PASSED]
        )
        marks = []
        for group in evaluators:
            ratio = Decimal(str(round(rng.uniform(*band), 3)))
            points = {
                i.pk: min(i.max_points, (i.max_points * ratio).quantize(Decimal("0.1")))
                for i in applicable
            }
            marks.append((group, points))
        outcome = compute_outcome(cycle, marks, has_party_organization=org.pk in covered)
        graded = bool(org.grade)
        review = Review(
            cycle=cycle,
            organization=org,
            status=ReviewStatus.FINALIZED,
            work_summary=f"{year}年度,{org.name}围绕章程开展服务,完成年度工作计划。",
            activities_held="社区服务活动\n志愿服务\n主题党日",
            income=Decimal(rng.randrange(20000, 600000)),
            expenditure=Decimal(rng.randrange(15000, 550000)),
            net_assets=Decimal(rng.randrange(5000, 300000)),
            staff_count=rng.randint(1, 12),
            volunteer_count=rng.randint(5, 120),
            party_section="党组织覆盖与党建活动情况已填报。",
            version=1,
            submitted_at=finalized_at - datetime.timedelta(days=30),
            graded=graded,
            grading_note="" if graded else "本年度未参加等级评估,仅作年检",
            has_party_organization=org.pk in covered,
            group_scores=outcome.group_scores,
            item_scores=outcome.item_scores,
            total=outcome.total,
            # The registry's grade stands (it may be older than this cycle).
            grade=org.grade if graded else "",
            annual_result=(
                org.last_annual_review_result
                if org.last_annual_review_year == year
                else outcome.annual_result
            ),
            spread_flagged=outcome.spread_flagged,
            finalized_at=finalized_at,
        )
        review._marks = marks
        reviews.append(review)
    Review.objects.bulk_create(reviews, batch_size=500)
    assignments = []
    for review in reviews:
        for group, _points in review._marks:
            assignments.append(
                EvaluatorAssignment(
                    review=review,
                    evaluator=evaluators[group],
                    group=group,
                    status=AssignmentStatus.SUBMITTED,
                    comment=rng.choice(COMMENTS),
                    submitted_at=finalized_at,
                )
            )
    EvaluatorAssignment.objects.bulk_create(assignments, batch_size=1000)
    by_review = {}
    for assignment in assignments:
        by_review.setdefault(assignment.review_id, {})[assignment.group] = assignment
    scores = []
    for review in reviews:
        review._assignments = by_review[review.pk]
        for group, points in review._marks:
            assignment = by_review[review.pk][group]
            scores += [
                Score(assignment=assignment, indicator_id=pk, points=value)
                for pk, value in points.items()
            ]
    Score.objects.bulk_create(scores, batch_size=2000)
    _issue_reports(reviews, finalized_at)
    return reviews


def _issue_reports(reviews: list[Review], finalized_at) -> None:
    from evaluation.reports import report_schedule, report_snapshot

    items = template_items(reviews[0].cycle.template_id) if reviews else []
    labels = dict(EvaluatorGroup.choices)
    documents = []
    with override("zh-hans"):
        for review in reviews:
            # What the snapshot would query, from memory (the demo seeds 289 at once).
            review._items = [i for i in items if i.applies_to(review.organization)]
            comments = [
                {"group": str(labels[group]), "text": assignment.comment, "notes": []}
                for group, assignment in sorted(review._assignments.items())
                if assignment.comment
            ]
            documents.append(
                ReviewReport(
                    review=review,
                    verification_code=review.verification_code,
                    snapshot=report_snapshot(review, comments=comments),
                    issued_at=finalized_at,
                )
            )
    ReviewReport.objects.bulk_create(documents, batch_size=500)
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        for review in reviews:
            report_schedule(review.pk)


def _this_year(street, template, users, evaluators, today) -> dict[str, int]:
    year = today.year
    cycle = Cycle.objects.filter(street=street, year=year).first()
    if cycle is None:
        cycle = cycle_create(
            street=street,
            year=year,
            template=template,
            opens_on=today - datetime.timedelta(days=20),
            deadline=today + datetime.timedelta(days=25),
            actor=None,
        )
        cycle_change_status(cycle=cycle, to_status=CycleStatus.OPEN, actor=None)
    out = {"evaluation_drafts": 0, "evaluation_submitted": 0}
    for username, submit in (("leader1", False), ("leader2", True)):
        leader = users.get(username)
        org = leader.led_organizations.filter(community__street=street).first() if leader else None
        if org is None:
            continue
        review = review_start(cycle=cycle, organization=org, actor=leader, today=today)
        if review.status != ReviewStatus.DRAFT:
            continue
        if submit:
            review = review_save(
                review=review,
                actor=leader,
                today=today,
                work_summary=f"{year}年,{org.name}开展书画公益课堂48期,服务居民2300人次。",
                activities_held=review.activities_held or "公益书画课堂\n社区文化节",
                income=Decimal("186500.00"),
                expenditure=Decimal("172300.50"),
                net_assets=Decimal("64200.00"),
                staff_count=4,
                volunteer_count=36,
                party_section="联合党支部覆盖,党员5名,全年开展主题党日12次。",
                self_assessment={
                    str(i.pk): str((i.max_points * Decimal("0.9")).quantize(Decimal("0.1")))
                    for i in template_items(template)
                    if i.applies_to(org)
                },
            )
            review_submit(review=review, actor=leader, today=today)
            assignment_create(
                review=review,
                evaluator=evaluators[EvaluatorGroup.EXPERT],
                group=EvaluatorGroup.EXPERT,
                actor=None,
            )
            out["evaluation_submitted"] += 1
        else:
            review_save(
                review=review,
                actor=leader,
                today=today,
                work_summary=f"{year}年,{org.name}开展邻里互助服务……(草稿)",
                staff_count=3,
            )
            out["evaluation_drafts"] += 1
    return out


def seed_evaluation(street, users) -> dict[str, int]:
    today = timezone.localdate()
    rng = random.Random(f"evaluation-{street.code}-{today.year}")
    template = template_seed_default(street=street)
    evaluators = _evaluators(street, users)
    finalized = _last_year(street, template, evaluators, today, rng)
    return {
        "evaluation_finalized": finalized,
        **_this_year(street, template, users, evaluators, today),
    }


RETURN_COMMENT = "收入、支出与年度审计报告不一致,请核对财务数据并补充党建工作情况后重新提交。"


def seed_reviews_to_score(street, *, submitted, returned, users) -> dict[str, int]:
    """This year's open cycle, busier: the leaders of ``submitted`` (organization, leader
    account pairs) submit their reviews and expert1 is assigned to score them (leader2's
    is already there), so the expert has work now; ``returned`` are submitted and sent
    back by street staff with what to revise (community staff follow them up). All through
    the services, as a leader and the staff would."""
    today = timezone.localdate()
    out = {"evaluation_to_score": 0, "evaluation_returned": 0}
    cycle = Cycle.objects.filter(street=street, year=today.year).first()
    expert = users.get("expert1") or User.objects.filter(username="expert1").first()
    if cycle is None or expert is None:
        return out
    items = template_items(cycle.template)
    rng = random.Random(f"evaluation-queue-{street.code}-{today.year}")
    sent_back = {org.pk for org, _leader in returned}
    for org, leader in [*submitted, *returned]:
        review = review_start(cycle=cycle, organization=org, actor=leader, today=today)
        if review.status != ReviewStatus.DRAFT:
            continue
        ratio = Decimal(str(round(rng.uniform(0.75, 0.92), 2)))
        income = Decimal(rng.randrange(40000, 400000))
        review = review_save(
            review=review,
            actor=leader,
            today=today,
            work_summary=(
                f"{today.year}年,{org.name}围绕章程开展服务{rng.randint(20, 60)}场,"
                f"服务居民{rng.randint(600, 3000)}人次。"
            ),
            activities_held=review.activities_held or "社区服务活动\n志愿服务\n主题党日",
            income=income,
            expenditure=(income * Decimal(str(rng.uniform(0.8, 0.98)))).quantize(Decimal("0.01")),
            net_assets=Decimal(rng.randrange(10000, 200000)),
            staff_count=rng.randint(2, 8),
            volunteer_count=rng.randint(10, 80),
            party_section="党组织覆盖与党建活动情况已填报。",
            self_assessment={
                str(i.pk): str((i.max_points * ratio).quantize(Decimal("0.1")))
                for i in items
                if i.applies_to(org)
            },
        )
        review_submit(review=review, actor=leader, today=today)
        if org.pk in sent_back:
            review_return(review=review, comment=RETURN_COMMENT, actor=users.get("admin"))
            out["evaluation_returned"] += 1
        else:
            assignment_create(
                review=review, evaluator=expert, group=EvaluatorGroup.EXPERT, actor=None
            )
    out["evaluation_to_score"] = EvaluatorAssignment.objects.filter(
        review__cycle=cycle,
        evaluator=expert,
        status=AssignmentStatus.ASSIGNED,
        review__status=ReviewStatus.SUBMITTED,
    ).count()
    return out
