"""Seed volunteer service (公益活动, sessions, places, volunteers) at district scale for
`make bench` (after seed_district; the marketplace is not needed).

Sizes scale with BENCH_VOL_SCALE (default 1.0):

- 500,000 volunteers: the first 30 % are party members of the roster (their name, ID
  number, phone, street and branch's community), the rest people of the 100 communities;
- 40,000 activities over the 100 communities (one in twenty street-wide), organized by
  an organization of the community (70 %), a party branch (20 %: dedication days for
  members and partner days) or the hub (10 %); their start dates spread evenly from three
  years ago to three months ahead; 2 % cancelled, 2 % of the future ones awaiting approval;
- 200,000 sessions (5 weekly sessions per activity, 2–4 h, at 09:00 or 14:00);
- 10,000,000 places (attendance rows): 50 per session. Slot 0 of every session goes to
  one of 400 "veterans" (500 places each, the heaviest records), the other 49 to the
  rest (about 20 places each). Past sessions: 84 % attended (signed in by QR code or by
  the organizer, 1 % without a sign-out), 8 % no-shows, 8 % cancelled; future sessions:
  93 % signed up, 7 % cancelled; sessions of cancelled or unapproved activities: cancelled.
  Hours follow the rounding rule: the session's length, half an hour less for those who
  left 30 minutes early, 0 without a sign-out.

Then ``Volunteer.hours_total`` and ``last_served_on`` are computed from the places in SQL,
as the hours service keeps them. No ``PlaceEvent`` rows (the pages measured do not read
them). Every row is an ``INSERT … SELECT generate_series`` statement; the places go in
without their secondary indexes and foreign-key triggers (rebuilt after, the references
then checked by one anti-join each).
"""

from __future__ import annotations

import os

SCALE = float(os.environ.get("BENCH_VOL_SCALE", "1.0"))
VOLUNTEERS = max(1000, int(500_000 * SCALE))
ACTIVITIES = max(100, int(40_000 * SCALE))
SESSIONS_PER_ACTIVITY = 5
PLACES_PER_SESSION = 50
CAPACITY = 60
VETERANS = 400
PARTY_MEMBER_SHARE = 0.3
DAYS_BACK = 1095
DAYS_AHEAD = 90
SESSIONS = ACTIVITIES * SESSIONS_PER_ACTIVITY
PLACES = SESSIONS * PLACES_PER_SESSION

SURNAMES = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "朱", "马"]
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛"]
THIRD = ["华", "明", "英", "平", "", "红", "林"]


def _sql(statement: str, params=None) -> int:
    # Always with parameters, so every statement writes % as %%.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement, params or {})
        return cursor.rowcount


def _scalar(statement: str, params=None):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement, params or {})
        return cursor.fetchone()[0]


def _helper_tables() -> None:
    """Communities numbered 0–99 (street-major), organizations and party branches numbered
    within their community, party members numbered 0…"""
    _sql(
        """
        CREATE TEMP TABLE vo_comm AS
        SELECT c.id AS community_id, c.street_id,
               (row_number() OVER (ORDER BY s.code, c.code) - 1)::int AS cidx
        FROM accounts_community c JOIN accounts_street s ON s.id = c.street_id
        """
    )
    _sql(
        """
        CREATE TEMP TABLE vo_org AS
        SELECT o.id AS org_id, o.community_id,
               (row_number() OVER (PARTITION BY o.community_id ORDER BY o.id) - 1)::int AS rn
        FROM incubation_organization o
        """
    )
    _sql(
        """
        CREATE TEMP TABLE vo_branch AS
        SELECT p.id AS branch_id, p.community_id,
               (row_number() OVER (PARTITION BY p.community_id ORDER BY p.id) - 1)::int AS rn
        FROM partybuilding_partyorganization p
        WHERE p.kind = 'branch' AND p.community_id IS NOT NULL
        """
    )
    _sql(
        """
        CREATE TEMP TABLE vo_count AS
        SELECT c.community_id, c.street_id, c.cidx,
               (SELECT count(*) FROM vo_org o WHERE o.community_id = c.community_id)::int
                   AS orgs,
               (SELECT count(*) FROM vo_branch b WHERE b.community_id = c.community_id)::int
                   AS branches
        FROM vo_comm c
        """
    )
    _sql(
        """
        CREATE TEMP TABLE vo_pm AS
        SELECT m.id AS member_id, m.name, m.id_number, m.phone, p.street_id,
               p.community_id, (row_number() OVER (ORDER BY m.id) - 1)::int AS rn
        FROM partybuilding_partymember m
        JOIN partybuilding_partyorganization p ON p.id = m.branch_id
        """
    )
    for statement in (
        "CREATE INDEX ON vo_count (cidx)",
        "CREATE INDEX ON vo_org (community_id, rn)",
        "CREATE INDEX ON vo_branch (community_id, rn)",
        "CREATE INDEX ON vo_pm (rn)",
    ):
        _sql(statement)
    for table in ("vo_comm", "vo_org", "vo_branch", "vo_count", "vo_pm"):
        _sql(f"ANALYZE {table}")


