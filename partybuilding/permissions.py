"""Predicates ``can_<verb>(user, obj) -> Decision``: templates show a button
exactly when the service would accept the action."""

from django.utils.translation import gettext as _

from accounts.roles import Role, is_street_staff_of, roles_of
from core.decisions import ALLOWED, Decision, deny


def _ancestor_pks(party_org) -> list[int]:
    """The party organization and the ones above it (the tree is at most three deep)."""
    pks, node = [], party_org
    while node is not None:
        pks.append(node.pk)
        node = node.parent
    return pks


def can_manage_party(user, party_org, *, street=None) -> Decision:
    """Write party-building records of ``party_org`` (and everything under it).

    Street staff manage the whole tree of their own street; a party worker manages the
    party organizations linked to their account and the ones under them. ``party_org``
    None means a new top-level organization (a street party committee) of ``street``:
    street staff only. ``user`` None is the system itself.
    """
    if user is None or user.is_superuser:
        return ALLOWED
    street_id = party_org.street_id if party_org is not None else getattr(street, "pk", None)
    if is_street_staff_of(user, street_id):
        return ALLOWED
    if Role.PARTY_WORKER in roles_of(user) and party_org is not None:
        from partybuilding.models import PartyOrganization

        linked = PartyOrganization.objects.filter(
            pk__in=_ancestor_pks(party_org), worker_accounts=user
        )
        if linked.exists():
            return ALLOWED
    if party_org is None:
        return deny(_("Only the street staff may set up a party committee of their street."))
    return deny(
        _("Only the street staff of this street or the party workers of %(party_org)s may do this.")
        % {"party_org": party_org.name}
    )
