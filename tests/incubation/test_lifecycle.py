"""The lifecycle: one service changes a stage, along the table in workflows.py, with the
party-building checkpoint of the stage being left (双孵六同步), by a role that may, with
an audit row and a message to the leaders after commit."""

import datetime
from datetime import date
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import translation

from core.errors import ActionRefused
from incubation import checkpoints, services
from incubation.choices import EventKind
from incubation.models import CheckpointOverride, Organization, OrganizationEvent
from incubation.rules import add_months
from incubation.workflows import PHASE_TRANSITIONS, STAGE_TRANSITIONS, IncubationPhase, Stage
from notifications.models import Notification
from partybuilding.models import LeadershipPreReview
from tests.factories import (
    OrganizationFactory,
    RegisteredOrganizationFactory,
    UserFactory,
    record_party_facts,
)

TODAY = date(2026, 11, 28)
NOW = datetime.datetime(2026, 11, 28, 10, tzinfo=ZoneInfo("Asia/Shanghai"))

# What each stage's checkpoint needs before the organization may leave it: 入驻, 管理 and
# 换届 read party-building records (``record_party_facts``; typed evidence is ignored
# there), the others read the evidence typed into the transition.
EVIDENCE = {
    Stage.REGISTRATION: {},  # read from the organization itself
    Stage.ONBOARDING: {"coverage": "joint_branch", "party_liaison": "王红"},
    Stage.MANAGEMENT: {"party_activity_count": 4},
    Stage.ANNUAL_REVIEW: {"party_section_included": True},
    Stage.RE_ELECTION: {"party_prereview_passed": True},
    Stage.AWARDS: {"party_building_in_criteria": True},
}
_IN = [Stage.ONBOARDING, Stage.MANAGEMENT]
# The stages walked through (with evidence) to reach a stage; graduation is done in org_in.
ROUTE = {
    Stage.REGISTRATION: [],
    Stage.ONBOARDING: _IN[:1],
    Stage.MANAGEMENT: _IN,
    Stage.GRADUATED: _IN,
    **{s: [*_IN, s] for s in (Stage.ANNUAL_REVIEW, Stage.RE_ELECTION, Stage.AWARDS)},
    **{s: [s] for s in (Stage.WITHDRAWN, Stage.DEREGISTERED)},
}
ALLOWED = sorted((f, t) for f, targets in STAGE_TRANSITIONS.items() for t in targets)
REFUSED = sorted((f, t) for f in Stage for t in Stage if f != t and t not in STAGE_TRANSITIONS[f])


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def change(org, to_stage, actor=None, evidence=None, **kwargs):
    return services.organization_change_stage(
        organization=org, to_stage=to_stage, actor=actor, evidence=evidence, **kwargs
    )


def walk(org, *stages):
    for stage in stages:
        change(org, stage, evidence=EVIDENCE.get(org.stage, {}))
    return org


def intake(org, actor=None, **fields):
    fields = {"agreement_on": TODAY, "planned_months": 12, "incubation_type": "startup", **fields}
    return services.incubation_intake(organization=org, actor=actor, **fields)


def ready_to_graduate(org, months=13):
    intake(org, agreement_on=add_months(TODAY, -months))
    services.organization_record_annual_review(
        organization=org, year=2025, result="passed", actor=None
    )
    services.organization_confirm_independence(organization=org, actor=None)
    org.refresh_from_db()
    return org


def org_in(stage, **fields):
    # award: 评选 reads an honour of an award campaign (awards.checkpoints).
    org = record_party_facts(RegisteredOrganizationFactory(**fields), award=True)
    org = walk(org, *ROUTE[stage])
    if stage == Stage.GRADUATED:
        ready_to_graduate(org)
        change(org, Stage.GRADUATED, evidence=EVIDENCE[Stage.MANAGEMENT])
    return org


def stage_events(org):
    return OrganizationEvent.objects.filter(organization=org, kind=EventKind.STAGE_CHANGED)


# --- The transition table ---------------------------------------------------------------


