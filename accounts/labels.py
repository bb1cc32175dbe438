"""Role groups and permissions shown in Chinese wherever the admin names them (list
filters, the role and permission pickers, breadcrumbs, the role list). The groups are
named by their ASCII role codes and the permission names are stored in English by
Django's migrate, so their ``__str__`` is replaced once at start-up (AccountsConfig.ready);
the stored names, which code compares, stay as they are."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role

# The verbs of Django's default permissions (add_/change_/delete_/view_<model>).
PERMISSION_ACTIONS = {
    "add": _("may add"),
    "change": _("may change"),
    "delete": _("may delete"),
    "view": _("may view"),
}


def role_label(code: str) -> str:
    return str(Role(code).label) if code in Role.values else code


def group_label(group) -> str:
    return role_label(group.name)


def permission_label(permission) -> str:
    action, _sep, _model = permission.codename.partition("_")
    verb = PERMISSION_ACTIONS.get(action)
    text = str(verb) if verb is not None else gettext(permission.name)
    content_type = permission.content_type
    model = content_type.model_class()
    if model is None:  # a model removed since: its stored name is all there is
        return f"{content_type} | {text}"
    # gettext again: some third-party models carry plain-string names ("TOTP device")
    # that our catalogue translates.
    return (
        f"{model._meta.app_config.verbose_name} | {gettext(str(model._meta.verbose_name))} | {text}"
    )


def install() -> None:
    from django.contrib.auth.models import Group, Permission

    Group.__str__ = group_label
    Permission.__str__ = permission_label
