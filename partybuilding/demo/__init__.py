"""Demo party building of 凯益荟: the "1+6+X" tree of the 综合党委 with its 326 members.

The figures are the article's (人民网, 2024-10-12): 党委下设6个总支、36个党支部、党员326名;
23名社会组织负责人担任党组织书记; 累计发展党员35名; 每月25日党员固定奉献日; 每年组织活动超过
300场次. Everything is written through the party-building services with ``actor=None`` (the
system), so every row passes the same checks as real data.

- Deterministic: one ``random.Random(SEED)`` plans everything from the street's
  organizations (read in a fixed order) before anything is written. Dates are relative to
  today: terms ending soon, probations ending, this year's organizational life.
- Idempotent: the whole layer is skipped when the street already has the committee
  (``COMMITTEE_NAME``); ``kaiyihui.demo.seed_demo`` runs in one transaction, so the layer
  is either all there or not at all.
- Built on the incubation demo (477 organizations) but reads only what is stored: the
  organizations' fields, grades, credit listings and leader accounts.

What the data show:

- 6 总支 by service field, each with single (单独组建), joint (联合组建, 2-5 organizations)
  and one functional (功能型) branch; all 5A organizations have their own branch.
- 23 branch secretaries are leaders of an organization the branch covers (cross-appointment,
  derived from name and phone); where a chosen organization's leader is not recorded as a
  party member, ``organization_update`` aligns the leader's political status.
- 35 members came through the development pipeline with dated steps (most are full
  members, some still probationary); about ten more are applicants, activists and
  candidates.
- Organizations without a branch mostly have a party-building instructor (work coverage
  about 70%); the newest registrations and some teams have neither.
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
