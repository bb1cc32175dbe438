"""Seed the district-sized benchmark dataset (called by bench/run.py after migrate).

Sizes scale with BENCH_ORGANIZATIONS (default 100,000):

- 10 streets × 10 communities, ``ORGANIZATIONS`` organizations (built in Python, the USCC
  check character needs it, and written with COPY);
- party building: per street a committee, per community a general branch and branches
  (10 % of the community's organizations: half set up alone in one organization, most of
  the rest joint branches covering 5 organizations each, a few functional); ``3 ×``
  members (30 per branch, a few branches over 50; BENCH_PARTY_MEMBERS), ``10 ×``
  activities (100 per branch from 2022 to today; BENCH_PARTY_ACTIVITIES), 2 developments
  per branch, coverage and instructors, secretaries (some of them leaders of their
  organization: cross-appointments);
- evaluation: per street a template and cycles 2023–2025 (closed, every registered
  organization finalized) and this year (open, a third of them draft or submitted):
  ``1 ×`` reviews;
- funding (first street): a foundation with donations, calls 2022–2025 (80 applications
  each) and this year's call with ``CALL_APPLICATIONS`` applications scored by 5 experts
  on 4 criteria.

Members, activities, developments, coverage and reviews are ``INSERT … SELECT
generate_series`` statements (the rows are made in the server: nothing to copy over the
wire); organizations are COPY; the rest, a few thousand rows, ``bulk_create``. Helper
tables ``bench_org`` and ``bench_branch`` (temporary, on the seeding connection) number
organizations and branches within their community so the SQL can pair them.
"""

from __future__ import annotations

import datetime
import os
import time
from decimal import Decimal

ORGANIZATIONS = int(os.environ.get("BENCH_ORGANIZATIONS", "100000"))
STREETS = 10
COMMUNITIES_PER_STREET = 10
MEMBERS = int(os.environ.get("BENCH_PARTY_MEMBERS", str(3 * ORGANIZATIONS)))
# Spread over the branches (10 % of organizations): 100 per branch at the default.
ACTIVITIES = int(os.environ.get("BENCH_PARTY_ACTIVITIES", str(10 * ORGANIZATIONS)))
DEVELOPMENTS_PER_BRANCH = 2
CALL_APPLICATIONS = int(os.environ.get("BENCH_CALL_APPLICATIONS", "300"))
HISTORY_APPLICATIONS = 80
EXPERTS = 5
CRITERIA = (("民生性", 30), ("操作性", 30), ("成熟性", 20), ("创新性", 20))
ACTIVITY_KINDS = (
    "group_meeting",
    "theme_day",
    "committee_meeting",
    "party_lecture",
    "general_assembly",
    "dedication_day",
    "volunteering",
)
PASSWORD = "x-bench-pw-1"  # noqa: S105 - throwaway accounts of a throwaway database


def _today() -> datetime.date:
    from django.utils import timezone

    return timezone.localdate()


def _sql(statement: str, params=None) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.rowcount


def _scalar(statement: str, params=None):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchone()[0]


class _Timer:
    def __init__(self):
        self.started = time.perf_counter()
        self.steps: dict[str, float] = {}
        self._last = self.started

    def step(self, name: str, rows: int | None = None) -> None:
        now = time.perf_counter()
        self.steps[name] = round(now - self._last, 1)
        self._last = now
        extra = f" ({rows:,} rows)" if rows is not None else ""
        print(f"  {name}: {self.steps[name]} s{extra}", flush=True)

    @property
    def total(self) -> float:
        return round(time.perf_counter() - self.started, 1)


# --- Geography and organizations ---------------------------------------------------------


def seed_geography():
    from accounts.models import Community, Street

    streets = [
        Street.objects.create(name=f"基准街道{i:02d}", code=f"bench-{i:02d}", district="基准区")
        for i in range(STREETS)
    ]
    communities = [
        Community.objects.create(street=s, name=f"{s.name}第{j:02d}社区", code=f"c{j:02d}")
        for s in streets
        for j in range(COMMUNITIES_PER_STREET)
    ]
    return streets, communities


