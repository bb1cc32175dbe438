"""Who may manage whose account: the one place account power is decided.

Setting someone's password, roles, permissions or flags hands the actor everything that
account can do, so an actor may only manage accounts that hold no more than they hold
themselves:

- ``power_of`` orders people: superuser > street admin > community staff / party worker >
  organization leader / evaluator > nobody.
- ``can_manage_account`` (password, profile): superusers manage every account; anyone else
  needs the ``accounts.change_user`` permission (of the roles, only street admins have it,
  see ``accounts.roles.ROLE_PERMISSIONS``), and the target must be inside what they see
  (their street; a community's staff would see only their community), be no superuser,
  have no role above theirs and no single permission they lack.
- ``can_change_access`` (roles, permissions, superuser / staff / active flags) adds: not
  your own account, so nobody locks themself out or edits their own powers.
- ``can_grant_group`` / ``can_grant_permission``: nobody hands out what they do not hold.

The querysets ``users_manageable_by`` and ``groups_grantable_by`` state the same rules for
the admin's lists and choices (tests/accounts/test_account_power.py keeps them equal).
Each predicate returns a ``core.decisions.Decision``: truthy when allowed, with the reason
in words.
"""

from enum import IntEnum

from django.contrib.auth.models import Group, Permission
from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.roles import Role, roles_of
from core.decisions import Decision


class Power(IntEnum):
    NONE = 0
    PORTAL = 1  # organization leaders, evaluators: no admin work
    STAFF = 2  # community staff, party workers: admin work in a slice of a street
    STREET = 3  # street admins: a whole street, accounts included
    SUPERUSER = 4


ROLE_POWER = {
    Role.ORG_LEADER: Power.PORTAL,
    Role.EVALUATOR: Power.PORTAL,
    Role.VOLUNTEER: Power.PORTAL,
    Role.COMMUNITY_STAFF: Power.STAFF,
    Role.PARTY_WORKER: Power.STAFF,
    Role.STREET_ADMIN: Power.STREET,
}

MANAGE_PERMISSION = "accounts.change_user"
ADD_PERMISSION = "accounts.add_user"
DELETE_PERMISSION = "accounts.delete_user"


def power_of(user) -> Power:
    """The highest power of a user's roles; a superuser outranks every role. The active
    flag does not lower it: a deactivated superuser is one reactivation away from all."""
    if not getattr(user, "is_authenticated", False):
        return Power.NONE
    if user.is_superuser:
        return Power.SUPERUSER
    return max((ROLE_POWER[role] for role in roles_of(user)), default=Power.NONE)


def _roles_above(power: Power) -> list[str]:
    return [role.value for role, level in ROLE_POWER.items() if level > power]


def held_permissions(user):
    """Every permission a user holds directly or through a group, active or not (the
    backend reports none for an inactive user, who may be reactivated)."""
    return Permission.objects.filter(Q(user=user) | Q(group__user=user)).distinct()


def _is_actor(actor) -> bool:
    return getattr(actor, "is_authenticated", False) and actor.is_active


def _may_manage_accounts(actor) -> bool:
    return _is_actor(actor) and (actor.is_superuser or actor.has_perm(MANAGE_PERMISSION))


def can_manage_account(actor, target) -> Decision:
    """May ``actor`` set ``target``'s password or edit their profile?"""
    if not _is_actor(actor):
        return Decision(False, _("You are not signed in."))
    if actor.is_superuser:
        return Decision(True, _("Superusers manage every account."))
    if not actor.has_perm(MANAGE_PERMISSION):
        return Decision(False, _("Your role does not manage accounts."))
    from accounts.models import User

    if not User.objects.visible_to(actor).filter(pk=target.pk).exists():
        return Decision(False, _("This account is outside your street or community."))
    if target.is_superuser:
        return Decision(False, _("Only a superuser manages a superuser's account."))
    if power_of(target) > power_of(actor):
        return Decision(False, _("This account has a role above yours."))
    extra = held_permissions(target).exclude(pk__in=held_permissions(actor).values("pk"))
    if extra.exists():
        return Decision(False, _("This account holds permissions you do not hold."))
    return Decision(True, _("The account is within your street and your power."))


