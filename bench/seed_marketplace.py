"""Seed the marketplace (凯益集市) at district scale for `make bench` (after seed_district).

Sizes scale with BENCH_MARKET_SCALE (default 1.0):

- 400,000 needs and 400,000 claims spread evenly over the 100 communities (one street
  holds a tenth of each);
- 200,000 resources: 100,000 listed in the first street (the street of the need whose
  matching is measured; 40 % of them in the elderly-care family of categories, the
  measured need's), 99,800 over streets 2–9 (mixed statuses) and 200 in the last street
  (the "few rows" comparison of the need page); half serve named communities;
- 500,000 micro-wishes with their 500,000 beneficiary rows, 20,000 projects with their
  needs, resources and 30,000 fund commitments, 500 partner units.

Every row is an ``INSERT … SELECT generate_series`` statement. Claims obey the database's
rules: one claimant, one target, and at most one live claim per item and slot (each
claimed item has exactly one claim, slot 1); resources name exactly the provider their
kind says (organization, party member, partner unit or a volunteer team's name).
"""

from __future__ import annotations

import os

SCALE = float(os.environ.get("BENCH_MARKET_SCALE", "1.0"))
NEEDS = int(400_000 * SCALE)
RESOURCES_FIRST_STREET = int(100_000 * SCALE)
RESOURCES_OTHER = int(99_800 * SCALE)
RESOURCES_LAST_STREET = 200
CLAIMS = int(400_000 * SCALE)
WISHES = int(500_000 * SCALE)
PROJECTS = int(20_000 * SCALE)
FUNDS = int(30_000 * SCALE)
PARTNER_UNITS_PER_STREET = 50
# Claims: need claims first, then wish claims, then one claim per project.
NEED_CLAIMS = int(CLAIMS * 0.6)
PROJECT_CLAIMS = min(PROJECTS, CLAIMS - NEED_CLAIMS)
WISH_CLAIMS = CLAIMS - NEED_CLAIMS - PROJECT_CLAIMS

TARGET_GROUPS = [
    "elderly_alone",
    "elderly",
    "children",
    "disabled",
    "low_income",
    "veterans",
    "residents",
]
AGE_BANDS = ["child", "youth", "adult", "senior", "elder"]
ALIASES = ["王奶奶", "李爷爷", "小林", "张阿姨", "陈叔叔", "小周", "刘奶奶", "赵爷爷"]


def _sql(statement: str, params=None) -> int:
    # Always with parameters, so every statement writes % as %%.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement, params or {})
        return cursor.rowcount


def _scalar(statement: str, params=None):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchone()[0]


def _helper_tables() -> None:
    """Temporary numbering tables: communities (cidx 0–99, street-major, so cidx // 10
    is the street's index), organizations and party members numbered within their street,
    categories."""
    _sql(
        """
        CREATE TEMP TABLE mk_comm AS
        SELECT c.id AS community_id, c.street_id,
               (dense_rank() OVER (ORDER BY s.code) - 1)::int AS sidx,
               (row_number() OVER (ORDER BY s.code, c.code) - 1)::int AS cidx
        FROM accounts_community c JOIN accounts_street s ON s.id = c.street_id
        """
    )
    _sql(
        """
        CREATE TEMP TABLE mk_org AS
        SELECT o.id AS org_id, c.street_id,
               (row_number() OVER (PARTITION BY c.street_id ORDER BY o.id) - 1)::int AS rn
        FROM incubation_organization o JOIN accounts_community c ON c.id = o.community_id
        """
    )
    _sql(
        """
        CREATE TEMP TABLE mk_pm AS
        SELECT m.id AS member_id, p.street_id,
               (row_number() OVER (PARTITION BY p.street_id ORDER BY m.id) - 1)::int AS rn
        FROM partybuilding_partymember m
        JOIN partybuilding_partyorganization p ON p.id = m.branch_id
        """
    )
    _sql(
        """
        CREATE TEMP TABLE mk_count AS
        SELECT c.street_id, c.sidx,
               (SELECT count(*) FROM mk_org o WHERE o.street_id = c.street_id)::int AS orgs,
               (SELECT count(*) FROM mk_pm m WHERE m.street_id = c.street_id)::int AS members
        FROM (SELECT DISTINCT street_id, sidx FROM mk_comm) c
        """
    )
    _sql("CREATE INDEX ON mk_comm (cidx)")
    _sql("CREATE INDEX ON mk_org (street_id, rn)")
    _sql("CREATE INDEX ON mk_pm (street_id, rn)")
    for table in ("mk_comm", "mk_org", "mk_pm", "mk_count"):
        _sql(f"ANALYZE {table}")


