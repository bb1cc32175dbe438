from django.conf import settings

from accounts.roles import ADMIN_ROLES, roles_of


def platform(request):
    roles = roles_of(getattr(request, "user", None))
    return {
        "platform_name": settings.PLATFORM_NAME,
        "user_roles": roles,
        "user_works_in_admin": bool(roles & ADMIN_ROLES),
    }
