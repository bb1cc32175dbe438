"""For tests and benchmarks: a test client signed in as a user who passed the second
factor, as after a real sign-in with a code (an authenticator is created if the user has
none). Never used by the application itself."""

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from twofactor.session import NEEDS_CODE, STATE_KEY


def force_login_verified(client, user):
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[STATE_KEY] = NEEDS_CODE
    session.save()
    return device


def force_login_as_required(client, user):
    """force_login, with a passed second factor where the account must have one (street
    staff and superusers in production): what a benchmark of their pages needs."""
    from twofactor.policy import two_factor_required

    if two_factor_required(user):
        return force_login_verified(client, user)
    client.force_login(user)
    return None
