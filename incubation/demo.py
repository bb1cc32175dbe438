"""Demo organizations. Grows with the organization registry."""

from accounts.models import Street, User
from incubation.models import Organization
from incubation.services import organization_add_leader, organization_create

# (name, community index, leader username)
ORGANIZATIONS = [
    ("南肖埠陆号邻里服务社", 0, "leader1"),
    ("景新书画院", 1, "leader2"),
]


def seed_organizations(street: Street, users: dict[str, User]) -> list[Organization]:
    communities = list(street.communities.order_by("pk"))
    orgs = []
    for name, community_index, leader in ORGANIZATIONS:
        community = communities[community_index]
        org = Organization.objects.filter(name=name, community=community).first()
        if org is None:
            org = organization_create(
                actor=None,
                name=name,
                community=community,
                legal_status="filed",
                filing_number=f"KX-DEMO-{community_index + 1:03d}",
            )
        organization_add_leader(organization=org, user=users[leader])
        orgs.append(org)
    return orgs
