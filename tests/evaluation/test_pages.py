"""Every portal page renders for the people who use it, in each state of a review."""

from decimal import Decimal

import pytest
from django.urls import reverse

from evaluation.services.reviews import review_return, review_start
from evaluation.services.scoring import review_finalize
from tests.evaluation.helpers import assign_all, fill, score_all, submitted_review

pytestmark = pytest.mark.django_db


def get(client, user, name, *args):
    client.force_login(user)
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200, (user.username, name)
    return response


def test_pages_through_a_review_s_life(ev, client):
    get(client, ev.leader, "evaluation:home")
    home = get(client, ev.leader, "evaluation:home")
    assert (ev.cycle, ev.org) in home.context["startable"]
    review = review_start(cycle=ev.cycle, organization=ev.org, actor=ev.leader)
    page = get(client, ev.leader, "evaluation:review", review.pk)
    assert page.context["can_edit"] and 'value="submit"' in page.content.decode()
    fill(review, ev.leader)
    get(client, ev.staff, "evaluation:review", review.pk)
    review = submitted_review(ev)
    assign_all(ev, review, groups=["expert"])
    assignment = review.assignments.get()
    score = get(client, ev.evaluators["expert"], "evaluation:score", assignment.pk)
    assert score.context["can_score"]
    get(client, ev.evaluators["expert"], "evaluation:assignments")
    get(client, ev.evaluators["expert"], "evaluation:home")
    review_return(review=review, comment="请补充", actor=ev.staff)
    page = get(client, ev.leader, "evaluation:review", review.pk)
    assert "请补充" in page.content.decode()
    from evaluation.services.reviews import review_submit

    review_submit(review=review, actor=ev.leader)
    get(client, ev.leader, "evaluation:versions", review.pk)
    score_all(review, ev.evaluators["expert"], Decimal("0.9"))
    review_finalize(review=review, actor=ev.staff)
    page = get(client, ev.leader, "evaluation:review", review.pk)
    assert page.context["can_download"]
    staff = get(client, ev.staff, "evaluation:review", review.pk)
    assert not staff.context["can_finalize"] and not staff.context["can_return"]
