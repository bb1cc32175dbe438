"""Every write to accounts and geography goes through these functions."""

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Community, Street, User
from accounts.roles import ADMIN_ROLES, ROLE_NEEDS, ROLE_PERMISSIONS, Role


def _matching_permissions(pattern: str, using: str):
    app_label, _dot, codename = pattern.partition(".")
    qs = Permission.objects.using(using).filter(content_type__app_label=app_label)
    if codename == "*":
        return qs
    if codename.startswith("*"):
        return qs.filter(codename__endswith="_" + codename[1:])
    if codename.endswith("*"):
        return qs.filter(codename__startswith=codename[:-1])
    return qs.filter(codename=codename)


def roles_sync(*, using: str = "default") -> dict[str, int]:
    """Create the role groups and set their permissions exactly to ROLE_PERMISSIONS.
    Safe to run any number of times; returns the permission count per role."""
    counts = {}
    with transaction.atomic(using=using):
        for role in Role:
            group, _created = Group.objects.using(using).get_or_create(name=role.value)
            perms = set()
            for pattern in ROLE_PERMISSIONS[role]:
                perms.update(_matching_permissions(pattern, using).values_list("pk", flat=True))
            group.permissions.set(perms)
            counts[role.value] = len(perms)
    return counts


def street_get_or_create(*, name: str, code: str, district: str = "") -> Street:
    street, _created = Street.objects.get_or_create(
        code=code, defaults={"name": name, "district": district}
    )
    return street


def community_get_or_create(*, street: Street, name: str, code: str) -> Community:
    community, _created = Community.objects.get_or_create(
        street=street, code=code, defaults={"name": name}
    )
    return community


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    role: str,
    street: Street | None = None,
    community: Community | None = None,
    full_name: str = "",
    email: str = "",
    phone: str = "",
) -> User:
    """Create a user with one role and the tie that role needs."""
    role = Role(role)
    if community is not None:
        street = community.street
    need = ROLE_NEEDS[role]
    if need == "street" and street is None:
        raise ValidationError(_("A %(role)s must belong to a street.") % {"role": role.label})
    if need == "community" and community is None:
        raise ValidationError(_("A %(role)s must belong to a community.") % {"role": role.label})
    user = User(
        username=username,
        full_name=full_name,
        email=email,
        phone=phone,
        street=street,
        community=community,
        is_staff=role in ADMIN_ROLES,
    )
    user.set_password(password)
    user.full_clean()
    user.save()
    user.groups.add(Group.objects.get(name=role.value))
    return user