@pytest.mark.parametrize(("from_stage", "to_stage"), ALLOWED)
def test_it_makes_every_allowed_transition_given_its_checkpoint_evidence(db, from_stage, to_stage):
    org = org_in(from_stage)
    if to_stage == Stage.GRADUATED:
        ready_to_graduate(org)

    event = change(org, to_stage, evidence=EVIDENCE.get(from_stage))

    org.refresh_from_db()
    assert org.stage == to_stage
    assert org.stage_changed_at is not None
    assert (event.from_value, event.to_value) == (from_stage, to_stage)
    assert event.kind == EventKind.STAGE_CHANGED


@pytest.mark.parametrize(("from_stage", "to_stage"), REFUSED)
def test_it_refuses_a_transition_outside_the_table_naming_both_stages(db, from_stage, to_stage):
    org = org_in(from_stage)
    before = stage_events(org).count()

    with translation.override("en"), pytest.raises(ActionRefused) as exc:
        change(org, to_stage, evidence=EVIDENCE.get(from_stage))

    with translation.override("en"):
        assert str(Stage(from_stage).label) in exc.value.message
        assert str(Stage(to_stage).label) in exc.value.message
    org.refresh_from_db()
    assert org.stage == from_stage
    assert stage_events(org).count() == before


def test_it_says_the_lifecycle_has_ended_when_leaving_an_exit_stage(db):
    org = org_in(Stage.WITHDRAWN)
    with translation.override("en"), pytest.raises(ActionRefused) as exc:
        change(org, Stage.MANAGEMENT)
    assert "Withdrawn" in exc.value.message and "Management" in exc.value.message
    assert "the lifecycle has ended" in exc.value.message
    with translation.override("zh-hans"), pytest.raises(ActionRefused) as exc:
        change(org, Stage.MANAGEMENT)
    assert "“退出”" in exc.value.message and "“管理”" in exc.value.message


def test_it_returns_none_and_writes_nothing_when_asked_for_the_current_stage(db):
    org = org_in(Stage.ONBOARDING)
    changed_at = org.stage_changed_at
    before = OrganizationEvent.objects.filter(organization=org).count()

    assert change(org, Stage.ONBOARDING) is None

    org.refresh_from_db()
    assert org.stage == Stage.ONBOARDING and org.stage_changed_at == changed_at
    assert OrganizationEvent.objects.filter(organization=org).count() == before
    with pytest.raises(ValueError):  # keys are ASCII codes, never labels
        change(org, "入驻")


# --- 双孵六同步: each checkpoint's refusal ------------------------------------------------

ONB, MGMT = Stage.ONBOARDING, Stage.MANAGEMENT
ALL_FACTS = {"coverage": True, "activity": True, "prereview": True}
NO_FACTS = {"coverage": False, "activity": False, "prereview": False}
CHECKPOINT_REFUSALS = [
    # (stage left, target, party facts recorded, evidence typed, what is missing)
    (ONB, MGMT, NO_FACTS, {}, ["coverage"]),
    (ONB, MGMT, NO_FACTS, EVIDENCE[ONB], ["coverage"]),  # typed coverage does not count
    (MGMT, Stage.ANNUAL_REVIEW, {**ALL_FACTS, "activity": False}, {}, ["party activity"]),
    (
        MGMT,
        Stage.RE_ELECTION,
        {**ALL_FACTS, "activity": False},
        {"party_activity_count": 4},
        ["party activity"],
    ),
    (MGMT, Stage.AWARDS, {**ALL_FACTS, "coverage": False}, EVIDENCE[ONB], ["coverage"]),
    (MGMT, Stage.GRADUATED, NO_FACTS, {}, ["coverage", "party activity"]),
    (Stage.ANNUAL_REVIEW, MGMT, ALL_FACTS, {}, ["party-building section"]),
    (Stage.ANNUAL_REVIEW, MGMT, ALL_FACTS, {"party_section_included": "yes"}, ["section"]),
    (Stage.RE_ELECTION, MGMT, {**ALL_FACTS, "prereview": False}, {}, ["pre-reviewed"]),
    (
        Stage.RE_ELECTION,
        MGMT,
        {**ALL_FACTS, "prereview": False},
        EVIDENCE[Stage.RE_ELECTION],
        ["pre-reviewed"],
    ),
    (Stage.RE_ELECTION, MGMT, NO_FACTS, {}, ["coverage", "pre-reviewed"]),
    (Stage.AWARDS, MGMT, ALL_FACTS, {"party_building_in_criteria": False}, ["award criteria"]),
]


