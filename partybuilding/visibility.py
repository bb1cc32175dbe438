"""What party building adds to tenant scoping: a party worker (branch secretary or
instructor) sees the social organizations their party organizations cover and the ones
they instruct. Registered on incubation's queryset from PartybuildingConfig.ready()."""

from django.db.models import Q

from accounts.roles import Role
from accounts.scoping import NOTHING


def party_worker_organizations(user, roles) -> Q:
    if Role.PARTY_WORKER not in roles:
        return NOTHING
    from partybuilding.models import InstructorAssignment, PartyCoverage, PartyOrganization

    mine = PartyOrganization.objects.filter(
        Q(worker_accounts=user)
        | Q(parent__worker_accounts=user)
        | Q(parent__parent__worker_accounts=user)
    ).values("pk")
    covered = PartyCoverage.objects.filter(ended_on__isnull=True, branch__in=mine)
    instructed = InstructorAssignment.objects.filter(ended_on__isnull=True, account=user)
    return Q(pk__in=covered.values("organization")) | Q(pk__in=instructed.values("organization"))


def register() -> None:
    from incubation.models import OrganizationQuerySet

    OrganizationQuerySet.extend_visibility(party_worker_organizations)
