"""View guards by role: signed in (else the login page), then one of the roles or a
superuser (or, with ``superusers=False``, one of the roles held in person)."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.roles import has_role, roles_of


def role_required(roles, *, refuse_as_missing: bool = False, superusers: bool = True):
    """Refuse other users with 403, or with the 404 of a missing record when the page is
    about one record (``refuse_as_missing``): such a page never tells what is there.
    ``superusers=False`` is for pages of a role held in person (an evaluator's own
    declarations): a superuser is refused like anyone without the role."""
    allowed = frozenset(roles)

    def holds(user) -> bool:
        if superusers:
            return has_role(user, allowed)
        return bool(roles_of(user) & allowed)

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not holds(request.user):
                raise Http404 if refuse_as_missing else PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
