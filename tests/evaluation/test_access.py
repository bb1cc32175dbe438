"""Conflicts of interest, and who answers 404: leader2, an unassigned evaluator, another
street's staff — for every review URL."""

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.roles import Role
from core.errors import ActionRefused
from evaluation.models import ConflictDeclaration
from evaluation.services.scoring import assignment_create, conflict_declare, review_finalize
from evaluation.workflows import AssignmentStatus
from tests.evaluation.helpers import assign_all, make_org, score_all, submitted_review
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_an_evaluator_cannot_be_assigned_to_an_organization_they_lead(ev):
    review = submitted_review(ev)
    evaluator = ev.evaluators["expert"]
    ev.org.leader_accounts.add(evaluator)
    with pytest.raises(ActionRefused) as refused:
        assignment_create(review=review, evaluator=evaluator, group="expert", actor=ev.staff)
    assert "leads" in refused.value.message or "负责" in refused.value.message


def test_a_declared_conflict_blocks_assignment(ev):
    review = submitted_review(ev)
    evaluator = ev.evaluators["expert"]
    conflict_declare(
        evaluator=evaluator, organization=ev.org, reason="本人为该组织会员", actor=evaluator
    )
    with pytest.raises(ActionRefused):
        assignment_create(review=review, evaluator=evaluator, group="expert", actor=ev.staff)


def test_only_the_evaluator_declares_their_conflict(ev):
    with pytest.raises(ActionRefused):
        conflict_declare(
            evaluator=ev.evaluators["expert"], organization=ev.org, reason="x", actor=ev.staff
        )


def test_declaring_a_conflict_withdraws_the_assignment_and_its_scores_do_not_count(ev, client):
    review = submitted_review(ev)
    assign_all(ev, review, groups=["expert", "community"])
    score_all(review, ev.evaluators["community"], Decimal("0.8"))
    expert = ev.evaluators["expert"]
    assignment = review.assignments.get(evaluator=expert)
    client.force_login(expert)
    url = reverse("evaluation:score", args=[assignment.pk])
    assert client.get(url).status_code == 200
    client.post(url, {"action": "conflict", "reason": "亲属任理事"})
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.CONFLICT
    assert ConflictDeclaration.objects.filter(evaluator=expert, organization=ev.org).exists()
    assert client.get(url).status_code == 404
    assert client.get(reverse("evaluation:review", args=[review.pk])).status_code == 404
    review = review_finalize(review=review, actor=ev.staff)
    assert review.total == Decimal("800.00")


def test_only_evaluators_are_assigned(ev):
    review = submitted_review(ev)
    with pytest.raises(ActionRefused):
        assignment_create(review=review, evaluator=ev.leader, group="expert", actor=ev.staff)


def _urls(review, attachment=None):
    urls = [
        ("get", reverse("evaluation:review", args=[review.pk])),
        ("get", reverse("evaluation:versions", args=[review.pk])),
        ("get", reverse("evaluation:report", args=[review.pk])),
        ("post", reverse("evaluation:attach", args=[review.pk])),
        ("post", reverse("evaluation:return", args=[review.pk])),
        ("post", reverse("evaluation:extend", args=[review.pk])),
        ("post", reverse("evaluation:assign", args=[review.pk])),
        ("post", reverse("evaluation:finalize", args=[review.pk])),
    ]
    if attachment is not None:
        urls.append(("get", reverse("evaluation:attachment", args=[attachment.pk])))
    return urls


def test_leader2_an_unassigned_evaluator_and_another_streets_staff_get_404(
    ev, tenant, outsider_tenant, client
):
    from evaluation.models import ReviewAttachment

    review = submitted_review(ev)
    attachment = ReviewAttachment.objects.create(
        review=review, original_name="a.pdf", content_type="pdf", size=10, file="evaluation/a.pdf"
    )
    assign_all(ev, review, groups=["expert"])
    assignment = review.assignments.get()
    leader2 = UserFactory(username="leader2", role=Role.ORG_LEADER, street=tenant.street)
    make_org(tenant, name="景新书画院测试", leader=leader2)
    unassigned = ev.evaluators["community"]
    neighbour_staff = UserFactory(
        username="staff-c2",
        role=Role.COMMUNITY_STAFF,
        street=tenant.street,
        community=tenant.other_community,
    )
    outsiders = [
        leader2,
        unassigned,
        tenant.party_worker,
        neighbour_staff,
        outsider_tenant.street_admin,
        outsider_tenant.community_staff,
        outsider_tenant.leader,
        outsider_tenant.evaluator,
    ]
    for user in outsiders:
        client.force_login(user)
        for method, url in [
            *_urls(review, attachment),
            ("get", reverse("evaluation:score", args=[assignment.pk])),
            ("post", reverse("evaluation:start", args=[ev.cycle.pk, ev.org.pk])),
        ]:
            response = getattr(client, method)(url)
            assert response.status_code == 404, (user.username, url)
    # The insiders do see it.
    for user in (ev.leader, ev.staff, ev.evaluators["expert"]):
        client.force_login(user)
        assert client.get(reverse("evaluation:review", args=[review.pk])).status_code == 200


def test_the_assigned_evaluator_cannot_use_staff_actions(ev, client):
    review = submitted_review(ev)
    assign_all(ev, review, groups=["expert"])
    client.force_login(ev.evaluators["expert"])
    client.post(reverse("evaluation:finalize", args=[review.pk]))
    client.post(reverse("evaluation:return", args=[review.pk]), {"comment": "x"})
    review.refresh_from_db()
    assert review.status == "submitted"


def test_staff_panel_assigns_returns_and_finalizes(ev, client):
    review = submitted_review(ev)
    client.force_login(ev.staff)
    page = client.get(reverse("evaluation:review", args=[review.pk]))
    assert page.context["can_assign"] and page.context["can_finalize"]
    expert = ev.evaluators["expert"]
    client.post(
        reverse("evaluation:assign", args=[review.pk]), {"evaluator": expert.pk, "group": "expert"}
    )
    assert review.assignments.filter(evaluator=expert).exists()
    score_all(review, expert, Decimal("0.85"))
    client.post(reverse("evaluation:finalize", args=[review.pk]))
    review.refresh_from_db()
    assert review.status == "finalized" and review.grade == "4A"
