"""Demo award campaigns (评选), run by the services from the demo's records: last year's
三 campaigns — 年度优秀社会组织, 种子创投标兵 (among grantees) and 优秀党员志愿者 (people,
shown masked in public) — nominated, scored by the panel, published for notice (one
objection dismissed) and closed into honours; this year's 年度优秀社会组织 is open for
nominations, so a leader can nominate their organization. The services take the day they
act on, so last year's campaigns keep last year's dates."""

from __future__ import annotations

import datetime

from django.db.models import Q

from awards.models import Campaign, Honour
from awards.selectors import eligibility_reasons
from awards.services.campaigns import campaign_close, campaign_create, campaign_transition
from awards.services.nominations import nomination_create
from awards.services.objections import objection_decide, objection_file
from awards.services.panel import judge_assign, score_record
from awards.workflows import CampaignStatus
from evaluation.services.scoring import conflict_reason
from funding.models import Application
from funding.workflows import FUNDED_STATUSES
from incubation.models import Organization
from incubation.workflows import Stage
from partybuilding.models import PartyMember

STAGES = [Stage.MANAGEMENT, Stage.ANNUAL_REVIEW, Stage.RE_ELECTION, Stage.AWARDS]
PARTY_CRITERION = "党组织覆盖与组织生活、党员作用发挥情况占评分的 20%。"


def _candidates(campaign: Campaign, organizations, judge, limit: int) -> list[Organization]:
    """Organizations the campaign's rules admit and the judge may score, best graded first."""
    chosen = []
    for org in organizations.select_related("community").order_by("-grade", "pk")[: limit * 4]:
        if not eligibility_reasons(campaign, org) and not conflict_reason(judge, org):
            chosen.append(org)
        if len(chosen) == limit:
            break
    return chosen


def _run(campaign, nominations, admin, judge, *, opened: datetime.date, objector=None):
    """Score (a spread the order of nomination does not decide), publish, object, close."""
    judge_assign(campaign=campaign, judge=judge, actor=admin)
    campaign_transition(campaign=campaign, to=CampaignStatus.SCORING, actor=admin, today=opened)
    for index, nomination in enumerate(nominations):
        points = 96 - (index * 7) % 23
        score_record(
            nomination=nomination, actor=judge, points=points, comment="事迹突出，材料翔实"
        )
    published_on = opened + datetime.timedelta(days=10)
    campaign_transition(
        campaign=campaign, to=CampaignStatus.NOTICE, actor=admin, today=published_on
    )
    campaign.refresh_from_db()
    if objector is not None:
        awarded = campaign.nominations.filter(status="awarded").order_by("rank").first()
        if awarded is not None:
            objection = objection_file(
                nomination=awarded,
                actor=objector,
                reason="该组织今年活动是否都由本组织开展，请核实。",
                today=published_on + datetime.timedelta(days=2),
            )
            objection_decide(
                objection=objection,
                upheld=False,
                reason="经核对活动记录与签到数据，活动均由该组织组织开展，异议不成立。",
                actor=admin,
            )
    campaign.refresh_from_db()
    campaign_close(
        campaign=campaign,
        actor=admin,
        today=(campaign.notice_ends_on or published_on) + datetime.timedelta(days=1),
    )


