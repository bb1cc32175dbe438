"""The public pages show nothing personal: rendered with the demo's beneficiaries (and a
party member offering a resource), their HTML holds no stored name, phone or address;
every figure on them comes from records; and a surge reads the database once."""

from django.urls import reverse

from marketplace.choices import ProviderKind
from marketplace.demo import seed_marketplace
from marketplace.models import Category, WishBeneficiary
from marketplace.services import listings
from tests.marketplace.test_claims import _managed
from tests.partybuilding.member_helpers import make_member, make_tree


def _public_html(client) -> str:
    pages = [client.get(reverse("marketplace:lists")).content.decode()]
    first = client.get(reverse("marketplace:wish_wall"))
    pages.append(first.content.decode())
    for page in range(2, first.context["pages"] + 1):
        pages.append(client.get(reverse("marketplace:wish_wall"), {"page": page}).content.decode())
    return "\n".join(pages)


def test_public_pages_hold_no_personal_data(tenant, client):
    _managed(tenant.org)
    seed_marketplace(tenant.street, {"community1": tenant.community_staff})
    member = make_member(make_tree(tenant).branch, 7, name="欧阳明华", phone="13955556666")
    offer = listings.resource_create(
        street=tenant.street,
        actor=tenant.street_admin,
        provider_kind=ProviderKind.PARTY_MEMBER,
        party_member=member,
        title="义务理发",
        category=Category.objects.get(code="elderly-home_care"),
    )
    listings.resource_review(resource=offer, actor=tenant.street_admin, approved=True)
    html = _public_html(client)
    people = list(WishBeneficiary.objects.values_list("name", "phone", "address"))
    assert len(people) > 850
    leaked = [value for row in people for value in row if value and value in html]
    assert not leaked, leaked[:10]
    assert "欧阳明华" not in html and "13955556666" not in html
    assert "义务理发" in html


def test_the_wall_counts_from_records_and_a_surge_reads_once(tenant, client, count_queries):
    _managed(tenant.org)
    seed_marketplace(tenant.street, {"community1": tenant.community_staff})
    first = client.get(reverse("marketplace:wish_wall"))
    assert first.context["fulfilled"] == 850
    assert first.context["total"] == 850 + 6  # fulfilled, and this month's six published
    client.get(reverse("marketplace:lists"))
    with count_queries() as again:
        for _ in range(20):
            client.get(reverse("marketplace:wish_wall"))
            client.get(reverse("marketplace:lists"))
    assert again.count == 0, again.dump()


def test_odd_paging_and_filters_are_not_errors(tenant, client):
    odd = ({"page": "abc"}, {"page": "-3"}, {"community": "x"}, {"page": "999"})
    for query in (*odd, {"page": "9" * 20}, {"community": "9" * 20}):
        assert client.get(reverse("marketplace:wish_wall"), query).status_code == 200
