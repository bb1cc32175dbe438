"""Builders for rankings tests: a published scheme and facts of the lower apps, written
straight into their tables (their own services are tested in their own suites)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from incubation.models import CreditListing
from marketplace.choices import NeedSource, TargetGroup
from marketplace.models import Category, Claim, Need
from marketplace.workflows import ClaimStatus, ListingStatus
from rankings.services.schemes import scheme_create, scheme_publish
from tests.marketplace.conftest import _categories  # noqa: F401  (needs reach the categories)

PERIOD = datetime.date(2026, 11, 1)


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture
def scheme(tenant):
    draft = scheme_create(
        street=tenant.street, actor=tenant.street_admin, effective_from=datetime.date(2026, 1, 1)
    )
    return scheme_publish(draft, actor=tenant.street_admin)


def make_need(community, title="独居老人助餐"):
    return Need.objects.create(
        community=community,
        title=title,
        category=Category.objects.get(code="elderly-meal"),
        target_group=TargetGroup.ELDERLY_ALONE,
        window_start=PERIOD,
        window_end=PERIOD + datetime.timedelta(days=60),
        source=NeedSource.HOME_VISIT,
        estimated_value=Decimal("600"),
        status=ListingStatus.LISTED,
    )


def confirm_claims(org, count, *, on=PERIOD, rating=None, need=None):
    """``count`` confirmed (or rated) claims of one need by ``org``, confirmed on ``on``."""
    need = need or make_need(org.community)
    return Claim.objects.bulk_create(
        Claim(
            target="need",
            need=need,
            community=org.community,
            slot=slot,
            organization=org,
            status=ClaimStatus.RATED if rating else ClaimStatus.CONFIRMED,
            deadline=on + datetime.timedelta(days=14),
            confirmed_at=at(on),
            rating=rating,
        )
        for slot in range(
            Claim.objects.filter(need=need).count() + 1,
            Claim.objects.filter(need=need).count() + 1 + count,
        )
    )


def list_on_credit_list(org, list_kind="abnormal", on=PERIOD):
    return CreditListing.objects.create(
        organization=org, list_kind=list_kind, ground="late_annual_report", listed_on=on
    )
