"""Matching a need: the shortlist is the street's listed resources in the need's family of
categories, serving its community or the whole street, in the order same community, least
used this month, newest listed — checked against that rule written out in Python over
every resource, for every shortlist length, and read in a number of queries that does
not grow with the street's resources."""

import datetime

import pytest

from marketplace import selectors
from marketplace.choices import ProviderKind
from marketplace.models import Category, Resource
from marketplace.services import listings
from marketplace.workflows import ListingStatus
from tests.marketplace.test_claims import _need

TODAY = datetime.date(2026, 12, 4)


def _resource(tenant, title, *, category, communities=(), listed=True, days_ago=0):
    resource = listings.resource_create(
        street=tenant.street,
        actor=tenant.street_admin,
        provider_kind=ProviderKind.VOLUNTEER_TEAM,
        team_name="志愿服务队",
        title=title,
        category=category,
        capacity_per_month=9,
        communities=list(communities),
    )
    if listed:
        resource = listings.resource_review(
            resource=resource, actor=tenant.street_admin, approved=True
        )
        # Listed on different days, so the newest-first order is visible.
        Resource.objects.filter(pk=resource.pk).update(
            listed_at=resource.listed_at - datetime.timedelta(days=days_ago)
        )
    return Resource.objects.get(pk=resource.pk)


def _street_mix(tenant, copies=1):
    """Resources of every kind the rule tells apart; returns the need and the resources
    used this month with how often."""
    need = _need(tenant)
    meal = need.category
    sibling = Category.objects.get(code="elderly-home_care")
    unrelated = (
        Category.objects.exclude(pk__in=[meal.pk, sibling.pk, meal.parent_id])
        .filter(parent__isnull=False)
        .exclude(parent_id=meal.parent_id)
        .first()
    )
    here, there = [tenant.community], [tenant.other_community]
    # (title, category, communities served, listed days ago, listed)
    kinds = [
        ("本社区", meal, here, 1, True),
        ("本社区旧", sibling, here, 7, True),
        ("两社区", meal, here + there, 3, True),
        ("全街道", meal, [], 2, True),
        ("全街道旧", sibling, [], 5, True),
        ("全街道较新", sibling, [], 4, True),
        ("全街道再旧", meal, [], 8, True),
        ("邻社区", meal, there, 0, True),
        ("别的类别", unrelated, [], 0, True),
        ("待审核", meal, [], 0, False),
    ]
    made = [
        _resource(
            tenant,
            f"{title}{n}",
            category=category,
            communities=served,
            days_ago=n * 10 + days,
            listed=listed,
        )
        for n in range(copies)
        for title, category, served, days, listed in kinds
    ]
    # Used this month: one resource of the community once, two street-wide ones once and
    # twice (each match is a project of another listed need).
    by_title = {r.title: r for r in made}
    used = {by_title["本社区0"]: 1, by_title["全街道0"]: 2, by_title["全街道旧0"]: 1}
    for resource, times in used.items():
        for _ in range(times):
            listings.match_need(
                need=_need(tenant), resource=resource, actor=tenant.community_staff, today=TODAY
            )
    return need, used


def _by_the_rule(need, used):
    """The rule written out over every resource, one at a time."""
    family = {need.category_id, need.category.parent_id}
    family |= set(
        Category.objects.filter(parent_id__in=family - {None}).values_list("pk", flat=True)
    )
    rows = []
    for resource in Resource.objects.prefetch_related("communities"):
        served = {c.pk for c in resource.communities.all()}
        if (
            resource.status != ListingStatus.LISTED
            or resource.street_id != need.community.street_id
            or resource.category_id not in family
            or (served and need.community_id not in served)
        ):
            continue
        same = 1 if need.community_id in served else 0
        times = used.get(resource, 0)
        rows.append((-same, times, -resource.listed_at.timestamp(), -resource.pk))
    rows.sort()
    return [(-pk, -same, times) for same, times, _listed, pk in rows]


@pytest.mark.django_db
def test_the_shortlist_follows_the_rule_at_every_length(tenant):
    need, used = _street_mix(tenant)
    expected = _by_the_rule(need, used)
    titles = [Resource.objects.get(pk=pk).title for pk, _s, _u in expected]
    assert titles == [
        "两社区0",
        "本社区旧0",
        "本社区0",
        "全街道较新0",
        "全街道再旧0",
        "全街道旧0",
        "全街道0",
    ]
    for limit in range(1, len(expected) + 2):
        shortlist = selectors.match_shortlist(need, today=TODAY, limit=limit)
        assert shortlist == expected[:limit], limit


@pytest.mark.django_db
def test_matching_reads_a_constant_number_of_queries(tenant, count_queries, settings):
    # A shortlist of 6: first the community's 3 resources leave it short (the street-wide
    # ones are read to fill it), then its 15 fill it alone; the queries are the same.
    settings.MARKETPLACE_RULES = {"match_candidates": 2}
    need, _used = _street_mix(tenant)
    with count_queries() as few:
        selectors.match_candidates(need, today=TODAY)
    _street_mix(tenant, copies=5)
    with count_queries() as many:
        candidates = selectors.match_candidates(need, today=TODAY)
    assert all("同社区" in c.reasons or "same community" in c.reasons for c in candidates)
    assert many.count == few.count, many.dump()
