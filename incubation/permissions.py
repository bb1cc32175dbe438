"""Predicates ``can_<verb>(user, obj) -> Decision``: templates show a button
exactly when the service would accept the action."""

from django.utils.translation import gettext as _

from accounts.roles import (
    STAFF_ROLES,
    has_role,
    is_community_staff_of,
    is_leader_of,
    is_street_staff,
    is_street_staff_of,
    roles_of,
)
from core.decisions import ALLOWED, Decision, deny
from incubation.workflows import stage_change_roles


def _can_see(user, org) -> bool:
    from incubation.models import Organization

    return Organization.objects.visible_to(user).filter(pk=org.pk).exists()


def can_change_stage(user, org, to_stage: str) -> Decision:
    if user is None:  # the system itself (a scheduled task or a higher app's service)
        return ALLOWED
    if not user.is_superuser:
        if not roles_of(user) & stage_change_roles(org.stage, to_stage):
            return deny(_("Your role may not make this stage change."))
        if not _can_see(user, org):
            return deny(_("This organization is not in your area."))
    return ALLOWED


def can_edit_organization(user, org) -> Decision:
    if user.is_superuser:
        return ALLOWED
    if not has_role(user, STAFF_ROLES):
        return deny(_("Only street or community staff may edit organizations."))
    if not _can_see(user, org):
        return deny(_("This organization is not in your area."))
    return ALLOWED


def can_edit_contact(user, org) -> Decision:
    """Leaders keep their own contact details current; staff may too."""
    if is_leader_of(user, org):
        return ALLOWED
    return can_edit_organization(user, org)


def can_exempt_checksum(user) -> Decision:
    if is_street_staff(user):
        return ALLOWED
    return deny(_("Only street staff may accept a code that fails the checksum."))


def can_override_checkpoint(user) -> Decision:
    """Letting a stage pass without its party-building checkpoint is a street decision,
    taken by a person who answers for it: never the system (``user`` None)."""
    if user is not None and is_street_staff(user):
        return ALLOWED
    return deny(_("Only street staff may let a stage pass without its party-building checkpoint."))


def can_manage_street_records(user) -> Decision:
    """Credit lists, pairings, grades: street-level decisions."""
    if user is None or is_street_staff(user):
        return ALLOWED
    return deny(_("Only street staff may do this."))


def _documents_role_fits(user, org) -> bool:
    """Street staff of the organization's street, staff of its community, its own leader.
    Stated by role and tie rather than through ``visible_to``: party workers see the
    organizations they cover, but not their certificates and audit reports."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if is_street_staff_of(user, org.community.street_id):
        return True
    if is_community_staff_of(user, org.community_id):
        return True
    return is_leader_of(user, org)


def can_view_documents(user, org) -> Decision:
    if _documents_role_fits(user, org):
        return ALLOWED
    return deny(
        _(
            "Only the organization's leaders and its street and community staff may see its "
            "documents."
        )
    )


def can_upload_document(user, org) -> Decision:
    if _documents_role_fits(user, org):
        return ALLOWED
    return deny(
        _(
            "Only the organization's leaders and its street and community staff may upload its "
            "documents."
        )
    )
