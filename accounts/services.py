"""Every write to accounts and geography goes through these functions.

The account-changing ones (``user_set_password`` and the rest below ``user_create``) take
the ``actor`` and check ``accounts.power`` on the row as it is in the database, locked, so
the admin, a staff page or a script cannot hand anyone more power than the actor holds.
A refusal is ``PermissionDenied`` with the predicate's reason.
"""

from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Community, Street, User
from accounts.power import (
    can_change_access,
    can_create_account,
    can_delete_account,
    can_grant_group,
    can_grant_permission,
    can_grant_superuser,
    can_manage_account,
)
from accounts.roles import ADMIN_ROLES, ROLE_NEEDS, ROLE_PERMISSIONS, Role
from core.decisions import refuse_unless


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


# --- Account changes by someone: each checks the actor's power first -------------------------

# What ``user_update_profile`` may write; access (roles, permissions, flags) and the
# password have services of their own, and the sign-in dates are records, not settings.
PROFILE_FIELDS = frozenset(
    {"username", "first_name", "last_name", "full_name", "email", "phone", "street", "community"}
)


def _locked(user: User) -> User:
    # The decision is taken on the stored row (not on an instance a form may have
    # changed), and the lock keeps a concurrent role change from slipping in between.
    return User.objects.select_for_update().get(pk=user.pk)


@transaction.atomic
def user_add(*, user: User, actor) -> User:
    """Save a new account built by the admin's add form (username and password only).
    It starts with no role; a street admin's new account belongs to their street, so they
    can go on to give it a community and a role."""
    refuse_unless(can_create_account(actor), PermissionDenied)
    user.is_superuser = False
    user.is_staff = False
    if not actor.is_superuser:
        user.street_id = actor.street_id
        user.community = None
    user.full_clean()
    user.save()
    return user


@transaction.atomic
def user_set_password(*, user: User, password: str | None, actor) -> User:
    """Set a new password, or with ``None`` disable password sign-in."""
    target = _locked(user)
    refuse_unless(can_manage_account(actor, target), PermissionDenied)
    if password is None:
        target.set_unusable_password()
    else:
        validate_password(password, target)
        target.set_password(password)
    target.save(update_fields=["password"])
    return target


@transaction.atomic
def user_update_profile(*, user: User, actor, **fields) -> User:
    """Change name, contact, street or community; the street and community must be ones
    the actor sees."""
    unknown = set(fields) - PROFILE_FIELDS
    if unknown:
        raise TypeError(f"user_update_profile cannot write {sorted(unknown)}")
    target = _locked(user)
    refuse_unless(can_manage_account(actor, target), PermissionDenied)
    street, community = fields.get("street"), fields.get("community")
    if "street" in fields and street is None and not actor.is_superuser:
        raise PermissionDenied(_("Only a superuser takes an account out of its street."))
    if street is not None and not Street.objects.visible_to(actor).filter(pk=street.pk).exists():
        raise PermissionDenied(_("You cannot move an account to another street."))
    if (
        community is not None
        and not Community.objects.visible_to(actor).filter(pk=community.pk).exists()
    ):
        raise PermissionDenied(_("You cannot move an account to another community."))
    changed = [name for name, value in fields.items() if getattr(target, name) != value]
    if not changed:
        return target
    for name in changed:
        setattr(target, name, fields[name])
    target.full_clean()
    target.save(update_fields=changed)
    return target


def _set_flag(user: User, actor, name: str, value: bool, *decisions) -> User:
    target = _locked(user)
    refuse_unless(can_change_access(actor, target), PermissionDenied)
    for decide in decisions:
        refuse_unless(decide(), PermissionDenied)
    if getattr(target, name) == value:
        return target
    setattr(target, name, value)
    target.save(update_fields=[name])
    return target


@transaction.atomic
def user_set_active(*, user: User, is_active: bool, actor) -> User:
    """Let an account sign in again, or stop it (kept, with its history, unlike a delete)."""
    return _set_flag(user, actor, "is_active", is_active)


@transaction.atomic
def user_set_staff(*, user: User, is_staff: bool, actor) -> User:
    """Open or close the admin to an account (what it may do there comes from its roles)."""
    return _set_flag(user, actor, "is_staff", is_staff)


@transaction.atomic
def user_set_superuser(*, user: User, is_superuser: bool, actor) -> User:
    return _set_flag(user, actor, "is_superuser", is_superuser, lambda: can_grant_superuser(actor))


@transaction.atomic
def user_set_roles(*, user: User, groups, actor) -> User:
    """Set an account's roles (groups) exactly; every role given or taken must be one the
    actor may grant."""
    target = _locked(user)
    refuse_unless(can_change_access(actor, target), PermissionDenied)
    wanted = {group.pk: group for group in groups}
    current = {group.pk: group for group in target.groups.all()}
    for pk in wanted.keys() ^ current.keys():
        refuse_unless(can_grant_group(actor, wanted.get(pk) or current[pk]), PermissionDenied)
    target.groups.set(wanted.values())
    target.__dict__.pop("_role_codes", None)
    return target


@transaction.atomic
def user_set_permissions(*, user: User, permissions, actor) -> User:
    """Set an account's single permissions exactly; each one given or taken must be held
    by the actor."""
    target = _locked(user)
    refuse_unless(can_change_access(actor, target), PermissionDenied)
    wanted = {perm.pk: perm for perm in permissions}
    current = {perm.pk: perm for perm in target.user_permissions.all()}
    for pk in wanted.keys() ^ current.keys():
        refuse_unless(can_grant_permission(actor, wanted.get(pk) or current[pk]), PermissionDenied)
    target.user_permissions.set(wanted.values())
    return target


@transaction.atomic
def user_delete(*, user: User, actor) -> None:
    target = _locked(user)
    refuse_unless(can_delete_account(actor, target), PermissionDenied)
    target.delete()
