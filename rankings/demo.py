"""Demo rankings, made by the services from the demo's own records: a published scoring
scheme, the monthly rankings of the last twelve months and last year's yearly ranking,
final; last month's ranking on public notice now, with two leaders' objections — one
dismissed, one upheld after the missing record was added, which re-ran the ranking into a
corrected snapshot.

The services stamp "now"; the earlier months' notice periods are moved back to just after
their month before they are made final, since the demo seeds a year of work in one run."""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.utils import timezone

from incubation.models import Organization
from rankings.choices import PeriodKind, ScopeKind
from rankings.models import Objection, Ranking, RankingEvent, RankingRow
from rankings.rules import ranking_rules
from rankings.services.objections import objection_decide, objection_file
from rankings.services.rankings import ranking_compute, ranking_finalize, ranking_publish
from rankings.services.schemes import scheme_create, scheme_publish
from rankings.workflows import ObjectionStatus
from volunteering.choices import OrganizerKind, Series
from volunteering.services import activities as volunteering_activities
from volunteering.services.places import mark_attendance_of_new_person

MONTHS = 12


def _month_starts(today: datetime.date) -> list[datetime.date]:
    """The first days of the last MONTHS complete months, oldest first."""
    index = today.year * 12 + today.month - 1
    return [
        datetime.date((index - back) // 12, (index - back) % 12 + 1, 1)
        for back in range(MONTHS, 0, -1)
    ]


def _month_end(start: datetime.date) -> datetime.date:
    following = datetime.date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return following - datetime.timedelta(days=1)


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _into_history(rankings: list[Ranking], published_on: datetime.date, admin) -> None:
    """Publish, place the notice in the past, make final."""
    notice_days = ranking_rules().notice_days
    for ranking in rankings:
        ranking_publish(ranking, actor=admin)
        published = _at(published_on)
        until = published + datetime.timedelta(days=notice_days)
        Ranking.objects.filter(pk=ranking.pk).update(published_at=published, notice_until=until)
        ranking.refresh_from_db()
        ranking_finalize(ranking, actor=admin)
        Ranking.objects.filter(pk=ranking.pk).update(finalized_at=until)
        RankingEvent.objects.filter(ranking=ranking).update(created_at=published)


def _late_activity(org: Organization, month: datetime.date, leader, staff) -> None:
    """The 公益伙伴日 the organization held on the 25th but recorded late: drafted,
    approved and its attendance marked now, so the month's ledger gains the facts."""
    day = min(_month_end(month), month.replace(day=25))
    starts = _at(day, 9)
    activity = volunteering_activities.activity_create(
        actor=leader,
        title="公益伙伴日·楼道微更新",
        series=Series.PARTNER_DAY,
        organizer_kind=OrganizerKind.ORGANIZATION,
        organization=org,
        street=org.community.street,
        community=org.community,
        place=f"{org.community.name}党群服务中心",
        capacity=10,
        recruit_until=starts - datetime.timedelta(hours=1),
    )
    session = volunteering_activities.session_add(
        activity, starts_at=starts, ends_at=starts + datetime.timedelta(hours=3), actor=leader
    )
    volunteering_activities.activity_submit(activity, actor=leader)
    volunteering_activities.activity_approve(activity, actor=staff)
    for name in ("居民志愿者甲", "居民志愿者乙", "居民志愿者丙"):
        mark_attendance_of_new_person(
            session,
            name=name,
            actor=leader,
            signed_in_at=session.starts_at,
            signed_out_at=session.ends_at,
        )


def _leaders_ranked(ranking: Ranking, users) -> list[tuple[Organization, object]]:
    """(organization, leader) of the demo leaders whose organization is in ``ranking``."""
    ranked = set(
        RankingRow.objects.filter(ranking=ranking).values_list("organization_id", flat=True)
    )
    pairs = []
    for username in ("leader1", "leader2", "leader4", "leader5"):
        user = users.get(username)
        if user is None:
            continue
        org = Organization.objects.filter(leader_accounts=user, pk__in=ranked).first()
        if org is not None:
            pairs.append((org, user))
    return pairs


def seed_rankings(street, users, today: datetime.date | None = None) -> dict[str, int]:
    """Seed the street's rankings once (skipped when it has any)."""
    if Ranking.objects.filter(street=street).exists():
        return counts(street)
    today = today or timezone.localdate()
    admin = users["admin"]
    months = _month_starts(today)
    first = min(months[0], datetime.date(today.year - 1, 1, 1))
    draft = scheme_create(
        street=street,
        actor=admin,
        effective_from=first,
        note="按《凯益榜单积分办法》设置：服务、活动、党建、评价、信用、基础六个维度。",
    )
    scheme_publish(draft, actor=admin)
    *earlier, latest = months
    for month in earlier:
        made = ranking_compute(
            street_id=street.pk, period_kind=PeriodKind.MONTH, period_start=month, actor=admin
        )
        _into_history(made, _month_end(month) + datetime.timedelta(days=3), admin)
    year_start = datetime.date(today.year - 1, 1, 1)
    yearly = ranking_compute(
        street_id=street.pk, period_kind=PeriodKind.YEAR, period_start=year_start, actor=admin
    )
    _into_history(yearly, datetime.date(today.year, 1, 8), admin)
    # Last month: on notice now, with one objection dismissed and one upheld.
    current = ranking_compute(
        street_id=street.pk, period_kind=PeriodKind.MONTH, period_start=latest, actor=admin
    )
    for ranking in current:
        ranking_publish(ranking, actor=admin)
    street_wide = next(r for r in current if r.scope_kind == ScopeKind.STREET)
    pairs = _leaders_ranked(street_wide, users)
    if len(pairs) >= 2:
        (dismissed_org, dismissed_by), (upheld_org, upheld_by) = pairs[:2]
        dismissed = objection_file(
            street_wide,
            dismissed_org,
            actor=dismissed_by,
            text="本月我们组织了两次助老送餐，认为服务维度得分偏低，请复核。",
        )
        objection_decide(
            dismissed,
            upheld=False,
            reason=(
                "经核对，两次送餐均已计入（已确认认领 2 条）；服务维度按积分办法封顶，维持原排名。"
            ),
            actor=admin,
        )
        upheld = objection_file(
            street_wide,
            upheld_org,
            actor=upheld_by,
            text=f"{latest:%m}月25日我们开展了公益伙伴日活动，但活动记录未及时录入平台，请核实后补计。",
        )
        _late_activity(upheld_org, latest, upheld_by, admin)
        objection_decide(
            upheld,
            upheld=True,
            reason="经核实，该活动已补录并由社区审核通过，补计活动与志愿服务时长，重新计算本月榜单。",
            actor=admin,
        )
    return counts(street)


def counts(street) -> dict[str, int]:
    rankings = Ranking.objects.filter(street=street)
    objections = Objection.objects.filter(ranking__street=street)
    return {
        "rankings_published": rankings.filter(~Q(published_at=None)).count(),
        "ranking_objections": objections.count(),
        "ranking_objections_upheld": objections.filter(status=ObjectionStatus.UPHELD).count(),
    }
