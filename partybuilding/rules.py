"""The size rules of the party tree ("1+6+X"), defined once.

The coverage page's flags (``partybuilding.selectors``), the tree services' checks
(``partybuilding.services.tree``, ``partybuilding.services.coverage``) and the demo
(``partybuilding.demo``) all read ``party_tree_rules()``, so a changed rule changes every
one of them together. The defaults are DESIGN.md's ("Party building"); a deployment may
override any of them with a ``PARTY_TREE_RULES`` dict in settings, e.g.
``PARTY_TREE_RULES = {"committee_from_full_members": 5}``. Read per call (not at import)
so the setting is honoured however late it is set.
"""

from dataclasses import dataclass

from core.rules import rules_from_settings


@dataclass(frozen=True)
class PartyTreeRules:
    # 应建未建: an organization with at least this many full members and no own branch.
    own_branch_from_full_members: int = 3
    # 支部工作条例: 有正式党员7人以上的党支部设立支部委员会 — full members, not probationary.
    committee_from_full_members: int = 7
    # A branch with more members (full and probationary: 党员人数) than this should become
    # a general branch (党总支).
    general_branch_above_members: int = 50
    # A joint branch (联合组建) covers at most this many organizations.
    joint_branch_max_organizations: int = 5
    # A single branch (单独组建) covers its own organization only.
    single_branch_max_organizations: int = 1

    def should_have_own_branch(self, full_members: int, *, has_own_branch: bool) -> bool:
        return not has_own_branch and full_members >= self.own_branch_from_full_members

    def needs_committee(self, full_members: int, *, has_committee: bool) -> bool:
        return not has_committee and full_members >= self.committee_from_full_members

    def should_become_general_branch(self, members: int) -> bool:
        return members > self.general_branch_above_members


DEFAULT_RULES = PartyTreeRules()


def party_tree_rules() -> PartyTreeRules:
    """The rules in force: the defaults with ``settings.PARTY_TREE_RULES`` applied."""
    return rules_from_settings(PartyTreeRules, "PARTY_TREE_RULES")
