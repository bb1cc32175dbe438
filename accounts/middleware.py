from django.shortcuts import redirect
from django.urls import reverse

# Besides the change page itself: signing out, the language switch (a form on every page).
ALWAYS_OPEN = ("password_change", "password_change_done", "logout", "set_language")


class MustChangePasswordMiddleware:
    """An account given a temporary password by staff (``User.must_change_password``)
    reaches nothing but the password change page until it has chosen its own, so the
    password that staff saw and printed works once. Sits after TwoFactorMiddleware: the
    second factor comes first, and its pages stay open (else the two would send the
    person back and forth)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and user.must_change_password:
            path = request.path_info
            open_paths = {reverse(name) for name in ALWAYS_OPEN}
            if path not in open_paths and not path.startswith(reverse("twofactor:manage")):
                return redirect("password_change")
        return self.get_response(request)