def org_placed_in(stage, **facts):
    """An organization put straight into ``stage`` with only the given party facts."""
    org = RegisteredOrganizationFactory()
    Organization.objects.filter(pk=org.pk).update(stage=stage)
    org.refresh_from_db()
    if any(facts.values()):
        record_party_facts(org, **facts)
    return org


@pytest.mark.parametrize(("stage", "target", "facts", "evidence", "missing"), CHECKPOINT_REFUSALS)
def test_it_refuses_to_leave_a_stage_whose_checkpoint_is_missing(
    db, stage, target, facts, evidence, missing
):
    org = org_placed_in(stage, **facts)
    before = stage_events(org).count()

    with translation.override("en"), pytest.raises(ActionRefused) as exc:
        change(org, target, evidence=evidence)

    assert len(exc.value.missing) == len(missing)
    for fragment, text in zip(missing, exc.value.missing, strict=True):
        assert fragment in text
    assert "party-building checkpoint is missing" in exc.value.message
    org.refresh_from_db()
    assert org.stage == stage
    assert stage_events(org).count() == before


DEFAULT_REFUSALS = [
    # incubation's own checkers, in force for a stage until a higher app registers one
    (checkpoints.check_onboarding_evidence, {}, ["coverage", "liaison"]),
    (checkpoints.check_onboarding_evidence, {"coverage": "joint_branch"}, ["liaison"]),
    (
        checkpoints.check_onboarding_evidence,
        {"coverage": "a friend", "party_liaison": "王红"},
        ["coverage"],
    ),
    (
        checkpoints.check_onboarding_evidence,
        {"coverage": "instructor", "party_liaison": " "},
        ["liaison"],
    ),
    (checkpoints.check_management_evidence, {"party_activity_count": 0}, ["party activity"]),
    (checkpoints.check_management_evidence, {"party_activity_count": "3"}, ["party activity"]),
    (checkpoints.check_management_evidence, {"party_activity_count": True}, ["party activity"]),
]


@pytest.mark.parametrize(("checker", "evidence", "missing"), DEFAULT_REFUSALS)
def test_incubations_default_checkers_refuse_incomplete_evidence(db, checker, evidence, missing):
    with translation.override("en"):
        result = checker(RegisteredOrganizationFactory(), evidence)
    assert len(result.missing) == len(missing)
    for fragment, text in zip(missing, result.missing, strict=True):
        assert fragment in text


def test_the_party_stages_read_records_and_the_others_typed_evidence():
    assert {s for s in Stage if checkpoints.reads_records(s)} == {
        Stage.ONBOARDING,
        Stage.MANAGEMENT,
        Stage.RE_ELECTION,
        Stage.AWARDS,  # awards.checkpoints: an honour of a campaign
    }


def test_it_lists_both_missing_registration_facts(db):
    org = OrganizationFactory()  # filed, neither political status nor member count
    with translation.override("en"), pytest.raises(ActionRefused) as exc:
        change(org, Stage.ONBOARDING)
    assert exc.value.missing == [
        "the leader's political status is not recorded",
        "the number of party members is not recorded",
    ]
    assert "Registration cannot be completed" in exc.value.message


def test_it_explains_the_missing_checkpoint_in_chinese(db):
    org = OrganizationFactory()
    with translation.override("zh-hans"), pytest.raises(ActionRefused) as exc:
        change(org, Stage.ONBOARDING)
    assert "党建同步要求未落实" in exc.value.message
    assert "未登记负责人政治面貌" in exc.value.message
    assert "未登记党员人数" in exc.value.message
    assert exc.value.missing == ["未登记负责人政治面貌", "未登记党员人数"]
    org = org_in(Stage.ANNUAL_REVIEW)
    with translation.override("zh-hans"), pytest.raises(ActionRefused) as exc:
        change(org, Stage.MANAGEMENT)
    assert "“年检”环节不能完成" in exc.value.message
    assert exc.value.missing == ["年检缺少党建工作部分"]


