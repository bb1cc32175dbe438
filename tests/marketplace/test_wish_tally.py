"""The wish counts kept per community and status follow every move of a wish (claims
that deliver, claims revoked, wishes withdrawn), equal a count of the wishes themselves,
and are what the public wall shows."""

import pytest
from django.db.models import Count
from django.urls import reverse

from marketplace import selectors, wish_tally
from marketplace.models import Wish, WishTally
from marketplace.services.claims import claim_create, claim_transition
from marketplace.services.wishes import wish_transition
from marketplace.workflows import ClaimStatus, WishStatus
from tests.marketplace.test_claims import _managed, _wish

pytestmark = pytest.mark.django_db


def _kept():
    return {(t.community_id, t.status): t.n for t in WishTally.objects.all() if t.n}


def _counted():
    rows = Wish.objects.values("community_id", "status").annotate(n=Count("pk"))
    return {(r["community_id"], r["status"]): r["n"] for r in rows}


def test_the_counts_follow_every_move_and_the_wall_shows_them(tenant, client):
    org = _managed(tenant.org)
    fulfilled, revoked, withdrawn, waiting = (_wish(tenant, title=f"心愿{n}") for n in range(4))
    claim = claim_create(item=fulfilled, actor=tenant.leader, organization=org)
    claim_transition(claim=claim, to=ClaimStatus.IN_PROGRESS, actor=tenant.community_staff)
    claim_transition(
        claim=claim, to=ClaimStatus.EVIDENCE_SUBMITTED, actor=tenant.leader, note="已送达"
    )
    claim_transition(claim=claim, to=ClaimStatus.CONFIRMED, actor=tenant.community_staff)
    # A claim revoked puts its wish back on the wall.
    claim = claim_create(item=revoked, actor=tenant.leader, organization=org)
    claim_transition(
        claim=claim, to=ClaimStatus.REVOKED, actor=tenant.community_staff, note="联系不上"
    )
    wish_transition(
        wish=withdrawn, to=WishStatus.WITHDRAWN, actor=tenant.community_staff, note="已由亲属解决"
    )
    assert Wish.objects.get(pk=fulfilled.pk).status == WishStatus.CONFIRMED
    assert Wish.objects.get(pk=revoked.pk).status == WishStatus.PUBLISHED
    assert _kept() == _counted()
    assert _counted()[(tenant.community.pk, WishStatus.PUBLISHED)] == 2

    wall = selectors.public_wall()
    assert wall["total"] == 3  # two waiting and one fulfilled; the withdrawn one is gone
    assert wall["fulfilled"] == 1
    assert wall["communities"] == [
        {"community_id": tenant.community.pk, "community__name": tenant.community.name, "n": 3}
    ]
    assert "心愿3" in client.get(reverse("marketplace:wish_wall")).content.decode()


def test_recount_rebuilds_the_counts_of_wishes_loaded_in_bulk(tenant):
    _wish(tenant)
    Wish.objects.update(status=WishStatus.DELIVERED)  # as a bulk load would
    assert _kept() != _counted()
    wish_tally.recount()
    assert _kept() == _counted() == {(tenant.community.pk, WishStatus.DELIVERED): 1}
