"""Start-up checks: a typo in the required roles, or a missing middleware, would silently
let street staff into the admin with a password alone."""

from django.conf import settings
from django.core.checks import Error, register

from accounts.roles import Role
from twofactor.policy import SUPERUSER

OTP = "django_otp.middleware.OTPMiddleware"
HOLD = "twofactor.middleware.TwoFactorMiddleware"
AUTH = "django.contrib.auth.middleware.AuthenticationMiddleware"


@register()
def check_two_factor_settings(app_configs=None, **kwargs):
    errors = []
    unknown = set(settings.KAIYIHUI_REQUIRE_2FA_ROLES) - set(Role.values) - {SUPERUSER}
    if unknown:
        errors.append(
            Error(
                f"KAIYIHUI_REQUIRE_2FA_ROLES names unknown roles: {sorted(unknown)}.",
                hint=f"Use {SUPERUSER!r} or role codes from accounts.roles.Role.",
                id="twofactor.E001",
            )
        )
    middleware = list(settings.MIDDLEWARE)
    if not all(name in middleware for name in (AUTH, OTP, HOLD)) or not (
        middleware.index(AUTH) < middleware.index(OTP) < middleware.index(HOLD)
    ):
        errors.append(
            Error(
                f"MIDDLEWARE must list {AUTH}, then {OTP}, then {HOLD}.",
                id="twofactor.E002",
            )
        )
    return errors