@pytest.mark.parametrize("stage", [Stage.REGISTRATION, Stage.ONBOARDING, Stage.MANAGEMENT])
@pytest.mark.parametrize("exit_to", [Stage.WITHDRAWN, Stage.DEREGISTERED])
def test_it_lets_an_organization_leave_without_the_checkpoint(db, stage, exit_to):
    # A filed organization without political status fails the registration checkpoint;
    # the later ones fail for want of evidence.
    org = OrganizationFactory() if stage == Stage.REGISTRATION else org_in(stage)

    event = change(org, exit_to, evidence={})

    assert org.stage == exit_to
    assert event.evidence == {"checkpoint": {}}


# --- Who may change a stage --------------------------------------------------------------


def tenant_org(tenant, stage, community=None):
    return org_in(stage, community=community or tenant.community)


def test_it_lets_community_staff_onboard_an_organization_of_their_community(tenant):
    org = tenant_org(tenant, Stage.REGISTRATION)
    event = change(org, Stage.ONBOARDING, actor=tenant.community_staff)
    assert event.actor == tenant.community_staff
    assert org.stage == Stage.ONBOARDING


def test_it_refuses_community_staff_a_street_level_change(tenant):
    org = ready_to_graduate(tenant_org(tenant, Stage.MANAGEMENT))
    with translation.override("en"), pytest.raises(ActionRefused) as exc:
        change(org, Stage.GRADUATED, actor=tenant.community_staff, evidence=EVIDENCE["management"])
    assert exc.value.message == "Your role may not make this stage change."
    org.refresh_from_db()
    assert org.stage == Stage.MANAGEMENT


def test_it_refuses_staff_an_organization_outside_their_area(tenant, outsider_tenant):
    org = tenant_org(tenant, Stage.REGISTRATION, community=tenant.other_community)
    for actor in (tenant.community_staff, outsider_tenant.street_admin):
        with translation.override("en"), pytest.raises(ActionRefused) as exc:
            change(org, Stage.ONBOARDING, actor=actor)
        assert exc.value.message == "This organization is not in your area."
    org.refresh_from_db()
    assert org.stage == Stage.REGISTRATION


@pytest.mark.parametrize("role", ["leader", "evaluator", "party_worker"])
def test_it_refuses_roles_that_never_change_stages(tenant, role):
    org = tenant_org(tenant, Stage.REGISTRATION)
    org.leader_accounts.add(tenant.leader)
    with translation.override("en"), pytest.raises(ActionRefused) as exc:
        change(org, Stage.ONBOARDING, actor=getattr(tenant, role))
    assert exc.value.message == "Your role may not make this stage change."
    assert not stage_events(org).exists()


def test_it_lets_street_staff_make_any_allowed_change(tenant):
    org = tenant_org(tenant, Stage.ONBOARDING, community=tenant.other_community)
    change(org, Stage.MANAGEMENT, actor=tenant.street_admin, evidence=EVIDENCE["onboarding"])
    ready_to_graduate(org)
    event = change(org, Stage.GRADUATED, actor=tenant.street_admin, evidence=EVIDENCE["management"])
    assert event.actor == tenant.street_admin
    assert org.stage == Stage.GRADUATED


def test_it_lets_the_system_change_a_stage_without_an_actor(db):
    org = org_in(Stage.AWARDS)
    event = change(org, Stage.MANAGEMENT, actor=None, evidence=EVIDENCE["awards"])
    assert event.actor is None and org.stage == Stage.MANAGEMENT


# --- The audit row and the message ---------------------------------------------------------


def test_it_records_from_to_actor_and_the_checkpoint_evidence(tenant):
    org = tenant_org(tenant, Stage.ONBOARDING)
    given = {**EVIDENCE["onboarding"], "remark": "联合支部"}
    event = change(
        org, Stage.MANAGEMENT, actor=tenant.street_admin, evidence=given, note="已落实联合支部"
    )

    event.refresh_from_db()
    assert (event.organization, event.actor) == (org, tenant.street_admin)
    assert (event.from_value, event.to_value) == ("onboarding", "management")
    assert event.note == "已落实联合支部"
    assert event.evidence == {
        "checkpoint": {
            "coverage": "instructor",
            "branch": f"{tenant.street.name}测试党委",
            "party_liaison": "测试指导员",
        },
        "given": given,
    }