def seed_volunteers() -> int:
    members = _scalar("SELECT count(*) FROM vo_pm")
    linked = min(members, int(VOLUNTEERS * PARTY_MEMBER_SHARE))
    return _sql(
        """
        INSERT INTO volunteering_volunteer
            (name, id_number, phone, account_id, party_member_id, street_id, community_id,
             hours_total, last_served_on, created_at, updated_at)
        SELECT coalesce(m.name, (%(surnames)s::text[])[1 + g %% %(ns)s]
                   || (%(given)s::text[])[1 + (g / 7) %% %(ng)s]
                   || (%(third)s::text[])[1 + (g / 11) %% %(nt)s]),
               coalesce(m.id_number, '3301' || lpad(g::text, 13, '0') || 'X'),
               coalesce(m.phone, '138' || lpad(g::text, 8, '0')),
               NULL, m.member_id,
               coalesce(m.street_id, c.street_id),
               coalesce(m.community_id, c.community_id),
               0, NULL, now() - make_interval(days => 1200 - g %% 1000), now()
        FROM generate_series(0, %(n)s - 1) g
        JOIN vo_comm c ON c.cidx = g %% 100
        LEFT JOIN vo_pm m ON g < %(linked)s AND m.rn = g
        ORDER BY g
        """,
        {
            "n": VOLUNTEERS,
            "linked": linked,
            "surnames": SURNAMES,
            "ns": len(SURNAMES),
            "given": GIVEN,
            "ng": len(GIVEN),
            "third": THIRD,
            "nt": len(THIRD),
        },
    )


def seed_activities() -> int:
    # d.day: the local calendar day the activity starts, relative to today, evenly over
    # the range.
    return _sql(
        """
        INSERT INTO volunteering_activity
            (title, series, description, organizer_kind, organization_id, party_org_id,
             partner_unit_id, claim_id, street_id, community_id, place, audience, capacity,
             recruit_until, status, created_by_id, published_at, created_at, updated_at)
        SELECT CASE k.kind
                   WHEN 'party_org' THEN CASE WHEN g %% 10 = 6 THEN '25日党员固定奉献日'
                                              ELSE '党员先锋·公益伙伴日' END
                   ELSE (ARRAY['公益伙伴日·社区环境清洁', '助老送餐', '四点半课堂',
                               '垃圾分类宣传', '义诊义剪', '文明交通劝导'])[1 + g %% 6]
               END || ' ' || g,
               CASE WHEN k.kind = 'party_org' AND g %% 10 = 6 THEN 'dedication_day'
                    WHEN g %% 10 = 9 THEN 'other' ELSE 'partner_day' END,
               '参加者请提前十分钟到场签到。', k.kind,
               CASE WHEN k.kind = 'organization' THEN o.org_id END,
               CASE WHEN k.kind = 'party_org' THEN b.branch_id END,
               NULL, NULL, c.street_id,
               CASE WHEN g %% 20 = 19 THEN NULL ELSE c.community_id END,
               '社区文化家园' || (g %% 7 + 1) || '楼活动室',
               CASE WHEN k.kind = 'party_org' AND g %% 10 = 6 THEN 'party_members'
                    ELSE 'everyone' END,
               %(capacity)s,
               t.first_start - interval '1 day',
               st.status, NULL,
               CASE WHEN st.status IN ('published', 'finished', 'cancelled')
                    THEN t.first_start - interval '14 days' END,
               t.first_start - interval '20 days', now()
        FROM generate_series(0, %(n)s - 1) g
        JOIN vo_count c ON c.cidx = g %% 100
        CROSS JOIN LATERAL (SELECT CASE
            WHEN g %% 10 IN (6, 7) AND c.branches > 0 THEN 'party_org'
            WHEN g %% 10 = 8 THEN 'hub'
            ELSE 'organization' END AS kind) k
        CROSS JOIN LATERAL (SELECT
            (-%(back)s + (g::bigint * (%(back)s + %(ahead)s)) / %(n)s)::int AS day) d
        CROSS JOIN LATERAL (SELECT
            ((now() AT TIME ZONE 'Asia/Shanghai')::date + d.day
             + make_time(CASE WHEN g %% 2 = 0 THEN 9 ELSE 14 END, 0, 0))
            AT TIME ZONE 'Asia/Shanghai' AS first_start) t
        CROSS JOIN LATERAL (SELECT CASE
            WHEN g %% 50 = 7 THEN 'cancelled'
            WHEN d.day + 7 * %(last)s + 1 < 0 THEN 'finished'
            WHEN g %% 50 = 13 AND d.day > 0 THEN 'submitted'
            ELSE 'published' END AS status) st
        LEFT JOIN vo_org o
            ON o.community_id = c.community_id AND o.rn = (g / 100) %% greatest(c.orgs, 1)
        LEFT JOIN vo_branch b
            ON b.community_id = c.community_id AND b.rn = (g / 100) %% greatest(c.branches, 1)
        ORDER BY g
        """,
        {
            "n": ACTIVITIES,
            "back": DAYS_BACK,
            "ahead": DAYS_AHEAD,
            "capacity": CAPACITY,
            "last": SESSIONS_PER_ACTIVITY - 1,
        },
    )


