"""List pages keep a constant number of queries as rows grow."""

import pytest
from django.urls import reverse

from evaluation.services.reviews import review_start
from evaluation.services.scoring import assignment_create
from tests.evaluation.helpers import make_org

pytestmark = pytest.mark.django_db


def grow(ev, tenant, n, start=0):
    for i in range(start, start + n):
        org = make_org(tenant, name=f"服务社{i}", leader=ev.leader, party=False)
        review = review_start(cycle=ev.cycle, organization=org, actor=None)
        assignment_create(
            review=review, evaluator=ev.evaluators["expert"], group="expert", actor=ev.staff
        )


def counts(client, count_queries, url):
    with count_queries() as counter:
        assert client.get(url).status_code == 200
    return counter


@pytest.mark.parametrize(
    ("who", "url"),
    [
        ("leader", reverse("evaluation:home")),
        ("staff", reverse("evaluation:home")),
        ("expert", reverse("evaluation:assignments")),
        ("staff", reverse("admin:evaluation_review_changelist")),
        ("staff", reverse("admin:evaluation_cycle_changelist")),
    ],
)
def test_list_queries_do_not_grow_with_rows(ev, tenant, client, count_queries, who, url):
    user = {"leader": ev.leader, "staff": ev.staff, "expert": ev.evaluators["expert"]}[who]
    client.force_login(user)
    grow(ev, tenant, 2)
    few = counts(client, count_queries, url)
    grow(ev, tenant, 5, start=2)
    many = counts(client, count_queries, url)
    assert many.count == few.count, many.dump()
