from django.conf import settings
from django.utils.functional import SimpleLazyObject

from accounts.roles import ADMIN_ROLES, Role, roles_of
from notifications.selectors import unread_count


def platform(request):
    roles = roles_of(getattr(request, "user", None))
    return {
        "platform_name": settings.PLATFORM_NAME,
        "user_roles": roles,
        "user_works_in_admin": bool(roles & ADMIN_ROLES),
        "user_is_leader": Role.ORG_LEADER in roles,
        "user_is_evaluator": Role.EVALUATOR in roles,
        # Counted only when a template shows it.
        "unread_notifications": SimpleLazyObject(lambda: unread_count(request.user)),
    }
