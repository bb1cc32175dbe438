"""Award campaigns through their services: eligibility refused in words with nothing
written, the panel with evaluation's conflicts of interest, deterministic ties, the public
notice with objections, closing into honours and the lifecycle's 评选 stage, and the 评选
checkpoint read from the campaign."""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from awards.models import AwardScore, CampaignEvent, Honour, Nomination, NominationMaterial
from awards.services.campaigns import campaign_close, campaign_transition
from awards.services.objections import objection_decide, objection_file
from awards.services.panel import award_conflict_declare
from awards.workflows import CampaignStatus, NominationStatus, ObjectionStatus
from core.errors import ActionRefused
from evaluation.models import ConflictDeclaration
from incubation.choices import EventKind
from incubation.models import CreditListing, OrganizationEvent
from incubation.selectors import checkpoint_status
from incubation.services import organization_change_stage
from incubation.workflows import Stage
from tests.awards.conftest import (
    TODAY,
    eligible,
    make_campaign,
    nominate,
    pdf,
    publish,
    score,
    to_scoring,
)
from tests.factories import OrganizationFactory, UserFactory

AFTER_NOTICE = TODAY + datetime.timedelta(days=8)


def _nothing_written():
    assert not Nomination.objects.exists()
    assert not NominationMaterial.objects.exists()


# --- Nominations and eligibility -----------------------------------------------------------


def test_it_takes_a_self_nomination_with_materials(tenant, campaign):
    org = eligible(tenant.org)
    nomination = nominate(campaign, org, tenant.leader, uploaded=pdf())
    assert nomination.nominated_as == "self"
    assert nomination.materials.get().original_name == "事迹材料.pdf"
    assert CampaignEvent.objects.filter(campaign=campaign, kind="nomination").exists()


def test_community_staff_nominate_their_communitys_organizations_only(tenant, campaign):
    nomination = nominate(campaign, eligible(tenant.org), tenant.community_staff)
    assert nomination.nominated_as == "community"
    with pytest.raises(ActionRefused, match="may nominate|可以提名"):
        nominate(campaign, eligible(tenant.other_org), tenant.community_staff)


def test_it_refuses_a_grade_below_the_minimum_and_writes_nothing(tenant, campaign):
    org = eligible(tenant.org, grade="2A")
    with translation.override("en"), pytest.raises(ActionRefused) as exc:
        nominate(campaign, org, tenant.street_admin, uploaded=pdf())
    assert exc.value.missing == ["its grade is 2A; the campaign asks for at least 3A"]
    _nothing_written()


def test_it_refuses_an_organization_without_a_grade(tenant, campaign):
    org = eligible(tenant.org, grade="")
    with pytest.raises(ActionRefused, match="has no grade|尚无评估等级"):
        nominate(campaign, org, tenant.street_admin)
    _nothing_written()


def test_it_refuses_an_organization_on_a_credit_list(tenant, campaign):
    org = eligible(tenant.org)
    CreditListing.objects.create(
        organization=org, list_kind="abnormal", ground="unreachable", listed_on=TODAY
    )
    with pytest.raises(ActionRefused, match="list|名录|名单"):
        nominate(campaign, org, tenant.street_admin)
    _nothing_written()


def test_it_admits_a_listed_organization_when_the_campaign_does_not_ask(tenant):
    campaign = make_campaign(tenant, exclude_credit_listed=False)
    org = eligible(tenant.org)
    CreditListing.objects.create(
        organization=org, list_kind="abnormal", ground="unreachable", listed_on=TODAY
    )
    assert nominate(campaign, org, tenant.street_admin).pk


def test_it_refuses_a_stage_the_campaign_does_not_admit(tenant, campaign):
    org = eligible(tenant.org, stage=Stage.ANNUAL_REVIEW)
    with pytest.raises(ActionRefused, match="the campaign admits|本次评选只接受"):
        nominate(campaign, org, tenant.street_admin)
    _nothing_written()