def test_it_stores_the_registration_facts_as_evidence_zero_members_included(db):
    org = RegisteredOrganizationFactory(leader_political_status="masses", party_member_count=0)
    event = change(org, Stage.ONBOARDING)
    assert event.evidence == {
        "checkpoint": {"leader_political_status": "masses", "party_member_count": 0}
    }


def test_it_tells_the_leaders_after_commit(tenant, django_capture_on_commit_callbacks):
    org = tenant_org(tenant, Stage.REGISTRATION)
    second_leader = UserFactory(role="org_leader", street=tenant.street)
    org.leader_accounts.add(tenant.leader, second_leader)

    with django_capture_on_commit_callbacks(execute=True):
        event = change(org, Stage.ONBOARDING, actor=tenant.community_staff)
        assert not Notification.objects.exists()  # nothing before the commit

    sent = Notification.objects.filter(kind="stage_changed", key=f"event:{event.pk}")
    assert {n.recipient for n in sent} == {tenant.leader, second_leader}
    assert all(n.title == f"{org.name} 已进入“入驻”环节" for n in sent)
    assert not Notification.objects.filter(recipient=tenant.community_staff).exists()


def test_it_sends_no_message_when_the_transaction_does_not_commit(
    tenant, django_capture_on_commit_callbacks
):
    org = tenant_org(tenant, Stage.REGISTRATION)
    org.leader_accounts.add(tenant.leader)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        change(org, Stage.ONBOARDING)
    assert len(callbacks) == 1
    assert not Notification.objects.exists()


# --- 出壳 -----------------------------------------------------------------------------------


def test_it_refuses_graduation_listing_every_unmet_criterion(db):
    org = org_in(Stage.MANAGEMENT)
    intake(org, agreement_on=date(2026, 1, 10))
    services.organization_record_annual_review(
        organization=org, year=2025, result="basically_passed", actor=None
    )

    with translation.override("en"), pytest.raises(ActionRefused) as exc:
        services.organization_graduate(
            organization=org, actor=None, evidence=EVIDENCE["management"]
        )

    assert exc.value.missing == [
        "incubated for less than 12 months (possible from Jan. 10, 2027)",
        "the last annual review is not 'passed'",
        "staff have not confirmed independent operation",
    ]
    assert exc.value.message.startswith("Graduation criteria not met")
    org.refresh_from_db()
    assert (org.stage, org.incubation_phase) == (Stage.MANAGEMENT, IncubationPhase.ENTERED)


def test_it_refuses_graduation_of_an_organization_never_incubated(db):
    org = org_in(Stage.MANAGEMENT)
    with translation.override("en"), pytest.raises(ActionRefused) as exc:
        change(org, Stage.GRADUATED, evidence=EVIDENCE["management"])
    assert "the organization is not being incubated" in exc.value.missing
    assert "no incubation agreement date is recorded" in exc.value.missing


def test_it_allows_graduation_exactly_twelve_months_after_the_agreement(db):
    org = ready_to_graduate(org_in(Stage.MANAGEMENT), months=12)
    assert change(org, Stage.GRADUATED, evidence=EVIDENCE["management"]) is not None


def test_it_graduates_the_lifecycle_and_the_incubation_phase_together(tenant):
    org = ready_to_graduate(tenant_org(tenant, Stage.MANAGEMENT))

    services.organization_graduate(
        organization=org, actor=tenant.street_admin, evidence=EVIDENCE["management"], note="出壳"
    )

    org.refresh_from_db()
    assert (org.stage, org.incubation_phase) == (Stage.GRADUATED, IncubationPhase.GRADUATED)
    phases = OrganizationEvent.objects.filter(organization=org, kind=EventKind.PHASE_CHANGED)
    assert [(e.from_value, e.to_value) for e in phases.order_by("pk")] == [
        ("", "entered"),
        ("entered", "incubating"),
        ("incubating", "graduated"),
    ]


# --- 入壳 and the incubation phase -----------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "error_field"),
    [
        ({"planned_months": 0}, "planned_incubation_months"),
        ({"planned_months": 61}, "planned_incubation_months"),
        ({"agreement_on": date(2026, 11, 29)}, "intake_agreement_on"),
        ({"incubation_type": "giant"}, "incubation_type"),
    ],
)
def test_it_validates_the_intake(db, fields, error_field):
    org = org_in(Stage.ONBOARDING)
    with pytest.raises(ValidationError) as exc:
        intake(org, **fields)
    assert error_field in exc.value.message_dict
    org.refresh_from_db()
    assert (org.incubation_phase, org.intake_agreement_on) == (IncubationPhase.NONE, None)


