"""What a signed-in session still owes: a code, a set-up, or nothing.

Worked out at each sign-in and kept in the session, so that pages cost no extra query
(and the query counts of pages stay what their tests measure). A role given or taken while someone
is signed in counts from their next sign-in; a device removed meanwhile is noticed by
the code page, which works the state out again.
"""

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login

from twofactor.policy import two_factor_required
from twofactor.selectors import has_two_factor

STATE_KEY = "twofactor_state"
# Has a second factor: every sign-in must give a code.
NEEDS_CODE = "code"
# Must use one and has none yet: sent to the set-up page.
NEEDS_SETUP = "setup"
# Nothing asked.
FREE = "free"


def state_for(user) -> str:
    if has_two_factor(user):
        return NEEDS_CODE
    if two_factor_required(user):
        return NEEDS_SETUP
    return FREE


def remember_state(request, user) -> str:
    state = state_for(user)
    request.session[STATE_KEY] = state
    return state


def remember_state_on_login(sender, request, user, **kwargs):
    """Each sign-in works the state out again: a session never carries over what a
    previous sign-in owed. (Sessions from before this existed are worked out by the
    middleware on their next request.)"""
    if request is not None and hasattr(request, "session"):
        remember_state(request, user)


def mark_verified(request, device) -> None:
    """This session passed the second factor with ``device``."""
    otp_login(request, device)
    request.session[STATE_KEY] = NEEDS_CODE


def mark_turned_off(request) -> None:
    request.session.pop(DEVICE_ID_SESSION_KEY, None)
    request.session[STATE_KEY] = FREE