def can_change_access(actor, target) -> Decision:
    """May ``actor`` change ``target``'s roles, permissions or superuser / staff / active
    flags? As ``can_manage_account``, but never one's own: whoever could would undo their
    own limits or lock the street out of its last administrator."""
    decision = can_manage_account(actor, target)
    if not decision:
        return decision
    if target.pk == actor.pk:
        return Decision(
            False,
            _("You cannot change your own roles, permissions or status; ask another admin."),
        )
    return decision


def can_create_account(actor) -> Decision:
    """A new account starts with no role and no permission, so anyone who manages
    accounts and may add them may create one."""
    if _may_manage_accounts(actor) and actor.has_perm(ADD_PERMISSION):
        return Decision(True, _("You may create accounts."))
    return Decision(False, _("Your role does not create accounts."))


def can_delete_account(actor, target) -> Decision:
    decision = can_change_access(actor, target)
    if not decision:
        return decision
    if not actor.has_perm(DELETE_PERMISSION):
        return Decision(False, _("Your role does not delete accounts."))
    return decision


def can_grant_superuser(actor) -> Decision:
    if _is_actor(actor) and actor.is_superuser:
        return Decision(True, _("Superusers manage every account."))
    return Decision(False, _("Only a superuser grants or removes superuser status."))


def _group_label(group) -> str:
    return Role(group.name).label if group.name in Role.values else group.name


def can_grant_group(actor, group) -> Decision:
    """May ``actor`` give (or take) this role? Only one whose every permission the actor
    holds and whose power is not above the actor's."""
    if not _may_manage_accounts(actor):
        return Decision(False, _("Your role does not manage accounts."))
    if actor.is_superuser:
        return Decision(True, _("Superusers manage every account."))
    level = ROLE_POWER.get(group.name)
    if level is not None and level > power_of(actor):
        return Decision(
            False, _("The role “%(role)s” is above your own.") % {"role": _group_label(group)}
        )
    extra = group.permissions.exclude(pk__in=held_permissions(actor).values("pk"))
    if extra.exists():
        return Decision(
            False,
            _("The role “%(role)s” holds permissions you do not hold.")
            % {"role": _group_label(group)},
        )
    return Decision(True, _("You hold everything this role grants."))


def can_grant_permission(actor, permission) -> Decision:
    if not _may_manage_accounts(actor):
        return Decision(False, _("Your role does not manage accounts."))
    if actor.is_superuser or held_permissions(actor).filter(pk=permission.pk).exists():
        return Decision(True, _("You hold this permission yourself."))
    return Decision(
        False,
        _("You cannot grant the permission “%(permission)s”: you do not hold it.")
        % {"permission": permission.name},
    )


def users_manageable_by(actor, queryset=None):
    """The accounts ``can_manage_account`` allows, as one queryset (the admin's list)."""
    from accounts.models import User

    qs = User.objects.all() if queryset is None else queryset
    if not _may_manage_accounts(actor):
        return qs.none()
    if actor.is_superuser:
        return qs
    outside = Permission.objects.exclude(pk__in=held_permissions(actor).values("pk"))
    return (
        qs.visible_to(actor)
        .exclude(is_superuser=True)
        .exclude(groups__name__in=_roles_above(power_of(actor)))
        .exclude(user_permissions__in=outside)
        .exclude(groups__permissions__in=outside)
    )


def groups_grantable_by(actor):
    """The roles (groups) ``can_grant_group`` allows (the admin's choices)."""
    if not _may_manage_accounts(actor):
        return Group.objects.none()
    if actor.is_superuser:
        return Group.objects.all()
    outside = Permission.objects.exclude(pk__in=held_permissions(actor).values("pk"))
    return Group.objects.exclude(name__in=_roles_above(power_of(actor))).exclude(
        permissions__in=outside
    )


def permissions_grantable_by(actor):
    if not _may_manage_accounts(actor):
        return Permission.objects.none()
    if actor.is_superuser:
        return Permission.objects.all()
    return held_permissions(actor)