def test_it_takes_an_organization_into_the_incubator(tenant):
    org = tenant_org(tenant, Stage.ONBOARDING)
    intake(org, tenant.street_admin, planned_months=60, incubation_type="mature")
    org.refresh_from_db()
    assert org.incubation_phase == IncubationPhase.ENTERED
    assert (org.intake_agreement_on, org.planned_incubation_months) == (TODAY, 60)
    assert org.incubation_type == "mature"


def test_it_refuses_the_intake_to_community_staff(tenant):
    org = tenant_org(tenant, Stage.ONBOARDING)
    with pytest.raises(ActionRefused):
        intake(org, tenant.community_staff)


PHASES = [IncubationPhase.ENTERED, IncubationPhase.INCUBATING, IncubationPhase.GRADUATED]
PHASE_ROUTE = {p: [*PHASES, IncubationPhase.FOLLOW_UP][:i] for i, p in enumerate(IncubationPhase)}


@pytest.mark.parametrize(
    ("from_phase", "to_phase"),
    [(f, t) for f in IncubationPhase for t in IncubationPhase if f != t],
)
def test_it_changes_the_phase_only_along_its_table(db, from_phase, to_phase):
    org = RegisteredOrganizationFactory()
    for phase in PHASE_ROUTE[from_phase]:
        services.organization_change_phase(organization=org, to_phase=phase, actor=None)
    assert org.incubation_phase == from_phase

    if to_phase in PHASE_TRANSITIONS[from_phase]:
        event = services.organization_change_phase(organization=org, to_phase=to_phase, actor=None)
        assert (event.from_value, event.to_value) == (from_phase, to_phase)
    else:
        with pytest.raises(ActionRefused):
            services.organization_change_phase(organization=org, to_phase=to_phase, actor=None)
    org.refresh_from_db()
    expected = to_phase if to_phase in PHASE_TRANSITIONS[from_phase] else from_phase
    assert org.incubation_phase == expected


def test_it_returns_none_for_the_current_phase_and_refuses_community_staff(tenant):
    org = tenant_org(tenant, Stage.REGISTRATION)
    assert services.organization_change_phase(organization=org, to_phase="", actor=None) is None
    with pytest.raises(ActionRefused):
        services.organization_change_phase(
            organization=org, to_phase="entered", actor=tenant.community_staff
        )
    assert not OrganizationEvent.objects.filter(kind=EventKind.PHASE_CHANGED).exists()


# --- 换届 -----------------------------------------------------------------------------------


def org_with_term(stage, end=date(2026, 11, 30), **fields):
    return org_in(stage, term_start=date(2021, 12, 1), term_end=end, **fields)


def renew(org, end=date(2031, 11, 30), actor=None, evidence=EVIDENCE["re_election"]):
    return services.re_election_complete(
        organization=org, term_start=date(2026, 12, 1), term_end=end, actor=actor, evidence=evidence
    )


def test_it_completes_a_re_election_with_the_new_term(tenant):
    org = org_with_term(Stage.RE_ELECTION, community=tenant.community)
    renew(org, actor=tenant.street_admin)
    org.refresh_from_db()
    assert org.stage == Stage.MANAGEMENT
    assert (org.term_start, org.term_end) == (date(2026, 12, 1), date(2031, 11, 30))
    renewed = OrganizationEvent.objects.get(organization=org, kind=EventKind.TERM_RENEWED)
    assert (renewed.from_value, renewed.to_value) == ("2026-11-30", "2031-11-30")
    assert renewed.evidence == {
        "old": ["2021-12-01", "2026-11-30"],
        "new": ["2026-12-01", "2031-11-30"],
    }


def test_it_refuses_a_re_election_without_the_party_pre_review(db):
    org = org_with_term(Stage.RE_ELECTION)
    LeadershipPreReview.objects.filter(organization=org).delete()
    with pytest.raises(ActionRefused):
        renew(org)
    org.refresh_from_db()
    assert (org.stage, org.term_end) == (Stage.RE_ELECTION, date(2026, 11, 30))
    assert not OrganizationEvent.objects.filter(kind=EventKind.TERM_RENEWED).exists()


