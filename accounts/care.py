"""Account care by the street's staff (issue 14, item 2): create an account, hand over a
password (a one-time link or a temporary password), unlock it after failed sign-ins, reset
its second factor. Each function checks ``accounts.power`` on the stored row first and
raises ``PermissionDenied`` with the reason; each leaves an audit entry (the row changes of
``User`` are also logged by audit.recorder, but a link handed over or a lock-out cleared
changes no row of ours).
"""

from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.crypto import get_random_string
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from accounts.models import Community, Street, User
from accounts.power import (
    can_change_access,
    can_create_account,
    can_grant_group,
    can_manage_account,
)
from accounts.roles import Role
from accounts.services import user_create, user_set_active, user_set_password
from audit.context import current_request
from audit.models import AuditAction, AuditEntry
from core.clientip import client_ip
from core.decisions import refuse_unless

# No 0/O, 1/l/I: the temporary password is read off paper and typed by hand.
TEMPORARY_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
TEMPORARY_LENGTH = 12


def _audit(*, user: User, actor, what: str) -> None:
    AuditEntry.objects.create(
        actor=actor,
        actor_name=getattr(actor, "username", ""),
        action=AuditAction.UPDATE,
        app_label="accounts",
        model="user",
        object_pk=str(user.pk),
        object_repr=str(user)[:200],
        changes={"account_care": what},
        ip_address=client_ip(current_request.get()),
    )


@transaction.atomic
def account_create(
    *,
    actor,
    username: str,
    role: str,
    full_name: str = "",
    email: str = "",
    phone: str = "",
    street: Street | None = None,
    community: Community | None = None,
    organization=None,
) -> User:
    """A new account of the actor's street with one role the actor may grant. It has no
    usable password yet: staff hand one over next (``account_password_link`` or
    ``account_temporary_password``)."""
    from django.contrib.auth.models import Group

    from incubation.models import Organization
    from incubation.services.registry import organization_add_leader

    refuse_unless(can_create_account(actor), PermissionDenied)
    role = Role(role)
    refuse_unless(can_grant_group(actor, Group.objects.get(name=role.value)), PermissionDenied)
    if not actor.is_superuser:
        street = actor.street
    if community is not None:
        if not Community.objects.visible_to(actor).filter(pk=community.pk).exists():
            raise PermissionDenied(_("You cannot add an account to another community."))
        if street is not None and community.street_id != street.pk:
            raise ValidationError({"community": _("The community is not in the street.")})
    if organization is not None:
        if role != Role.ORG_LEADER:
            raise ValidationError(
                {"organization": _("Only an organization leader is linked to an organization.")}
            )
        if not Organization.objects.visible_to(actor).filter(pk=organization.pk).exists():
            raise PermissionDenied(_("You cannot link an account to another organization."))
        if street is not None and organization.community.street_id != street.pk:
            raise ValidationError({"organization": _("The organization is not in the street.")})
    user = user_create(
        username=username,
        password=None,
        role=role.value,
        street=street,
        community=community if role == Role.COMMUNITY_STAFF else None,
        full_name=full_name,
        email=email,
        phone=phone,
    )
    if organization is not None:
        organization_add_leader(organization=organization, user=user)
    _audit(user=user, actor=actor, what=f"created as {role.value}")
    return user


@transaction.atomic
def account_set_active(*, user: User, is_active: bool, actor) -> User:
    target = user_set_active(user=user, is_active=is_active, actor=actor)
    _audit(user=target, actor=actor, what="reactivated" if is_active else "deactivated")
    return target


def account_password_link(*, user: User, actor, request) -> str:
    """The absolute one-time link to choose a new password (Django's reset confirm page).
    It stops working once used (the token hashes the password and last sign-in) or after
    PASSWORD_RESET_TIMEOUT; the password is unchanged until then."""
    refuse_unless(can_manage_account(actor, user), PermissionDenied)
    if not user.is_active:
        raise PermissionDenied(_("The account is deactivated; reactivate it first."))
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    _audit(user=user, actor=actor, what="one-time password link issued")
    return request.build_absolute_uri(path)


@transaction.atomic
def account_temporary_password(*, user: User, actor) -> str:
    """Set a random password, to be shown once and printed; the account must change it at
    its first sign-in. Signs the account out everywhere (the session hash changes)."""
    password = get_random_string(TEMPORARY_LENGTH, TEMPORARY_ALPHABET)
    target = user_set_password(user=user, password=password, actor=actor)
    target.must_change_password = True
    target.save(update_fields=["must_change_password"])
    _audit(user=target, actor=actor, what="temporary password set")
    return password


def user_password_changed(*, user: User) -> None:
    """The person chose their own password (change page or reset link): the temporary
    one is gone, so is the obligation."""
    if user.must_change_password:
        # save(), not update(): the audit log records the flag going away.
        user.must_change_password = False
        user.save(update_fields=["must_change_password"])


def account_unlock(*, user: User, actor) -> int:
    """Clear the failed sign-ins (and so the lock-out) of this user name from every
    address; returns how many attempt records were removed."""
    refuse_unless(can_manage_account(actor, user), PermissionDenied)
    removed = AxesProxyHandler.reset_attempts(username=user.username)
    _audit(user=user, actor=actor, what=f"unlocked ({removed} attempt records cleared)")
    return removed


def account_reset_two_factor(*, user: User, actor) -> bool:
    """For a person who lost their phone and recovery codes: every second factor goes,
    the next sign-in asks for a new set-up. Not one's own (whoever holds your password
    could otherwise drop your second factor)."""
    from twofactor.services import two_factor_reset

    refuse_unless(can_change_access(actor, user), PermissionDenied)
    return two_factor_reset(user=user, actor=actor)
