"""View guards by role: signed in (else the login page), then one of the roles or a
superuser."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.roles import has_role


def role_required(roles, *, refuse_as_missing: bool = False):
    """Refuse other users with 403, or with the 404 of a missing record when the page is
    about one record (``refuse_as_missing``): such a page never tells what is there."""
    allowed = frozenset(roles)

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not has_role(request.user, allowed):
                raise Http404 if refuse_as_missing else PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