@pytest.mark.parametrize("end", [date(2031, 12, 2), date(2026, 12, 1), date(2026, 11, 1)])
def test_it_refuses_a_new_term_longer_than_five_years_or_ending_before_it_starts(db, end):
    org = org_with_term(Stage.RE_ELECTION)
    with pytest.raises(ValidationError) as exc:
        renew(org, end=end)
    assert "term_end" in exc.value.message_dict
    org.refresh_from_db()
    assert org.stage == Stage.RE_ELECTION


@pytest.mark.parametrize("stage", [Stage.MANAGEMENT, Stage.ANNUAL_REVIEW])
def test_it_refuses_to_complete_a_re_election_outside_the_re_election_stage(db, stage):
    org = org_with_term(stage)
    evidence = {**EVIDENCE["re_election"], **EVIDENCE["annual_review"]}
    with translation.override("en"), pytest.raises(ActionRefused) as exc:
        renew(org, evidence=evidence)
    assert exc.value.message.startswith("Only an organization in re-election")
    org.refresh_from_db()
    assert (org.stage, org.term_end) == (stage, date(2026, 11, 30))


def test_it_treats_a_repeated_re_election_completion_as_done(db):
    org = org_with_term(Stage.RE_ELECTION)
    renew(org)
    renew(org)
    assert OrganizationEvent.objects.filter(kind=EventKind.TERM_RENEWED).count() == 1


def extend(org, until, actor, reason="疫情原因延期换届"):
    return services.term_extend(organization=org, until=until, actor=actor, reason=reason)


def term_ending(tenant, end):
    return org_with_term(Stage.MANAGEMENT, end=end, community=tenant.community)


def test_it_extends_a_term_by_at_most_twelve_months(tenant):
    org = term_ending(tenant, date(2027, 6, 30))
    extend(org, date(2028, 6, 30), tenant.street_admin)
    org.refresh_from_db()
    assert org.term_extended_until == date(2028, 6, 30)
    event = OrganizationEvent.objects.get(organization=org, kind=EventKind.TERM_RENEWED)
    assert (event.from_value, event.to_value) == ("2027-06-30", "2028-06-30")
    assert event.evidence == {"extension": True} and event.note == "疫情原因延期换届"


@pytest.mark.parametrize("until", [date(2028, 7, 1), date(2027, 6, 30)])
def test_it_refuses_an_extension_beyond_a_year_or_before_the_term_end(tenant, until):
    org = term_ending(tenant, date(2027, 6, 30))
    with translation.override("en"), pytest.raises(ActionRefused) as exc:
        extend(org, until, tenant.street_admin)
    assert "12 months" in exc.value.message and "June 30, 2027" in exc.value.message
    org.refresh_from_db()
    assert org.term_extended_until is None


def test_it_refuses_an_extension_asked_less_than_three_months_ahead(tenant):
    org = term_ending(tenant, date(2027, 2, 27))
    with translation.override("en"), pytest.raises(ActionRefused) as exc:
        extend(org, date(2027, 8, 31), tenant.street_admin)
    assert "Nov. 27, 2026" in exc.value.message and "3 months" in exc.value.message
    with translation.override("zh-hans"), pytest.raises(ActionRefused) as exc:
        extend(org, date(2027, 8, 31), tenant.street_admin)
    assert "2026年11月27日" in exc.value.message


def test_it_accepts_an_extension_asked_exactly_three_months_ahead(tenant):
    org = term_ending(tenant, date(2027, 2, 28))
    extend(org, date(2027, 8, 31), tenant.street_admin)
    org.refresh_from_db()
    assert org.term_extended_until == date(2027, 8, 31)


def test_it_refuses_an_extension_to_community_staff_or_without_a_term(tenant):
    org = term_ending(tenant, date(2027, 6, 30))
    with pytest.raises(ActionRefused):
        extend(org, date(2027, 12, 31), tenant.community_staff)
    with pytest.raises(ActionRefused):
        extend(tenant_org(tenant, Stage.MANAGEMENT), date(2027, 12, 31), tenant.street_admin)