def seed_organizations(communities) -> None:
    from core.identifiers import complete_uscc
    from incubation.models import Organization

    stages = ["management"] * 6 + ["registration", "onboarding", "annual_review", "re_election"]
    levels = ["resident_team", "pioneer_club", "community_org", "community_org", "hub_org"]
    fields = ["elderly", "culture_sports", "neighbourly_help", "charity", "youth", "safety"]
    founded_base = datetime.date(2008, 1, 1)
    batch = []
    for n in range(ORGANIZATIONS):
        registered = n % 10 < 3
        stage = stages[n % len(stages)]
        if n % 100 == 99:
            stage = "graduated"  # 1 % have left the hub: not in the coverage register
        batch.append(
            Organization(
                name=f"基准社会组织{n:06d}",
                legal_status="social_group" if registered else "filed",
                uscc=complete_uscc(f"51330102MJ{n:06d}") if registered else None,
                filing_number=None if registered else f"BENCH-{n:06d}",
                community=communities[n % len(communities)],
                service_field=fields[n % len(fields)],
                founded_on=founded_base + datetime.timedelta(days=(n * 37) % 6900),
                leader_name=f"负责人{n % 997}",
                leader_phone=f"138{n:08d}",
                leader_political_status="party_member" if n % 4 == 0 else "masses",
                party_member_count=n % 6,
                growth_level=levels[n % len(levels)],
                stage=stage,
                grade=["", "", "3A", "4A", "5A"][n % 5] if registered else "",
            )
        )
        if len(batch) == 5000:
            copy_objects(Organization, batch)
            batch = []
    copy_objects(Organization, batch)
    # Number organizations within their community (rn from 1) for the SQL below.
    _sql(
        """
        CREATE TEMP TABLE bench_org AS
        SELECT o.id AS org_id, o.community_id, c.street_id, o.legal_status, o.stage,
               o.id - (SELECT min(id) FROM incubation_organization) AS n,
               row_number() OVER (PARTITION BY o.community_id ORDER BY o.id) AS rn
        FROM incubation_organization o JOIN accounts_community c ON c.id = o.community_id
        """
    )
    _sql("CREATE INDEX ON bench_org (community_id, rn)")
    _sql("ANALYZE bench_org")


def copy_objects(model, objects) -> None:
    """Write unsaved ``objects`` with PostgreSQL's COPY: each field's value as Django would
    save it (defaults, auto_now), without compiling INSERTs of thousands of parameters."""
    from django.db import connection

    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    statement = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for obj in objects:
            copy.write_row([f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields])


# --- Party building ----------------------------------------------------------------------


