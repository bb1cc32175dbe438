import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.dates import human_date
from core.errors import ActionRefused
from funding.choices import AcceptanceResult, MilestoneKind, ReportKind
from funding.eligibility import eligibility_reasons
from funding.models import Application, ApplicationEvent, Tranche
from funding.selectors import call_summary, committed_amount, ranking
from funding.services.applications import application_transition, application_update
from funding.services.calls import call_create
from funding.services.delivery import report_submit, tranche_pay
from funding.services.review import conflict_declare, expert_assign, scores_record
from funding.workflows import ApplicationStatus as S
from incubation.choices import AnnualReviewResult, CreditGround, CreditList
from incubation.models import Organization
from incubation.services import credit_list_add
from notifications.models import Notification
from tests.factories import OrganizationFactory
from tests.funding.factories import (
    PLAN_WITH_MIDTERM,
    make_call,
    make_draft,
    make_eligible,
    refresh,
)

pytestmark = pytest.mark.django_db


def submit(app, leader):
    return application_transition(application=app, to=S.SUBMITTED, actor=leader)


def approve(app, admin, amount="20000"):
    return application_transition(
        application=app, to=S.APPROVED, actor=admin, amount=Decimal(amount), message="恭喜立项"
    )


# --- Eligibility ---------------------------------------------------------------------------


def test_it_names_every_unmet_eligibility_rule(tenant):
    call = make_call(tenant)
    org = tenant.org
    Organization.objects.filter(pk=org.pk).update(
        last_annual_review_year=2025, last_annual_review_result=AnnualReviewResult.BASICALLY_PASSED
    )
    org.refresh_from_db()
    credit_list_add(
        organization=org,
        list_kind=CreditList.ABNORMAL,
        ground=CreditGround.LATE_ANNUAL_REPORT,
        listed_on=timezone.localdate(),
        actor=tenant.street_admin,
    )
    earlier = make_call(tenant, year=2020, title="2020")
    failed = Application.objects.create(
        call=earlier,
        organization=org,
        track="filed",
        title="旧项目",
        status=S.COMPLETED,
        awarded_amount=Decimal("10000"),
        acceptance_result=AcceptanceResult.FAILED,
        accepted_on=timezone.localdate() - datetime.timedelta(days=200),
    )
    Application.objects.create(
        call=earlier,
        organization=org,
        track="filed",
        title="邻里 守望互助计划",
        status=S.IN_PROGRESS,
        awarded_amount=Decimal("10000"),
    )
    draft = Application(call=call, organization=org, title="邻里守望互助计划")
    reasons = eligibility_reasons(org, call, application=draft)
    text = " | ".join(reasons)
    assert len(reasons) == 4, reasons
    assert "2025" in text  # annual review not passed
    assert "abnormal" in text.lower() or "异常" in text  # credit list
    assert failed.title in text
    assert "2020" in text  # the open grant's call


def test_it_finds_an_eligible_organization_eligible(tenant):
    call = make_call(tenant)
    assert eligibility_reasons(make_eligible(tenant.org), call) == []


def test_it_forgets_a_failed_project_after_two_years(tenant):
    call = make_call(tenant)
    org = make_eligible(tenant.org)
    Application.objects.create(
        call=make_call(tenant, year=2019, title="2019"),
        organization=org,
        track="filed",
        title="旧项目",
        status=S.COMPLETED,
        awarded_amount=Decimal("1"),
        acceptance_result=AcceptanceResult.FAILED,
        accepted_on=timezone.localdate() - datetime.timedelta(days=800),
    )
    assert eligibility_reasons(org, call) == []


def test_it_refuses_an_organization_without_a_track(tenant):
    call = make_call(tenant, tracks=(("registered", None),))
    reasons = eligibility_reasons(make_eligible(tenant.org), call)
    assert len(reasons) == 1 and "赛道" in reasons[0]


# --- Budget lines --------------------------------------------------------------------------


