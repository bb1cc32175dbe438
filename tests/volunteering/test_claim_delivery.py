"""A claim's delivery held as a public-benefit activity: only the claimant organization's,
and only while the claim is under way."""

import pytest
from django.core.exceptions import ValidationError

from marketplace.models import Claim
from marketplace.services.claims import claim_create
from tests.marketplace.test_claims import TODAY, _managed, _need
from tests.volunteering.helpers import publish_activity
from volunteering.choices import Series
from volunteering.workflows import ActivityStatus

pytestmark = pytest.mark.django_db


def test_a_claim_is_delivered_as_an_activity(tenant):
    org = _managed(tenant.org)
    claim = claim_create(item=_need(tenant), actor=tenant.leader, organization=org, today=TODAY)
    activity, _session = publish_activity(tenant, series=Series.CLAIM_DELIVERY, claim=claim)
    assert activity.status == ActivityStatus.PUBLISHED
    assert list(claim.activities.all()) == [activity]


def test_claim_delivery_refusals(tenant):
    with pytest.raises(ValidationError, match="claim"):
        publish_activity(tenant, series=Series.CLAIM_DELIVERY)
    org = _managed(tenant.org)
    claim = claim_create(item=_need(tenant), actor=tenant.leader, organization=org, today=TODAY)
    Claim.objects.filter(pk=claim.pk).update(status="confirmed")
    claim.refresh_from_db()
    with pytest.raises(ValidationError):
        publish_activity(tenant, series=Series.CLAIM_DELIVERY, claim=claim)