def branch_plan() -> tuple[int, int, int]:
    """Per community: (single, joint, functional) branches. Single branch j sits in the
    organization numbered j; joint branch k covers the next 5 organizations each."""
    per_community = max(1, ORGANIZATIONS // (STREETS * COMMUNITIES_PER_STREET))
    branches = max(3, per_community // 10)
    single = branches // 2
    functional = max(1, branches // 20)
    return single, branches - single - functional, functional


def seed_party_organizations(streets, communities) -> dict:
    from partybuilding.models import PartyOrganization

    single, joint, functional = branch_plan()
    founded = datetime.date(2018, 7, 1)
    committees = PartyOrganization.objects.bulk_create(
        PartyOrganization(
            street=s,
            kind="committee",
            name=f"{s.name}党委",
            has_committee=True,
            founded_on=founded,
            term_years=5,
            term_start=datetime.date(2022, 7, 1),
            term_end=datetime.date(2027, 7, 1),
        )
        for s in streets
    )
    committee_of = {c.street_id: c for c in committees}
    generals = PartyOrganization.objects.bulk_create(
        PartyOrganization(
            street_id=c.street_id,
            community=c,
            parent=committee_of[c.street_id],
            kind="general_branch",
            name=f"{c.name}党总支",
            establishment="joint",
            has_committee=True,
            founded_on=founded,
            term_start=datetime.date(2024, 3, 1),
            term_end=datetime.date(2027, 3, 1),
        )
        for c in communities
    )
    general_of = {g.community_id: g for g in generals}
    rows, plan = [], []
    for c in communities:
        for j in range(1, single + joint + functional + 1):
            establishment = (
                "single" if j <= single else "joint" if j <= single + joint else "functional"
            )
            rows.append(
                PartyOrganization(
                    street_id=c.street_id,
                    community=c,
                    parent=general_of[c.pk],
                    kind="branch",
                    name=f"{c.name}第{j:03d}党支部",
                    establishment=establishment,
                    has_committee=j % 10 != 0,
                    founded_on=founded + datetime.timedelta(days=j * 11),
                    term_start=datetime.date(2024, 3, 1),
                    term_end=datetime.date(2027, 3, 1),
                )
            )
            plan.append((c.pk, c.street_id, j, establishment))
    branches = []
    for start in range(0, len(rows), 5000):
        branches += PartyOrganization.objects.bulk_create(rows[start : start + 5000])
    _sql(
        "CREATE TEMP TABLE bench_branch (branch_id int, community_id int, street_id int, "
        "j int, establishment text, gidx int, general_id int, own_org_id int)"
    )
    values = [
        (b.pk, community_id, street_id, j, est, gidx, general_of[community_id].pk)
        for gidx, (b, (community_id, street_id, j, est)) in enumerate(
            zip(branches, plan, strict=True)
        )
    ]
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO bench_branch (branch_id, community_id, street_id, j, establishment, "
            "gidx, general_id) VALUES (%s, %s, %s, %s, %s, %s, %s)",
            values,
        )
    _sql(
        "UPDATE bench_branch b SET own_org_id = o.org_id FROM bench_org o "
        "WHERE b.establishment = 'single' AND o.community_id = b.community_id AND o.rn = b.j"
    )
    _sql("CREATE INDEX ON bench_branch (gidx)")
    _sql("CREATE INDEX ON bench_branch (community_id, j)")
    _sql("ANALYZE bench_branch")
    return {"party_organizations": len(committees) + len(generals) + len(branches)}


def seed_members() -> int:
    """MEMBERS members: 28 per branch, then a few branches get 50 more (over the 50 of a
    general branch). Members of a single branch work in its organization; one in ten of a
    joint branch's members works in one of the 5 organizations it covers."""
    single, joint, _functional = branch_plan()
    branches = _scalar("SELECT count(*) FROM bench_branch")
    extra = MEMBERS // 15
    few = max(1, branches // 25)
    return _sql(
        """
        INSERT INTO partybuilding_partymember
            (name, sex, birth_date, id_number, phone, organization_id, branch_id, status,
             joined_on, probation_ends_on, posts, created_at, updated_at)
        SELECT '党员' || m.m,
               CASE WHEN m.m %% 2 = 0 THEN 'M' ELSE 'F' END,
               date '1945-01-01' + (m.m * 37 %% 18000),
               '33' || lpad(m.m::text, 15, '0') || 'X',
               '139' || lpad(m.m::text, 8, '0'),
               o.org_id,
               b.branch_id,
               CASE WHEN m.m %% 10 = 0 THEN 'probationary' ELSE 'full' END,
               date '1945-01-01' + (m.m * 37 %% 18000) + 7300 + (m.m %% 3000),
               CASE WHEN m.m %% 10 = 0 THEN date '2026-06-30' END,
               '', now(), now()
        FROM (
            SELECT g AS m,
                   CASE WHEN g < %(main)s THEN g %% %(branches)s
                        ELSE (g %% %(few)s) * 25 END AS gidx
            FROM generate_series(0, %(members)s - 1) g
        ) m
        JOIN bench_branch b ON b.gidx = m.gidx
        LEFT JOIN bench_org o ON o.community_id = b.community_id AND o.rn = CASE
            WHEN b.establishment = 'single' THEN b.j
            WHEN b.establishment = 'joint' AND m.m %% 10 = 0
                THEN %(single)s + (b.j - %(single)s - 1) * 5 + (m.m / 7) %% 5 + 1
        END
        """,
        {
            "main": MEMBERS - extra,
            "branches": branches,
            "few": few,
            "members": MEMBERS,
            "single": single,
        },
    )


def seed_coverage() -> tuple[int, int, int]:
    """Coverage by the single and joint branches, instructors for the next 20 % of each
    community's organizations, secretaries (the first member of each party organization),
    and cross-appointments: every fifth single branch's secretary leads its organization."""
    single, joint, _functional = branch_plan()
    covered = _sql(
        """
        INSERT INTO partybuilding_partycoverage
            (branch_id, organization_id, liaison, started_on, ended_on, created_at, updated_at)
        SELECT b.branch_id, o.org_id, '联络员' || o.rn, date '2021-03-01' + (o.org_id %% 900)::int,
               NULL, now(), now()
        FROM bench_org o
        JOIN bench_branch b ON b.community_id = o.community_id AND b.j = CASE
            WHEN o.rn <= %(single)s THEN o.rn
            ELSE %(single)s + (o.rn - %(single)s - 1) / 5 + 1 END
        WHERE o.rn <= %(single)s + 5 * %(joint)s
          AND o.stage NOT IN ('graduated', 'withdrawn', 'deregistered')
        """,
        {"single": single, "joint": joint},
    )
    per_community = max(1, ORGANIZATIONS // (STREETS * COMMUNITIES_PER_STREET))
    instructed = _sql(
        """
        INSERT INTO partybuilding_instructorassignment
            (organization_id, name, phone, sent_by_id, account_id, started_on, ended_on,
             created_at, updated_at)
        SELECT o.org_id, '指导员' || (o.rn %% 37), '', g.general_id, NULL,
               date '2022-05-01' + (o.org_id %% 700)::int, NULL, now(), now()
        FROM bench_org o
        JOIN (SELECT DISTINCT community_id, general_id FROM bench_branch) g
          ON g.community_id = o.community_id
        WHERE o.rn > %(covered)s AND o.rn <= %(covered)s + %(instructed)s
          AND o.stage NOT IN ('graduated', 'withdrawn', 'deregistered')
        """,
        {"covered": single + 5 * joint, "instructed": per_community // 5},
    )
    _sql(
        """
        UPDATE partybuilding_partyorganization p SET secretary_id = x.member_id
        FROM (SELECT branch_id, min(id) AS member_id FROM partybuilding_partymember
              GROUP BY branch_id) x
        WHERE p.id = x.branch_id
        """
    )
    cross = _sql(
        """
        UPDATE incubation_organization org SET leader_name = m.name, leader_phone = m.phone
        FROM bench_branch b
        JOIN partybuilding_partyorganization p ON p.id = b.branch_id
        JOIN partybuilding_partymember m ON m.id = p.secretary_id
        WHERE b.establishment = 'single' AND b.j % 5 = 0 AND org.id = m.organization_id
        """
    )
    return covered, instructed, cross


def seed_activities(today: datetime.date) -> int:
    """ACTIVITIES over the branches (the first few one more, to make the total exact),
    evenly from 2022-01-01 to today; a quarter of a single branch's activities are held
    with its organization."""
    start = datetime.date(2022, 1, 1)
    days = (today - start).days + 1
    branches = _scalar("SELECT count(*) FROM bench_branch")
    per, extra = divmod(ACTIVITIES, branches)
    return _sql(
        """
        INSERT INTO partybuilding_partyactivity
            (branch_id, kind, date, title, attendees, organization_id, notes,
             created_at, updated_at)
        SELECT b.branch_id,
               (%(kinds)s::text[])[1 + g %% 7],
               %(start)s::date + (g * (%(days)s - 13) / %(per)s + b.branch_id %% 13),
               '支部组织生活' || g,
               5 + (g * 7 + b.branch_id) %% 25,
               CASE WHEN g %% 4 = 0 THEN b.own_org_id END,
               '', now(), now()
        FROM bench_branch b CROSS JOIN generate_series(0, %(per)s) g
        WHERE g < %(per)s OR b.gidx < %(extra)s
        """,
        {
            "kinds": list(ACTIVITY_KINDS),
            "start": start,
            "days": days,
            "per": per,
            "extra": extra,
        },
    )


def seed_developments() -> int:
    stages = ["applicant", "activist", "candidate", "probationary", "full", "cancelled"]
    return _sql(
        """
        INSERT INTO partybuilding_development
            (name, sex, birth_date, id_number, phone, organization_id, branch_id, stage,
             applied_on, activist_on, candidate_on, admitted_on, probation_extended_until,
             full_on, cancelled_on, member_id, created_at, updated_at)
        SELECT '发展对象' || (b.gidx * %(per)s + g), CASE WHEN g = 0 THEN 'F' ELSE 'M' END,
               date '1990-01-01' + (b.gidx * 13 %% 4000),
               '34' || lpad((b.gidx * %(per)s + g)::text, 15, '0') || 'X', '',
               b.own_org_id, b.branch_id, (%(stages)s::text[])[1 + (b.gidx + g) %% 6],
               date '2022-03-01' + (b.gidx %% 900), NULL, NULL, NULL, NULL, NULL, NULL, NULL,
               now(), now()
        FROM bench_branch b CROSS JOIN generate_series(0, %(per)s - 1) g
        """,
        {"per": DEVELOPMENTS_PER_BRANCH, "stages": stages},
    )


# --- Evaluation ------------------------------------------------------------------------------


def seed_reviews(streets, today: datetime.date) -> dict:
    """Cycles 2023–2025 closed with every registered organization finalized; this year
    open with a third of them (draft or submitted)."""
    from evaluation.models import Cycle, IndicatorTemplate
    from evaluation.services.templates import template_seed_default

    year = today.year
    cycles = []
    for street in streets:
        template = template_seed_default(street=street)
        IndicatorTemplate.objects.filter(pk=template.pk).update(frozen=True)
        for y in range(year - 3, year + 1):
            cycles.append(
                Cycle(
                    street=street,
                    year=y,
                    template=template,
                    opens_on=datetime.date(y, 11, 1),
                    deadline=datetime.date(y, 12, 15),
                    status="open" if y == year else "closed",
                )
            )
    Cycle.objects.bulk_create(cycles)
    common = """
        INSERT INTO evaluation_review
            (cycle_id, organization_id, status, work_summary, activities_held, income,
             expenditure, net_assets, staff_count, volunteer_count, party_section,
             self_assessment, prefill, version, submitted_at, return_comment, extension_until,
             graded, grading_note, has_party_organization, group_scores, item_scores, total,
             grade, annual_result, spread_flagged, finalized_at, verification_code,
             created_at, updated_at)
        SELECT c.id, o.org_id, {status}, '全年开展社区服务项目若干。', '', 120000.00,
               98000.00, 56000.00, 3 + o.n %% 7, 20 + o.n %% 80, '', '{{}}'::jsonb,
               '{{}}'::jsonb, {version}, {submitted_at}, '', NULL, true, '', o.n %% 3 = 0,
               '{{}}'::jsonb, '{{}}'::jsonb, {total}, {grade}, {result}, false, {finalized_at},
               upper(lpad(to_hex(c.year * 1000000 + o.n), 16, '0')), now(), now()
        FROM bench_org o JOIN evaluation_cycle c ON c.street_id = o.street_id
        WHERE o.legal_status <> 'filed' AND {where}
    """
    total = "(560 + (o.n * 7 + c.year) %% 420)::numeric"
    grade = (
        f"CASE WHEN {total} >= 900 THEN '5A' WHEN {total} >= 800 THEN '4A' "
        f"WHEN {total} >= 700 THEN '3A' WHEN {total} >= 600 THEN '2A' ELSE '1A' END"
    )
    closed = _sql(
        common.format(
            status="'finalized'",
            version="1",
            submitted_at="make_timestamptz(c.year, 12, 10, 10, 0, 0)",
            total=total,
            grade=grade,
            result="'passed'",
            finalized_at="make_timestamptz(c.year + 1, 1, 20, 10, 0, 0)",
            where="c.year < %(year)s",
        ),
        {"year": year},
    )
    current = _sql(
        common.format(
            status="CASE WHEN o.n %% 20 = 0 THEN 'draft' ELSE 'submitted' END",
            version="CASE WHEN o.n %% 20 = 0 THEN 0 ELSE 1 END",
            submitted_at="CASE WHEN o.n %% 20 = 0 THEN NULL ELSE now() END",
            total="NULL",
            grade="''",
            result="''",
            finalized_at="NULL",
            where="c.year = %(year)s AND o.n %% 10 = 0",
        ),
        {"year": year},
    )
    return {"cycles": len(cycles), "reviews": closed + current}


# --- Funding (first street) -----------------------------------------------------------------


def seed_funding(street, admin, today: datetime.date) -> dict:
    from accounts.roles import Role
    from accounts.services import user_create
    from funding.models import (
        Application,
        CallTrack,
        CouncilUnit,
        Criterion,
        Donation,
        ExpertAssignment,
        Fund,
        GrantCall,
        Milestone,
        Score,
        Tranche,
    )

    fund = Fund.objects.create(
        street=street,
        name=f"{street.name}社区发展基金会",
        seed_capital=Decimal("2000000"),
        established_on=datetime.date(2019, 6, 18),
        balance=Decimal("2000000"),
    )
    CouncilUnit.objects.bulk_create(
        CouncilUnit(fund=fund, name=f"理事单位{i:02d}", joined_on=datetime.date(2019, 6, 18))
        for i in range(14)
    )
    donations = Donation.objects.bulk_create(
        Donation(
            fund=fund,
            donor=f"捐赠人{i % 40}",
            amount=Decimal(10000 + (i * 7919) % 90000),
            received_on=datetime.date(2019 + i % 7, 1 + i % 12, 1 + i % 27),
            receipt_number=f"BENCH-{i:05d}",
        )
        for i in range(300)
    )
    Fund.objects.filter(pk=fund.pk).update(
        balance=fund.seed_capital + sum(d.amount for d in donations)
    )
    experts = [
        user_create(
            username=f"bench-expert{i}",
            password=PASSWORD,
            role=Role.EVALUATOR,
            street=street,
            full_name=f"专家{i}",
        )
        for i in range(EXPERTS)
    ]
    orgs = list(
        street_organizations(street)
        .exclude(stage="graduated")
        .order_by("pk")[: CALL_APPLICATIONS + 4 * HISTORY_APPLICATIONS]
    )
    years = list(range(today.year - 4, today.year + 1))
    calls = GrantCall.objects.bulk_create(
        GrantCall(
            street=street,
            year=y,
            title=f"{y}年{street.name}公益微创投",
            total_budget=Decimal("3000000") if y == today.year else Decimal("1200000"),
            per_project_cap=Decimal("30000"),
            opens_on=datetime.date(y, 3, 1) if y < today.year else today,
            closes_on=datetime.date(y, 3, 31) if y < today.year else today,
        )
        for y in years
    )
    CallTrack.objects.bulk_create(
        CallTrack(call=call, kind=kind) for call in calls for kind in ("registered", "filed")
    )
    criteria = Criterion.objects.bulk_create(
        Criterion(call=call, name=name, weight=Decimal(weight), position=i)
        for call in calls
        for i, (name, weight) in enumerate(CRITERIA)
    )
    Milestone.objects.bulk_create(
        Milestone(call=call, kind=kind, percent=Decimal("50"))
        for call in calls
        for kind in ("agreement", "final")
    )
    ExpertAssignment.objects.bulk_create(
        ExpertAssignment(call=call, expert=expert) for call in calls for expert in experts
    )
    apps = []
    for call in calls:
        current = call.year == today.year
        count = CALL_APPLICATIONS if current else HISTORY_APPLICATIONS
        offset = 0 if current else CALL_APPLICATIONS
        for i in range(count):
            org = orgs[(offset + i) % len(orgs)]
            status = _application_status(i, current)
            requested = Decimal(8000 + (i * 1000) % 22000)
            funded = status in ("approved", "in_progress", "completed")
            apps.append(
                Application(
                    call=call,
                    organization=org,
                    track="registered" if org.legal_status != "filed" else "filed",
                    title=f"基准项目{call.year}-{i:03d}",
                    summary="面向社区居民的服务项目。",
                    service_field=org.service_field,
                    target_community_id=org.community_id,
                    beneficiary_count=30 + i % 300,
                    requested_amount=requested,
                    status=status,
                    submitted_at=None if status == "draft" else _at(call.year, 3, 20),
                    awarded_amount=requested if funded else None,
                    decided_at=_at(call.year, 4, 20) if funded or status == "rejected" else None,
                    agreement_signed_on=datetime.date(call.year, 5, 1)
                    if status in ("in_progress", "completed")
                    else None,
                    acceptance_result="passed" if status == "completed" else "",
                )
            )
    apps = Application.objects.bulk_create(apps)
    by_call = {}
    for criterion in criteria:
        by_call.setdefault(criterion.call_id, []).append(criterion)
    scores, tranches = [], []
    for n, app in enumerate(apps):
        if app.status == "draft":
            continue
        for e, expert in enumerate(experts):
            for k, criterion in enumerate(by_call[app.call_id]):
                value = Decimal(55 + (n * 7 + e * 5 + k * 3) % 45)
                scores.append(
                    Score(application=app, expert=expert, criterion=criterion, value=value)
                )
        if app.awarded_amount and app.status != "approved":
            half = (app.awarded_amount / 2).quantize(Decimal("0.01"))
            tranches.append(
                Tranche(
                    application=app,
                    milestone="agreement",
                    percent=Decimal("50"),
                    amount=half,
                    paid_on=datetime.date(app.call.year, 5, 10),
                    reference=f"BENCH{app.pk:06d}",
                )
            )
    Score.objects.bulk_create(scores, batch_size=5000)
    Tranche.objects.bulk_create(tranches)
    history = [c for c in calls if c.year != today.year]
    return {
        "grant_calls": len(calls),
        "grant_applications": len(apps),
        "grant_scores": len(scores),
        "current_call_id": calls[-1].pk,
        "small_call_id": history[-1].pk,
        "experts": [e.pk for e in experts],
        "admin": admin.pk,
    }


def _application_status(i: int, current: bool) -> str:
    if current:
        if i % 30 == 29:
            return "draft"
        return ("submitted", "submitted", "submitted", "approved", "rejected", "waitlisted")[i % 6]
    return "completed" if i % 2 == 0 else "rejected"


def _at(year, month, day):
    from django.utils import timezone

    return timezone.make_aware(datetime.datetime(year, month, day, 10, 0))


def street_organizations(street):
    from incubation.models import Organization

    return Organization.objects.filter(community__street=street)


# --- Users -------------------------------------------------------------------------------------


def seed_users(streets) -> dict:
    """Street staff of the first street, community staff of its first community, and two
    organization leaders (one organization, five organizations)."""
    from accounts.models import Community
    from accounts.roles import Role
    from accounts.services import user_create

    street = streets[0]
    community = Community.objects.filter(street=street).order_by("code").first()
    admin = user_create(
        username="bench-admin", password=PASSWORD, role=Role.STREET_ADMIN, street=street
    )
    staff = user_create(
        username="bench-staff", password=PASSWORD, role=Role.COMMUNITY_STAFF, community=community
    )
    orgs = list(street_organizations(street).filter(community=community).order_by("pk")[:6])
    leader1 = user_create(
        username="bench-leader1", password=PASSWORD, role=Role.ORG_LEADER, street=street
    )
    leader1.led_organizations.add(orgs[0])
    leader5 = user_create(
        username="bench-leader5", password=PASSWORD, role=Role.ORG_LEADER, street=street
    )
    leader5.led_organizations.add(*orgs[1:6])
    return {"admin": admin, "staff": staff, "leader1": leader1, "leader5": leader5}


# --- All -------------------------------------------------------------------------------------


def seed() -> dict:
    """Seed everything; returns the row counts and the seconds per step."""
    from django.db import connection, transaction

    today = _today()
    timer = _Timer()
    counts: dict = {}
    _sql("SET synchronous_commit TO off")
    with transaction.atomic():
        streets, communities = seed_geography()
        seed_organizations(communities)
        counts["organizations"] = ORGANIZATIONS
        timer.step("organizations", ORGANIZATIONS)
        counts.update(seed_party_organizations(streets, communities))
        timer.step("party organizations", counts["party_organizations"])
        counts["party_members"] = seed_members()
        timer.step("party members", counts["party_members"])
        covered, instructed, cross = seed_coverage()
        counts.update(coverage=covered, instructors=instructed, cross_appointments=cross)
        timer.step("coverage, instructors, secretaries", covered + instructed)
        counts["party_activities"] = seed_activities(today)
        timer.step("party activities", counts["party_activities"])
        counts["developments"] = seed_developments()
        timer.step("developments", counts["developments"])
        counts.update(seed_reviews(streets, today))
        timer.step("cycles and reviews", counts["reviews"])
        users = seed_users(streets)
        funding = seed_funding(streets[0], users["admin"], today)
        counts.update({k: v for k, v in funding.items() if k.startswith("grant")})
        timer.step("users and funding", funding["grant_applications"])
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    timer.step("vacuum analyze")
    counts["seconds"] = timer.total
    counts["steps"] = timer.steps
    return {
        "counts": counts,
        "users": users,
        "current_call_id": funding["current_call_id"],
        "small_call_id": funding["small_call_id"],
    }