def test_it_refuses_budget_lines_that_do_not_sum_to_the_request(tenant):
    call = make_call(tenant)
    make_eligible(tenant.org)
    with pytest.raises(ValidationError) as exc:
        make_draft(
            call,
            tenant.org,
            tenant.leader,
            amount="20000",
            lines=[{"item": "物料", "amount": Decimal("15000")}],
        )
    assert "15,000.00 元" in str(exc.value) and "20,000.00 元" in str(exc.value)


def test_it_refuses_a_request_above_the_track_cap(tenant):
    call = make_call(tenant)  # filed track cap 30,000
    make_eligible(tenant.org)
    with pytest.raises(ValidationError) as exc:
        make_draft(call, tenant.org, tenant.leader, amount="40000")
    assert "30,000.00 元" in str(exc.value)


def test_it_refuses_submission_with_every_problem_named(tenant):
    call = make_call(tenant)
    draft = make_draft(call, tenant.org, tenant.leader)
    application_update(application=draft, actor=tenant.leader, summary="", beneficiaries="")
    with pytest.raises(ActionRefused) as exc:
        submit(draft, tenant.leader)
    assert len(exc.value.missing) == 3  # summary, beneficiaries, annual review
    assert refresh(draft).status == S.DRAFT


def test_it_refuses_submission_after_the_deadline(tenant):
    call = make_call(tenant)
    draft = make_draft(call, make_eligible(tenant.org), tenant.leader)
    after = call.closes_on + datetime.timedelta(days=1)
    with time_machine.travel(after), pytest.raises(ActionRefused) as exc:
        submit(draft, tenant.leader)
    assert human_date(call.closes_on) in exc.value.message


def test_it_refuses_a_leader_of_another_organization(tenant):
    call = make_call(tenant)
    draft = make_draft(call, make_eligible(tenant.org), tenant.leader)
    other = OrganizationFactory(community=tenant.community)
    other_leader = tenant.evaluator
    other.leader_accounts.add(other_leader)
    with pytest.raises(ActionRefused):
        submit(draft, other_leader)
    with pytest.raises(ActionRefused):
        application_update(application=draft, actor=other_leader, title="x")


# --- Workflow -------------------------------------------------------------------------------


def test_it_runs_the_whole_workflow_with_audit_and_messages(
    tenant, django_capture_on_commit_callbacks
):
    call = make_call(tenant)
    draft = make_draft(call, make_eligible(tenant.org), tenant.leader)
    app = submit(draft, tenant.leader)
    assert submit(app, tenant.leader).status == S.SUBMITTED  # no-op
    with pytest.raises(ActionRefused):
        approve(app, tenant.leader)  # not staff
    with pytest.raises(ActionRefused):
        application_transition(application=app, to=S.REJECTED, actor=tenant.street_admin)
    with pytest.raises(ActionRefused):
        application_transition(application=app, to=S.IN_PROGRESS, actor=tenant.street_admin)
    with django_capture_on_commit_callbacks(execute=True):
        app = approve(app, tenant.street_admin, amount="18000")
    assert app.awarded_amount == Decimal("18000")
    assert Notification.objects.filter(recipient=tenant.leader, kind="grant_decision").exists()
    app = application_transition(
        application=app,
        to=S.IN_PROGRESS,
        actor=tenant.street_admin,
        signed_on=timezone.localdate(),
    )
    assert [t.amount for t in app.tranches.order_by("pk")] == [Decimal("9000"), Decimal("9000")]
    with pytest.raises(ActionRefused) as exc:
        application_transition(
            application=app, to=S.COMPLETED, actor=tenant.street_admin, result="passed"
        )
    assert "结项报告" in exc.value.message
    report_submit(application=app, kind=ReportKind.FINAL, content="已完成", actor=tenant.leader)
    app = application_transition(
        application=app, to=S.COMPLETED, actor=tenant.street_admin, result="passed"
    )
    assert app.acceptance_result == "passed"
    statuses = list(
        ApplicationEvent.objects.filter(application=app)
        .exclude(to_value="")
        .order_by("pk")
        .values_list("to_value", flat=True)
    )
    assert statuses == [S.DRAFT, S.SUBMITTED, S.APPROVED, S.IN_PROGRESS, S.COMPLETED]


