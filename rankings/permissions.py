"""Who may do what with schemes and rankings. Every predicate returns a ``Decision``."""

from django.utils.translation import gettext as _

from accounts.roles import is_street_staff_of
from core.decisions import ALLOWED, Decision, deny


def can_manage_rankings(user, street) -> Decision:
    """Schemes, computing, publishing and finalizing are the street staff's."""
    if is_street_staff_of(user, street):
        return ALLOWED
    return deny(_("Only the street's staff manage its scoring schemes and rankings."))
