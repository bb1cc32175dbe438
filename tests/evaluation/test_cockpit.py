"""The cycle cockpit: counts per state, filtered paged lists, overdue, reminders once a
day, and finalizing refused until scoring is complete."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from evaluation.cockpit import cockpit_counts
from evaluation.services.reviews import review_return, review_start, review_submit
from notifications.models import Notification
from tests.evaluation.helpers import (
    assign_all,
    fill,
    make_org,
    score_all,
    submitted_review,
)

pytestmark = pytest.mark.django_db


def states(ev, today):
    """ev.org submitted and scored by one of two evaluators; a draft, a returned review,
    a finalized-ready one and an organization that has not started."""
    review = submitted_review(ev)
    assign_all(ev, review, groups=["expert", "community"])
    score_all(review, ev.evaluators["expert"], Decimal("0.9"))
    drafting = make_org(ev.tenant, name="草稿服务社", leader=ev.leader, party=False)
    review_start(cycle=ev.cycle, organization=drafting, actor=ev.leader)
    returned_org = make_org(ev.tenant, name="退回服务社", leader=ev.leader, party=False)
    returned = review_start(cycle=ev.cycle, organization=returned_org, actor=ev.leader)
    fill(returned, ev.leader)
    review_submit(review=returned, actor=ev.leader)
    review_return(review=returned, comment="补充", actor=ev.staff)
    idle = make_org(ev.tenant, name="未动服务社", party=False)
    return review, idle


def test_it_counts_each_state(ev, today):
    review, _idle = states(ev, today)
    counts = cockpit_counts(ev.staff, ev.cycle, today)
    # The tenant's two fixture organizations have not started either.
    assert counts["not_started"] == 3
    assert (counts["draft"], counts["returned"], counts["submitted"]) == (1, 1, 1)
    assert (counts["scored"], counts["finalized"]) == (0, 0)
    score_all(review, ev.evaluators["community"], Decimal("0.8"))
    counts = cockpit_counts(ev.staff, ev.cycle, today)
    assert (counts["submitted"], counts["scored"]) == (0, 1)


def test_it_links_each_count_to_its_filtered_list(ev, client, today):
    states(ev, today)
    client.force_login(ev.staff)
    page = client.get(reverse("evaluation:cockpit", args=[ev.cycle.pk]))
    body = page.content.decode()
    url = reverse("evaluation:cockpit_list", args=[ev.cycle.pk])
    for state in ("not_started", "draft", "submitted", "returned", "scored", "finalized"):
        assert f"{url}?state={state}" in body
    listed = client.get(url, {"state": "draft"}).content.decode()
    assert "草稿服务社" in listed and "退回服务社" not in listed
    listed = client.get(url, {"state": "not_started", "q": "未动"}).content.decode()
    assert "未动服务社" in listed and "a书画社" not in listed
    assert client.get(url, {"state": "bogus"}).status_code == 404


def test_it_pages_the_list(ev, client, today):
    for i in range(55):
        make_org(ev.tenant, name=f"分页服务社{i:02d}", party=False)
    client.force_login(ev.staff)
    url = reverse("evaluation:cockpit_list", args=[ev.cycle.pk])
    first = client.get(url, {"state": "not_started"})
    assert len(first.context["page"].object_list) == 50
    second = client.get(url, {"state": "not_started", "page": 2})
    # 55 + ev.org and the tenant's two fixture organizations.
    assert len(second.context["page"].object_list) == 8


def test_it_lists_the_overdue_after_the_deadline(ev, client, today):
    states(ev, today)
    with time_machine.travel(ev.cycle.deadline + datetime.timedelta(days=2), tick=False):
        client.force_login(ev.staff)
        page = client.get(reverse("evaluation:cockpit", args=[ev.cycle.pk]))
    names = [org.name for org in page.context["overdue"]]
    assert "未动服务社" in names and "草稿服务社" in names and "退回服务社" in names
    assert ev.org.name not in names
    assert cockpit_counts(ev.staff, ev.cycle, today)["overdue"] == 0


def test_it_reminds_the_laggards_once_a_day(ev, client, today):
    states(ev, today)
    client.force_login(ev.staff)
    url = reverse("evaluation:cockpit_remind", args=[ev.cycle.pk])
    assert client.post(url).status_code == 302
    sent = Notification.objects.filter(kind="evaluation_nudge")
    # ev.leader leads the tenant's organization (not started), the drafting and the
    # returned one (a reminder each); the others have no leader, ev.org has submitted.
    assert set(sent.values_list("recipient", flat=True)) == {ev.leader.pk}
    assert sent.count() == 3
    client.post(url)
    assert sent.count() == 3
    with time_machine.travel(today + datetime.timedelta(days=1), tick=False):
        # (the idle session has expired overnight)
        client.force_login(ev.staff)
        client.post(url)
    assert sent.count() == 6


def test_it_refuses_reminding_to_anyone_but_street_staff(ev, client, outsider_tenant, today):
    states(ev, today)
    url = reverse("evaluation:cockpit_remind", args=[ev.cycle.pk])
    for user in (ev.leader, ev.tenant.community_staff, outsider_tenant.street_admin):
        client.force_login(user)
        assert client.post(url).status_code == 404
    assert not Notification.objects.filter(kind="evaluation_nudge").exists()


def test_it_refuses_finalizing_until_every_evaluator_has_scored(ev, client, today):
    review, _ = states(ev, today)
    client.force_login(ev.staff)
    page = client.get(reverse("evaluation:review", args=[review.pk]))
    assert not page.context["can_finalize"]
    response = client.post(reverse("evaluation:finalize", args=[review.pk]), follow=True)
    assert "1 位评估人尚未提交评分" in response.content.decode() or any(
        "评分" in str(m) for m in response.context["messages"]
    )
    review.refresh_from_db()
    assert review.status == "submitted"
    score_all(review, ev.evaluators["community"], Decimal("0.8"))
    assert client.get(reverse("evaluation:review", args=[review.pk])).context["can_finalize"]


def test_it_shows_an_outsider_nothing(ev, client, outsider_tenant, today):
    states(ev, today)
    for user in (outsider_tenant.street_admin, ev.leader, ev.evaluators["expert"]):
        client.force_login(user)
        for name in ("evaluation:cockpit", "evaluation:cockpit_list"):
            assert client.get(reverse(name, args=[ev.cycle.pk])).status_code == 404


def test_it_keeps_cockpit_queries_constant(ev, client, count_queries, today):
    client.force_login(ev.staff)

    def grow(n, start):
        for i in range(start, start + n):
            org = make_org(ev.tenant, name=f"计数服务社{i}", party=False)
            review_start(cycle=ev.cycle, organization=org, actor=None)

    urls = [
        reverse("evaluation:cockpit", args=[ev.cycle.pk]),
        reverse("evaluation:cockpit_list", args=[ev.cycle.pk]) + "?state=draft",
        reverse("evaluation:cockpit_list", args=[ev.cycle.pk]) + "?state=not_started",
    ]
    grow(2, 0)
    few = []
    for url in urls:
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        few.append(counter.count)
    grow(5, 2)
    for url, before in zip(urls, few, strict=True):
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        assert counter.count == before, counter.dump()


def test_it_links_the_staff_review_list_to_the_cockpit(ev, client, today):
    url = reverse("evaluation:cockpit", args=[ev.cycle.pk])
    client.force_login(ev.staff)
    assert url in client.get(reverse("evaluation:home")).content.decode()
    client.force_login(ev.leader)
    assert url not in client.get(reverse("evaluation:home")).content.decode()


def test_street_staff_see_the_latest_cycles_reviews_changed_last(ev, client, today):
    """A province-sized street has 30,000 reviews a year: the staff's start page lists the
    latest cycle's, the one changed last first, and leaves the rest to the cockpit."""
    from evaluation import views
    from evaluation.models import Review
    from tests.evaluation.helpers import make_cycle, make_org

    old_cycle = make_cycle(ev.tenant.street, year=2025)
    first = review_start(cycle=ev.cycle, organization=ev.org, actor=ev.leader)
    other = make_org(ev.tenant, name="凯益第二服务社", leader=ev.leader)
    second = review_start(cycle=ev.cycle, organization=other, actor=ev.leader)
    last_year = review_start(cycle=old_cycle, organization=ev.org, actor=ev.leader)
    Review.objects.filter(pk=first.pk).update(
        updated_at=second.updated_at + datetime.timedelta(hours=1)
    )

    client.force_login(ev.staff)
    response = client.get(reverse("evaluation:home"))
    assert [r.pk for r in response.context["reviews"]] == [first.pk, second.pk]
    assert last_year.pk not in {r.pk for r in response.context["reviews"]}
    assert response.context["recent_for_staff"] == views.RECENT_FOR_STAFF
    # The leader still sees every review of their organizations, both years.
    client.force_login(ev.leader)
    mine = {r.pk for r in client.get(reverse("evaluation:home")).context["reviews"]}
    assert mine == {first.pk, second.pk, last_year.pk}
