import pytest
from django_otp.oath import TOTP

from kaiyihui import settings as production_settings

PASSWORD = "pw-for-tests-1"


@pytest.fixture
def two_factor_required(settings):
    """The production rule (tests/conftest.py narrows it for the other areas)."""
    settings.KAIYIHUI_REQUIRE_2FA_ROLES = production_settings.KAIYIHUI_REQUIRE_2FA_ROLES


def code_for(device) -> str:
    """The code an authenticator app shows now for ``device``."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def sign_in(client, user, *, password=PASSWORD, **extra):
    return client.post(
        "/accounts/login/", {"username": user.username, "password": password}, **extra
    )
