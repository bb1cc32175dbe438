"""The demo party building: the article's 1+6+X tree of 凯益荟 with 326 members.

Seeding takes a while, so one test seeds twice (under a frozen clock, like the registry's
demo test: early in January there are not yet 300 activities dated this year) and checks
everything.
"""

import datetime
from zoneinfo import ZoneInfo

import time_machine
from django.core.management import call_command

from accounts.models import Street
from core.identifiers import validate_mobile_or_phone, validate_resident_id
from incubation.models import CheckpointOverride, Organization, OrganizationEvent
from incubation.workflows import Stage
from partybuilding.choices import ActivityKind, DevelopmentStage, Establishment, PartyOrgKind
from partybuilding.demo import COMMITTEE_NAME
from partybuilding.models import (
    Development,
    InstructorAssignment,
    PartyActivity,
    PartyCoverage,
    PartyMember,
    PartyOrganization,
)
from partybuilding.selectors import (
    ORGANIZATION_COVERED,
    WORK_COVERED,
    compliance,
    coverage_by_organization,
    coverage_rates,
    cross_appointments,
    in_register,
)

TODAY = datetime.date(2026, 11, 28)
FROZEN = datetime.datetime(2026, 11, 28, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
REACHED = (DevelopmentStage.PROBATIONARY, DevelopmentStage.FULL)


def _counts(street):
    party_orgs = PartyOrganization.objects.filter(street=street)
    return {
        "committees": party_orgs.filter(kind=PartyOrgKind.COMMITTEE).count(),
        "general_branches": party_orgs.filter(kind=PartyOrgKind.GENERAL_BRANCH).count(),
        "branches": party_orgs.filter(kind=PartyOrgKind.BRANCH).count(),
        "members": PartyMember.objects.filter(branch__street=street).count(),
        "cross": cross_appointments(street).count,
        "developed": Development.objects.filter(branch__street=street, stage__in=REACHED).count(),
        "developments": Development.objects.filter(branch__street=street).count(),
        "coverages": PartyCoverage.objects.count(),
        "instructors": InstructorAssignment.objects.count(),
        "activities": PartyActivity.objects.filter(date__year=TODAY.year).count(),
    }


def test_seed_demo_builds_the_party_tree_of_the_article(db, settings, capsys):
    settings.DEBUG = True
    with time_machine.travel(FROZEN, tick=False):
        call_command("seed_demo")
        street = Street.objects.get(name="凯旋街道")
        first = _counts(street)
        call_command("seed_demo")
        assert _counts(street) == first
    out = capsys.readouterr().out
    assert "party_members: 326" in out
    assert "party_cross_appointments: 23" in out

    # 党委下设6个总支、36个党支部、党员326名; 23名负责人任书记; 累计发展党员35名.
    assert first["committees"] == 1
    assert PartyOrganization.objects.get(kind=PartyOrgKind.COMMITTEE).name == COMMITTEE_NAME
    assert first["general_branches"] == 6
    assert first["branches"] == 36
    assert first["members"] == 326
    assert first["cross"] == 23
    assert first["developed"] == 35
    assert first["developments"] > 35  # more on the way

    branches = list(PartyOrganization.objects.filter(kind=PartyOrgKind.BRANCH))
    assert {b.parent.kind for b in branches} == {PartyOrgKind.GENERAL_BRANCH}
    assert {b.establishment for b in branches} == set(Establishment.values)
    assert all(b.secretary_id and b.secretary.branch_id == b.pk for b in branches)
    for branch in branches:
        covered = branch.coverages.active().count()
        if branch.establishment == Establishment.SINGLE:
            assert covered == 1
            org = branch.coverages.get().organization
            assert org.party_members.filter(status="full").count() >= 3
        elif branch.establishment == Establishment.JOINT:
            assert 2 <= covered <= 5
        else:
            assert covered == 0
    assert any(TODAY < b.term_end <= TODAY + datetime.timedelta(days=90) for b in branches)
    for row in cross_appointments(street).rows:
        assert row.organization.leader_political_status == "party_member"
        assert row.member.phone == row.organization.leader_phone

    # Members: valid resident IDs (birth date and sex agree), mobiles, plausible dates.
    for member in PartyMember.objects.select_related("organization"):
        info = validate_resident_id(member.id_number, birth_date=member.birth_date, sex=member.sex)
        assert info.number == member.id_number
        assert 1950 <= member.birth_date.year <= 2000
        assert validate_mobile_or_phone(member.phone) == member.phone
        assert member.joined_on <= TODAY
        assert member.joined_on.year - member.birth_date.year >= 18
    with_org = PartyMember.objects.filter(organization__isnull=False)
    assert with_org.count() > 326 / 2
    for development in Development.objects.filter(stage__in=REACHED):
        assert development.member is not None
        steps = [
            development.applied_on,
            development.activist_on,
            development.candidate_on,
            development.admitted_on,
        ]
        assert steps == sorted(steps) and steps[-1] <= TODAY
        assert development.candidate_on >= development.activist_on + datetime.timedelta(days=365)
    assert Development.objects.filter(stage=DevelopmentStage.FULL).count() > 35 / 2

    # Organizational life this year: > 300 activities, the 25th of every month so far.
    activities = PartyActivity.objects.filter(date__year=TODAY.year)
    assert first["activities"] >= 300
    assert not activities.filter(date__gt=TODAY).exists()
    for month in range(1, TODAY.month + 1):
        day = datetime.date(TODAY.year, month, 25)
        if day <= TODAY:
            assert activities.filter(kind=ActivityKind.DEDICATION_DAY, date=day).exists(), day
    rows = compliance(PartyOrganization.objects.all(), TODAY.year, TODAY.month)
    cells = [cell for row in rows for cell in row.months if not cell.before_founding]
    assert 0.9 <= sum(cell.ok for cell in cells) / len(cells) < 1  # mostly ✓, a few gaps

    # 双覆盖: every organization past 登记 in the register is covered by organization or by
    # work; every one with ≥ 3 full members (where a branch can be built) by organization.
    # Few have a branch; the others an instructor; only the newest registrations neither.
    orgs = Organization.objects.filter(community__street=street)
    with time_machine.travel(FROZEN, tick=False):
        rates = coverage_rates(orgs).total
        rows = list(coverage_by_organization(in_register(orgs)))
    assert [
        r.name
        for r in rows
        if r.stage != Stage.REGISTRATION and r.coverage_kind not in WORK_COVERED
    ] == []
    assert [
        r.name for r in rows if r.full_members >= 3 and r.coverage_kind not in ORGANIZATION_COVERED
    ] == []
    registering = sum(r.stage == Stage.REGISTRATION for r in rows)
    assert rates.work_covered == rates.denominator - registering
    assert 0.9 <= rates.work_rate < 1
    assert 0.1 <= rates.organization_rate < rates.work_rate
    assert rates.covered_by_override == 0
    assert not CheckpointOverride.objects.exists()
    # Every stage change passed a checkpoint that reads records: nothing typed for them.
    assert not OrganizationEvent.objects.filter(evidence__given__has_key="coverage").exists()
