"""The volunteering demo: the hub's "more than 3,200 public-benefit activities" rebuilt
from records, 2019 to today — the monthly 公益伙伴日 of organizations and partner units,
other activities of the organizations and the hub, and every 25th dedication day the party
demo recorded — each with its sessions, the people who came (signed in and out, hours by
the rounding rule), some who did not, a few approved supplements and a few places given
up and taken from the waiting list. Then a few upcoming activities through the services,
with free places, and a demo volunteer login.

History is written in bulk, as the marketplace demo writes its history: it happened
before the platform (no notifications, no timeline beyond the supplements and the moves
from the waiting list), and one service call per place would cost about a minute for
~40,000 places. The bulk rows keep what the services keep: a place's hours come from
``hours.stay_hours``; ``Volunteer.hours_total`` and ``last_served_on`` are the sums and
latest dates of the volunteer's attended places; a dedication-day session links its
party record (``Session.party_activity``) and has exactly ``attendees`` attended places
— the branch's members first (those on the roll that day), then residents who joined
them, as ``places.sync_party_record`` counts everyone who came."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from accounts.roles import Role
from incubation.models import Organization
from incubation.workflows import Stage
from marketplace.models import PartnerUnit
from partybuilding.choices import ActivityKind, PartyOrgKind
from partybuilding.demo.vocabulary import (
    FEMALE_GIVEN,
    ID_REGIONS,
    MALE_GIVEN,
    MOBILE_PREFIXES,
    SURNAMES,
)
from partybuilding.models import PartyActivity, PartyMember, PartyOrganization
from volunteering.choices import AttendanceSource, Audience, OrganizerKind, Series
from volunteering.hours import stay_hours
from volunteering.models import (
    Activity,
    HoursSupplement,
    Place,
    PlaceEvent,
    Session,
    Volunteer,
)
from volunteering.workflows import ActivityStatus, PlaceStatus, SupplementStatus

SEED = 2019_0125
FIRST_YEAR = 2019
# The hub reports "more than 3,200"; the history is drawn to this many activities in all
# (dedication days included) at scale 1.
ACTIVITIES_TARGET = 3_260
RESIDENTS = 1_100  # volunteers who are not party members (at scale 1)
# Activities per year, relative (2020: the epidemic; the hub has grown since).
YEAR_WEIGHT = {2019: 0.7, 2020: 0.45, 2021: 0.85, 2022: 1.0, 2023: 1.15, 2024: 1.25}
LATER_WEIGHT = 1.3
PARTNER_DAY_SHARE = 0.55
SUPPLEMENTS = 24
SUPPLEMENT_REASON = "忘记扫码签退,组织者按纸质签到表补录"
# The demo's volunteer logins: (username, role); the first is a party member.
LOGINS = (("volunteer1", Role.VOLUNTEER), ("volunteer2", Role.VOLUNTEER))

PARTNER_DAY_SERVICES = (
    "义诊义剪便民服务",
    "家电义务维修",
    "法律咨询进社区",
    "反诈宣传",
    "垃圾分类督导",
    "关爱独居老人上门探访",
    "四点半课堂",
    "旧衣回收与义卖",
    "助残康复陪伴",
    "心理健康讲座",
    "消防安全进楼道",
    "磨刀补鞋修伞",
)
OTHER_TITLES = (
    "“凯益集市”便民服务",
    "“圆梦微心愿”志愿服务",
    "“美好凯旋”公益项目志愿服务",
    "社区运动会志愿服务",
    "老旧小区改造居民议事志愿服务",
    "重阳节敬老志愿服务",
    "文明创建交通劝导",
    "社区图书角整理",
    "助力乡村振兴爱心义卖",
    "迎新春写春联送福字",
)
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ACTIVE_STAGES = (Stage.MANAGEMENT, Stage.ANNUAL_REVIEW, Stage.RE_ELECTION, Stage.AWARDS)


def _aware(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _partner_day(year: int, month: int) -> datetime.date:
    """公益伙伴日: the second Saturday of the month."""
    first = datetime.date(year, month, 1)
    return first + datetime.timedelta(days=(5 - first.weekday()) % 7 + 7)


@dataclass
class _PlannedPlace:
    volunteer: int  # index into the builder's volunteers
    status: str
    signed_in_at: datetime.datetime | None = None
    signed_out_at: datetime.datetime | None = None
    source: str = ""
    hours: Decimal = Decimal("0")
    supplement: bool = False
    moved_up: bool = False


@dataclass
class _PlannedSession:
    session: Session
    places: list[_PlannedPlace] = field(default_factory=list)


class _Builder:
    def __init__(self, street, users, scale: float, now: datetime.datetime):
        self.street, self.users, self.now = street, users, now
        self.today = timezone.localdate(now)
        self.rng = random.Random(SEED)
        self.scale = scale
        self.communities = list(street.communities.order_by("pk"))
        self.organizations = list(
            Organization.objects.filter(community__street=street, stage__in=ACTIVE_STAGES)
            .order_by("pk")
            .values_list("pk", "community_id", "founded_on")
        )
        self.partners = list(
            PartnerUnit.objects.filter(street=street).order_by("pk").values_list("pk", flat=True)
        )
        self.volunteers: list[Volunteer] = []
        self.by_member: dict[int, int] = {}
        self.pools: dict[int | None, list[int]] = {}
        self.weights: list[int] = []
        self.activities: list[Activity] = []
        self.sessions: list[_PlannedSession] = []

    # People.

    def person(self) -> tuple[str, str, str]:
        rng = self.rng
        female = rng.random() < 0.6
        name = rng.choice(SURNAMES) + rng.choice(FEMALE_GIVEN if female else MALE_GIVEN)
        birth = datetime.date(rng.randint(1950, 2004), rng.randint(1, 12), rng.randint(1, 28))
        order = rng.randrange(500) * 2 + (0 if female else 1)
        first17 = f"{rng.choice(ID_REGIONS)}{birth:%Y%m%d}{order:03d}"
        total = sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True))
        check = "10X98765432"[total % 11]
        phone = rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
        return name, first17 + check, phone

    def _add_volunteer(self, volunteer: Volunteer, weight: int) -> int:
        index = len(self.volunteers)
        self.volunteers.append(volunteer)
        self.weights.append(weight)
        self.pools.setdefault(volunteer.community_id, []).append(index)
        return index

    def plan_volunteers(self) -> None:
        members = (
            PartyMember.objects.filter(branch__street=self.street, volunteer__isnull=True)
            .order_by("pk")
            .values_list(
                "pk",
                "name",
                "id_number",
                "phone",
                "branch__community_id",
                "organization__community_id",
            )
        )
        for pk, name, id_number, phone, branch_community, org_community in members:
            volunteer = Volunteer(
                name=name,
                id_number=id_number,
                phone=phone,
                party_member_id=pk,
                street=self.street,
                community_id=branch_community or org_community,
            )
            self.by_member[pk] = self._add_volunteer(volunteer, self.rng.choice((2, 3, 5)))
        for _n in range(max(40, round(RESIDENTS * self.scale))):
            name, id_number, phone = self.person()
            community = self.rng.choice(self.communities) if self.communities else None
            volunteer = Volunteer(
                name=name,
                # Some gave no ID number (they can ask for a certificate once they do).
                id_number=id_number if self.rng.random() < 0.8 else "",
                phone=phone,
                street=self.street,
                community=community,
            )
            # A few regulars serve nearly every month: the stars of the record pages.
            self._add_volunteer(volunteer, self.rng.choices((1, 4, 25), (80, 17, 3))[0])
        self.cumulative = {}
        for community, pool in self.pools.items():
            total, cumulative = 0, []
            for index in pool:
                total += self.weights[index]
                cumulative.append(total)
            self.cumulative[community] = cumulative
        self.everyone = list(range(len(self.volunteers)))
        self.everyone_cumulative = []
        total = 0
        for weight in self.weights:
            total += weight
            self.everyone_cumulative.append(total)

    def pick(self, community_id, count: int, exclude: set[int]) -> list[int]:
        """``count`` different volunteers, mostly of the community, regulars more often."""
        chosen: list[int] = []
        rng = self.rng
        pool = self.pools.get(community_id) or []
        for _attempt in range(count * 4):
            if len(chosen) >= count:
                break
            if pool and rng.random() < 0.75:
                index = rng.choices(pool, cum_weights=self.cumulative[community_id])[0]
            else:
                index = rng.choices(self.everyone, cum_weights=self.everyone_cumulative)[0]
            if index not in exclude:
                exclude.add(index)
                chosen.append(index)
        return chosen

    # Attendance.

    def attend(self, session: Session, volunteer: int, source: str) -> _PlannedPlace:
        rng = self.rng
        signed_in = session.starts_at + datetime.timedelta(minutes=rng.randint(-20, 10))
        signed_out = session.ends_at + datetime.timedelta(minutes=rng.randint(-40, 20))
        if rng.random() < 0.03:  # had to leave early
            signed_out = signed_in + datetime.timedelta(minutes=rng.randint(5, 50))
        return _PlannedPlace(
            volunteer,
            PlaceStatus.ATTENDED,
            signed_in,
            signed_out,
            source,
            stay_hours(session, signed_in, signed_out),
        )

    def source(self, day: datetime.date) -> str:
        # Before the platform, the organizers' paper sign-in sheets; now the QR code.
        return AttendanceSource.QR if day.year >= self.today.year else AttendanceSource.ORGANIZER

    def activity(self, **fields) -> Activity:
        start = fields.pop("first_start")
        activity = Activity(
            street=self.street,
            status=ActivityStatus.FINISHED,
            recruit_until=start - datetime.timedelta(days=1),
            published_at=start - datetime.timedelta(days=self.rng.randint(7, 21)),
            **fields,
        )
        self.activities.append(activity)
        return activity

    # Dedication days: one activity and one session per party record.

    def plan_dedication_days(self) -> list[PartyActivity]:
        records = list(
            PartyActivity.objects.filter(
                branch__street=self.street,
                kind=ActivityKind.DEDICATION_DAY,
                volunteer_session__isnull=True,
            )
            .select_related("branch")
            .order_by("date", "pk")
        )
        roll: dict[int, list[tuple[int, datetime.date]]] = {}
        for pk, branch_id, joined_on in PartyMember.objects.filter(
            branch__street=self.street
        ).values_list("pk", "branch_id", "joined_on"):
            if pk in self.by_member:
                roll.setdefault(branch_id, []).append((self.by_member[pk], joined_on))
        changed = []
        for record in records:
            branch = record.branch
            start = _aware(record.date, 9)
            activity = self.activity(
                title=record.title[:100],
                series=Series.DEDICATION_DAY,
                organizer_kind=OrganizerKind.PARTY_ORG,
                party_org=branch,
                organization_id=record.organization_id,
                community_id=branch.community_id,
                place=f"{branch.name[:60]}·社区党群服务中心",
                audience=Audience.EVERYONE,
                capacity=max(30, record.attendees + 5),
                first_start=start,
            )
            session = Session(
                activity=activity,
                starts_at=start,
                ends_at=start + datetime.timedelta(hours=2),
                party_activity=record,
                closed_at=start + datetime.timedelta(hours=4),
            )
            planned = _PlannedSession(session)
            on_roll = [v for v, joined in roll.get(branch.pk, []) if joined <= record.date]
            self.rng.shuffle(on_roll)
            # Most of the roll comes, rarely all of it.
            present = max(1, round(len(on_roll) * self.rng.uniform(0.6, 0.95)))
            came = on_roll[: min(record.attendees, present)]
            # Members absent that day are not drawn again as residents who joined.
            members_came, taken = len(came), set(on_roll)
            # Residents who joined the members: the record counts everyone who came.
            came += self.pick(branch.community_id, record.attendees - len(came), taken)
            source = self.source(record.date)
            planned.places = [self.attend(session, v, source) for v in came]
            for v in on_roll[members_came : members_came + self.rng.choice((0, 0, 1, 2))]:
                planned.places.append(_PlannedPlace(v, PlaceStatus.NO_SHOW))
            if len(came) != record.attendees:  # not enough people in a tiny street
                record.attendees = len(came)
                changed.append(record)
            self.sessions.append(planned)
        # Only where the street had too few people for the typed count (never in the
        # full demo): the record's count then comes from the places, as the service does.
        PartyActivity.objects.bulk_update(changed, ["attendees"])
        return records

    # 公益伙伴日 and other activities.

    def organizer(self, day: datetime.date, partner_share: float, hub_share: float) -> dict:
        rng = self.rng
        draw = rng.random()
        if self.partners and draw < partner_share:
            return {
                "organizer_kind": OrganizerKind.PARTNER_UNIT,
                "partner_unit_id": rng.choice(self.partners),
                "community": rng.choice(self.communities) if self.communities else None,
            }
        founded = [o for o in self.organizations if o[2] is None or o[2] <= day]
        if founded and draw < 1 - hub_share:
            pk, community_id, _founded = rng.choice(founded)
            return {
                "organizer_kind": OrganizerKind.ORGANIZATION,
                "organization_id": pk,
                "community_id": community_id,
            }
        community = rng.choice(self.communities) if rng.random() < 0.7 else None
        return {"organizer_kind": OrganizerKind.HUB, "community": community}

    def plan_other_activities(self, dedication_count: int) -> None:
        rng, today = self.rng, self.today
        years = list(range(FIRST_YEAR, today.year + 1))
        # Only days already past: the history is what happened.
        partner_days = {
            y: [d for m in range(1, 13) if (d := _partner_day(y, m)) < today] for y in years
        }
        weight = {y: YEAR_WEIGHT.get(y, LATER_WEIGHT) * len(partner_days[y]) / 12 for y in years}
        wanted = max(len(years) * 2, round(ACTIVITIES_TARGET * self.scale) - dedication_count)
        total_weight = sum(weight.values()) or 1
        for year in years:
            count = round(wanted * weight[year] / total_weight)
            days = partner_days[year]
            partner_count = round(count * PARTNER_DAY_SHARE) if days else 0
            for n in range(partner_count):
                service = rng.choice(PARTNER_DAY_SERVICES)
                title = f"公益伙伴日·{service}"
                self.plan_activity(days[n % len(days)], Series.PARTNER_DAY, title, 9, 150, 0.35)
            start = datetime.date(year, 1, 1)
            end = min(datetime.date(year, 12, 31), today - datetime.timedelta(days=1))
            if end < start:
                continue
            for _n in range(count - partner_count):
                day = start + datetime.timedelta(days=rng.randrange((end - start).days + 1))
                hour, minutes = rng.choice(((8, 120), (9, 150), (14, 120), (15, 90), (18, 90)))
                self.plan_activity(day, Series.OTHER, rng.choice(OTHER_TITLES), hour, minutes, 0.2)

    def plan_activity(self, day, series, title, hour, minutes, partner_share) -> None:
        rng = self.rng
        who = self.organizer(day, partner_share, hub_share=0.2)
        capacity = rng.choice((8, 10, 12, 15, 20, 30))
        days = [day]
        if rng.random() < 0.1:  # a second session a week later, when that is past too
            later = day + datetime.timedelta(days=7)
            if later < self.today:
                days.append(later)
        activity = self.activity(
            title=title,
            series=series,
            place=rng.choice(("社区党群服务中心", "凯益荟公益空间", "社区文化家园", "小区广场")),
            audience=Audience.EVERYONE,
            capacity=capacity,
            first_start=_aware(day, hour),
            **who,
        )
        community_id = who.get("community_id") or getattr(who.get("community"), "pk", None)
        for on in days:
            start = _aware(on, hour)
            session = Session(
                activity=activity,
                starts_at=start,
                ends_at=start + datetime.timedelta(minutes=minutes),
                closed_at=start + datetime.timedelta(minutes=minutes + 120),
            )
            planned = _PlannedSession(session)
            taken: set[int] = set()
            wanted = (
                capacity if rng.random() < 0.3 else rng.randint(max(2, capacity // 2), capacity)
            )
            signed_up = self.pick(community_id, wanted, taken)
            source = self.source(on)
            no_shows = set(rng.sample(signed_up, min(len(signed_up) // 6, rng.randint(0, 2))))
            for v in signed_up:
                if v in no_shows:
                    planned.places.append(_PlannedPlace(v, PlaceStatus.NO_SHOW))
                else:
                    planned.places.append(self.attend(session, v, source))
            full = len(signed_up) == capacity
            if full and rng.random() < 0.1:
                # Somebody gave the place up; the first on the waiting list moved up.
                gave_up = self.pick(community_id, 1, taken)
                if gave_up and planned.places[-1].status == PlaceStatus.ATTENDED:
                    planned.places.insert(0, _PlannedPlace(gave_up[0], PlaceStatus.CANCELLED))
                    planned.places[-1].moved_up = True
            self.sessions.append(planned)

    def plan_supplements(self) -> None:
        """A few forgot to sign out: the organizer's paper sheet, approved by staff."""
        candidates = [
            place
            for planned in self.sessions
            if planned.session.party_activity is None
            for place in planned.places
            if place.status == PlaceStatus.ATTENDED and not place.moved_up
        ]
        for place in self.rng.sample(candidates, min(SUPPLEMENTS, len(candidates) // 20)):
            place.supplement = True

    # Writing.

    def write(self) -> None:
        for planned in self.sessions:
            for place in planned.places:
                if place.status == PlaceStatus.ATTENDED:
                    volunteer = self.volunteers[place.volunteer]
                    volunteer.hours_total += place.hours
                    served = timezone.localtime(planned.session.starts_at).date()
                    if volunteer.last_served_on is None or volunteer.last_served_on < served:
                        volunteer.last_served_on = served
        Volunteer.objects.bulk_create(self.volunteers, batch_size=1000)
        Activity.objects.bulk_create(self.activities, batch_size=1000)
        sessions = [planned.session for planned in self.sessions]
        Session.objects.bulk_create(sessions, batch_size=1000)
        rows, specials = [], []
        for planned in self.sessions:
            for place in planned.places:
                row = Place(
                    session=planned.session,
                    volunteer=self.volunteers[place.volunteer],
                    status=place.status,
                    signed_in_at=place.signed_in_at,
                    signed_out_at=place.signed_out_at,
                    sign_in_source=(
                        AttendanceSource.SUPPLEMENT if place.supplement else place.source
                    )
                    if place.signed_in_at
                    else "",
                    sign_out_source=(
                        AttendanceSource.SUPPLEMENT if place.supplement else place.source
                    )
                    if place.signed_out_at
                    else "",
                    hours=place.hours,
                )
                rows.append(row)
                if place.supplement or place.moved_up:
                    specials.append((row, place))
        Place.objects.bulk_create(rows, batch_size=2000)
        self.write_specials(specials)

    def write_specials(self, specials) -> None:
        """The approved supplements and the moves from the waiting list, with the
        timeline rows the services write (in the platform's language)."""
        requested_by, decided_by = self.users.get("community1"), self.users.get("admin")
        events, supplements = [], []
        with override("zh-hans"):
            moved_up = _("Moved up from the waiting list")
            approved = _("Supplement approved: %(before)s h → %(after)s h. Reason: %(reason)s")
        for row, place in specials:
            if place.moved_up:
                events.append(
                    PlaceEvent(
                        place=row,
                        from_value=PlaceStatus.WAITING,
                        to_value=PlaceStatus.CONFIRMED,
                        note=moved_up,
                    )
                )
                continue
            decided = row.signed_out_at + datetime.timedelta(days=2)
            supplements.append(
                HoursSupplement(
                    place=row,
                    signed_in_at=row.signed_in_at,
                    signed_out_at=row.signed_out_at,
                    hours_before=Decimal("0"),
                    hours_after=row.hours,
                    reason=SUPPLEMENT_REASON,
                    status=SupplementStatus.APPROVED,
                    requested_by=requested_by,
                    decided_by=decided_by,
                    decided_at=decided,
                    decision_note="与签到表核对一致",
                )
            )
            events.append(
                PlaceEvent(
                    place=row,
                    actor=decided_by,
                    from_value=PlaceStatus.ATTENDED,
                    to_value=PlaceStatus.ATTENDED,
                    note=approved % {"before": 0, "after": row.hours, "reason": SUPPLEMENT_REASON},
                )
            )
        HoursSupplement.objects.bulk_create(supplements)
        PlaceEvent.objects.bulk_create(events)


def seed_volunteering(street, users, *, scale: float = 1.0) -> dict[str, int]:
    """Seed the street's volunteering once (skipped when it has activities)."""
    if Activity.objects.filter(street=street).exists():
        return counts(street)
    builder = _Builder(street, users, scale, timezone.now())
    builder.plan_volunteers()
    records = builder.plan_dedication_days()
    builder.plan_other_activities(len(records))
    builder.plan_supplements()
    builder.write()
    _seed_logins(street, builder)
    _seed_upcoming(street, users, builder)
    return counts(street)


def _seed_logins(street, builder: _Builder) -> None:
    """volunteer1: a party member of community1's community with a portal account;
    volunteer2: a resident who is not a member."""
    from accounts.models import User
    from accounts.services import user_create

    home = builder.communities[0] if builder.communities else None
    members = Volunteer.objects.filter(
        street=street, account__isnull=True, party_member__isnull=False
    ).order_by("-hours_total", "pk")
    residents = Volunteer.objects.filter(
        street=street, account__isnull=True, party_member__isnull=True
    ).order_by("-hours_total", "pk")
    if home is not None:
        members = members.filter(community=home)
        residents = residents.filter(community=home)
    for (username, role), candidates in zip(LOGINS, (members, residents), strict=True):
        volunteer = candidates.first()
        if volunteer is None or User.objects.filter(username=username).exists():
            continue
        user = user_create(
            username=username,
            password=settings.DEMO_PASSWORD,
            role=role,
            street=street,
            community=volunteer.community,
            full_name=volunteer.name,
            email=f"{username}@kaiyihui.local",
        )
        Volunteer.objects.filter(pk=volunteer.pk).update(account=user)
        if volunteer.party_member_id:
            # The member's roster record links to the account (no party service sets the
            # link yet; the demo writes it as the roster import would).
            PartyMember.objects.filter(pk=volunteer.party_member_id).update(account=user)


def demo_logins() -> list[tuple[str, str, str]]:
    """(username, role, full name) of the demo's volunteer logins that exist."""
    from accounts.models import User

    names = dict(
        User.objects.filter(username__in=[u for u, _r in LOGINS]).values_list(
            "username", "full_name"
        )
    )
    return [(u, str(r.value), names[u]) for u, r in LOGINS if u in names]


def _seed_upcoming(street, users, builder: _Builder) -> None:
    """What a demo login finds to sign up for: next month's 公益伙伴日 of leader1's
    organization, a hub activity and the next 25th of a branch, through the services,
    approved by staff, each with some people signed up and places free."""
    from volunteering.services import activities
    from volunteering.services.places import sign_up

    admin, staff, leader = users.get("admin"), users.get("community1"), users.get("leader1")
    if admin is None:
        return
    now, today = builder.now, builder.today
    org = leader.led_organizations.first() if leader is not None else None
    home = staff.community if staff is not None else None
    nxt = today.replace(day=1) + datetime.timedelta(days=32)
    partner_day = _partner_day(today.year, today.month)
    if partner_day <= today:
        partner_day = _partner_day(nxt.year, nxt.month)
    dedication = today.replace(day=25) if today.day < 25 else nxt.replace(day=25)
    branch = (
        PartyOrganization.objects.filter(street=street, kind=PartyOrgKind.BRANCH)
        .filter(Q(community=home) | Q(community__isnull=True) if home else Q())
        .order_by("community", "pk")
        .first()
    )
    plans = []
    if org is not None:
        at_home = staff is not None and org.community_id == staff.community_id
        plans.append(
            (
                leader,
                staff if at_home else admin,
                {
                    "title": "公益伙伴日·义诊义剪便民服务",
                    "series": Series.PARTNER_DAY,
                    "organizer_kind": OrganizerKind.ORGANIZATION,
                    "organization": org,
                    "community": org.community,
                    "place": f"{org.community.name}党群服务中心",
                    "capacity": 12,
                },
                partner_day,
                9,
            )
        )
    plans.append(
        (
            admin,
            admin,
            {
                "title": "冬日暖心·陪伴独居老人",
                "series": Series.OTHER,
                "organizer_kind": OrganizerKind.HUB,
                "community": home,
                "place": "凯益荟公益空间",
                "capacity": 20,
            },
            today + datetime.timedelta(days=4),
            14,
        )
    )
    if branch is not None:
        plans.append(
            (
                admin,
                admin,
                {
                    "title": "党员固定奉献日:楼道清洁与杂物清理",
                    "series": Series.DEDICATION_DAY,
                    "organizer_kind": OrganizerKind.PARTY_ORG,
                    "party_org": branch,
                    "community": branch.community,
                    "place": "社区党群服务中心",
                    "capacity": 30,
                },
                dedication,
                9,
            )
        )
    people = list(Volunteer.objects.filter(street=street, account__isnull=True).order_by("pk")[:40])
    signed = Volunteer.objects.filter(account__username=LOGINS[0][0]).first()
    for n, (organizer, approver, fields, day, hour) in enumerate(plans):
        starts = _aware(day, hour)
        activity = activities.activity_create(
            actor=organizer,
            street=street,
            recruit_until=starts - datetime.timedelta(hours=12),
            description="欢迎报名参加,到场后扫描现场二维码签到、签退。",
            **fields,
        )
        session = activities.session_add(
            activity,
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=2, minutes=30),
            actor=organizer,
        )
        activities.activity_submit(activity, actor=organizer)
        activities.activity_approve(activity, actor=approver)
        for volunteer in people[n * 5 : n * 5 + 3 + n]:
            sign_up(session, volunteer, actor=None, now=now)
        if signed is not None and n == len(plans) - 1:
            sign_up(session, signed, actor=signed.account, now=now)


def counts(street) -> dict[str, int]:
    from volunteering.figures import volunteering_figures

    figures = volunteering_figures(street=street)
    rate = figures["dedication_day_attendance_rate"]
    return {
        "volunteer_activities": figures["public_benefit_activities_total"],
        "volunteer_hours": int(figures["volunteer_hours_total"]),
        "volunteers": Volunteer.objects.filter(street=street).count(),
        "volunteers_active": figures["volunteers_active"],
        "dedication_day_attendance_percent": round(rate * 100) if rate is not None else 0,
    }