def seed_awards(street, users, *, today: datetime.date) -> dict[str, int]:
    """Seed the street's campaigns once (skipped when it has any)."""
    if Campaign.objects.filter(street=street).exists():
        return counts(street)
    admin, judge = users["admin"], users["expert1"]
    year = today.year - 1
    opened = datetime.date(year, 12, 1)
    in_street = Organization.objects.filter(community__street=street)

    best = campaign_create(
        street=street,
        actor=admin,
        title="年度优秀社会组织",
        year=year,
        awardee_kind="organization",
        criteria="服务居民成效、群众满意度、规范运作与年度评估等级。",
        party_criterion=PARTY_CRITERION,
        award_count=5,
        min_grade="3A",
        allowed_stages=STAGES,
        nominations_open_on=opened,
        nominations_close_on=opened + datetime.timedelta(days=5),
    )
    campaign_transition(campaign=best, to=CampaignStatus.NOMINATING, actor=admin, today=opened)
    nominations = [
        nomination_create(
            campaign=best,
            actor=admin,
            organization=org,
            statement=f"{org.name}全年服务居民，评估等级 {org.grade}。",
            today=opened,
        )
        for org in _candidates(best, in_street, judge, 10)
    ]
    if nominations:
        _run(best, nominations, admin, judge, opened=opened, objector=users.get("community1"))

    seeds = campaign_create(
        street=street,
        actor=admin,
        title="种子创投标兵",
        year=year,
        awardee_kind="organization",
        criteria="公益微创投项目按期完成、成效显著、资金使用规范。",
        party_criterion=PARTY_CRITERION,
        award_count=3,
        min_grade="",
        allowed_stages=STAGES,
        nominations_open_on=opened,
        nominations_close_on=opened + datetime.timedelta(days=5),
    )
    campaign_transition(campaign=seeds, to=CampaignStatus.NOMINATING, actor=admin, today=opened)
    grantees = in_street.filter(
        pk__in=Application.objects.filter(status__in=FUNDED_STATUSES).values("organization")
    ).exclude(pk__in=[n.organization_id for n in nominations[:5]])
    seed_nominations = [
        nomination_create(
            campaign=seeds,
            actor=admin,
            organization=org,
            statement=f"{org.name}的微创投项目按期结项，服务对象满意度高。",
            today=opened,
        )
        for org in _candidates(seeds, grantees, judge, 6)
    ]
    if seed_nominations:
        _run(seeds, seed_nominations, admin, judge, opened=opened)

    people = campaign_create(
        street=street,
        actor=admin,
        title="优秀党员志愿者",
        year=year,
        awardee_kind="person",
        criteria="全年志愿服务时长、党员固定奉献日参与和群众评价。",
        party_criterion=PARTY_CRITERION,
        award_count=3,
        min_grade="",
        allowed_stages=STAGES,
        nominations_open_on=opened,
        nominations_close_on=opened + datetime.timedelta(days=5),
    )
    campaign_transition(campaign=people, to=CampaignStatus.NOMINATING, actor=admin, today=opened)
    members = (
        PartyMember.objects.filter(branch__street=street, organization__isnull=False)
        .select_related("organization")
        .order_by("pk")
    )
    person_nominations = []
    for member in members[:40]:
        org = member.organization
        if eligibility_reasons(people, org) or conflict_reason(judge, org):
            continue
        person_nominations.append(
            nomination_create(
                campaign=people,
                actor=admin,
                organization=org,
                person_name=member.name,
                statement=f"{member.name}同志常年参加党员固定奉献日和社区志愿服务。",
                today=opened,
            )
        )
        if len(person_nominations) == 6:
            break
    if person_nominations:
        _run(people, person_nominations, admin, judge, opened=opened)

    # This year's: open for nominations until the end of the month.
    this_year = campaign_create(
        street=street,
        actor=admin,
        title="年度优秀社会组织",
        year=today.year,
        awardee_kind="organization",
        criteria="服务居民成效、群众满意度、规范运作与年度评估等级。",
        party_criterion=PARTY_CRITERION,
        award_count=5,
        min_grade="3A",
        allowed_stages=STAGES,
        nominations_open_on=today.replace(day=1),
        nominations_close_on=today.replace(day=28) + datetime.timedelta(days=4),
    )
    campaign_transition(campaign=this_year, to=CampaignStatus.NOMINATING, actor=admin, today=today)
    return counts(street)


def counts(street) -> dict[str, int]:
    campaigns = Campaign.objects.filter(street=street)
    return {
        "campaigns_held": campaigns.filter(status=CampaignStatus.CLOSED).count(),
        "campaigns_open": campaigns.filter(~Q(status=CampaignStatus.CLOSED)).count(),
        "honours": Honour.objects.filter(campaign__street=street).count(),
    }
