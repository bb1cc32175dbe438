"""Builders of award campaigns: a campaign open for nominations in tenant a's street,
organizations that meet its rules, a panel, scores and a published result."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from awards.services.campaigns import campaign_create, campaign_transition
from awards.services.nominations import nomination_create
from awards.services.panel import judge_assign, score_record
from awards.workflows import CampaignStatus
from incubation.models import Organization
from incubation.workflows import Stage
from tests.factories import record_party_facts

TODAY = datetime.date(2026, 11, 28)
NOW = datetime.datetime(2026, 11, 28, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
PDF = b"%PDF-1.4\n%awards test\n"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def pdf(name="事迹材料.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def eligible(org, *, stage=Stage.MANAGEMENT, grade="4A"):
    """Put ``org`` where the campaign's rules admit it: in 管理, graded, with the party
    facts of its checkpoint recorded."""
    Organization.objects.filter(pk=org.pk).update(
        stage=stage,
        grade=grade,
        leader_political_status="party_member",
        party_member_count=3,
    )
    org.refresh_from_db()
    record_party_facts(org)
    return org


def make_campaign(tenant, *, open_it=True, **terms):
    fields = {
        "title": "年度优秀社会组织",
        "year": 2026,
        "criteria": "服务居民成效显著",
        "party_criterion": "党组织覆盖、党建活动开展情况",
        "award_count": 1,
        "min_grade": "3A",
        "allowed_stages": [Stage.MANAGEMENT, Stage.AWARDS],
        "nominations_open_on": TODAY - datetime.timedelta(days=10),
        "nominations_close_on": TODAY + datetime.timedelta(days=10),
        **terms,
    }
    campaign = campaign_create(street=tenant.street, actor=tenant.street_admin, **fields)
    if open_it:
        campaign_transition(
            campaign=campaign, to=CampaignStatus.NOMINATING, actor=tenant.street_admin
        )
    return campaign


@pytest.fixture
def campaign(tenant):
    return make_campaign(tenant)


def nominate(campaign, org, actor, **kwargs):
    return nomination_create(
        campaign=campaign, organization=org, actor=actor, statement="服务老人三千人次", **kwargs
    )


def to_scoring(campaign, tenant, judges=None):
    for judge in judges or [tenant.evaluator]:
        judge_assign(campaign=campaign, judge=judge, actor=tenant.street_admin)
    campaign_transition(campaign=campaign, to=CampaignStatus.SCORING, actor=tenant.street_admin)
    return campaign


def score(nomination, judge, points):
    return score_record(nomination=nomination, actor=judge, points=points)


def publish(campaign, tenant, today=TODAY):
    return campaign_transition(
        campaign=campaign, to=CampaignStatus.NOTICE, actor=tenant.street_admin, today=today
    )
