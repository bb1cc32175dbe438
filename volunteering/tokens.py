"""The QR code shown at a session's venue: a signed token naming the session, the act
(sign in or sign out) and the code's version.

Anyone may read the token (it is in the QR code); nobody can make one without the secret
key. It works from ``qr_opens_minutes_before`` the start until ``qr_closes_minutes_after``
the end; raising the session's ``qr_version`` voids every copy printed before."""

import datetime
from dataclasses import dataclass

from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import ActionRefused
from volunteering.rules import volunteering_rules

SALT = "volunteering.session-qr"
SIGN_IN, SIGN_OUT = "in", "out"


@dataclass(frozen=True)
class QrToken:
    session_pk: int
    act: str
    version: int


def make_token(session, act: str) -> str:
    if act not in (SIGN_IN, SIGN_OUT):
        raise ValueError(act)
    return signing.dumps({"s": session.pk, "a": act, "v": session.qr_version}, salt=SALT)


def qr_window(session) -> tuple[datetime.datetime, datetime.datetime]:
    rules = volunteering_rules()
    return (
        session.starts_at - datetime.timedelta(minutes=rules.qr_opens_minutes_before),
        session.ends_at + datetime.timedelta(minutes=rules.qr_closes_minutes_after),
    )


def read_token(token: str, session, *, now=None) -> QrToken:
    """The token's content, checked against ``session`` (the one in the URL) and the time.
    Every refusal says in words what is wrong and changes nothing."""
    try:
        data = signing.loads(token, salt=SALT)
        parsed = QrToken(int(data["s"]), str(data["a"]), int(data["v"]))
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise ActionRefused(
            _("This QR code is not one of ours. Scan the code shown at the venue.")
        ) from None
    if parsed.session_pk != session.pk:
        raise ActionRefused(_("This QR code belongs to another session."))
    if parsed.act not in (SIGN_IN, SIGN_OUT):
        raise ActionRefused(_("This QR code is not one of ours. Scan the code shown at the venue."))
    if parsed.version != session.qr_version:
        raise ActionRefused(
            _("This QR code was replaced by the organizer. Scan the code shown at the venue now.")
        )
    now = now or timezone.now()
    opens, closes = qr_window(session)
    if now < opens:
        raise ActionRefused(
            _("Signing in opens at %(time)s.")
            % {"time": timezone.localtime(opens).strftime("%Y-%m-%d %H:%M")}
        )
    if now > closes:
        raise ActionRefused(
            _("This QR code expired at %(time)s; ask the organizer to record your attendance.")
            % {"time": timezone.localtime(closes).strftime("%Y-%m-%d %H:%M")}
        )
    return parsed
