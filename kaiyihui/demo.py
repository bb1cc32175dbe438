"""The demo dataset, built layer by layer through each app's own services."""

from django.db import transaction

from accounts.demo import seed_accounts, seed_geography
from evaluation.demo import seed_evaluation
from funding.demo import seed_funding
from incubation.demo import seed_organizations, walk_organizations
from incubation.models import Pairing
from partybuilding.demo import party_counts, seed_party


@transaction.atomic
def seed_demo() -> dict[str, int]:
    street = seed_geography()
    users = seed_accounts(street)
    # The registry in 登记 first; the party records that the checkpoints of 入驻, 管理 and
    # 换届 read, planned for each organization's path; then the lifecycle walks.
    registry = seed_organizations(street, users)
    seed_party(street, users, paths=registry.paths)
    orgs = walk_organizations(registry)
    party = party_counts(street)  # counted once the organizations are in their stages
    evaluation = seed_evaluation(street, users)
    funding = seed_funding(street, users)
    return {
        "communities": street.communities.count(),
        "users": len(users),
        "organizations": len(orgs),
        "pairings": Pairing.objects.active().filter(mentee__community__street=street).count(),
        **party,
        **evaluation,
        **funding,
    }