def _categories() -> tuple[list[int], list[int]]:
    from marketplace.categories import seed_default_categories
    from marketplace.models import Category

    seed_default_categories()
    every = list(Category.objects.order_by("pk").values_list("pk", flat=True))
    elderly = list(
        Category.objects.filter(code__startswith="elderly")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return every, elderly


def seed_partner_units() -> int:
    rows = _sql(
        """
        INSERT INTO marketplace_partnerunit
            (street_id, name, contact_name, contact_phone, created_at, updated_at)
        SELECT s.id, s.name || '共建单位' || lpad(g::text, 3, '0'), '联系人' || g,
               '137' || lpad((s.id * 1000 + g)::text, 8, '0'), now(), now()
        FROM accounts_street s CROSS JOIN generate_series(1, %(n)s) g
        """,
        {"n": PARTNER_UNITS_PER_STREET},
    )
    _sql(
        """
        CREATE TEMP TABLE mk_pu AS
        SELECT id, street_id,
               (row_number() OVER (PARTITION BY street_id ORDER BY id) - 1)::int AS rn
        FROM marketplace_partnerunit
        """
    )
    _sql("CREATE INDEX ON mk_pu (street_id, rn)")
    _sql("ANALYZE mk_pu")
    return rows


def seed_needs(categories: list[int]) -> int:
    """Needs: 50 % listed (listed over the last two years, so many are past the
    escalation delay), 40 % fulfilled, 5 % pending, the rest rejected or withdrawn."""
    return _sql(
        """
        INSERT INTO marketplace_need
            (community_id, batch_id, grid, title, category_id, nature, target_group, quantity,
             window_start, window_end, place, description, estimated_value, source,
             max_claims, status, collected_by_id, reviewed_by_id, listed_at, reject_reason,
             escalated_at, created_at, updated_at)
        SELECT c.community_id, NULL, '网格' || (g %% 20), '基准需求' || g,
               (%(cats)s::int[])[1 + (g * 13) %% %(ncats)s],
               CASE WHEN g %% 3 = 0 THEN 'goods' ELSE 'service' END,
               (%(groups)s::text[])[1 + g %% 7], 1 + g %% 3,
               current_date - (g %% 60), current_date - (g %% 60) + 30 + g %% 90,
               '', '居民需要上门服务。', (g %% 500)::numeric,
               (ARRAY['home_visit','hotline','resident_meeting','other'])[1 + g %% 4],
               1, x.status, NULL, NULL,
               CASE WHEN x.status IN ('listed', 'fulfilled')
                    THEN now() - make_interval(days => g %% 700, secs => g %% 86400) END,
               CASE WHEN x.status = 'rejected' THEN '信息不全' ELSE '' END, NULL,
               now() - make_interval(days => g %% 730 + 1), now()
        FROM generate_series(0, %(n)s - 1) g
        JOIN mk_comm c ON c.cidx = g %% 100
        CROSS JOIN LATERAL (SELECT CASE
            WHEN (g / 100 * 79 + g) %% 100 < 5 THEN 'pending'
            WHEN (g / 100 * 79 + g) %% 100 < 8 THEN 'rejected'
            WHEN (g / 100 * 79 + g) %% 100 < 10 THEN 'withdrawn'
            WHEN (g / 100 * 79 + g) %% 100 < 50 THEN 'fulfilled'
            ELSE 'listed' END AS status) x
        """,
        {"n": NEEDS, "cats": categories, "ncats": len(categories), "groups": TARGET_GROUPS},
    )


def seed_resources(categories: list[int], elderly: list[int]) -> tuple[int, int]:
    """Resources and the communities they serve. Numbered g: g < RESOURCES_FIRST_STREET
    are listed in the first street; then streets 2–9; the last street gets 200."""
    first, other = RESOURCES_FIRST_STREET, RESOURCES_OTHER
    rows = _sql(
        """
        INSERT INTO marketplace_resource
            (street_id, batch_id, provider_kind, organization_id, party_member_id,
             partner_unit_id, team_name, title, category_id, skills, target_groups,
             capacity_per_month, time_slots, description, status, reviewed_by_id, listed_at,
             reject_reason, created_at, updated_at)
        SELECT s.street_id, NULL, p.kind,
               CASE WHEN p.kind = 'organization' THEN o.org_id END,
               CASE WHEN p.kind = 'party_member' THEN m.member_id END,
               CASE WHEN p.kind = 'partner_unit' THEN u.id END,
               CASE WHEN p.kind = 'volunteer_team' THEN '志愿服务队' || (g %% 97) ELSE '' END,
               '基准资源' || g,
               CASE WHEN s.sidx = 0 AND g %% 10 < 4
                    THEN (%(elderly)s::int[])[1 + g %% %(nelderly)s]
                    ELSE (%(cats)s::int[])[1 + (g * 13) %% %(ncats)s] END,
               '', CASE WHEN g %% 3 = 0 THEN '' ELSE (%(groups)s::text[])[1 + g %% 7] || ','
                    || (%(groups)s::text[])[1 + (g + 3) %% 7] END,
               1 + g %% 8, '周末上午', '', x.status, NULL,
               CASE WHEN x.status IN ('listed', 'withdrawn')
                    THEN now() - make_interval(days => g %% 500, secs => g %% 86400) END,
               '', now() - make_interval(days => g %% 600 + 1), now()
        FROM generate_series(0, %(first)s + %(other)s + %(last)s - 1) g
        CROSS JOIN LATERAL (SELECT CASE
            WHEN g < %(first)s THEN 0
            WHEN g < %(first)s + %(other)s THEN 1 + (g - %(first)s) %% 8
            ELSE 9 END AS sidx) si
        JOIN mk_count s ON s.sidx = si.sidx
        CROSS JOIN LATERAL (SELECT CASE
            WHEN g %% 20 < 10 THEN 'organization'
            WHEN g %% 20 < 14 THEN 'party_member'
            WHEN g %% 20 < 17 THEN 'partner_unit'
            ELSE 'volunteer_team' END AS kind) p
        CROSS JOIN LATERAL (SELECT CASE
            WHEN g < %(first)s THEN 'listed'
            WHEN (g / 100 * 79 + g) %% 100 < 70 THEN 'listed'
            WHEN (g / 100 * 79 + g) %% 100 < 85 THEN 'pending'
            WHEN (g / 100 * 79 + g) %% 100 < 92 THEN 'rejected'
            ELSE 'withdrawn' END AS status) x
        LEFT JOIN mk_org o ON o.street_id = s.street_id AND o.rn = (g * 31) %% s.orgs
        LEFT JOIN mk_pm m ON m.street_id = s.street_id AND m.rn = (g * 17) %% s.members
        LEFT JOIN mk_pu u ON u.street_id = s.street_id AND u.rn = g %% %(units)s
        """,
        {
            "first": first,
            "other": other,
            "last": RESOURCES_LAST_STREET,
            "cats": categories,
            "ncats": len(categories),
            "elderly": elderly,
            "nelderly": len(elderly),
            "groups": TARGET_GROUPS,
            "units": PARTNER_UNITS_PER_STREET,
        },
    )
    # Half serve named communities (one of their street's, a third of those two); the
    # other half the whole street (no rows).
    served = _sql(
        """
        INSERT INTO marketplace_resource_communities (resource_id, community_id)
        SELECT r.id, c.community_id
        FROM marketplace_resource r
        JOIN mk_comm c0 ON c0.street_id = r.street_id AND c0.cidx %% 10 = 0
        CROSS JOIN LATERAL (SELECT unnest(CASE WHEN r.id %% 6 = 1
                            THEN ARRAY[r.id / 2 %% 10, (r.id / 2 + 1) %% 10]
                            ELSE ARRAY[r.id / 2 %% 10] END) AS k) k
        JOIN mk_comm c ON c.cidx = c0.cidx + k.k
        WHERE r.id %% 2 = 1
        """
    )
    return rows, served


def seed_wishes() -> tuple[int, int]:
    """Wishes and their beneficiaries: 33 % fulfilled, 40 % on the wall waiting, the rest
    claimed, delivered, not yet published or withdrawn."""
    wishes = _sql(
        """
        INSERT INTO marketplace_wish
            (community_id, alias, age_band, target_group, category_id, title, description,
             value, status, collected_by_id, collected_on, published_at, fulfilled_at,
             created_at, updated_at)
        SELECT c.community_id, (%(aliases)s::text[])[1 + g %% 8],
               (%(ages)s::text[])[1 + g %% 5], (%(groups)s::text[])[1 + g %% 7],
               (SELECT id FROM marketplace_category WHERE code = 'goods-daily'),
               '一台电饭煲' || (g %% 50), '希望有一台新的电饭煲。', (20 + g %% 280)::numeric,
               x.status, NULL, (now() - make_interval(days => g %% 365 + 3))::date,
               CASE WHEN x.status IN ('published', 'claimed', 'delivered', 'confirmed')
                    THEN now() - make_interval(days => g %% 365, secs => g %% 86400) END,
               CASE WHEN x.status = 'confirmed'
                    THEN now() - make_interval(days => g %% 300) END,
               now() - make_interval(days => g %% 365 + 3), now()
        FROM generate_series(0, %(n)s - 1) g
        JOIN mk_comm c ON c.cidx = g %% 100
        CROSS JOIN LATERAL (SELECT CASE
            WHEN (g / 100 * 79 + g) %% 100 < 4 THEN 'collected'
            WHEN (g / 100 * 79 + g) %% 100 < 7 THEN 'verified'
            WHEN (g / 100 * 79 + g) %% 100 < 9 THEN 'withdrawn'
            WHEN (g / 100 * 79 + g) %% 100 < 49 THEN 'published'
            WHEN (g / 100 * 79 + g) %% 100 < 62 THEN 'claimed'
            WHEN (g / 100 * 79 + g) %% 100 < 67 THEN 'delivered'
            ELSE 'confirmed' END AS status) x
        """,
        {"n": WISHES, "aliases": ALIASES, "ages": AGE_BANDS, "groups": TARGET_GROUPS},
    )
    beneficiaries = _sql(
        """
        INSERT INTO marketplace_wishbeneficiary
            (wish_id, name, phone, address, id_number, handover_contact, photo_consent,
             consent_recorded_by_id, created_at, updated_at)
        SELECT w.id, '受助人' || w.id, '136' || lpad((w.id %% 100000000)::text, 8, '0'),
               '某小区' || (w.id %% 40) || '幢', '', '网格员 13700000000', w.id %% 2 = 0,
               NULL, w.created_at, now()
        FROM marketplace_wish w
        """
    )
    return wishes, beneficiaries


def seed_projects(categories: list[int]) -> dict:
    """Projects (project g answers need g, in the same community), a resource of the same
    street each (5 % of them matched this month), fund commitments."""
    need0 = _scalar("SELECT min(id) FROM marketplace_need")
    res0 = _scalar("SELECT min(id) FROM marketplace_resource")
    projects = _sql(
        """
        INSERT INTO marketplace_project
            (community_id, batch_id, title, category_id, description, budget, beneficiaries,
             starts_on, ends_on, max_claims, status, matched_at, created_by_id,
             created_at, updated_at)
        SELECT c.community_id, NULL, '基准项目' || g,
               (%(cats)s::int[])[1 + (g * 13) %% %(ncats)s], '', (5000 + g %% 50000)::numeric,
               10 + g %% 200, current_date - (g %% 400), current_date - (g %% 400) + 90, 1,
               x.status,
               CASE WHEN x.status IN ('matched', 'delivering', 'completed')
                    THEN CASE WHEN g %% 20 = 0 THEN now() - interval '1 hour'
                              ELSE now() - make_interval(days => 31 + g %% 400) END END,
               NULL, now() - make_interval(days => g %% 400 + 1), now()
        FROM generate_series(0, %(n)s - 1) g
        JOIN mk_comm c ON c.cidx = g %% 100
        CROSS JOIN LATERAL (SELECT CASE
            WHEN (g / 100 * 79 + g) %% 100 < 10 THEN 'proposed'
            WHEN (g / 100 * 79 + g) %% 100 < 40 THEN 'matched'
            WHEN (g / 100 * 79 + g) %% 100 < 60 THEN 'delivering'
            WHEN (g / 100 * 79 + g) %% 100 < 95 THEN 'completed'
            ELSE 'cancelled' END AS status) x
        """,
        {"n": PROJECTS, "cats": categories, "ncats": len(categories)},
    )
    project0 = _scalar("SELECT min(id) FROM marketplace_project")
    _sql(
        """
        INSERT INTO marketplace_project_needs (project_id, need_id)
        SELECT p.id, %(need0)s + (p.id - %(project0)s) FROM marketplace_project p
        """,
        {"need0": need0, "project0": project0},
    )
    # A resource of the project's street: the first street's listed ones, else streets
    # 2–9 (numbered first + (street - 1) + 8 k); the last street's 200.
    _sql(
        """
        INSERT INTO marketplace_project_resources (project_id, resource_id)
        SELECT p.id, %(res0)s + CASE
            WHEN c.sidx = 0 THEN ((p.id - %(project0)s) * 7) %% %(first)s
            WHEN c.sidx < 9 THEN %(first)s + (c.sidx - 1)
                 + 8 * (((p.id - %(project0)s) * 7) %% (%(other)s / 8))
            ELSE %(first)s + %(other)s + (p.id - %(project0)s) %% %(last)s END
        FROM marketplace_project p JOIN mk_comm c ON c.community_id = p.community_id
        """,
        {
            "res0": res0,
            "project0": project0,
            "first": RESOURCES_FIRST_STREET,
            "other": RESOURCES_OTHER,
            "last": RESOURCES_LAST_STREET,
        },
    )
    funds = _sql(
        """
        INSERT INTO marketplace_fundcommitment
            (project_id, source, funder, amount, committed_on, in_kind_description,
             recorded_by_id, created_at, updated_at)
        SELECT %(project0)s + g %% %(projects)s,
               (ARRAY['enterprise','foundation','government','self_raised','in_kind'])[1 + g %% 5],
               '基准捐助方' || (g %% 300), (1000 + (g * 37) %% 90000)::numeric,
               current_date - (g %% 700), '物资折价', NULL, now(), now()
        FROM generate_series(0, %(n)s - 1) g
        """,
        {"project0": project0, "projects": projects, "n": FUNDS},
    )
    return {"projects": projects, "fund_commitments": funds}


def seed_claims() -> int:
    """Claims: one per claimed item (slot 1), so the one-live-claim rule holds whatever the
    status; 15 % claimed, 10 % in progress (many past their deadline), 7 % evidence
    submitted, 53 % confirmed or rated, the rest cancelled, expired or revoked."""
    need0 = _scalar("SELECT min(id) FROM marketplace_need")
    wish0 = _scalar("SELECT min(id) FROM marketplace_wish")
    project0 = _scalar("SELECT min(id) FROM marketplace_project")
    wish_step = max(1, WISHES // max(1, WISH_CLAIMS))
    return _sql(
        """
        INSERT INTO marketplace_claim
            (target, need_id, project_id, wish_id, community_id, slot, organization_id,
             party_member_id, claimed_by_id, status, deadline, evidence_note, confirmed_at,
             rating, rating_comment, closing_reason, reminded_on, created_at, updated_at)
        SELECT t.target,
               CASE WHEN t.target = 'need' THEN %(need0)s + t.item END,
               CASE WHEN t.target = 'project' THEN %(project0)s + t.item END,
               CASE WHEN t.target = 'wish' THEN %(wish0)s + t.item END,
               c.community_id, 1,
               CASE WHEN g %% 3 <> 0 THEN o.org_id END,
               CASE WHEN g %% 3 = 0 THEN m.member_id END,
               NULL, x.status, current_date - 20 + g %% 40, '',
               CASE WHEN x.status IN ('confirmed', 'rated')
                    THEN now() - make_interval(days => g %% 500) END,
               CASE WHEN x.status = 'rated' THEN 1 + g %% 5 END, '',
               CASE WHEN x.status IN ('cancelled', 'revoked') THEN '无法按期完成' ELSE '' END,
               NULL, now() - make_interval(days => g %% 500 + 1), now()
        FROM generate_series(0, %(n)s - 1) g
        CROSS JOIN LATERAL (SELECT CASE
            WHEN g < %(need_claims)s THEN 'need'
            WHEN g < %(need_claims)s + %(wish_claims)s THEN 'wish'
            ELSE 'project' END AS target) tt
        CROSS JOIN LATERAL (SELECT tt.target, CASE tt.target
            WHEN 'need' THEN g
            WHEN 'wish' THEN (g - %(need_claims)s) * %(wish_step)s
            ELSE g - %(need_claims)s - %(wish_claims)s END AS item) t
        JOIN mk_comm c ON c.cidx = t.item %% 100
        JOIN mk_count s ON s.street_id = c.street_id
        LEFT JOIN mk_org o ON o.street_id = c.street_id AND o.rn = (g * 31) %% s.orgs
        LEFT JOIN mk_pm m ON m.street_id = c.street_id AND m.rn = (g * 17) %% s.members
        CROSS JOIN LATERAL (SELECT CASE
            WHEN (g / 100 * 79 + g) %% 100 < 15 THEN 'claimed'
            WHEN (g / 100 * 79 + g) %% 100 < 25 THEN 'in_progress'
            WHEN (g / 100 * 79 + g) %% 100 < 32 THEN 'evidence_submitted'
            WHEN (g / 100 * 79 + g) %% 100 < 60 THEN 'confirmed'
            WHEN (g / 100 * 79 + g) %% 100 < 85 THEN 'rated'
            WHEN (g / 100 * 79 + g) %% 100 < 92 THEN 'cancelled'
            WHEN (g / 100 * 79 + g) %% 100 < 97 THEN 'expired'
            ELSE 'revoked' END AS status) x
        """,
        {
            "need0": need0,
            "wish0": wish0,
            "project0": project0,
            "n": NEED_CLAIMS + WISH_CLAIMS + PROJECT_CLAIMS,
            "need_claims": NEED_CLAIMS,
            "wish_claims": WISH_CLAIMS,
            "wish_step": wish_step,
        },
    )


def seed_marketplace(timer=None) -> dict:
    """Seed everything above (inside the caller's transaction); returns the row counts."""
    step = timer.step if timer is not None else (lambda *a, **k: None)
    _helper_tables()
    categories, elderly = _categories()
    counts = {"partner_units": seed_partner_units()}
    counts["needs"] = seed_needs(categories)
    step("marketplace needs", counts["needs"])
    counts["resources"], counts["resource_communities"] = seed_resources(categories, elderly)
    step("marketplace resources", counts["resources"])
    counts["wishes"], counts["wish_beneficiaries"] = seed_wishes()
    from marketplace import wish_tally

    wish_tally.recount()  # loaded in bulk SQL, not moved by the wish service
    step("marketplace wishes", counts["wishes"] + counts["wish_beneficiaries"])
    counts.update(seed_projects(categories))
    counts["claims"] = seed_claims()
    step("marketplace projects and claims", counts["claims"])
    return counts


def pick_rows(users: dict) -> dict:
    """The rows the measurements read: a listed need of the community staff's community
    in the elderly family (its street has the 100,000 listed resources) and a listed need
    of the last street (200 resources: the "few rows" comparison), whose street staff is
    added to ``users`` as ``admin_small``."""
    from django.contrib.auth import get_user_model

    from accounts.models import Street
    from accounts.roles import Role
    from accounts.services import user_create
    from bench.seed_district import PASSWORD
    from marketplace.models import Need

    username = "bench-admin-last-street"
    users["admin_small"] = get_user_model().objects.filter(
        username=username
    ).first() or user_create(
        username=username,
        password=PASSWORD,
        role=Role.STREET_ADMIN,
        street=Street.objects.get(code="bench-09"),
    )

    community = users["staff"].community
    need = (
        Need.objects.filter(community=community, status="listed", category__code="elderly-meal")
        .order_by("pk")
        .first()
    )
    small = (
        Need.objects.filter(status="listed", community__street__code="bench-09")
        .order_by("pk")
        .first()
    )
    return {"need": need.pk, "small_need": small.pk}