def test_it_refuses_an_organization_without_its_party_checkpoint(tenant, campaign):
    org = tenant.org
    type(org).objects.filter(pk=org.pk).update(stage=Stage.MANAGEMENT, grade="4A")
    org.refresh_from_db()  # no party coverage and no party activity recorded
    assert not checkpoint_status(org, org.stage).met
    with pytest.raises(ActionRefused, match="party-building checkpoint|党建节点"):
        nominate(campaign, org, tenant.street_admin)
    _nothing_written()


def test_it_names_every_failed_rule_at_once(tenant, campaign):
    org = eligible(tenant.org, grade="1A", stage=Stage.RE_ELECTION)
    CreditListing.objects.create(
        organization=org, list_kind="abnormal", ground="unreachable", listed_on=TODAY
    )
    with pytest.raises(ActionRefused) as exc:
        nominate(campaign, org, tenant.street_admin)
    assert len(exc.value.missing) == 3


def test_it_refuses_outside_the_window_and_twice(tenant, campaign):
    org = eligible(tenant.org)
    with pytest.raises(ActionRefused, match="taken from|提名时间"):
        nominate(campaign, org, tenant.street_admin, today=TODAY + datetime.timedelta(days=30))
    nominate(campaign, org, tenant.street_admin)
    with pytest.raises(ActionRefused, match="already nominated|已被提名"):
        nominate(campaign, org, tenant.leader)


def test_it_refuses_a_bad_file_and_writes_nothing(tenant, campaign):
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("x.exe", b"MZ\x90\x00", content_type="application/pdf")
    with pytest.raises(ValidationError):
        nominate(campaign, eligible(tenant.org), tenant.leader, uploaded=bad)
    _nothing_written()


def test_a_leader_may_not_nominate_another_organization(tenant, campaign):
    with pytest.raises(ActionRefused):
        nominate(campaign, eligible(tenant.other_org), tenant.leader)


# --- The panel -----------------------------------------------------------------------------


def test_a_judge_with_a_declared_conflict_may_not_score(tenant, campaign):
    nomination = nominate(campaign, eligible(tenant.org), tenant.street_admin)
    to_scoring(campaign, tenant)
    ConflictDeclaration.objects.create(
        evaluator=tenant.evaluator, organization=tenant.org, reason="本人为该组织会员"
    )
    with pytest.raises(ActionRefused, match="conflict of interest|利益冲突"):
        score(nomination, tenant.evaluator, 90)
    assert not AwardScore.objects.exists()


def test_declaring_a_conflict_uses_evaluations_register_and_drops_the_score(tenant, campaign):
    nomination = nominate(campaign, eligible(tenant.org), tenant.street_admin)
    to_scoring(campaign, tenant)
    score(nomination, tenant.evaluator, 90)
    award_conflict_declare(nomination=nomination, actor=tenant.evaluator, reason="顾问")
    assert ConflictDeclaration.objects.filter(
        evaluator=tenant.evaluator, organization=tenant.org
    ).exists()
    assert not AwardScore.objects.exists()
    with pytest.raises(ActionRefused):
        score(nomination, tenant.evaluator, 80)


def test_only_the_panel_scores_and_within_0_to_100(tenant, campaign):
    nomination = nominate(campaign, eligible(tenant.org), tenant.street_admin)
    to_scoring(campaign, tenant)
    outsider = UserFactory(username="a-expert2", role="evaluator", street=tenant.street)
    with pytest.raises(ActionRefused, match="judges|评审专家"):
        score(nomination, outsider, 80)
    with pytest.raises(ActionRefused, match="0 to 100|0 到 100"):
        score(nomination, tenant.evaluator, 101)
    assert score(nomination, tenant.evaluator, "88.5").points == Decimal("88.50")


def _two_tied(tenant, campaign):
    first = nominate(campaign, eligible(tenant.org), tenant.street_admin)
    second = nominate(campaign, eligible(tenant.other_org), tenant.street_admin)
    other = UserFactory(username="a-expert2", role="evaluator", street=tenant.street)
    to_scoring(campaign, tenant, judges=[tenant.evaluator, other])
    score(first, tenant.evaluator, 90)
    score(first, other, 80)
    score(second, tenant.evaluator, 85)
    score(second, other, 85)
    return first, second


