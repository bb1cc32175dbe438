"""The marketplace's tunable rules (``MARKETPLACE_RULES`` in settings overrides any)."""

from dataclasses import dataclass
from decimal import Decimal

from core.rules import rules_from_settings


@dataclass(frozen=True)
class MarketplaceRules:
    # A claim must be delivered (evidence submitted) within this many days.
    claim_days: int = 14
    # Claimants are reminded this many days before their deadline.
    claim_reminder_days: int = 3
    # A micro-wish (微心愿) is worth at most this many yuan.
    wish_value_cap: Decimal = Decimal("300")
    # A listed need nobody claimed for this many days is escalated to its community.
    unclaimed_escalation_days: int = 30
    # Matching: how many candidates a need's page lists.
    match_candidates: int = 20


def marketplace_rules() -> MarketplaceRules:
    return rules_from_settings(MarketplaceRules, "MARKETPLACE_RULES")
