"""The demo registry: 477 organizations of 凯旋街道, 138 active 1+X pairings, valid codes.

Seeding takes a few seconds, so one test seeds (twice, under a frozen clock) and checks
everything; the plan itself is checked without the database.
"""

import datetime
from collections import Counter
from zoneinfo import ZoneInfo

import time_machine
from django.core.management import call_command

from core.identifiers import validate_filing_number, validate_mobile_or_phone, validate_uscc
from incubation.choices import USCC_TYPE_FOR_STATUS, GrowthLevel, LegalStatus
from incubation.demo import ORGANIZATION_TOTAL, PAIRING_TOTAL, build_plan
from incubation.models import CreditListing, IncubationServiceRecord, Organization, Pairing
from incubation.selectors import next_required_action
from incubation.services import GRASSROOTS_LEVELS, MENTOR_GRADES
from incubation.workflows import EXIT_STAGES, LIFECYCLE_STAGES, IncubationPhase, Stage

TODAY = datetime.date(2026, 11, 28)
FROZEN = datetime.datetime(2026, 11, 28, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
COMMUNITIES = ["南肖埠社区", "景昙社区", "凯旋社区", "新风社区", "华家池社区"]


def _counts():
    return (
        Organization.objects.filter(community__street__name="凯旋街道").count(),
        Pairing.objects.active().count(),
        IncubationServiceRecord.objects.count(),
        CreditListing.objects.count(),
    )


def test_the_plan_is_deterministic_and_fits_the_article():
    specs, pairings = build_plan(COMMUNITIES, TODAY)
    again, pairings_again = build_plan(COMMUNITIES, TODAY)
    assert [(s.name, s.identifier, s.stage) for s in specs] == [
        (s.name, s.identifier, s.stage) for s in again
    ]
    assert pairings == pairings_again
    assert len(specs) == ORGANIZATION_TOTAL
    assert len(pairings) == PAIRING_TOTAL
    assert len({s.name for s in specs}) == ORGANIZATION_TOTAL
    assert len({s.identifier for s in specs}) == ORGANIZATION_TOTAL


def test_seed_demo_builds_the_kaixuan_registry(db, settings, capsys):
    settings.DEBUG = True
    with time_machine.travel(FROZEN, tick=False):
        call_command("seed_demo")
        first = _counts()
        call_command("seed_demo")
    assert _counts() == first
    out = capsys.readouterr().out
    assert f"organizations: {ORGANIZATION_TOTAL}" in out
    assert f"pairings: {PAIRING_TOTAL}" in out

    orgs = list(Organization.objects.filter(community__street__name="凯旋街道"))
    assert len(orgs) == ORGANIZATION_TOTAL
    assert Organization.objects.count() == ORGANIZATION_TOTAL

    # Identifiers: registered ones a valid USCC of their type, filed ones a filing number.
    registered = [o for o in orgs if o.legal_status != LegalStatus.FILED]
    for org in registered:
        expected = USCC_TYPE_FOR_STATUS[org.legal_status]
        assert validate_uscc(org.uscc, expected_type=expected) == org.uscc
        assert org.uscc.startswith(f"5{expected}330102")
        assert org.filing_number is None
    for org in orgs:
        if org.legal_status == LegalStatus.FILED:
            assert validate_filing_number(org.filing_number) == org.filing_number
            assert org.uscc is None
        if org.leader_phone:
            assert validate_mobile_or_phone(org.leader_phone) == org.leader_phone
    assert 0.25 <= len(registered) / len(orgs) <= 0.35
    statuses = Counter(o.legal_status for o in orgs)
    assert statuses[LegalStatus.FOUNDATION] >= 1
    assert statuses[LegalStatus.SOCIAL_GROUP] >= 40
    assert statuses[LegalStatus.PRIVATE_NON_ENTERPRISE] >= 40

    # Spread over communities, stages, growth levels, grades and incubation phases.
    assert len({o.community_id for o in orgs}) == 10
    stages = Counter(o.stage for o in orgs)
    assert set(LIFECYCLE_STAGES) <= set(stages)
    assert set(EXIT_STAGES) <= set(stages)
    assert stages[Stage.MANAGEMENT] > ORGANIZATION_TOTAL / 2
    levels = Counter(o.growth_level for o in orgs)
    assert set(levels) == set(GrowthLevel.values)
    assert 15 <= levels[GrowthLevel.HUB_ORG] <= 25
    grades = Counter(o.grade for o in orgs)
    assert 15 <= grades["4A"] + grades["5A"] <= 30
    assert all(o.grade == "" for o in orgs if o.legal_status == LegalStatus.FILED)
    phases = Counter(o.incubation_phase for o in orgs)
    for phase in (IncubationPhase.ENTERED, IncubationPhase.INCUBATING, IncubationPhase.FOLLOW_UP):
        assert phases[phase] > 0
    assert all(
        o.incubation_phase in (IncubationPhase.GRADUATED, IncubationPhase.FOLLOW_UP)
        for o in orgs
        if o.stage == Stage.GRADUATED
    )
    assert all(o.term_end and o.term_start < o.term_end for o in registered)
    active = [o for o in registered if o.stage not in EXIT_STAGES]
    assert any(TODAY < o.term_end <= TODAY + datetime.timedelta(days=90) for o in active)
    assert any(o.term_end < TODAY and not o.term_extended_until for o in active)
    party = sum(o.leader_political_status == "party_member" for o in orgs) / len(orgs)
    assert 0.15 <= party <= 0.35
    assert any((o.party_member_count or 0) >= 3 for o in orgs)
    assert IncubationServiceRecord.objects.exists()
    assert 3 <= CreditListing.objects.count() <= 5

    # 1+X: 138 grassroots organizations, each under one hub or 4A+ mentor.
    pairings = list(Pairing.objects.active().select_related("mentor", "mentee"))
    assert len(pairings) == PAIRING_TOTAL
    assert len({p.mentee_id for p in pairings}) == PAIRING_TOTAL
    for pairing in pairings:
        mentor, mentee = pairing.mentor, pairing.mentee
        assert mentor.growth_level == GrowthLevel.HUB_ORG or mentor.grade in MENTOR_GRADES
        assert mentee.growth_level in GRASSROOTS_LEVELS

    # The demo leaders' organizations.
    leader1_org = Organization.objects.get(leader_accounts__username="leader1")
    assert leader1_org.name == "南肖埠陆号邻里服务社"
    assert leader1_org.legal_status == LegalStatus.SOCIAL_GROUP
    assert (leader1_org.stage, leader1_org.grade) == (Stage.MANAGEMENT, "4A")
    action = next_required_action(leader1_org, today=TODAY)
    assert action.due == datetime.date(2027, 3, 31)
    with time_machine.travel(FROZEN, tick=False):
        assert next_required_action(leader1_org).due == datetime.date(2027, 3, 31)
    leader2_org = Organization.objects.get(leader_accounts__username="leader2")
    assert leader2_org.name == "景新书画院"
    assert leader2_org.legal_status == LegalStatus.PRIVATE_NON_ENTERPRISE
    # The evaluation demo submits leader2's annual review, which moves it 管理 → 年检.
    assert (leader2_org.stage, leader2_org.grade) == (Stage.ANNUAL_REVIEW, "5A")
