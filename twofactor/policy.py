"""Who must use a second factor, and who may turn it off: predicates, read from settings
so that the rule lives in one place (KAIYIHUI_REQUIRE_2FA_ROLES)."""

from django.conf import settings
from django.utils.translation import gettext as _

from accounts.roles import roles_of
from core.decisions import ALLOWED, Decision, deny

SUPERUSER = "superuser"


def two_factor_required(user) -> bool:
    """Superusers and street staff (by default) cannot reach any page without it."""
    required = set(settings.KAIYIHUI_REQUIRE_2FA_ROLES)
    if not getattr(user, "is_authenticated", False) or not required:
        return False
    if SUPERUSER in required and user.is_superuser:
        return True
    return bool(roles_of(user) & required)


def can_turn_off(user) -> Decision:
    if two_factor_required(user):
        return deny(
            _(
                "Your account must use two-factor sign-in; it cannot be turned off. To move it "
                "to a new phone, set up the authenticator again."
            )
        )
    return ALLOWED