def test_it_refuses_street_staff_of_another_street_an_extension_or_a_phase_change(
    tenant, outsider_tenant
):
    org = term_ending(tenant, date(2027, 6, 30))
    with translation.override("en"), pytest.raises(ActionRefused) as exc:
        extend(org, date(2027, 12, 31), outsider_tenant.street_admin)
    assert exc.value.message == "This organization is not in your area."
    with pytest.raises(ActionRefused):
        services.organization_change_phase(
            organization=org, to_phase="entered", actor=outsider_tenant.street_admin
        )
    org.refresh_from_db()
    assert (org.term_extended_until, org.incubation_phase) == (None, "")


# --- A street administrator's override of a missing checkpoint -----------------------------

REASON = "街道党工委会议同意先行入驻,一个月内派驻党建指导员"


def test_it_lets_street_staff_pass_a_missing_checkpoint_with_a_reason(tenant):
    from audit.models import AuditEntry

    org = org_placed_in(Stage.ONBOARDING, **NO_FACTS)
    Organization.objects.filter(pk=org.pk).update(community=tenant.community)
    org.refresh_from_db()

    with translation.override("en"):
        event = change(
            org, Stage.MANAGEMENT, actor=tenant.street_admin, override_reason=f"  {REASON} "
        )

    assert org.stage == Stage.MANAGEMENT
    override = CheckpointOverride.objects.get(organization=org)
    assert (override.stage, override.to_stage) == (Stage.ONBOARDING, Stage.MANAGEMENT)
    assert (override.reason, override.actor, override.event) == (REASON, tenant.street_admin, event)
    assert "no party coverage is recorded" in override.missing
    assert event.evidence["override"] == {"missing": [override.missing], "reason": REASON}
    assert event.evidence["checkpoint"] == {"coverage": "none"}
    logged = AuditEntry.objects.get(model="checkpointoverride", object_pk=str(override.pk))
    assert logged.changes and logged.action == "create"


@pytest.mark.parametrize("who", ["community_staff", "system"])
def test_it_refuses_an_override_to_anyone_but_street_staff(tenant, who):
    org = org_placed_in(Stage.ONBOARDING, **NO_FACTS)
    Organization.objects.filter(pk=org.pk).update(community=tenant.community)
    org.refresh_from_db()
    actor = None if who == "system" else tenant.community_staff

    with translation.override("en"), pytest.raises(ActionRefused) as exc:
        change(org, Stage.MANAGEMENT, actor=actor, override_reason=REASON)

    assert exc.value.message == (
        "Only street staff may let a stage pass without its party-building checkpoint."
    )
    org.refresh_from_db()
    assert org.stage == Stage.ONBOARDING
    assert not CheckpointOverride.objects.exists()


def test_a_blank_reason_is_no_override(tenant):
    org = org_placed_in(Stage.MANAGEMENT, **{**ALL_FACTS, "activity": False})
    Organization.objects.filter(pk=org.pk).update(community=tenant.community)

    with translation.override("en"), pytest.raises(ActionRefused) as exc:
        change(org, Stage.ANNUAL_REVIEW, actor=tenant.street_admin, override_reason="   ")

    assert "party-building checkpoint is missing" in exc.value.message
    assert exc.value.checkpoint == Stage.MANAGEMENT
    assert not CheckpointOverride.objects.exists()


def test_a_reason_given_when_nothing_is_missing_records_no_override(tenant):
    org = org_in(Stage.ONBOARDING, community=tenant.community)

    event = change(org, Stage.MANAGEMENT, actor=tenant.street_admin, override_reason=REASON)

    assert "override" not in event.evidence
    assert not CheckpointOverride.objects.exists()


def test_an_override_of_re_election_completes_the_new_term(tenant):
    org = org_with_term(Stage.RE_ELECTION, community=tenant.community)
    LeadershipPreReview.objects.filter(organization=org).delete()

    services.re_election_complete(
        organization=org,
        term_start=date(2026, 12, 1),
        term_end=date(2031, 11, 30),
        actor=tenant.street_admin,
        override_reason=REASON,
    )

    org.refresh_from_db()
    assert (org.stage, org.term_end) == (Stage.MANAGEMENT, date(2031, 11, 30))
    assert CheckpointOverride.objects.get(organization=org).stage == Stage.RE_ELECTION
