"""The platform's roles. A role is a Django group named by its ASCII code; its permissions
are listed here as data and (re)applied idempotently after every migrate."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    STREET_ADMIN = "street_admin", _("Street staff")
    COMMUNITY_STAFF = "community_staff", _("Community staff")
    ORG_LEADER = "org_leader", _("Organization leader")
    EVALUATOR = "evaluator", _("Evaluator")
    PARTY_WORKER = "party_worker", _("Party worker")
    # Party members with a portal account and other volunteers: sign-ups, hours,
    # certificates, wishes they claim.
    VOLUNTEER = "volunteer", _("Volunteer")


# Roles that work in the Django admin (the others use the portal).
ADMIN_ROLES = frozenset({Role.STREET_ADMIN, Role.COMMUNITY_STAFF, Role.PARTY_WORKER})

# Staff who read and work on organizations: a street's or a community's.
STAFF_ROLES = frozenset({Role.STREET_ADMIN, Role.COMMUNITY_STAFF})

# Which tie each role needs: a street, a community, or nothing here (organization leaders
# are tied through their organization, evaluators through their assignments).
ROLE_NEEDS = {
    Role.STREET_ADMIN: "street",
    Role.COMMUNITY_STAFF: "community",
    Role.ORG_LEADER: "street",
    Role.EVALUATOR: "street",
    Role.PARTY_WORKER: "street",
    Role.VOLUNTEER: "street",
}

# Permissions per role: "app_label.*" grants every permission of that app's models,
# "app_label.view_*" every view permission, otherwise an exact "app_label.codename".
# Later apps extend this table; a codename that does not exist yet is skipped.
ROLE_PERMISSIONS = {
    Role.STREET_ADMIN: [
        "accounts.view_street",
        "accounts.*community",
        "accounts.*user",
        "incubation.*",
        "partybuilding.*",
        "evaluation.*",
        "funding.*",
        "marketplace.*",
        "volunteering.*",
        "awards.*",
        "rankings.*",
        "reporting.*",
        "jobs.view_job",
    ],
    Role.COMMUNITY_STAFF: [
        "accounts.view_community",
        "incubation.view_*",
        "incubation.change_organization",
        "incubation.add_organization",
        "partybuilding.view_*",
        "evaluation.view_*",
        "funding.view_*",
        "marketplace.view_*",
        "marketplace.add_need",
        "marketplace.change_need",
        "marketplace.add_listbatch",
        "marketplace.change_listbatch",
        "volunteering.view_*",
        "volunteering.add_activity",
        "volunteering.change_activity",
        "volunteering.change_hourssupplement",
        "awards.view_*",
        "awards.add_nomination",
        "rankings.view_*",
        "jobs.view_job",
    ],
    Role.PARTY_WORKER: [
        "accounts.view_community",
        "incubation.view_*",
        "partybuilding.*",
        "volunteering.view_*",
        "volunteering.add_activity",
        "volunteering.change_activity",
    ],
    Role.ORG_LEADER: [],
    Role.EVALUATOR: [],
    Role.VOLUNTEER: [],
}


def roles_of(user) -> frozenset[str]:
    """The role codes of a user, read once per user object."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_role_codes", None)
    if cached is None:
        codes = set(user.groups.values_list("name", flat=True))
        cached = frozenset(code for code in codes if code in Role.values)
        user._role_codes = cached
    return cached


def has_role(user, roles) -> bool:
    """A superuser, or a signed-in user holding one of ``roles``."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_superuser or bool(roles_of(user) & frozenset(roles))


def holds_role(user, role: str) -> bool:
    """The user holds ``role`` themselves; unlike ``has_role``, a superuser is not implied.
    For the roles that are a person's part rather than power: leading an organization,
    evaluating (a superuser has no organization to lead and no reviews to score)."""
    return role in roles_of(user)


def is_leader_of(user, organization) -> bool:
    """An organization leader (the role held in person) linked to ``organization``. An
    account linked without the role (an evaluator who also leads, in a funding check) is
    not one here; funding.permissions.leads asks for the link alone."""
    return holds_role(user, Role.ORG_LEADER) and (
        organization.leader_accounts.filter(pk=user.pk).exists()
    )


def is_street_staff(user) -> bool:
    """A superuser or a street admin (of any street): street-level decisions. ``None`` (the
    system) is not staff; predicates that let the system through say so themselves."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_superuser or Role.STREET_ADMIN in roles_of(user)


def _tied_staff(user, role: str, tie: str, place) -> bool:
    """A superuser, or a holder of ``role`` whose ``tie`` (``street_id`` / ``community_id``)
    is ``place`` (the object or its pk)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    tied = getattr(user, tie)
    return role in roles_of(user) and tied is not None and tied == getattr(place, "pk", place)


def is_street_staff_of(user, street) -> bool:
    """A superuser, or a street admin tied to ``street`` (a Street or its pk)."""
    return _tied_staff(user, Role.STREET_ADMIN, "street_id", street)


def is_community_staff_of(user, community) -> bool:
    """A superuser, or community staff tied to ``community`` (a Community or its pk)."""
    return _tied_staff(user, Role.COMMUNITY_STAFF, "community_id", community)


def sync_roles_after_migrate(sender, **kwargs):
    from django.apps import apps

    # post_migrate fires once per app with models, and each app's permissions are created
    # in its own turn: wait for the last such app so every permission exists.
    with_models = [config for config in apps.get_app_configs() if config.models_module]
    if sender.label != with_models[-1].label:
        return
    from accounts.services import roles_sync

    roles_sync(using=kwargs.get("using", "default"))