def seed_sessions() -> int:
    activity0 = _scalar("SELECT min(id) FROM volunteering_activity")
    return _sql(
        """
        INSERT INTO volunteering_session
            (activity_id, starts_at, ends_at, party_activity_id, qr_version, reminded_at,
             closed_at)
        SELECT a.id, t.starts_at, t.starts_at + make_interval(hours => 2 + (s / %(per)s) %% 3),
               NULL, 1,
               CASE WHEN t.starts_at < now() + interval '1 day'
                    THEN t.starts_at - interval '1 day' END,
               CASE WHEN t.starts_at + interval '1 day' < now()
                    THEN t.starts_at + interval '6 hours' END
        FROM generate_series(0, %(n)s - 1) s
        JOIN volunteering_activity a ON a.id = %(activity0)s + s / %(per)s
        CROSS JOIN LATERAL (SELECT
            (a.recruit_until + interval '1 day') + make_interval(days => 7 * (s %% %(per)s))
            AS starts_at) t
        ORDER BY s
        """,
        {"n": SESSIONS, "per": SESSIONS_PER_ACTIVITY, "activity0": activity0},
    )


def _place_indexes() -> list[tuple[str, str]]:
    """The secondary indexes of the place table (name, definition)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.indexname, i.indexdef FROM pg_indexes i
            WHERE i.tablename = 'volunteering_place'
              AND i.indexname NOT IN (SELECT conname FROM pg_constraint WHERE contype = 'p')
            ORDER BY i.indexname
            """
        )
        return cursor.fetchall()