def test_the_result_is_the_mean_and_ties_go_to_the_earlier_nomination(tenant, campaign):
    first, second = _two_tied(tenant, campaign)
    publish(campaign, tenant)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.mean_score == second.mean_score == Decimal("85.00")
    assert (first.rank, first.status) == (1, NominationStatus.AWARDED)
    assert (second.rank, second.status) == (2, NominationStatus.NOT_AWARDED)
    campaign.refresh_from_db()
    assert campaign.notice_ends_on == TODAY + datetime.timedelta(days=7)


def test_publishing_refuses_an_unscored_nomination(tenant, campaign):
    nominate(campaign, eligible(tenant.org), tenant.street_admin)
    to_scoring(campaign, tenant)
    with pytest.raises(ActionRefused, match="not scored|尚未评分"):
        publish(campaign, tenant)
    assert campaign.status == CampaignStatus.SCORING


# --- Notice, objections, closing -----------------------------------------------------------


def _on_notice(tenant, campaign):
    first, second = _two_tied(tenant, campaign)
    publish(campaign, tenant)
    return first, second


def test_an_upheld_objection_withdraws_the_award_and_is_recorded(tenant, campaign):
    first, _second = _on_notice(tenant, campaign)
    objection = objection_file(nomination=first, actor=tenant.party_worker, reason="材料不实")
    objection_decide(
        objection=objection, upheld=True, reason="经核实材料不实", actor=tenant.street_admin
    )
    first.refresh_from_db()
    assert first.status == NominationStatus.REVOKED
    assert CampaignEvent.objects.filter(
        campaign=campaign, kind="objection", to_value=ObjectionStatus.UPHELD
    ).exists()
    outcome = campaign_close(campaign=campaign, actor=tenant.street_admin, today=AFTER_NOTICE)
    assert outcome.notes == []
    assert not Honour.objects.exists()


def test_a_dismissed_objection_keeps_the_award(tenant, campaign):
    first, _second = _on_notice(tenant, campaign)
    objection = objection_file(nomination=first, actor=tenant.leader, reason="不服")
    with pytest.raises(ActionRefused, match="reason|理由"):
        objection_decide(objection=objection, upheld=False, reason="", actor=tenant.street_admin)
    decided = objection_decide(
        objection=objection, upheld=False, reason="评分程序合规", actor=tenant.street_admin
    )
    assert decided.status == ObjectionStatus.DISMISSED
    first.refresh_from_db()
    assert first.status == NominationStatus.AWARDED


def test_objections_only_during_the_notice_and_closing_only_after_it(tenant, campaign):
    first, second = _on_notice(tenant, campaign)
    with pytest.raises(ActionRefused, match="award on notice|公示中的获奖"):
        objection_file(nomination=second, actor=tenant.leader, reason="x")
    objection = objection_file(nomination=first, actor=tenant.leader, reason="x")
    with pytest.raises(ActionRefused, match="runs until|公示期至"):
        campaign_close(campaign=campaign, actor=tenant.street_admin, today=TODAY)
    with pytest.raises(ActionRefused, match="objections first|请先处理异议"):
        campaign_close(campaign=campaign, actor=tenant.street_admin, today=AFTER_NOTICE)
    with pytest.raises(ActionRefused, match="public notice|公示期间"):
        objection_file(nomination=first, actor=tenant.leader, reason="x", today=AFTER_NOTICE)
    objection_decide(objection=objection, upheld=False, reason="不成立", actor=tenant.street_admin)
    campaign_close(campaign=campaign, actor=tenant.street_admin, today=AFTER_NOTICE)
    assert campaign.status == CampaignStatus.CLOSED


def test_closing_makes_honours_and_moves_the_stage_with_a_timeline_row(tenant, campaign):
    first, second = _on_notice(tenant, campaign)
    outcome = campaign_close(campaign=campaign, actor=tenant.street_admin, today=AFTER_NOTICE)
    honour = Honour.objects.get()
    assert (honour.organization, honour.title, honour.awarded_on) == (
        tenant.org,
        "年度优秀社会组织",
        AFTER_NOTICE,
    )
    tenant.org.refresh_from_db()
    assert tenant.org.stage == Stage.AWARDS
    event = OrganizationEvent.objects.get(
        organization=tenant.org, kind=EventKind.STAGE_CHANGED, to_value=Stage.AWARDS
    )
    assert event.actor == tenant.street_admin
    assert len(outcome.notes) == 1
    assert CampaignEvent.objects.filter(campaign=campaign, kind="honour").count() == 1
    second.refresh_from_db()
    assert second.status == NominationStatus.NOT_AWARDED


