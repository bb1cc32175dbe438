from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse

from twofactor.session import FREE, NEEDS_CODE, STATE_KEY, remember_state

# Pages a session that still owes its second factor may open besides the page where it
# gives it: signing out, and the language switch (a form on every page).
ALWAYS_OPEN = ("logout", "set_language")


class TwoFactorMiddleware:
    """A signed-in session that owes a second factor reaches nothing but the page that
    asks for it: the code page when the account has an authenticator, the set-up page
    when the account must have one (twofactor.policy). This covers every page, the admin
    included, whichever way the password was given (our login page, the admin's).

    Sits after django-otp's OTPMiddleware, which tells whether the session is verified.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        held = self.hold(request)
        if held is not None:
            return held
        return self.get_response(request)

    def hold(self, request):
        user = request.user
        if not user.is_authenticated:
            return None
        state = request.session.get(STATE_KEY) or remember_state(request, user)
        if state == FREE or user.is_verified():
            return None
        target = reverse("twofactor:verify" if state == NEEDS_CODE else "twofactor:setup")
        if request.path_info == target or request.path_info in {
            reverse(name) for name in ALWAYS_OPEN
        }:
            return None
        return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
