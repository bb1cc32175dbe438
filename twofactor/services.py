"""Every write to a user's second factors. Each change of state leaves an audit entry on
the user (the device rows themselves hold secrets and are not audited field by field)."""

from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.context import current_request
from audit.models import AuditAction, AuditEntry
from core.clientip import client_ip
from core.decisions import refuse_unless
from core.errors import ActionRefused
from twofactor.policy import can_turn_off

RECOVERY_CODE_COUNT = 10
AUTHENTICATOR_NAME = "authenticator"
RECOVERY_NAME = "recovery"


def _audit(*, user, actor, old: str, new: str) -> None:
    request = current_request.get()
    AuditEntry.objects.create(
        actor=actor,
        actor_name=getattr(actor, "username", "") if actor else "",
        action=AuditAction.UPDATE,
        app_label="accounts",
        model="user",
        object_pk=str(user.pk),
        object_repr=str(user)[:200],
        changes={"two_factor": [old, new]},
        ip_address=client_ip(request),
    )


def authenticator_start(*, user) -> TOTPDevice:
    """The pending (unconfirmed) authenticator whose key the set-up page shows; the same
    one on every visit until confirmed, so a reload does not change the QR code."""
    pending = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if pending is None:
        pending = TOTPDevice(user=user, name=AUTHENTICATOR_NAME, confirmed=False)
        pending.full_clean()
        pending.save()
    return pending


def _new_recovery_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def authenticator_confirm(*, device: TOTPDevice, token: str, actor) -> list[str]:
    """Turn the pending authenticator on with a code from the app; replaces any previous
    authenticator and recovery codes. Returns the new recovery codes (shown once)."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        if device.confirmed:
            raise ActionRefused(_("This authenticator is already set up."))
        if not device.verify_token(token):
            raise ActionRefused(
                _(
                    "The code %(code)s is not the one the app shows now. Check that the "
                    "phone's clock is right and enter the newest code."
                )
                % {"code": token}
            )
        user = device.user
        replaced = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _new_recovery_codes(user)
        _audit(user=user, actor=actor, old="on" if replaced else "off", new="on")
    return codes


def recovery_codes_regenerate(*, user, actor) -> list[str]:
    """New recovery codes; the old ones stop working."""
    with transaction.atomic():
        if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            raise ActionRefused(_("Two-factor sign-in is not on for this account."))
        codes = _new_recovery_codes(user)
        _audit(user=user, actor=actor, old="recovery codes", new="new recovery codes")
    return codes


def _remove_all(user) -> bool:
    had = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    return had


def two_factor_turn_off(*, user, actor) -> None:
    """For accounts that may go without it (see policy.can_turn_off)."""
    refuse_unless(can_turn_off(user))
    with transaction.atomic():
        if _remove_all(user):
            _audit(user=user, actor=actor, old="on", new="off")


def two_factor_reset(*, user, actor=None) -> bool:
    """For a person who lost both the phone and the recovery codes: removes every second
    factor, so the next sign-in asks for a new set-up (required accounts) or none.
    Run by an operator (manage.py twofactor_reset); returns whether there was one."""
    with transaction.atomic():
        had = _remove_all(user)
        if had:
            _audit(user=user, actor=actor, old="on", new="reset")
    return had