def test_closing_records_the_honour_and_leaves_a_stage_that_cannot_move(tenant):
    campaign = make_campaign(
        tenant, allowed_stages=[Stage.ANNUAL_REVIEW], require_party_checkpoint=False
    )
    nomination = nominate(
        campaign, eligible(tenant.org, stage=Stage.ANNUAL_REVIEW), tenant.street_admin
    )
    to_scoring(campaign, tenant)
    score(nomination, tenant.evaluator, 90)
    publish(campaign, tenant)
    with translation.override("en"):
        outcome = campaign_close(campaign=campaign, actor=tenant.street_admin, today=AFTER_NOTICE)
    assert Honour.objects.filter(organization=tenant.org).exists()
    tenant.org.refresh_from_db()
    assert tenant.org.stage == Stage.ANNUAL_REVIEW
    assert "does not lead to the awards stage" in outcome.notes[0]


def test_a_person_honour_is_masked_on_public_values(tenant):
    from awards.selectors import latest_honours

    campaign = make_campaign(tenant, awardee_kind="person", title="优秀党员志愿者")
    nomination = nominate(campaign, eligible(tenant.org), tenant.street_admin, person_name="王小华")
    to_scoring(campaign, tenant)
    score(nomination, tenant.evaluator, 90)
    publish(campaign, tenant)
    campaign_close(campaign=campaign, actor=tenant.street_admin, today=AFTER_NOTICE)
    assert latest_honours(5)[0]["awardee"] == "王*华"
    tenant.org.refresh_from_db()
    assert tenant.org.stage == Stage.MANAGEMENT  # a person's honour moves no stage


def test_only_street_staff_move_a_campaign(tenant, campaign):
    with pytest.raises(ActionRefused, match="street's staff|街道工作人员"):
        campaign_transition(campaign=campaign, to="cancelled", actor=tenant.community_staff)
    outcome = campaign_transition(campaign=campaign, to="nominating", actor=tenant.street_admin)
    assert outcome.changed is False


# --- The 评选 checkpoint ---------------------------------------------------------------------


def test_the_awards_checkpoint_reads_the_campaign_not_the_flag(tenant, campaign):
    org = eligible(tenant.org)
    Organization = type(org)
    Organization.objects.filter(pk=org.pk).update(stage=Stage.AWARDS)
    org.refresh_from_db()
    with pytest.raises(ActionRefused, match="honour|荣誉"):
        organization_change_stage(
            organization=org,
            to_stage=Stage.MANAGEMENT,
            actor=tenant.street_admin,
            evidence={"party_building_in_criteria": True},
        )
    Organization.objects.filter(pk=org.pk).update(stage=Stage.MANAGEMENT)
    org.refresh_from_db()
    nomination = nominate(campaign, org, tenant.street_admin)
    to_scoring(campaign, tenant)
    score(nomination, tenant.evaluator, 90)
    publish(campaign, tenant)
    campaign_close(campaign=campaign, actor=tenant.street_admin, today=AFTER_NOTICE)
    org.refresh_from_db()
    assert org.stage == Stage.AWARDS
    status = checkpoint_status(org, Stage.AWARDS)
    assert status.met
    event = organization_change_stage(
        organization=org, to_stage=Stage.MANAGEMENT, actor=tenant.street_admin
    )
    assert event.evidence["checkpoint"]["campaign"] == campaign.pk


def test_a_street_admin_may_still_override_the_awards_checkpoint(tenant):
    org = OrganizationFactory(community=tenant.community)
    type(org).objects.filter(pk=org.pk).update(stage=Stage.AWARDS)
    org.refresh_from_db()
    event = organization_change_stage(
        organization=org,
        to_stage=Stage.MANAGEMENT,
        actor=tenant.street_admin,
        override_reason="区级表彰，纸质材料已核",
    )
    assert event.checkpoint_override.stage == Stage.AWARDS