def test_it_refuses_an_approval_beyond_the_budget(tenant):
    call = make_call(tenant, budget="30000", cap="20000")
    first = submit(make_draft(call, make_eligible(tenant.org), tenant.leader), tenant.leader)
    other = make_eligible(tenant.other_org)
    other.leader_accounts.add(tenant.leader)
    second = submit(make_draft(call, other, tenant.leader, title="第二个"), tenant.leader)
    approve(first, tenant.street_admin, amount="20000")
    with pytest.raises(ActionRefused) as exc:
        approve(second, tenant.street_admin, amount="20000")
    assert "10,000.00 元" in exc.value.message
    assert approve(second, tenant.street_admin, amount="10000").status == S.APPROVED
    assert committed_amount(call) == Decimal("30000")


def test_it_waitlists_then_approves_and_terminates_releasing_unpaid_money(tenant):
    call = make_call(tenant)
    app = submit(make_draft(call, make_eligible(tenant.org), tenant.leader), tenant.leader)
    app = application_transition(
        application=app, to=S.WAITLISTED, actor=tenant.street_admin, message="候补"
    )
    app = approve(app, tenant.street_admin)
    app = application_transition(
        application=app, to=S.IN_PROGRESS, actor=tenant.street_admin, signed_on=timezone.localdate()
    )
    first = app.tranches.get(milestone=MilestoneKind.AGREEMENT)
    tranche_pay(
        tranche=first, paid_on=timezone.localdate(), reference="ZF-1", actor=tenant.street_admin
    )
    with pytest.raises(ActionRefused):
        application_transition(application=app, to=S.TERMINATED, actor=tenant.street_admin)
    app = application_transition(
        application=app, to=S.TERMINATED, actor=tenant.street_admin, reason="组织解散"
    )
    assert committed_amount(call) == Decimal("10000")
    summary = call_summary(call)
    assert summary.paid == Decimal("10000") and summary.outstanding == 0


def test_it_refuses_a_second_open_grant_for_the_same_project(tenant):
    call = make_call(tenant)
    org = make_eligible(tenant.org)
    first = submit(make_draft(call, org, tenant.leader), tenant.leader)
    approve(first, tenant.street_admin)
    second = make_draft(call, org, tenant.leader)
    with pytest.raises(ActionRefused) as exc:
        submit(second, tenant.leader)
    assert any("尚在执行的资助" in reason for reason in exc.value.missing)


# --- Tranches ------------------------------------------------------------------------------


def test_it_pays_a_tranche_only_when_its_milestone_is_met(tenant):
    call = make_call(tenant, milestones=PLAN_WITH_MIDTERM)
    app = submit(make_draft(call, make_eligible(tenant.org), tenant.leader), tenant.leader)
    app = approve(app, tenant.street_admin, amount="20000")
    app = application_transition(
        application=app, to=S.IN_PROGRESS, actor=tenant.street_admin, signed_on=timezone.localdate()
    )
    tranches = {t.milestone: t for t in app.tranches.all()}
    assert [tranches[k].amount for k in ("agreement", "midterm", "final")] == [
        Decimal("8000"),
        Decimal("6000"),
        Decimal("6000"),
    ]
    today = timezone.localdate()
    admin = tenant.street_admin
    with pytest.raises(ActionRefused) as exc:
        tranche_pay(tranche=tranches["midterm"], paid_on=today, reference="ZF-2", actor=admin)
    assert "中期报告" in exc.value.message
    with pytest.raises(ActionRefused):
        tranche_pay(tranche=tranches["agreement"], paid_on=today, reference="", actor=admin)
    tranche_pay(tranche=tranches["agreement"], paid_on=today, reference="ZF-1", actor=admin)
    report_submit(application=app, kind=ReportKind.MIDTERM, content="中期", actor=tenant.leader)
    tranche_pay(tranche=tranches["midterm"], paid_on=today, reference="ZF-2", actor=admin)
    with pytest.raises(ActionRefused):
        tranche_pay(tranche=tranches["final"], paid_on=today, reference="ZF-3", actor=admin)
    report_submit(application=app, kind=ReportKind.FINAL, content="结项", actor=tenant.leader)
    application_transition(application=app, to=S.COMPLETED, actor=admin, result="failed")
    with pytest.raises(ActionRefused) as exc:
        tranche_pay(tranche=tranches["final"], paid_on=today, reference="ZF-3", actor=admin)
    assert "结项验收" in exc.value.message
    paid = Tranche.objects.filter(application=app, paid_on__isnull=False).count()
    assert paid == 2
    # Paying again is a no-op.
    again = tranche_pay(tranche=tranches["agreement"], paid_on=today, reference="X", actor=admin)
    assert again.reference == "ZF-1"


