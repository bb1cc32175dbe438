"""Every write to organizations goes through these functions."""

from django.db import transaction

from accounts.models import Community, User
from incubation.models import Organization


@transaction.atomic
def organization_create(*, name: str, community: Community) -> Organization:
    org = Organization(name=name, community=community)
    org.full_clean()
    org.save()
    return org


def organization_add_leader(*, organization: Organization, user: User) -> None:
    organization.leader_accounts.add(user)
