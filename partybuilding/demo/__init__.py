"""Demo party building of 凯益荟: the "1+6+X" tree of the 综合党委 with its 326 members.

The figures are the article's (人民网, 2024-10-12): 党委下设6个总支、36个党支部、党员326名;
23名社会组织负责人担任党组织书记; 累计发展党员35名; 每月25日党员固定奉献日; 每年组织活动超过
300场次. Everything is written through the party-building services with ``actor=None`` (the
system), so every row passes the same checks as real data.

- Deterministic: one ``random.Random(SEED)`` plans everything from the street's
  organizations (read in a fixed order) before anything is written. Dates are relative to
  today: terms ending soon, probations ending, this year's organizational life.
- Idempotent: the whole layer is skipped when the street already has the committee
  (``COMMITTEE_NAME``); ``operations.demo.seed_demo`` runs in one transaction, so the layer
  is either all there or not at all.
- Built on the incubation demo (477 organizations): reads the organizations' fields,
  grades, credit listings and leader accounts, and — as the organizations are still in
  登记 when it runs — their planned paths (``paths``), so that their walk afterwards
  passes the record-reading checkpoints of 入驻, 管理 and 换届.

What the data show:

- 6 总支 by service field, each with single (单独组建), joint (联合组建, 2-5 organizations)
  and one functional (功能型) branch; all 5A organizations have their own branch.
- 23 branch secretaries are leaders of an organization the branch covers (cross-appointment,
  derived from name and phone); where a chosen organization's leader is not recorded as a
  party member, ``organization_update`` aligns the leader's political status.
- 35 members came through the development pipeline with dated steps (most are full
  members, some still probationary); about ten more are applicants, activists and
  candidates.
- 双覆盖: every organization past 登记 is covered, by a branch or by a party-building
  instructor (work coverage 423 of 448, 94.4%; organization coverage 73, 16.3%); only the
  newest registrations (登记) have neither. Every organization with ≥ 3 full members has
  a branch. An organization that leaves 管理 has an activity of the last 12 months (a
  party lecture held with it where its branch has none), one that completes a 换届 an
  approved pre-review of the last 6 months.
- This year's organizational life: 支委会/党小组会/主题党日 monthly, 支部党员大会 and 党课
  quarterly with a few gaps, the 党员固定奉献日 on every 25th so far, and volunteer service.

Modules: ``vocabulary`` (figures and word lists), ``plan`` (the plan as data),
``planner`` with its mixins ``planner_members`` and ``planner_activities`` (deciding the
plan) and ``seed`` (writing it through the services).
"""

from partybuilding.demo.plan import PartyPlan
from partybuilding.demo.planner import PartyPlanner
from partybuilding.demo.seed import party_counts, seed_party
from partybuilding.demo.vocabulary import COMMITTEE_NAME, SEED

__all__ = [
    "COMMITTEE_NAME",
    "SEED",
    "PartyPlan",
    "PartyPlanner",
    "party_counts",
    "seed_party",
]