def test_it_refuses_a_plan_that_does_not_sum_to_100(tenant):
    with pytest.raises(ValidationError):
        make_call(tenant, milestones=(("agreement", "50"), ("final", "40")))
    with pytest.raises(ValidationError):
        call_create(
            street=tenant.street,
            year=2030,
            title="x",
            total_budget=100,
            per_project_cap=10,
            opens_on=timezone.localdate(),
            closes_on=timezone.localdate(),
            criteria=(("民生性", 50), ("操作性", 40)),
            actor=tenant.street_admin,
        )


# --- Review --------------------------------------------------------------------------------


def test_it_scores_ranks_and_enforces_conflicts(tenant):
    call = make_call(tenant)
    expert = tenant.evaluator
    app = submit(make_draft(call, make_eligible(tenant.org), tenant.leader), tenant.leader)
    with pytest.raises(ActionRefused):
        scores_record(application=app, values={}, actor=expert)  # not assigned
    expert_assign(call=call, expert=expert, actor=tenant.street_admin)
    with pytest.raises(ActionRefused):
        expert_assign(call=call, expert=tenant.leader, actor=tenant.street_admin)
    values = {c.pk: 80 for c in call.criteria.all()}
    with pytest.raises(ValidationError):
        scores_record(
            application=app, values={**values, call.criteria.first().pk: 120}, actor=expert
        )
    scores_record(application=app, values=values, actor=expert)
    rows = ranking(call)
    assert rows[0].score == Decimal("80.00") and rows[0].experts == 1
    conflict_declare(call=call, organization=tenant.org, reason="亲属任职", actor=expert)
    assert not Application.objects.visible_to(expert).exists()
    assert ranking(call)[0].score is None  # withdrawn
    with pytest.raises(ActionRefused):
        scores_record(application=app, values=values, actor=expert)


def test_it_treats_an_expert_leading_the_organization_as_conflicted(tenant):
    call = make_call(tenant)
    app = submit(make_draft(call, make_eligible(tenant.org), tenant.leader), tenant.leader)
    expert_assign(call=call, expert=tenant.evaluator, actor=tenant.street_admin)
    assert Application.objects.visible_to(tenant.evaluator).count() == 1
    tenant.org.leader_accounts.add(tenant.evaluator)
    assert not Application.objects.visible_to(tenant.evaluator).exists()
    with pytest.raises(ActionRefused):
        scores_record(
            application=app, values={c.pk: 1 for c in call.criteria.all()}, actor=tenant.evaluator
        )


def test_it_shows_an_unassigned_expert_nothing(tenant):
    call = make_call(tenant)
    submit(make_draft(call, make_eligible(tenant.org), tenant.leader), tenant.leader)
    assert not Application.objects.visible_to(tenant.evaluator).exists()
    from funding.models import GrantCall

    assert not GrantCall.objects.visible_to(tenant.evaluator).exists()
