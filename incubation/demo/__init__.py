"""Demo organizations: the 477 registered and filed social organizations of 凯旋街道.

Everything is written through the registry's own services with ``actor=None`` (the
system), so every row passes the same identifier checks, transition table and 双孵六同步
checkpoints as real data, and every change has its audit event.

- Deterministic: one ``random.Random(SEED)`` builds the whole plan before anything is
  written. Dates that reminders must find (council terms ending soon or overdue,
  incubation periods ending) are relative to today; the rest is fixed.
- Idempotent: an organization whose name (in its community) or identifier already exists
  is skipped together with everything planned for it; a pairing is skipped when its
  mentee already has an active mentor. Running the seed twice leaves 477 organizations
  and 138 active pairings.

Modules: ``vocabulary`` (figures and word lists), ``plan`` (the plan as data) and ``seed``
(writing it through the services: ``seed_organizations`` in 登记, then, once the party
records the checkpoints read are there, ``walk_organizations`` along each planned path).
"""

from incubation.demo.plan import Planner, Spec, build_plan
from incubation.demo.seed import (
    Path,
    Registry,
    seed_expiring_document,
    seed_organizations,
    walk_organizations,
)
from incubation.demo.vocabulary import ORGANIZATION_TOTAL, PAIRING_TOTAL, SEED

__all__ = [
    "ORGANIZATION_TOTAL",
    "PAIRING_TOTAL",
    "SEED",
    "Path",
    "Planner",
    "Registry",
    "Spec",
    "build_plan",
    "seed_expiring_document",
    "seed_organizations",
    "walk_organizations",
]