def seed_places(step) -> int:
    """PLACES places, 50 per session, inserted without the secondary indexes (rebuilt
    after) and, as superuser, without the foreign-key triggers (checked after)."""
    session0 = _scalar("SELECT min(id) FROM volunteering_session")
    volunteer0 = _scalar("SELECT min(id) FROM volunteering_volunteer")
    rest = VOLUNTEERS - VETERANS
    stride = rest // PLACES_PER_SESSION  # distinct volunteers within one session
    indexes = _place_indexes()
    for name, _definition in indexes:
        _sql(f'DROP INDEX "{name}"')
    superuser = _scalar("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    if superuser:
        _sql("SET LOCAL session_replication_role = replica")
    rows = _sql(
        """
        INSERT INTO volunteering_place
            (session_id, volunteer_id, status, signed_in_at, signed_out_at, sign_in_source,
             sign_out_source, hours, created_at, updated_at)
        SELECT x.session_id, x.volunteer_id, x.status,
               CASE WHEN x.status = 'attended'
                    THEN x.starts_at - make_interval(mins => (p %% 10)::int) END,
               CASE WHEN x.status <> 'attended' OR p %% 100 = 99 THEN NULL
                    WHEN p %% 7 = 0 THEN x.ends_at - interval '30 minutes'
                    ELSE x.ends_at + make_interval(mins => (p %% 15)::int) END,
               CASE WHEN x.status = 'attended'
                    THEN CASE WHEN p %% 20 = 0 THEN 'organizer' ELSE 'qr' END ELSE '' END,
               CASE WHEN x.status <> 'attended' OR p %% 100 = 99 THEN ''
                    WHEN p %% 20 = 0 THEN 'organizer' ELSE 'qr' END,
               CASE WHEN x.status <> 'attended' OR p %% 100 = 99 THEN 0
                    WHEN p %% 7 = 0 THEN x.length - 0.5
                    ELSE x.length END,
               x.starts_at - make_interval(days => (1 + p %% 10)::int),
               CASE WHEN x.status = 'attended' THEN x.ends_at + interval '20 minutes'
                    ELSE x.starts_at - make_interval(days => (1 + p %% 10)::int) END
        FROM generate_series(0::bigint, %(n)s - 1) p
        CROSS JOIN LATERAL (SELECT p / %(per)s AS s, p %% %(per)s AS k) i
        JOIN volunteering_session se ON se.id = %(session0)s + i.s
        JOIN volunteering_activity a ON a.id = se.activity_id
        CROSS JOIN LATERAL (SELECT
            se.id AS session_id, se.starts_at, se.ends_at,
            (extract(epoch FROM se.ends_at - se.starts_at) / 3600)::numeric(7, 1) AS length,
            %(volunteer0)s + CASE WHEN i.k = 0 THEN i.s %% %(veterans)s
                ELSE %(veterans)s + (i.s * 7919 + i.k * %(stride)s) %% %(rest)s END
                AS volunteer_id,
            CASE
                WHEN a.status NOT IN ('published', 'finished') THEN 'cancelled'
                WHEN se.ends_at < now() THEN CASE
                    WHEN (p * 37) %% 100 < 84 THEN 'attended'
                    WHEN (p * 37) %% 100 < 92 THEN 'no_show'
                    ELSE 'cancelled' END
                WHEN (p * 37) %% 100 < 93 THEN 'confirmed'
                ELSE 'cancelled' END AS status) x
        """,
        {
            "n": PLACES,
            "per": PLACES_PER_SESSION,
            "session0": session0,
            "volunteer0": volunteer0,
            "veterans": VETERANS,
            "rest": rest,
            "stride": stride,
        },
    )
    if superuser:
        _sql("SET LOCAL session_replication_role = DEFAULT")
    step("places", rows)
    _sql("SET LOCAL maintenance_work_mem = '1GB'")
    for _name, definition in indexes:
        _sql(definition)
    step("places: indexes rebuilt", len(indexes))
    orphans = _scalar(
        """
        SELECT (SELECT count(*) FROM volunteering_place p
                WHERE NOT EXISTS (SELECT 1 FROM volunteering_session s WHERE s.id = p.session_id))
             + (SELECT count(*) FROM volunteering_place p
                WHERE NOT EXISTS (SELECT 1 FROM volunteering_volunteer v
                                  WHERE v.id = p.volunteer_id))
        """
    )
    if orphans:
        raise RuntimeError(f"{orphans} places refer to no session or no volunteer")
    return rows


def compute_hours() -> int:
    """hours_total and last_served_on from the places, as the hours service keeps them."""
    _sql("SET LOCAL work_mem = '256MB'")
    return _sql(
        """
        UPDATE volunteering_volunteer v
        SET hours_total = h.total, last_served_on = h.last_day
        FROM (SELECT p.volunteer_id, sum(p.hours) AS total,
                     max((s.starts_at AT TIME ZONE 'Asia/Shanghai')::date) AS last_day
              FROM volunteering_place p
              JOIN volunteering_session s ON s.id = p.session_id
              WHERE p.status = 'attended'
              GROUP BY p.volunteer_id) h
        WHERE v.id = h.volunteer_id
        """
    )


def seed_volunteering(timer=None) -> dict:
    """Seed everything above (inside the caller's transaction); returns the row counts."""
    step = timer.step if timer is not None else (lambda *a, **k: None)
    _helper_tables()
    counts = {"volunteers": seed_volunteers()}
    step("volunteers", counts["volunteers"])
    counts["activities"] = seed_activities()
    counts["sessions"] = seed_sessions()
    step("activities and sessions", counts["activities"] + counts["sessions"])
    counts["places"] = seed_places(step)
    counts["volunteers_with_hours"] = compute_hours()
    step("hours_total from the places", counts["volunteers_with_hours"])
    counts["attended"] = _scalar(
        "SELECT count(*) FROM volunteering_place WHERE status = 'attended'"
    )
    return counts


def pick_rows(users: dict) -> dict:
    """Accounts for the record pages: a veteran (500 places, the heaviest record) and a
    typical volunteer (about 20), both of the staff's street; ``users`` gains them as
    ``veteran`` and ``volunteer``. Also the ids the measurements read."""
    from django.contrib.auth import get_user_model

    from accounts.roles import Role
    from accounts.services import user_create
    from bench.seed_district import PASSWORD
    from volunteering.models import Volunteer

    street = users["admin"].street
    veteran = (
        Volunteer.objects.filter(street=street, hours_total__gt=0)
        .order_by("-hours_total", "pk")
        .first()
    )
    typical = (
        Volunteer.objects.filter(street=street, community=users["staff"].community)
        .filter(hours_total__gt=10, party_member__isnull=True)
        .order_by("pk")
        .first()
    )
    User = get_user_model()
    for key, volunteer in (("veteran", veteran), ("volunteer", typical)):
        username = f"bench-{key}"
        user = User.objects.filter(username=username).first() or user_create(
            username=username, password=PASSWORD, role=Role.VOLUNTEER, street=street
        )
        Volunteer.objects.filter(pk=volunteer.pk).update(account=user)
        users[key] = user
    return {
        "veteran": veteran.pk,
        "volunteer": typical.pk,
        "veteran_places": veteran.places.count(),
        "volunteer_places": typical.places.count(),
    }
